"""A subject access response (UK GDPR Art. 15; WIR 2.10): everything held about a child and
their family members, as a readable PDF and a JSON file with every value.

The PDF shows each record under a heading in words ("Visits", "People"), its fields by name
with their values (not the store's internal ids), then the history: each audit entry, who
changed what and when. A family reads it: each day is written in full, "3 November 2026"
(`day_long`), a meeting's name too ("CIN review meeting 3 November 2026",
`labels_in_full`), as in the plan, the minutes and the letters. The JSON holds the same,
with the ids and ISO dates, for a reviewer's tools.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cintui.domain.dates import day_long
from cintui.domain.meeting import labels_in_full
from cintui.export.endings import _pdf_page, _write_para
from cintui.export.files import write_private

HEADINGS = {
    "child": "The child", "family": "Household", "person": "People",
    "child_person": "How each person relates to the child", "consent": "Consent",
    "episode": "Episodes (referral to closure)", "circumstance": "Circumstances",
    "direct_payment_review": "Direct payment reviews", "visit": "Visits",
    "visit_present": "Others present at visits", "visit_action": "Plan actions at visits",
    "visit_addendum": "Addenda to visits", "plan": "Plans", "plan_version": "Plan versions",
    "plan_need": "Needs in the plan", "plan_service": "Services in the plan",
    "plan_action": "Plan actions", "rag_change": "Rating changes", "meeting": "Meetings",
    "meeting_invitee": "Meeting invitees", "meeting_distribution": "Minutes sent",
    "supervision": "Supervision", "supervision_action": "Supervision actions",
    "family_group_conference": "Family Group Conferences",
    "cp_enquiry": "Child protection enquiries", "ending": "Endings", "decision": "Decisions",
    "reallocation": "Reallocations", "quality_check": "Quality checks",
    "child_access": "Who may see the record", "draft": "Drafts (not yet part of the record)",
}
ACTIONS = {"insert": "recorded", "update": "changed", "delete": "deleted"}


def heading(table: str) -> str:
    return HEADINGS.get(table, table.replace("_", " ").capitalize())


LABELS = {"created_at": "Recorded", "dob": "Date of birth", "expected_dob": "Expected date of birth",
          "upn": "UPN", "upn_unknown": "UPN unknown", "childs_comments": "Child's comments",
          "childs_welfare": "Child's welfare", "childs_views": "Child's views",
          "parents_comments": "Parents' comments", "parents_views": "Parents' views",
          "childs_voice": "Child's voice"}


def _label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


def _when(text: str) -> str:
    """"2026-11-23T08:00:00+00:00" as "23 November 2026 08:00 UTC"; a date as "23 November
    2026"."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return text
    if len(text) == 10:
        return day_long(value)
    if value.utcoffset() is not None:
        value = value.astimezone(UTC)
    return f"{day_long(value)} {value:%H:%M}" + (" UTC" if value.utcoffset() is not None else "")


_HEX_ID = re.compile(r"[0-9a-f]{32}")


def _shown(key: str, value: Any) -> str | None:
    """A field as a reader sees it; None for internal ids and empty values. A field that
    holds a record of its own (minutes, a draft, an assessment under its headings) is
    written as its fields, one a line, not as the JSON the store keeps."""
    if key == "id" or key.endswith("_id") or key in ("updated_at", "need_key"):
        return None
    if value is None or value == "" or value in ("[]", "{}"):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value[:1] in "{[":
        try:
            held = json.loads(value)
        except ValueError:
            held = None
        if isinstance(held, list):
            return _inline(key, held)
        if isinstance(held, dict):
            lines = _held_lines(held)
            return "\n".join(["", *lines]) if lines else None
    if isinstance(value, str) and _HEX_ID.fullmatch(value):
        return None  # an internal key (a need's in the minutes)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        return _when(value)
    return labels_in_full(str(value))


def _inline(key: str, value: Any) -> str | None:
    """A value inside a held record on one line: "Name: Fatima Chowdhury; Role: Mother"."""
    if isinstance(value, dict):
        parts = [f"{_label(k)}: {shown}" for k, v in value.items()
                 if (shown := _inline(k, v)) is not None]
        return "; ".join(parts) or None
    if isinstance(value, list):
        parts = [shown for v in value if (shown := _inline(key, v)) is not None]
        return ", ".join(parts) or None
    return _shown(key, value)


def _held_lines(held: dict) -> list[str]:
    """A record a field holds, one line a field (a list of records, one line each)."""
    lines = []
    for key, value in held.items():
        if isinstance(value, list) and any(isinstance(v, dict) for v in value):
            items = [f"  - {shown}" for v in value if (shown := _inline(key, v)) is not None]
            if items:
                lines += [f"  {_label(key)}:", *items]
        elif (shown := _inline(key, value)) is not None:
            lines.append(f"  {_label(key)}: {shown}")
    return lines


def _changed(value: Any) -> str:
    """A value before or after a change in the history, as `_shown` writes a field."""
    if value in (None, ""):
        return "(blank)"
    shown = _shown("", value)
    return "(blank)" if shown is None else shown


def to_json(doc) -> str:
    return json.dumps({
        "kind": "subject access response", "reference": doc.reference, "child": doc.child,
        "authority": doc.authority, "requested_by": doc.requested_by,
        "requested_on": doc.requested_on.isoformat(), "produced_by": doc.produced_by,
        "produced_at": doc.produced_at.isoformat(), "shared_people": list(doc.shared),
        "records": doc.records, "history": doc.history,
    }, ensure_ascii=False, indent=1)


def _history_line(entry: dict) -> str:
    changes = entry.get("changes") or {}
    fields = [k for k in changes if k not in ("id", "created_at", "updated_at")]
    what = f"{ACTIONS.get(entry['action'], entry['action'])} {heading(entry['entity']).lower()}"
    if entry["action"] == "update" and fields:
        parts = []
        for key in fields[:8]:
            before, after = changes[key]
            parts.append(f"{_label(key)}: {_changed(before)} -> {_changed(after)}")
        what += ": " + "; ".join(parts)
    return f"{_when(entry['at'])} {entry['actor']} {what}"


def sections(doc) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = [("About this response", [
        f"Records held about {doc.child} (case reference {doc.reference}) and their family "
        f"members by {doc.authority or 'the service'}.",
        f"Requested by: {doc.requested_by}, on {day_long(doc.requested_on)}.",
        f"Produced by: {doc.produced_by}, {day_long(doc.produced_at)} {doc.produced_at:%H:%M}.",
        "Before it is sent, check each record for information about other people that "
        "must not be shared (third-party information)."
        + (f" People here who are also on another child's record: {', '.join(doc.shared)}."
           if doc.shared else ""),
    ])]
    for table, rows in doc.records.items():
        lines = []
        for number, row in enumerate(rows, start=1):
            fields = [f"{_label(k)}:{shown if shown.startswith(chr(10)) else ' ' + shown}"
                      for k, v in row.items() if (shown := _shown(k, v)) is not None]
            lines.append(f"{number}. " + "\n".join(fields))
        out.append((f"{heading(table)} ({len(rows)})", lines))
    out.append((f"History: the audit trail ({len(doc.history)} entries)",
                [_history_line(e) for e in doc.history]))
    return out


def to_pdf(doc) -> bytes:
    title = f"Subject access: {doc.child} ({doc.reference})"
    parts = sections(doc)
    texts = title + "".join(h + "".join(body) for h, body in parts)
    pdf, family = _pdf_page(title, texts)
    _write_para(pdf, family, title, 15, bold=True)
    for head, body in parts:
        _write_para(pdf, family, head, 12.5, bold=True, gap=1)
        for line in body:
            _write_para(pdf, family, line, 9.5, gap=1.5)
        pdf.ln(2)
    return bytes(pdf.output())


def write(doc, folder: Path) -> list[Path]:
    """The PDF and the JSON into `folder` (0600 files): SAR-REFERENCE-YYYY-MM-DD.pdf/.json."""
    stem = f"subject-access-{doc.reference}-{doc.requested_on.isoformat()}"
    return [write_private(folder / f"{stem}.pdf", to_pdf(doc)),
            write_private(folder / f"{stem}.json", to_json(doc).encode("utf-8"))]
