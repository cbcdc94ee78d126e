"""The minutes of a CIN meeting as Markdown, DOCX, PDF and JSON (DOMAIN.md §5; WIR 2.3-2.8,
BEX 3).

Pure functions of a `MinutesDocument` (no store, no clock). The record follows the WIR 2.6
agenda: who came (parents who did not attend are named to receive the record, WIR 2.8),
the ground rules, then **each Amber and Red of the plan beside its update** (the "fourth
column": the update from family and professionals, the impact on the child of each task
done or not done, action statuses, the rating before and after), then the three boxes
(significant events; new concerns / risks, each a new Amber in the plan; agreed actions),
the child's and the parents' views (WIR 2.3), the decisions (BEX 3: still in need, the next
review, the recommendation), who the record went to, and the plan agreed at the meeting.

JSON keeps every value and reads back exactly (`from_json`). Every file is created
readable by its owner only (0600): it is a child's personal data.
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cintui.domain.dates import day_words
from cintui.domain.family_text import family_text, shorten_at_word
from cintui.domain.meeting import (
    ATTENDANCE_LABELS,
    KIND_LABELS,
    RECOMMENDATION_LABELS,
    Invitee,
    Minutes,
    MinutesDocument,
    NeedUpdate,
    labels_in_full,
)
from cintui.domain.plan import ACTION_STATUS_LABELS, RAG_NAMES, Need, PlanAction, PlanVersion
from cintui.export import plan as plan_export
from cintui.export.docx_doc import DocxDoc
from cintui.export.plan import (
    COLUMNS,
    KIND_TEXT,
    PlanDocument,
    _action_text,
    _day,
    _docx_text,
    _docx_widths,
    _md_line,
    _Pdf,
    _pdf_text,
    _write_private,
    rag_text,
    read_envelope,
)
from cintui.export.visits import _md_text  # text under a heading, as in a visit record

FORMAT = "cintui-minutes"
FORMAT_VERSION = 1
FORMATS = ("md", "docx", "pdf", "json")
NOTHING = "Nothing recorded"
# The attendance groups in the order the record gives them (WIR 2.3: absent professionals
# send a report); "invited" only appears while someone's attendance is still unrecorded.
GROUPS = ("present", "apologies_report", "apologies", "absent")
ITEM_PARTS = ("What is happening now (the plan)", "Update from family and professionals",
              "Impact on the child")


# ---------------------------------------------------------------- words shared by every format


def _clean(text: str) -> str:
    return " ".join(text.split())


def _time(at: datetime | None) -> str:
    return f"{at:%H:%M}" if at else ""


def person(p: Invitee) -> str:
    """"Sarah Thornbury (Mother)", "(added on the day)" when they were not invited."""
    name = _clean(p.name) or "someone not named"
    role = f" ({_clean(p.role)})" if _clean(p.role) else ""
    return name + role + (" (added on the day)" if p.added_on_the_day else "")


def people(group: list[Invitee]) -> str:
    return ", ".join(person(p) for p in group) or "none"


def chair_text(doc: MinutesDocument) -> str:
    chair = _clean(doc.chair) or "not recorded"
    return f"{chair} ({_clean(doc.chair_role)})" if _clean(doc.chair_role) else chair


def when_text(doc: MinutesDocument) -> str:
    """"30 November 2026 at 16:00", noting the day it was held when that differs, and the
    booking when it was held on another day."""
    held = doc.minutes.held_on
    if doc.starts_at is None:
        return _day(held)
    text = f"{_day(doc.starts_at.date())} at {_time(doc.starts_at)}"
    if doc.starts_at.date() != held:
        text += f" (held {_day(held)})"
    booked = doc.minutes.booked_for
    return text + (f" (booked for {_day(booked.date())} at {_time(booked)})" if booked else "")


def booked_text(doc: MinutesDocument) -> str:
    """"Olu Other on 12 November 2026": who booked the meeting, and when."""
    on = f" on {_day(doc.booked_on)}" if doc.booked_on else ""
    return _clean(doc.booked_by) + on


def details(doc: MinutesDocument) -> list[tuple[str, str]]:
    m = doc.minutes
    out = [("Child", _clean(doc.child_name) or "—"), ("Reference", doc.child_reference or "—"),
           ("Born", _day(doc.dob, "not known")),
           *((("Social worker", _clean(doc.worker)),) if doc.worker else ()),
           *((("Local authority", _clean(doc.authority)),) if doc.authority else ()),
           ("Meeting", KIND_LABELS.get(doc.kind, doc.kind)),
           ("When", when_text(doc)), ("Where", _clean(doc.venue) or "not recorded"),
           ("Chair", chair_text(doc)),
           *((("Booked by", booked_text(doc)),) if _clean(doc.booked_by) else ())]
    if m.started_at or m.ended_at:
        out.append(("Minuted", f"{_time(m.started_at) or '?'} to {_time(m.ended_at) or '?'}"))
    out.append(("Produced", _day(doc.produced_on, "—")))
    return out


def attendance(doc: MinutesDocument) -> list[tuple[str, str]]:
    """Each group (present; apologies with a report; apologies; absent) and who was in it."""
    everyone = doc.minutes.attendance
    groups = [*GROUPS, "invited"] if any(p.attendance == "invited" for p in everyone) else GROUPS
    labels = {**ATTENDANCE_LABELS, "invited": "Invited, attendance not recorded"}
    out = [(labels[g], people([p for p in everyone if p.attendance == g])) for g in groups]
    other = [p for p in everyone if p.attendance not in (*GROUPS, "invited")]
    if other:
        out.append(("Attendance not known", people(other)))
    return out


def to_receive_text(doc: MinutesDocument) -> str:
    """WIR 2.8: parents and carers who did not attend receive the record."""
    who = people(doc.to_receive)
    if who == "none":
        who = "nobody (no parent or carer missed the meeting)"
    return f"To receive the record (did not attend): {who}"


def rating_text(item: NeedUpdate) -> str:
    """"From Amber to Green", or "Amber, unchanged"."""
    before = RAG_NAMES.get(item.rag_before, item.rag_before or "not rated")
    if item.rag_after and item.rag_after != item.rag_before:
        return f"From {before} to {RAG_NAMES.get(item.rag_after, item.rag_after)}"
    return f"{before}, unchanged"


def _need(plan: PlanVersion | None, key: uuid.UUID) -> Need | None:
    return next((n for n in plan.needs if n.key == key), None) if plan else None


def _action_words(a: PlanAction) -> str:
    when = f"by {_day(a.by_when)}" if a.by_when else "no date"
    return f"{_clean(a.what) or '—'} — {_clean(a.who) or 'no one named'}, {when}"


def action_statuses(doc: MinutesDocument, item: NeedUpdate) -> list[str]:
    """Each action under the need as it stands after the meeting, with what changed at it:
    "Register Mia with a dentist — Sarah Thornbury, by 15 October 2026: was In progress, now Done";
    an action agreed at the meeting says so; one in neither plan is named by its key."""
    before, after = _need(doc.plan_before, item.need_key), _need(doc.plan, item.need_key)
    minuted = {a.key: a.status for a in item.actions}
    was = {a.key: a for a in before.actions} if before else {}
    now = {a.key: a for a in after.actions} if after else {}
    keys = list(dict.fromkeys([*was, *now, *minuted]))
    out = []
    for key in keys:
        action = now.get(key) or was.get(key)
        status = minuted.get(key) or (action.status if action else "")
        words = _action_words(action) if action else f"action {key.hex[:8]}"
        line = f"{words}: {ACTION_STATUS_LABELS.get(status, status)}"
        if key in was and was[key].status != status:
            line = (f"{words}: was {ACTION_STATUS_LABELS.get(was[key].status, was[key].status)}"
                    f", now {ACTION_STATUS_LABELS.get(status, status)}")
        elif before is not None and key not in was and key in now:
            line += " (new: agreed at this meeting)"
        out.append(line)
    return out


def item_facts(item: NeedUpdate) -> list[tuple[str, str]]:
    """What a re-rating recorded (WIR 2.4: maintained for; WIR 2.6, BEX 3: the CP
    discussion), and the time the meeting spent on the need."""
    out = []
    if item.maintained_for.strip():
        out.append(("Change maintained for", _clean(item.maintained_for)))
    if item.cp_discussion.strip():
        out.append(("CP conference / strategy discussion", _clean(item.cp_discussion)))
    if item.seconds >= 60:
        out.append(("Time on this item", f"{item.seconds // 60} min"))
    return out


def item_heading(number: int, item: NeedUpdate) -> str:
    short = shorten_at_word(item.need, 60)
    return f"{number}. {rating_text(item)}: {short or 'a need with no words'}"


def concern_text(text: str, outcome: str) -> str:
    """WIR 2.4 / 2.6: a new concern is copied into column 1 of the plan as a new Amber."""
    line = f"{_clean(text) or '(blank)'}: added to the plan as a new Amber"
    return line + (f" (outcome wanted: {_clean(outcome)})" if outcome.strip() else "")


def agreed_text(what: str, who: str, by_when: date | None) -> str:
    """WIR 2.6: every agreed action says what, who and by when."""
    return (f"{_clean(what) or '(blank)'} — {_clean(who) or 'no one named'}, "
            f"{f'by {_day(by_when)}' if by_when else 'no date'}")


def decisions(doc: MinutesDocument) -> list[tuple[str, str]]:
    """BEX 3: is the child still in need, the next review, and what is recommended."""
    d = doc.minutes.decisions
    still = {True: "yes", False: "no", None: "not recorded"}[d.still_in_need]
    review = _day(d.next_review)
    if d.next_review and d.recommendation not in ("", "continue"):
        # A meeting recommending the plan ends (step-down, closure, or a strategy
        # discussion) still names its next review, for should the plan go on (the manager
        # may not agree): said so, or the family reads a review date under "Close".
        review += ", should the CIN plan continue"
    return [("Still in need", still), ("Next review", review),
            ("Recommendation", RECOMMENDATION_LABELS.get(d.recommendation, d.recommendation)
             or "not chosen")]


def distribution(doc: MinutesDocument) -> list[str]:
    """Who the record went to and when; or when it is due, marked once overdue."""
    if doc.sent_to:
        return [f"Sent to {_clean(name) or 'someone not named'} on {_day(on)}"
                for name, on in doc.sent_to]
    if doc.minutes_due is None:
        return ["Not yet circulated"]
    late = doc.produced_on is not None and doc.produced_on > doc.minutes_due
    return [f"Not yet circulated: due {_day(doc.minutes_due)}" + (" (OVERDUE)" if late else "")]


def plan_document(doc: MinutesDocument) -> PlanDocument | None:
    """The plan agreed at this meeting as a plan export document (no DRAFT mark once agreed:
    the meeting is where it was agreed; its checks belong to the plan export)."""
    if doc.plan is None:
        return None
    return PlanDocument(
        child_name=doc.child_name, child_reference=doc.child_reference,
        dob_text=day_words(doc.dob), worker=doc.worker, authority=doc.authority,
        version=doc.plan,
        generated_on=doc.produced_on or doc.minutes.held_on, final=doc.plan.status != "draft")


# ---------------------------------------------------------------- the outline
#
# One sequence of parts, read by the Markdown and PDF writers as it stands and by the
# DOCX writer with the items as one table: ("h", level, text), ("fields", pairs),
# ("text", text), ("line", a sentence without its full stop), ("bullets", texts, words
# when there are none), ("item", number, item, action statuses), ("plan", version or
# None).


def _outline(doc: MinutesDocument) -> list[tuple]:
    m = doc.minutes
    out: list[tuple] = [("fields", details(doc)), ("h", 1, "Who came"),
                        ("fields", attendance(doc)), ("line", to_receive_text(doc)),
                        ("h", 1, "Ground rules"), ("text", m.ground_rules),
                        ("h", 1, "Each Amber and Red: the plan beside the update")]
    out += [("item", i, item, action_statuses(doc, item))
            for i, item in enumerate(m.items, start=1)]
    if not m.items:
        out.append(("line", "No Amber or Red needs were in the plan at this meeting"))
    out += [("h", 1, "1. Significant events"), ("text", m.significant_events),
            ("h", 1, "2. New concerns / risks"),
            ("bullets", [concern_text(c.text, c.outcome) for c in m.new_concerns],
             "No new concerns."),
            ("h", 1, "3. Agreed actions"),
            ("bullets", [agreed_text(a.what, a.who, a.by_when) for a in m.agreed_actions],
             "No actions agreed."),
            ("h", 1, "The child’s views"), ("text", m.childs_views),
            ("h", 1, "The parents’ views"), ("text", m.parents_views),
            ("h", 1, "Decisions"), ("fields", decisions(doc))]
    if m.decisions.notes.strip():
        out.append(("text", m.decisions.notes))
    out += [("h", 1, "Distribution"), ("bullets", distribution(doc), ""),
            ("h", 1, "Updated plan"), ("plan", doc.plan)]
    return out


def _item_parts(part: tuple) -> list[tuple]:
    """One item as the generic parts (Markdown, PDF)."""
    _, number, item, statuses = part
    facts = item_facts(item)
    return [("h", 2, item_heading(number, item)), *([("fields", facts)] if facts else []),
            ("h", 3, ITEM_PARTS[0]), ("text", item.need),
            ("h", 3, ITEM_PARTS[1]), ("text", item.update),
            ("h", 3, ITEM_PARTS[2]), ("text", item.impact),
            ("h", 3, "Actions"), ("bullets", statuses, "No actions under this need.")]


# ---------------------------------------------------------------- Markdown


def _md_inline(text: str) -> str:
    return _md_line(_clean(text), False) or "—"


def _md_plan(version: PlanVersion | None, doc: MinutesDocument) -> list[str]:
    """The plan export's own Markdown, its headings two levels down (it reads back with
    `cintui.export.plan.from_markdown` once they are lifted again)."""
    plan = plan_document(doc)
    if version is None or plan is None:
        return ["No plan version was agreed at this meeting."]
    return [f"##{line}" if line.startswith("#") else line
            for line in plan_export.to_markdown(plan).rstrip("\n").split("\n")]


def _md_part(part: tuple, doc: MinutesDocument) -> list[str]:
    kind = part[0]
    if kind == "h":
        return ["", f"{'#' * (part[1] + 1)} {_md_line(part[2], False)}", ""]
    if kind == "fields":
        return [f"- **{label}:** {_md_inline(value)}" for label, value in part[1]] + [""]
    if kind == "text":
        return [*_md_text(part[1]), ""]
    if kind == "line":
        return [_md_inline(part[1]) + ".", ""]
    if kind == "bullets":
        lines = [f"- {_md_inline(text)}" for text in part[1]]
        return [*(lines or [part[2]]), ""]
    if kind == "item":
        return [line for p in _item_parts(part) for line in _md_part(p, doc)]
    return _md_plan(part[1], doc)


def to_markdown(doc: MinutesDocument) -> str:
    """The minutes for a reader: the family, the professionals, a manager."""
    out = [f"# {_md_line(doc.title, False)}", ""]
    for part in _outline(doc):
        out += _md_part(part, doc)
    lines: list[str] = []
    for line in (line.rstrip() for line in out):
        if line or (lines and lines[-1]):  # one blank line between blocks
            lines.append(line)
    return family_text("\n".join(lines)).rstrip("\n") + "\n"


# ---------------------------------------------------------------- JSON


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_json(doc: MinutesDocument) -> str:
    """{"format": "cintui-minutes", "format_version": 1, ...}: the meeting, the minutes as
    `Minutes.to_dict`, both plans as in the plan export's JSON, ISO dates."""
    data = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "child_name": doc.child_name, "child_reference": doc.child_reference,
        "dob": _iso(doc.dob), "kind": doc.kind, "starts_at": _iso(doc.starts_at),
        "venue": doc.venue, "chair": doc.chair, "chair_role": doc.chair_role,
        "minutes": doc.minutes.to_dict(),
        "plan": plan_export._jsonable(doc.plan) if doc.plan else None,
        "plan_before": plan_export._jsonable(doc.plan_before) if doc.plan_before else None,
        "sent_to": [{"recipient": name, "sent_on": on.isoformat()} for name, on in doc.sent_to],
        "minutes_due": _iso(doc.minutes_due), "produced_on": _iso(doc.produced_on),
        "worker": doc.worker, "authority": doc.authority,
        "booked_by": doc.booked_by, "booked_on": _iso(doc.booked_on),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def from_json(text: str) -> MinutesDocument:
    """Back from `to_json`; another file is refused with a ValueError saying why."""
    data = read_envelope(text, FORMAT, FORMAT_VERSION, "minutes")
    try:
        return MinutesDocument(
            child_name=data["child_name"], child_reference=data["child_reference"],
            dob=_date(data["dob"]), kind=data["kind"],
            starts_at=datetime.fromisoformat(data["starts_at"]) if data["starts_at"] else None,
            venue=data["venue"], chair=data["chair"], chair_role=data["chair_role"],
            minutes=Minutes.from_dict(data["minutes"]),
            plan=plan_export._version_from(data["plan"]) if data["plan"] else None,
            plan_before=plan_export._version_from(data["plan_before"])
            if data["plan_before"] else None,
            sent_to=tuple((s["recipient"], date.fromisoformat(s["sent_on"]))
                          for s in data["sent_to"]),
            minutes_due=_date(data["minutes_due"]), produced_on=_date(data["produced_on"]),
            worker=data.get("worker", ""), authority=data.get("authority", ""),
            booked_by=data.get("booked_by", ""), booked_on=_date(data.get("booked_on")))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a complete cintui minutes export: {exc!r}") from None


# ---------------------------------------------------------------- DOCX
#
# python-docx's Document() (reading its default package) and its style-by-name lookups are
# most of the cost: each thread keeps one document, emptied between exports.

_DOCX_FACT_WIDTHS = (45, 129)  # mm, across A4 less 18 mm margins (174 mm)
_DOCX_ITEM_WIDTHS = (46, 56, 44, 28)
_DOCX_NEED_WIDTHS = (52, 52, 48, 22)
_DOCX_ITEM_COLUMNS = (*ITEM_PARTS, "Rating")
_DOCX_RAG_FILL = {"R": "F6D0CC", "A": "FDE9B8", "G": "CFE9D8"}


class _Docx(DocxDoc):
    """This export's per-thread document (`docx_doc.DocxDoc`)."""

    TITLE = "Minutes of a CIN meeting"

    def para(self, text: str = "", style: str | None = None):
        return super().para(family_text(text), style)

    def table(self, header: tuple[str, ...] | None, rows: list[tuple[str, ...]],
              widths: tuple[int, ...]):
        from docx.oxml import OxmlElement

        table = self.document.add_table(rows=len(rows) + bool(header), cols=len(widths))
        table._tbl.tblStyle_val = self.style["Table Grid"]
        _docx_widths(table, widths)
        body = table.rows
        if header:
            body[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeats
            for cell, title in zip(body[0].cells, header, strict=True):
                cell.text = title
                cell.paragraphs[0].runs[0].bold = True
            body = body[1:]
        for row, values in zip(body, rows, strict=True):
            for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                cell.text = _docx_text(family_text(value))
                if header is None and i == 0:
                    cell.paragraphs[0].runs[0].bold = True
        return table


def _docx() -> _Docx:
    return _Docx.for_thread()


def _shade(cell, rating: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if rating in _DOCX_RAG_FILL:
        shade = OxmlElement("w:shd")
        shade.set(qn("w:val"), "clear")
        shade.set(qn("w:fill"), _DOCX_RAG_FILL[rating])
        cell._tc.get_or_add_tcPr().append(shade)


def _docx_items(t: _Docx, parts: list[tuple]) -> None:
    """The Ambers and Reds as one table: the plan's need beside its update, the impact on
    the child (the fourth column, WIR 2.6) and the rating before and after."""
    rows = []
    for _, _number, item, statuses in parts:
        update = item.update.strip() or NOTHING
        if statuses:
            update += "\n\nActions:\n" + "\n".join(f"• {s}" for s in statuses)
        rating = "\n".join([rating_text(item),
                            *(f"{label}: {value}" for label, value in item_facts(item))])
        rows.append((item.need.strip() or "—", update, item.impact.strip() or NOTHING, rating))
    table = t.table(_DOCX_ITEM_COLUMNS, rows, _DOCX_ITEM_WIDTHS)
    for row, (*_, item, _statuses) in zip(table.rows[1:], parts, strict=True):
        _shade(row.cells[3], item.rag_after or item.rag_before)


def _docx_plan(t: _Docx, version: PlanVersion | None) -> None:
    if version is None:
        t.para("No plan version was agreed at this meeting.")
        return
    t.para(f"Plan version {version.number}, agreed {_day(version.agreed_on, 'not yet')}"
           + (f" at {labels_in_full(version.agreed_at)}" if version.agreed_at else "")
           + f". Next review: {_day(version.next_review)}.")
    rows = [(n.now + f"\n({KIND_TEXT.get(n.kind, n.kind)})", n.outcome or "—",
             "\n".join(f"• {_action_text(a)}" for a in n.actions) or "—", rag_text(n.rag))
            for n in version.needs]
    table = t.table(COLUMNS, rows, _DOCX_NEED_WIDTHS)
    for row, n in zip(table.rows[1:], version.needs, strict=True):
        _shade(row.cells[3], n.rag)


def docx_bytes(doc: MinutesDocument) -> bytes:
    t = _docx()
    try:
        t.para(doc.title, "Title")
        parts = _outline(doc)
        i = 0
        while i < len(parts):
            part = parts[i]
            kind = part[0]
            if kind == "h":
                t.para(part[2], "Heading 1" if part[1] == 1 else "Heading 2")
            elif kind == "fields":
                t.table(None, part[1], _DOCX_FACT_WIDTHS)
            elif kind == "text":
                paragraphs = _paragraphs(part[1])
                for text in paragraphs:
                    t.para(text)
                if not paragraphs:
                    t.para().add_run(NOTHING).italic = True
            elif kind == "line":
                t.para(part[1] + ".")
            elif kind == "bullets":
                for text in part[1]:
                    t.para(text, "List Bullet")
                if not part[1] and part[2]:
                    t.para(part[2])
            elif kind == "item":
                items = [part]
                while i + 1 < len(parts) and parts[i + 1][0] == "item":
                    i += 1
                    items.append(parts[i])
                _docx_items(t, items)
            else:
                _docx_plan(t, part[1])
            i += 1
        out = io.BytesIO()
        t.document.save(out)
    finally:
        t.clear()
    return out.getvalue()


def _paragraphs(text: str) -> list[str]:
    """Paragraphs at blank lines, each line stripped (a line break stays a line break)."""
    out: list[list[str]] = [[]]
    for line in (line.strip() for line in _docx_text(text).split("\n")):
        if line:
            out[-1].append(line)
        elif out[-1]:
            out.append([])
    return ["\n".join(p) for p in out if p]


# ---------------------------------------------------------------- PDF
#
# The plan export's A4 page and fonts (`cintui.export.plan._Pdf`): the built-in
# Helvetica when every character fits Windows-1252, else the bundled DejaVu Sans.


@dataclass(frozen=True)
class _PdfPage:
    """What `_Pdf` reads of a document (title, reference, the DRAFT mark, a version)."""

    title: str
    child_reference: str
    draft: bool = False
    draft_reason: str = ""
    ended_mark: str = ""  # the minutes carry no plan's ended mark of their own

    @property
    def version(self) -> Any:
        return SimpleNamespace(number=0)  # read for the plan's footer, which is replaced


def _pdf_parts(doc: MinutesDocument) -> list[tuple]:
    parts: list[tuple] = []
    for part in _outline(doc):
        parts += _item_parts(part) if part[0] == "item" else [part]
    return parts


def _pdf_strings(parts: list[tuple]) -> list[str]:
    out: list[str] = []
    for part in parts:
        kind = part[0]
        if kind == "h":
            out.append(part[2])
        elif kind == "fields":
            out += [f"{label}: {value}" for label, value in part[1]]
        elif kind == "bullets":
            out += [*part[1], part[2]]
        elif kind == "plan" and part[1] is not None:
            out += [n.now + n.outcome + KIND_TEXT.get(n.kind, n.kind) + rag_text(n.rag)
                    + "".join(_action_text(a) for a in n.actions) for n in part[1].needs]
            out.append(labels_in_full(part[1].agreed_at))
        else:
            out.append(str(part[1]) if part[1] is not None else "")
    return out


def _footer_text(doc: MinutesDocument) -> str:
    return f"{doc.child_reference} · minutes {_day(doc.minutes.held_on)}"


def _pdf_all_text(doc: MinutesDocument, parts: list[tuple]) -> str:
    return "".join([doc.title, _footer_text(doc), *_pdf_strings(parts)])


def pdf_unshown(doc: MinutesDocument) -> str:
    """The characters the minutes' PDF shows as □ (`plan.unshown`)."""
    return plan_export.unshown(_pdf_all_text(doc, _pdf_parts(doc)))


def _pdf(doc: MinutesDocument) -> tuple[_Pdf, list[tuple]]:
    parts = _pdf_parts(doc)
    texts = _pdf_all_text(doc, parts)
    out = _Pdf(_PdfPage(doc.title, doc.child_reference), texts)
    pdf = out.pdf
    footer = _pdf_text(_footer_text(doc)).translate(out.missing)

    def footer_() -> None:
        pdf.set_y(-9)
        pdf.set_font(out.family, "", 8)
        pdf.set_text_color(90, 90, 90)
        pdf.cell(0, 5, f"{footer} · page {pdf.page_no()} of {out.PAGES}", align="C")
        pdf.set_text_color(0, 0, 0)

    pdf.footer = footer_
    return out, parts


def _pdf_plan(out: _Pdf, version: PlanVersion | None) -> None:
    if version is None:
        out.text("No plan version was agreed at this meeting.")
        return
    out.text(f"Plan version {version.number}, agreed {_day(version.agreed_on, 'not yet')}"
             + (f" at {labels_in_full(version.agreed_at)}" if version.agreed_at else "")
             + f". Next review: {_day(version.next_review)}.", 11, gap=2)
    for i, n in enumerate(version.needs, start=1):
        out.keep(22)
        out.rule()
        out.text(f"{i}. {rag_text(n.rag)}: {KIND_TEXT.get(n.kind, n.kind)}", 12.5, bold=True,
                 gap=1)
        out.labelled(COLUMNS[0], n.now)
        out.labelled(COLUMNS[1], n.outcome)
        out.text(COLUMNS[2], 11, bold=True, gap=0.2)
        for a in n.actions:
            out.text(_action_text(a), gap=0.6, indent=1, bullet=True)
        if not n.actions:
            out.text("—")


def pdf_bytes(doc: MinutesDocument) -> bytes:
    out, parts = _pdf(doc)
    out.pdf.add_page()
    out.text(doc.title, 16, bold=True, gap=2)
    sizes = {1: 14, 2: 12.5, 3: 11}
    keep = {1: 20, 2: 30, 3: 12}  # mm: a heading kept with the first lines under it
    for part, after in zip(parts, [*parts[1:], ("end",)], strict=True):
        kind = part[0]
        if kind == "h":
            out.keep(keep[part[1]] + (keep[after[1]] if after[0] == "h" else 0))
            if part[1] == 2:
                out.rule()
            out.text(part[2], sizes[part[1]], bold=True, gap=0.8 if part[1] < 3 else 0.2)
        elif kind == "fields":
            for label, value in part[1]:
                out.text(f"{label}: {value}", 11, gap=0.3)
            out.pdf.ln(1.5)
        elif kind == "text":
            out.text(part[1].strip() or NOTHING, gap=1)
        elif kind == "line":
            out.text(part[1] + ".", 11, gap=1.5)
        elif kind == "bullets":
            for text in part[1]:
                out.text(text, gap=0.6, indent=1, bullet=True)
            if not part[1] and part[2]:
                out.text(part[2], gap=1)
        else:
            _pdf_plan(out, part[1])
    return bytes(out.pdf.output())


# ---------------------------------------------------------------- files


def render(doc: MinutesDocument, fmt: str) -> bytes:
    """The export's bytes in `fmt` (one of FORMATS)."""
    if fmt == "md":
        return to_markdown(doc).encode("utf-8")
    if fmt == "json":
        return to_json(doc).encode("utf-8")
    if fmt == "docx":
        return docx_bytes(doc)
    if fmt == "pdf":
        return pdf_bytes(doc)
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


def write(doc: MinutesDocument, path: Path, fmt: str) -> Path:
    """Write the minutes as `fmt` ("md", "docx", "pdf" or "json"), created 0600."""
    return _write_private(Path(path), render(doc, fmt))


__all__ = ["FORMAT", "FORMATS", "FORMAT_VERSION", "NOTHING", "action_statuses", "pdf_unshown",
           "attendance", "decisions", "details", "distribution", "docx_bytes", "from_json",
           "pdf_bytes", "plan_document", "rating_text", "render", "to_json", "to_markdown",
           "to_receive_text", "write"]
