"""The step-down pack (WIR 3, TRA) and the transfer pack (BEX 4).

Step-down pack: one document (DOCX, PDF, Markdown or JSON) built from the final plan so
the family need not tell their story again (TRA): the child, the receiving service and the
lead professional, why stepping down, each need with its rating and what is still to do,
the latest minutes' decisions, the visits summary and the documents that go. The family
reads it (WIR 3: they consent to the Level 3 service, and the plan seeds the TAF plan), so
each day is written in full, "23 November 2026" (`day_long`), as in the plan, the minutes
and the letters; its JSON keeps ISO dates.

Transfer pack: one folder (0700) of DOCX and PDF files (the assessment summary, the CIN
plan, the latest review minutes, the case summary and chronology) and one JSON file
holding everything the receiving authority needs to recreate the child; files 0600.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cintui.domain.dates import day_long, day_words
from cintui.domain.endings import DECISION_KIND_LABELS
from cintui.domain.family_text import family_text
from cintui.domain.gcp2 import AREA_LABELS as GCP2_AREAS
from cintui.domain.plan import ACTION_STATUS_LABELS, ENDED_BY, PlanVersion
from cintui.domain.short_breaks import (
    DirectPaymentFact,
    ReviewFact,
    ShortBreakFact,
    package_line,
)
from cintui.domain.steps import CIRCUMSTANCE_KEYS, circumstances_held
from cintui.domain.transfer import (
    CONSENT_TO_SHARE_LABELS,
    MOVE_WORDS,
    NO_PLAN,
    documents_going,
    moved_repeatedly,
)
from cintui.export import minutes as minutes_export
from cintui.export import plan as plan_export
from cintui.export.endings import _pdf_page, _write_para
from cintui.export.plan import _jsonable, _write_private

STEP_DOWN_FORMATS = ("docx", "pdf", "md", "json")
PACK_FORMATS = ("docx", "pdf")
Sections = list[tuple[str, list[str]]]


Day = Callable[..., str]  # (a date or None, what to write for none) -> its words


def _day(d: date | None, empty: str = "—") -> str:
    return day_words(d, empty)  # a day as the app writes it; "—" for none in a pack


def _long_day(d: date | None, empty: str = "—") -> str:
    return day_long(d, empty)  # a day as a family reads it: the step-down pack


def _iso_day(value: str | None, empty: str = "—", day: Day = _day) -> str:
    return day(date.fromisoformat(value[:10])) if value else empty


def _yes_no(value: bool | None, empty: str = "not recorded") -> str:
    return empty if value is None else "yes" if value else "no"


# ---------------------------------------------------------------- sections → files


def sections_markdown(title: str, sections: Sections, produced: date, day: Day = _day) -> str:
    lines = [f"# {title}", "", f"Produced {day(produced)}.", ""]
    for heading, body in sections:
        lines += [f"## {heading}", ""]
        lines += [f"- {b}" for b in body] if len(body) > 1 else body
        lines.append("")
    return "\n".join(lines)


def sections_docx(title: str, sections: Sections, produced: date, day: Day = _day) -> bytes:
    from docx import Document

    d = Document()
    d.core_properties.title = title
    d.core_properties.author = ""
    d.add_heading(title, level=0)
    d.add_paragraph(f"Produced {day(produced)}.")
    for heading, body in sections:
        d.add_heading(heading, level=1)
        for line in body:
            d.add_paragraph(line, style="List Bullet" if len(body) > 1 else None)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def sections_pdf(title: str, sections: Sections, produced: date, day: Day = _day) -> bytes:
    texts = title + "".join(h + "".join(b) for h, b in sections)
    pdf, family = _pdf_page(title, texts.replace("→", "->"))

    def clean(text: str) -> str:
        return text.replace("→", "->") if family == "helvetica" else text

    _write_para(pdf, family, clean(title), 15, bold=True)
    _write_para(pdf, family, f"Produced {day(produced)}.", 10)
    for heading, body in sections:
        _write_para(pdf, family, clean(heading), 12.5, bold=True, gap=1)
        for line in body:
            _write_para(pdf, family, clean(line), 10.5, gap=1)
        pdf.ln(2)
    return bytes(pdf.output())


def _render(title: str, sections: Sections, produced: date, fmt: str,
            day: Day = _day) -> bytes:
    if fmt == "md":
        return sections_markdown(title, sections, produced, day).encode("utf-8")
    if fmt == "docx":
        return sections_docx(title, sections, produced, day)
    if fmt == "pdf":
        return sections_pdf(title, sections, produced, day)
    raise ValueError(f"unknown format {fmt!r}")


# ---------------------------------------------------------------- the plan in words


def _still_to_do(version: PlanVersion, day: Day = _day) -> list[str]:
    lines = []
    for need in version.needs:
        rating = plan_export.rag_text(need.rag)
        lines.append(f"{rating}: {need.now}"
                     + (f" What we want: {need.outcome}" if need.outcome else ""))
        for a in need.actions:
            if a.status in ("done",):
                continue
            when = f"by {day(a.by_when)}" if a.by_when else "no date"
            lines.append(f"» still to do: {a.what} — {a.who or 'no one named'}, {when} "
                         f"({ACTION_STATUS_LABELS.get(a.status, a.status).lower()})")
    return lines or ["The plan names no needs."]


# ---------------------------------------------------------------- named practice tools


def practice_sections(data: dict, day: Day = _day) -> Sections:
    """Signs of Safety (STO 6.3): the current danger statements and safety goals and each
    person's scaling over time; GCP2 (STO 4.3, 7.1): each one's grades and summary. Nothing
    shown when none is recorded (not every authority uses them)."""
    out: Sections = []
    sos = data.get("signs_of_safety") or {}
    statements = [st for st in sos.get("statements", []) if st.get("current", True)]
    people: dict[tuple[str, str], list[dict]] = {}
    for sc in sorted(sos.get("scalings", []), key=lambda sc: sc["on"]):
        people.setdefault((sc["who"], sc["role"]), []).append(sc)
    if statements or people:
        lines = [f"{'Danger statement D' if st['kind'] == 'danger' else 'Safety goal G'}"
                 f"{st['number']}" + (f" (for D{st['danger']})" if st.get("danger") else "")
                 + f": {st['text']}" for st in statements]
        lines += [f"Scaling by {who} ({role}), 0-10: "
                  + " → ".join(f"{sc['score']} ({_iso_day(sc['on'], day=day)})" for sc in found)
                  + (f". Latest why: {found[-1]['why']}" if found[-1].get("why") else "")
                  for (who, role), found in people.items()]
        out.append(("Signs of Safety (STO 6.3)", lines))
    gcp2 = data.get("gcp2") or []
    if gcp2:
        out.append(("Graded Care Profile 2 (1 best care, 5 poorest)", [
            f"{_iso_day(g['on'], day=day)} · {g['assessor']}: "
            + ", ".join(f"{GCP2_AREAS.get(a, a)} {n}" for a, n in g["grades"].items())
            + f". {g['summary']}"
            + (" Attached to: " + "; ".join(g["needs"]) if g.get("needs") else "")
            for g in gcp2]))
    return out


# ---------------------------------------------------------------- the step-down pack


@dataclass(frozen=True)
class StepDownPack:
    child_name: str
    child_reference: str
    dob: date | None
    authority: str
    worker: str
    ending: dict  # cintui.transfer.ending_json
    why: tuple[str, ...]
    plan: PlanVersion | None  # the final plan (the plan in force)
    minutes_decisions: tuple[tuple[str, str], ...]
    minutes_held_on: date | None
    visits: tuple[str, ...]
    today: date
    title: str = field(default="Step-down to early help")
    practice: dict = field(default_factory=dict)  # cintui.transfer.practice_json
    packages: tuple[str, ...] = ()  # WAR 7: short breaks and direct payments still running

    @property
    def heading(self) -> str:
        return f"{self.title}: {self.child_name} ({self.child_reference})"


def step_down_sections(doc: StepDownPack) -> Sections:
    """(heading, lines) in reading order: what every format shows, each day in full (the
    family reads it)."""
    e = doc.ending
    plan = doc.plan
    return [
        ("The child", [f"{doc.child_name} ({doc.child_reference})",
                       f"Date of birth: {_long_day(doc.dob, 'not known')}",
                       f"From: {doc.authority or 'the'} children's social care"
                       + (f", social worker {doc.worker}" if doc.worker else "")]),
        ("Stepping down to (WIR 3)", [
            f"Receiving service: {e.get('receiving_service') or 'not named yet'}",
            f"Lead professional: {e.get('lead_professional') or 'not named yet'}"
            + (f" ({e['lead_contact']})" if e.get("lead_contact") else ""),
            "Conversation with the receiving team: "
            + _yes_no(e.get("conversation_held"))
            + (f" — {e['conversation_notes']}" if e.get("conversation_notes") else ""),
            f"The family consents to the Level 3 service: {_yes_no(e.get('family_consent'))}",
            "Unmet need stepped down (STO 3.3): " + _yes_no(e.get("unmet_need"))]),
        ("Why stepping down", list(doc.why)),
        (f"The plan: {'v' + str(plan.number) if plan else 'none'}"
         + (f", agreed {_long_day(plan.agreed_on)}" if plan and plan.agreed_on else "")
         # WIR 3: the final meeting (or the closure) ended it; the TAF plan takes it on.
         + (f", ended at {ENDED_BY[plan.ended_by]} on {_long_day(plan.ended_on)}"
            if plan and plan.ended_on else ""),
         ([f"What we want for the child: {plan.objectives}"] if plan and plan.objectives
          else []) + (_still_to_do(plan, _long_day) if plan else [f"{NO_PLAN}."])),
        ("The latest meeting's decisions" + (f" ({_long_day(doc.minutes_held_on)})"
                                              if doc.minutes_held_on else ""),
         [f"{k}: {v}" for k, v in doc.minutes_decisions] or ["No minutes on record."]),
        ("Visits", list(doc.visits)),
        *practice_sections(doc.practice, _long_day),
        *([("Short breaks and direct payments continuing (WAR 7, 7.2.1)",
            list(doc.packages))] if doc.packages else []),
        ("The documents that go", documents_going(e.get("documents", []), has_plan=bool(plan))
         or ["None chosen yet."]),
    ]


def step_down_json(doc: StepDownPack) -> str:
    return json.dumps({
        "format": "cintui-step-down-pack", "format_version": 1,
        "child": {"name": doc.child_name, "reference": doc.child_reference,
                  "dob": doc.dob.isoformat() if doc.dob else None},
        "authority": doc.authority, "worker": doc.worker, "step_down": doc.ending,
        "why": list(doc.why), "plan": _jsonable(doc.plan) if doc.plan else None,
        "latest_minutes": {"held_on": doc.minutes_held_on.isoformat()
                           if doc.minutes_held_on else None,
                           "decisions": dict(doc.minutes_decisions)},
        "visits": list(doc.visits), "short_breaks_and_direct_payments": list(doc.packages),
        "produced": doc.today.isoformat(),
        **doc.practice,
    }, indent=2, ensure_ascii=False)


def render_step_down(doc: StepDownPack, fmt: str) -> bytes:
    if fmt == "json":
        return step_down_json(doc).encode("utf-8")
    if fmt not in STEP_DOWN_FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of "
                         + ", ".join(STEP_DOWN_FORMATS))
    family = [(family_text(heading), [family_text(line) for line in body])
              for heading, body in step_down_sections(doc)]  # the family sees it too
    return _render(family_text(doc.heading), family, doc.today, fmt, _long_day)


def write_step_down(doc: StepDownPack, path: Path, fmt: str) -> Path:
    """The step-down pack as `fmt`, created 0600."""
    return _write_private(Path(path), render_step_down(doc, fmt))


# ---------------------------------------------------------------- the transfer pack


@dataclass(frozen=True)
class TransferDocuments:
    data: dict  # cintui.transfer.pack_data: the pack's JSON
    plan: plan_export.PlanDocument | None
    minutes: object | None  # domain.meeting.MinutesDocument of the latest review
    visits: tuple[str, ...]
    today: date


def circumstance_lines(data: dict) -> list[str]:
    """WAR 2.2.2, 4.2: the circumstances the pack carries, as held on the day it was made
    (a young person's referral to adult social care and whom to call there among them)."""
    rows = [(r["kind"], r["value"], date.fromisoformat(r["recorded_on"][:10]),
             r.get("contact") or "") for r in data.get("circumstances", [])
            if r.get("kind") in CIRCUMSTANCE_KEYS and r.get("recorded_on")]
    return circumstances_held(rows)


def assessment_sections(data: dict, visits: tuple[str, ...] = ()) -> Sections:
    c, ep, tr = data["child"], data["episode"], data["transfer"]
    people = data.get("people", [])
    return [
        ("The child", [f"{c['full_name']} ({c['reference']})",
                       f"Date of birth: {_iso_day(c.get('dob'), 'not known')}",
                       f"Primary need: {ep.get('primary_need')} {ep.get('primary_need_label') or ''}"
                       .rstrip()]),
        ("Circumstances (WAR 2.2.2)", circumstance_lines(data) or ["None recorded."]),
        ("The assessment", [
            f"Referred: {_iso_day(ep.get('referral_date'))} "
            f"({ep.get('referral_source_label') or ep.get('referral_source')})",
            f"Assessment started: {_iso_day(ep.get('assessment_started'))}; completed: "
            f"{_iso_day(ep.get('assessment_completed'), 'not completed')}",
            f"Factors identified: {ep.get('assessment_factors') or 'none recorded'}",
            f"CIN plan from: {_iso_day(ep.get('cin_plan_start'), 'no plan')}"]),
        ("The move (BEX 4)", [
            f"Receiving authority: {tr.get('receiving_authority') or '—'}"
            + (f", contact {tr['receiving_contact']}" if tr.get("receiving_contact") else ""),
            f"Date of move: {_iso_day(tr.get('move_date'))}",
            "Permission to share: "
            + CONSENT_TO_SHARE_LABELS.get(tr.get("consent_to_share") or "", "not recorded")
            + (f" — {tr['consent_reason']}" if tr.get("consent_reason") else ""),
            f"Moves known: {tr.get('moves_count') if tr.get('moves_count') is not None else '—'}"
            + ("; trafficking and modern slavery considered: "
               + (tr.get("trafficking_considered") or "NOT YET RECORDED")
               if moved_repeatedly(tr.get("moves_count")) else ""),
            *(f"{label}: {tr.get(key) or 'NOT YET RECORDED'}" for key, label in MOVE_WORDS
              if key != "sharing_advice" or tr.get("consent_to_share") == "refused")]),
        ("People around the child", [
            f"{p['name']}: {p.get('relationship') or p.get('role') or p['kind']}"
            + (f" ({p['agency']})" if p.get("agency") else "")
            + ("; parental responsibility" if p.get("parental_responsibility") else "")
            + ("; lives with the child" if p.get("lives_with_child") else "")
            for p in people] or ["None recorded."]),
        ("Visits", list(visits) or ["No visits recorded."]),
    ]


def _opt_day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def package_lines(data: dict) -> list[str]:
    """WAR 7, 7.2.1: the pack's short breaks and direct payments, one line each."""
    out = []
    for key, make, names in (
            ("short_breaks", ShortBreakFact, ("provider", "kind", "hours", "per")),
            ("direct_payments", DirectPaymentFact, ("amount_pence", "period", "managed_by"))):
        for p in data.get(key, []):
            reviews = tuple(ReviewFact(_opt_day(r["reviewed_on"]), r.get("reviewed_by", ""))
                            for r in p.get("reviews", []))
            out.append(package_line(make(
                *(p[n] for n in names), _opt_day(p["started_on"]), _opt_day(p["review_due"]),
                _opt_day(p.get("ended_on")), p.get("end_reason") or "", reviews=reviews)))
    return out


def case_summary_sections(data: dict) -> Sections:
    tr = data["transfer"]
    decisions = [
        f"{_iso_day(d['made_on'])} · {DECISION_KIND_LABELS.get(d['kind'], d['kind'])}: "
        f"{d['decision']} — {d['made_by']}"
        + (f" ({d['made_by_role']})" if d.get("made_by_role") else "")
        + f". Rationale: {d['rationale']}" for d in data.get("decisions", [])]
    return [
        ("The transfer", [
            f"From {data.get('from_authority') or '—'} to "
            f"{tr.get('receiving_authority') or '—'}, move on {_iso_day(tr.get('move_date'))}",
            f"Manager's decision: {_iso_day(tr.get('decided_on'))} by "
            f"{tr.get('decided_by') or '—'}: {tr.get('rationale') or '—'}"]),
        ("Decisions (BEX 4)", decisions or ["None recorded."]),
        ("Supervision and case direction (STO 4.5, 8.5)", [
            f"{_iso_day(s['held_on'])} · {s['manager']}: {s['decisions']}"
            + (f" (present: {s['present']})" if s.get("present") else "")
            for s in data.get("supervisions", [])] or ["None recorded."]),
        *practice_sections(data),
        ("Short breaks and direct payments (WAR 7, 7.2.1)",
         package_lines(data) or ["None recorded."]),
        ("Chronology", [f"{_iso_day(c['when'])} · {c['summary']}"
                        + (f" ({c['who']})" if c.get("who") else "")
                        + (f" — {c['detail']}" if c.get("detail") else "")
                        for c in data.get("chronology", [])] or ["Nothing recorded."]),
    ]


def write_transfer_pack(docs: TransferDocuments, folder: Path,
                        formats: tuple[str, ...] = PACK_FORMATS) -> list[Path]:
    """The transfer pack into `folder` (created 0700; its files 0600): each document in
    each format, and transfer-pack.json."""
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    name = docs.data["child"]["full_name"]
    ref = docs.data["child"]["reference"]
    written = []
    parts = [("assessment-summary", f"Assessment summary: {name} ({ref})",
              assessment_sections(docs.data, docs.visits)),
             ("case-summary-chronology", f"Case summary and chronology: {name} ({ref})",
              case_summary_sections(docs.data))]
    for stem, title, sections in parts:
        for fmt in formats:
            written.append(_write_private(folder / f"{stem}.{fmt}",
                                          _render(title, sections, docs.today, fmt)))
    for fmt in formats:
        if docs.plan is not None:
            written.append(_write_private(folder / f"cin-plan.{fmt}",
                                          plan_export.render(docs.plan, fmt)))
        if docs.minutes is not None:
            written.append(_write_private(folder / f"latest-review-minutes.{fmt}",
                                          minutes_export.render(docs.minutes, fmt)))
    written.append(_write_private(folder / "transfer-pack.json", json.dumps(
        docs.data, indent=2, ensure_ascii=False).encode("utf-8")))
    return written


__all__ = [
    "PACK_FORMATS", "STEP_DOWN_FORMATS", "StepDownPack", "TransferDocuments",
    "assessment_sections", "case_summary_sections", "render_step_down", "sections_docx",
    "sections_markdown", "sections_pdf", "step_down_json", "step_down_sections",
    "write_step_down", "write_transfer_pack",
]
