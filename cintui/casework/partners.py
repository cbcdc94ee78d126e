"""CIN status for partners (STO 4.5 "Improve the sharing of information across all agencies
particularly with children in need so that all agencies are aware of the CIN status";
"Review approach to flags on NICHE … to include CIN"; WAR 4.3 partners held to account).

The children subject to a CIN plan, with only what a partner needs to flag them: name, date
of birth, address where the store holds one (the household's, else that of a person the
child lives with, parental responsibility first), the allocated worker, the team and the
date the plan started. Every export is a `disclosure` row written in the same transaction, so
the audit trail says who exported what (the references) for whom and why.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import date

from sqlmodel import Session

from cintui.casework import cases
from cintui.casework.lookup import rows_from
from cintui.store import models as m

FIELDS = ("reference", "first_name", "last_name", "dob", "address", "worker", "team",
          "cin_plan_start")
FORMATS = ("csv", "json")

_CIN = """
SELECT c.reference, c.first_name, c.last_name, c.dob, c.expected_dob,
       COALESCE(NULLIF(f.address, ''), (
           SELECT p.address FROM child_person AS cp JOIN person AS p ON p.id = cp.person_id
           WHERE cp.child_id = c.id AND cp.lives_with_child AND p.address <> ''
           ORDER BY cp.parental_responsibility DESC, p.name LIMIT 1)), w.name,
       t.name, (SELECT e.cin_plan_start FROM episode AS e WHERE e.child_id = c.id
                ORDER BY e.referral_date DESC LIMIT 1)
FROM child AS c
LEFT JOIN family AS f ON f.id = c.family_id
LEFT JOIN worker AS w ON w.id = c.worker_id
LEFT JOIN team AS t ON t.id = c.team_id
WHERE c.status = 'cin_plan' AND ({scope})
ORDER BY c.last_name, c.first_name, c.reference
"""


class PartnersError(cases.CaseworkError):
    """An export refused, in a worker's words (field, problem)."""


@dataclass(frozen=True)
class CinStatus:
    reference: str
    first_name: str
    last_name: str
    dob: str  # ISO; an unborn child's expected date, marked "expected"
    address: str
    worker: str
    team: str
    cin_plan_start: str


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, date) else (str(value)[:10] if value else "")


def cin_status(session: Session, *, team: str | None = None) -> list[CinStatus]:
    """The children subject to a CIN plan (of `team`, or every team)."""
    scope, params = "1 = 1", {}
    if team:
        found = cases.find_team(session, team)
        scope = "c.team_id = (SELECT id FROM team WHERE name = :team)"
        params = {"team": found.name}
    out = []
    for ref, first, last, dob, expected, address, worker, team_name, start in rows_from(
            session)(_CIN.format(scope=scope), params):
        born = _iso(dob) if dob else (f"expected {_iso(expected)}" if expected else "")
        out.append(CinStatus(ref, first or "", last or "", born, address or "",
                             worker or "", team_name or "", _iso(start)))
    return out


def render(children: list[CinStatus], fmt: str, *, produced: date, recipient: str) -> str:
    if fmt == "json":
        return json.dumps({"format": "cintui-cin-status", "format_version": 1,
                           "produced": produced.isoformat(), "for": recipient,
                           "children": [asdict(c) for c in children]},
                          indent=2, ensure_ascii=False) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for c in children:
        writer.writerow([_safe(getattr(c, f)) for f in FIELDS])
    return buffer.getvalue()


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (= + - @ at the start)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def record_disclosure(session: Session, children: list[CinStatus], *, recipient: str,
                      purpose: str, by: str, on: date, team: str | None,
                      file: str) -> m.Disclosure:
    """The export, in the audit trail: who, for whom, why, which children."""
    if not recipient.strip():
        raise PartnersError("for", "say who the export is for (the agency: e.g. Police, "
                                   "for NICHE flags)")
    if not purpose.strip():
        raise PartnersError("purpose", "say why it is shared (STO 4.5: so partners know the "
                                       "CIN status)")
    row = m.Disclosure(kind="cin_status", exported_on=on, exported_by=by,
                       recipient=recipient.strip()[:200], purpose=purpose.strip(),
                       scope=(team or "")[:200], children=len(children),
                       refs="\n".join(c.reference for c in children), file=file[:400])
    session.add(row)
    session.flush()
    return row
