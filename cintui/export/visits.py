"""A child's record of visits as Markdown, DOCX and JSON (DOMAIN.md §4; WIR 2.11, BEX 3).

Pure functions of a `VisitHistory` (no store, no clock). Each visit is written with its
facts (when, where, whether the child was seen, seen alone, whether the bedroom was seen,
who else was there), then the WIR 2.11 headings in their order, then the plan actions
progressed and the addenda under it: an addendum corrects a visit, it never replaces it.
Gaps between visits longer than the policy allows are listed first. JSON keeps every value
and reads back exactly (`from_json`). Every file is created readable by its owner only
(0600): it is a child's personal data.
"""

from __future__ import annotations

import io
import json
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cintui.domain.dates import day_words
from cintui.domain.text import counted
from cintui.domain.visit import (
    HEADINGS,
    KIND_LABELS,
    Addendum,
    Present,
    VisitContent,
    VisitGap,
    VisitHistory,
    VisitRecord,
)
from cintui.export.docx_doc import DocxDoc
from cintui.export.plan import _docx_text, _docx_widths, _md_line, _write_private, read_envelope

FORMAT = "cintui-visits"
FORMAT_VERSION = 1
FORMATS = ("md", "docx", "json")
NOTHING = "Nothing recorded"


# ---------------------------------------------------------------- words shared by every format


def day(d: date | None, missing: str = "not known") -> str:
    """"1 Sep 2026": the worker's record of visits writes a day as the screens do."""
    return day_words(d, missing)


def moment(at: datetime | None, missing: str = "not recorded") -> str:
    """"24 Nov 2026 10:02": a local wall-clock time, to the minute."""
    return f"{day(at.date())} {at:%H:%M}" if at else missing


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def title(history: VisitHistory) -> str:
    name = " ".join(history.child_name.split())
    return f"Record of visits: {name}" if name else "Record of visits"


def period(history: VisitHistory) -> str:
    """"1 Sep 2026 to 23 Nov 2026", "from 1 Sep 2026", "up to 23 Nov 2026" or "all visits"."""
    start, end = history.start, history.end
    if start and end:
        return f"{day(start)} to {day(end)}"
    if start:
        return f"from {day(start)}"
    if end:
        return f"up to {day(end)}"
    return "all visits"


def counts(history: VisitHistory) -> str:
    """"6 visits; child seen at 5, seen alone at 4; bedroom seen at 3" (WIR 2.11)."""
    visits = [v.content for v in history.visits]
    if not visits:
        return "No visits recorded in this period"
    seen = sum(c.child_seen for c in visits)
    known = [v.content for v in history.visits if not v.imported]  # alone, bedroom: unknown
    alone = sum(c.child_seen and c.seen_alone for c in known)
    bedroom = sum(c.bedroom_seen for c in known)
    return (f"{counted(len(visits), 'visit')}; child seen at {seen}, seen alone at {alone}; "
            f"bedroom seen at {bedroom}")


def _as_of(history: VisitHistory) -> date | None:
    """The day an open gap's lateness is counted to (`visits.history`: today, or the
    period's end if earlier)."""
    ends = [d for d in (history.produced_on, history.end) if d is not None]
    return min(ends) if ends else None


def gap_text(gap: VisitGap, as_of: date | None = None) -> str:
    """"Gap: 15 Sep 2026 to 23 Nov 2026, due 13 Oct 2026, 29 working days late"."""
    late = counted(gap.days_late, "working day") + " late"
    if gap.until is None:
        when = f" by {day(as_of)}" if as_of else ""
        return f"Gap: since {day(gap.after)}, still open, due {day(gap.due)}, {late}{when}"
    return f"Gap: {day(gap.after)} to {day(gap.until)}, due {day(gap.due)}, {late}"


def visit_title(record: VisitRecord) -> str:
    kind = KIND_LABELS.get(record.content.kind, record.content.kind)
    when = day(record.visited_at.date()) if record.imported else moment(record.visited_at)
    return f"{when}, {kind}"


def present_text(content: VisitContent) -> str:
    names = [" ".join(p.name.split()) for p in content.present]
    return ", ".join(n for n in names if n) or "nobody else"


def facts(record: VisitRecord) -> list[tuple[str, str]]:
    """The facts beside the text (DOMAIN.md §4), as label and value."""
    c = record.content
    if record.imported:  # the old system's last visit: its day alone came over
        unknown = "not known (only the date was imported)"
        return [("Date", day(c.visited_at.date())),
                ("Type", KIND_LABELS.get(c.kind, c.kind)),
                ("Child seen", yes_no(c.child_seen)),
                ("Seen alone", unknown), ("Bedroom seen", unknown),
                ("Recorded by", " ".join(record.author.split()) or "the previous system")]
    return [("Date and time", moment(c.visited_at)),
            ("Type", KIND_LABELS.get(c.kind, c.kind)),
            ("Child seen", yes_no(c.child_seen)),
            ("Seen alone", yes_no(c.child_seen and c.seen_alone)),
            ("Bedroom seen", yes_no(c.bedroom_seen)),
            ("Others present", present_text(c)),
            ("Recorded by", " ".join(record.author.split()) or "not recorded"),
            ("Finalised", moment(record.finalised_at))]


def details(history: VisitHistory) -> list[tuple[str, str]]:
    return [("Child", " ".join(history.child_name.split()) or "—"),
            ("Reference", history.child_reference or "—"),
            ("Born", day(history.dob)),
            ("Period", period(history)),
            ("Visits due", history.rule or "no visit timescale in this policy"),
            ("Policy", history.policy or "—"),
            ("Produced", day(history.produced_on))]


def addendum_label(a: Addendum) -> str:
    author = " ".join(a.author.split()) or "someone not recorded"
    return f"Addendum, {moment(a.written_at)}, by {author}"


# ---------------------------------------------------------------- Markdown


def _md_inline(text: str) -> str:
    """A value on one line: runs of whitespace (line breaks too) become one space."""
    return _md_line(" ".join(text.split()), False) or "—"


def _md_text(text: str) -> list[str]:
    """Text under a heading: paragraphs at blank lines, lines within one joined by hard
    breaks (a final backslash), Markdown's own characters escaped, no trailing spaces."""
    paragraphs: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.strip()
        if line:
            paragraphs[-1].append(_md_line(line, True))
        elif paragraphs[-1]:
            paragraphs.append([])
    out: list[str] = []
    for lines in (p for p in paragraphs if p):
        if out:
            out.append("")
        out += [line + "\\" for line in lines[:-1]] + [lines[-1]]
    return out or [f"*{NOTHING}*"]


def _md_visit(number: int, record: VisitRecord) -> list[str]:
    out = ["", f"## Visit {number}: {_md_line(visit_title(record), False)}", ""]
    out += [f"- **{label}:** {_md_inline(value)}" for label, value in facts(record)]
    group = ""
    for h in HEADINGS:
        if h.group != group:
            group = h.group
            if group:
                out += ["", f"### {group}"]
        out += ["", f"{'####' if h.group else '###'} {h.title}", ""]
        out += _md_text(record.content.text(h.field))
    if record.progressed:
        out += ["", "### Plan actions progressed at this visit", ""]
        out += [f"- {_md_inline(what)}: {_md_inline(status)}"
                for what, status in record.progressed]
    if record.addenda:
        out += ["", "### Addenda"]
        for a in record.addenda:
            text = _md_text(a.text)
            out += ["", f"**{_md_line(addendum_label(a), False)}:** {text[0]}", *text[1:]]
    return out


def to_markdown(history: VisitHistory) -> str:
    """The record of visits for a reader: a family, a manager, another agency."""
    out = [f"# {_md_line(title(history), False)}", ""]
    out += [f"- **{label}:** {_md_inline(value)}" for label, value in details(history)]
    out += ["", counts(history) + "."]
    out += ["", "## Gaps between visits longer than the policy allows", ""]
    as_of = _as_of(history)
    out += [f"- {gap_text(g, as_of)}" for g in history.gaps] or ["None in this period."]
    for number, record in enumerate(history.visits, start=1):
        out += _md_visit(number, record)
    return "\n".join(line.rstrip() for line in out) + "\n"


# ---------------------------------------------------------------- JSON


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _uuid(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None


def _visit_json(r: VisitRecord) -> dict[str, Any]:
    c = r.content
    return {
        "id": str(r.id), "visited_at": _iso(c.visited_at), "kind": c.kind,
        "child_seen": c.child_seen, "seen_alone": c.seen_alone, "bedroom_seen": c.bedroom_seen,
        "present": [{"name": p.name, "person_id": _uuid(p.person_id)} for p in c.present],
        "headings": {h.field: c.text(h.field) for h in HEADINGS},
        "progress": [[str(key), status] for key, status in c.progress],
        "author": r.author, "finalised_at": _iso(r.finalised_at), "imported": r.imported,
        "progressed": [{"action": what, "status": status} for what, status in r.progressed],
        "addenda": [{"written_at": _iso(a.written_at), "author": a.author, "text": a.text}
                    for a in r.addenda],
    }


def to_json(history: VisitHistory) -> str:
    """{"format": "cintui-visits", "format_version": 1, child..., "visits": [...]}: ISO dates
    and times (local wall-clock, as recorded), visits oldest first."""
    data = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "child_name": history.child_name, "child_reference": history.child_reference,
        "dob": _iso(history.dob), "start": _iso(history.start), "end": _iso(history.end),
        "rule": history.rule, "policy": history.policy,
        "produced_on": _iso(history.produced_on),
        "gaps": [{"after": _iso(g.after), "until": _iso(g.until), "due": _iso(g.due),
                  "working_days_late": g.days_late} for g in history.gaps],
        "visits": [_visit_json(r) for r in history.visits],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _visit_from(data: dict[str, Any]) -> VisitRecord:
    headings = data["headings"]
    content = VisitContent(
        visited_at=datetime.fromisoformat(data["visited_at"]), kind=data["kind"],
        child_seen=data["child_seen"], seen_alone=data["seen_alone"],
        bedroom_seen=data["bedroom_seen"],
        present=tuple(Present(p["name"], uuid.UUID(p["person_id"]) if p["person_id"] else None)
                      for p in data["present"]),
        progress=tuple((uuid.UUID(key), status) for key, status in data["progress"]),
        **{h.field: headings.get(h.field, "") for h in HEADINGS},
    )
    return VisitRecord(
        id=uuid.UUID(data["id"]), content=content, author=data["author"],
        finalised_at=_datetime(data["finalised_at"]),
        addenda=tuple(Addendum(datetime.fromisoformat(a["written_at"]), a["author"], a["text"])
                      for a in data["addenda"]),
        progressed=tuple((p["action"], p["status"]) for p in data["progressed"]),
        imported=bool(data.get("imported", False)),
    )


def from_json(text: str) -> VisitHistory:
    """Back from `to_json`; another file is refused with a ValueError saying why."""
    data = read_envelope(text, FORMAT, FORMAT_VERSION, "visits")
    return VisitHistory(
        child_name=data["child_name"], child_reference=data["child_reference"],
        dob=_date(data["dob"]), start=_date(data["start"]), end=_date(data["end"]),
        visits=tuple(_visit_from(v) for v in data["visits"]),
        gaps=tuple(VisitGap(date.fromisoformat(g["after"]), _date(g["until"]),
                            date.fromisoformat(g["due"]), g["working_days_late"])
                   for g in data["gaps"]),
        rule=data["rule"], policy=data["policy"], produced_on=_date(data["produced_on"]),
    )


# ---------------------------------------------------------------- DOCX
#
# python-docx's Document() (reading its default package) and its style-by-name lookups are
# most of the cost: each thread keeps one document, emptied between exports, with the style
# ids resolved once.

_DOCX_FACT_WIDTHS = (45, 129)  # mm, across A4 less 18 mm margins (174 mm)


class _Docx(DocxDoc):
    """This export's per-thread document (`docx_doc.DocxDoc`)."""

    TITLE = "Record of visits"
    STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Table Grid")

    def table(self, rows: list[tuple[str, str]]):
        table = self.document.add_table(rows=len(rows), cols=2)
        table._tbl.tblStyle_val = self.style["Table Grid"]
        _docx_widths(table, _DOCX_FACT_WIDTHS)
        for row, (label, value) in zip(table.rows, rows, strict=True):
            label_cell, value_cell = row.cells
            label_cell.text = label
            label_cell.paragraphs[0].runs[0].bold = True
            value_cell.text = _docx_text(value)
        return table


def _docx() -> _Docx:
    return _Docx.for_thread()


def docx_bytes(history: VisitHistory) -> bytes:
    t = _docx()
    try:
        t.para(title(history), "Title")
        t.table(details(history))
        t.para(counts(history) + ".")
        t.para("Gaps between visits longer than the policy allows", "Heading 1")
        as_of = _as_of(history)
        for g in history.gaps:
            t.para(gap_text(g, as_of), "List Bullet")
        if not history.gaps:
            t.para("None in this period.")
        for number, record in enumerate(history.visits, start=1):
            _docx_visit(t, number, record)
        out = io.BytesIO()
        t.document.save(out)
    finally:
        t.clear()
    return out.getvalue()


def _paragraphs(text: str) -> list[str]:
    """Paragraphs at blank lines, each line stripped (a line break stays a line break)."""
    lines = [line.strip() for line in _docx_text(text).split("\n")]
    out: list[list[str]] = [[]]
    for line in lines:
        if line:
            out[-1].append(line)
        elif out[-1]:
            out.append([])
    return ["\n".join(p) for p in out if p]


def _docx_visit(t: _Docx, number: int, record: VisitRecord) -> None:
    t.para(f"Visit {number}: {visit_title(record)}", "Heading 1")
    t.table(facts(record))
    group = ""
    for h in HEADINGS:
        if h.group != group:
            group = h.group
            if group:
                t.para(group, "Heading 2")
        t.para(h.title, "Heading 3" if h.group else "Heading 2")
        paragraphs = _paragraphs(record.content.text(h.field))
        for text in paragraphs:
            t.para(text)
        if not paragraphs:
            t.para().add_run(NOTHING).italic = True
    if record.progressed:
        t.para("Plan actions progressed at this visit", "Heading 2")
        for what, status in record.progressed:
            t.para(f"{what}: {status}", "List Bullet")
    if record.addenda:
        t.para("Addenda", "Heading 2")
        for a in record.addenda:
            p = t.para()
            p.add_run(_docx_text(addendum_label(a)) + ": ").bold = True
            p.add_run(_docx_text(a.text.strip())).italic = True


# ---------------------------------------------------------------- files


def render(history: VisitHistory, fmt: str) -> bytes:
    """The export's bytes in `fmt` (one of FORMATS)."""
    if fmt == "md":
        return to_markdown(history).encode("utf-8")
    if fmt == "json":
        return to_json(history).encode("utf-8")
    if fmt == "docx":
        return docx_bytes(history)
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


def write(history: VisitHistory, path: Path, fmt: str) -> Path:
    """Write the record of visits as `fmt` ("md", "docx" or "json"), created 0600."""
    return _write_private(Path(path), render(history, fmt))


__all__ = ["FORMAT", "FORMATS", "FORMAT_VERSION", "NOTHING", "counts", "day", "docx_bytes",
           "from_json", "gap_text", "moment", "period", "render", "to_json", "to_markdown",
           "write"]
