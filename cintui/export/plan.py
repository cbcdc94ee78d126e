"""A child's CIN plan as DOCX, PDF, Markdown, HTML and JSON (DOMAIN.md §3; BEX 2).

Pure functions of a `PlanDocument` (no store, no network). A plan that fails a check, or
that is not exported as final, carries a visible DRAFT mark listing the problems; a plan
that passes every check and is exported as final has none. Markdown and JSON keep the whole
structure and read back in (`from_markdown`, `from_json`). Every file is created readable
by its owner only (0600): it is a child's personal data.

Batch speed (`bench/plan_export.py`): the expensive set-up is done once per process (per
thread for DOCX) and reused: the DOCX package with its styles, and the bundled TTF fonts
parsed for the PDF.
"""

from __future__ import annotations

import io
import json
import re
import threading
import unicodedata
import uuid
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import cache
from pathlib import Path

from cintui.domain import gcp2 as gcp2_rules
from cintui.domain.dates import MONTHS, day_long, days_abbreviated, days_in_full
from cintui.domain.family_text import family_text
from cintui.domain.plan import (
    ACTION_STATUS_LABELS,
    ENDED_BY,
    RAG_NAMES,
    Need,
    PlanAction,
    PlanVersion,
    RagChange,
    Service,
)
from cintui.domain.policy import Timescale
from cintui.domain.text import LazyPattern, counted
from cintui.export.files import write_private

FORMAT = "cintui-plan"
FORMAT_VERSION = 1
FORMATS = ("docx", "pdf", "md", "html", "json")
# BEX 2's three columns, plus the need's rating (in words and letter, never colour alone).
COLUMNS = ("What is happening now", "What we want to change and how we will know",
           "Who will do what, by when", "Rating")
MD_COLUMNS = ("What is happening now", "What we want to change / how we will know",
              "Who will do what, by when")
KIND_TEXT = {"worry": "a worry to change", "strength": "a strength to keep"}


@dataclass(frozen=True)
class PlanDocument:
    """What a plan export holds: the child's details, one plan version, and the plain-English
    problems the plan checks found (empty when it passes)."""

    child_name: str
    child_reference: str
    dob_text: str  # "13 Apr 2025 (19 months)" or "expected 2 Feb 2027"
    worker: str
    authority: str  # "Wirral"
    version: PlanVersion
    problems: tuple[str, ...] = ()
    generated_on: date = field(default_factory=date.today)
    final: bool = False
    # The GCP2s attached to the version's needs (`gcp2.on_plan`): the grades that informed
    # them, shown under each need's evidence (STO 4.3, 6.11, 7.1).
    gcp2: tuple[gcp2_rules.Gcp2Fact, ...] = ()

    @property
    def ended(self) -> bool:
        """The plan ended (its final meeting, the case's closure: WIR 3, TRA): a record,
        never re-opened to be fixed."""
        return self.version.ended_on is not None

    @property
    def draft(self) -> bool:
        """Marked DRAFT unless it passes every check and is exported as final; an ended plan
        never is: it is marked as ended (`ended_mark`), and what its checks found is what it
        lacked when it ended."""
        return not self.ended and (bool(self.problems) or not self.final)

    @property
    def ended_mark(self) -> str:
        """"Ended at the closure on 18 September 2026", or "" while the plan runs."""
        v = self.version
        return f"Ended at {ENDED_BY[v.ended_by]} on {_day(v.ended_on)}" if self.ended else ""

    @property
    def title(self) -> str:
        name = " ".join(self.child_name.split())
        return f"Child in need plan: {name}" if name else "Child in need plan"

    @property
    def draft_reason(self) -> str:
        if self.problems:
            return f"DRAFT: this plan fails {counted(len(self.problems), 'check')}"
        return "DRAFT: not yet exported as final"


def rag_text(rating: str) -> str:
    """"Amber (A)": the rating as a word and its letter."""
    return f"{RAG_NAMES[rating]} ({rating})"


def _day(d: date | None, missing: str = "not set") -> str:
    """"3 November 2026": a family's document writes a day in full (Markdown reads it back,
    and the "3 Nov 2026" of older files)."""
    return day_long(d, missing)


def _month(name: str) -> int:
    """11 for "November" or "Nov" (`ValueError` for anything else)."""
    for number, month in enumerate(MONTHS, start=1):
        if name.lower() in (month, month[:3]):
            return number
    raise ValueError(f"{name!r} is not a month")


def _problems(doc: PlanDocument) -> tuple[str, ...]:
    """The checks' problems as the family reads them: their days in full (the checks write
    "3 Nov 2026", as the screens do)."""
    return tuple(days_in_full(p) for p in doc.problems)


def _born(doc: PlanDocument) -> str:
    return days_in_full(doc.dob_text)


def _status(status: str) -> str:
    return ACTION_STATUS_LABELS.get(status, status)


def _action_text(a: PlanAction) -> str:
    when = f"by {_day(a.by_when)}" if a.by_when else "no date yet"
    return f"{a.what or '—'} — {a.who or 'no one named yet'}, {when} ({_status(a.status)})"


def _agreed(v: PlanVersion) -> str:
    if not (v.agreed_on or v.agreed_at or v.agreed_by):
        return "not yet"
    at = days_in_full(v.agreed_at)  # "CIN review meeting 3 November 2026"
    # A plan received on a transfer-in says so as it is: "21 October 2026, received from
    # Northshire County Council (transfer-in)" (it read "… 2026 at received from …").
    received = at.startswith("received from ")
    where = at if received else f"at {at}" if at else ""
    head = (", " if received else " ").join(p for p in (_day(v.agreed_on, ""), where) if p)
    return " ".join(p for p in (head, f"by {v.agreed_by}" if v.agreed_by else "") if p)


def _standing(doc: PlanDocument) -> tuple[str, str]:
    """The version's status and when it was agreed, as the family's copy says them: a plan
    that fails a check is never also called agreed."""
    v = doc.version
    if doc.problems and not doc.ended:
        return "not final: it fails a check", "not yet"
    return v.status, _agreed(v)


def _gcp2_lines(doc: PlanDocument, need: Need) -> list[str]:
    """'Graded Care Profile 2, 20 November 2026 (Amira Khan): Physical care 3, Safety 2,
    Love and care 4, Esteem 3 (1 best care, 5 poorest)', newest first, for one need."""
    return [f"{_GCP2_LABEL}, {_day(f.on)} ({f.assessor}): {f.describe()} "
            f"({gcp2_rules.SCALE})" for f in gcp2_rules.for_need(doc.gcp2, need.key)]


_GCP2_LABEL = "Graded Care Profile 2"


def _details(doc: PlanDocument) -> list[tuple[str, str]]:
    v = doc.version
    status, agreed = _standing(doc)
    return [("Child", doc.child_name), ("Reference", doc.child_reference),
            ("Born", _born(doc) or "—"), ("Social worker", doc.worker or "—"),
            # A store with no authority set up leaves the line out, as the minutes do.
            *((("Local authority", doc.authority),) if doc.authority else ()),
            ("Plan version", f"{v.number} ({status})"), ("Agreed", agreed),
            ("Lead professional", v.lead_professional or "—"),
            ("Next review", _next_review(v)), ("Printed", _day(doc.generated_on))]


def _next_review(v: PlanVersion) -> str:
    """The next review, or none after the final meeting or the closure that ended the plan
    (WIR 3)."""
    if v.ended_on is not None:
        return f"none, the plan ended at {ENDED_BY[v.ended_by]} on {_day(v.ended_on)}"
    return _day(v.next_review)


def _version_line(doc: PlanDocument) -> str:
    v = doc.version
    status, agreed = _standing(doc)
    line = f"Plan version {v.number} ({status})"
    if agreed != "not yet":
        line += f", agreed {agreed}"
    line += f". Next review: {_next_review(v)}. Printed {_day(doc.generated_on)}."
    return line


_SECTIONS = (("What this plan is for", "objectives"), ("The child’s views", "childs_views"),
             ("A day in the child’s life", "lived_experience"),
             ("What must not happen (our bottom lines)", "bottom_lines"),
             ("If the plan does not work", "if_not_met"),
             ("When the plan can end: what “good enough” looks like", "good_enough"))
_REVIEW = ("How the plan is reviewed", "review_arrangements")


def _sections(doc: PlanDocument) -> list[tuple[str, str]]:
    return [(title, getattr(doc.version, name)) for title, name in _SECTIONS]


# ---------------------------------------------------------------- JSON


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    return value


def to_json(doc: PlanDocument) -> str:
    """The whole document: {"format": "cintui-plan", "format_version": 1, ...}, ISO dates."""
    data = {"format": FORMAT, "format_version": FORMAT_VERSION, **_jsonable(doc)}
    return json.dumps(data, ensure_ascii=False, indent=2)


def _d(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _u(value) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _version_from(data: dict) -> PlanVersion:
    needs = tuple(Need(
        now=n["now"], outcome=n["outcome"], rag=n["rag"], kind=n["kind"],
        evidence=n["evidence"], key=uuid.UUID(n["key"]),
        actions=tuple(PlanAction(what=a["what"], who=a["who"], by_when=_d(a["by_when"]),
                                 status=a["status"], notes=a["notes"],
                                 person_id=_u(a["person_id"]), key=uuid.UUID(a["key"]))
                      for a in n["actions"]),
        rag_history=tuple(RagChange(**{**h, "on": date.fromisoformat(h["on"])})
                          for h in n["rag_history"]))
        for n in data["needs"])
    return PlanVersion(
        number=data["number"], status=data["status"], created_on=_d(data["created_on"]),
        agreed_on=_d(data["agreed_on"]), agreed_at=data["agreed_at"],
        agreed_by=data["agreed_by"], objectives=data["objectives"],
        lead_professional=data["lead_professional"],
        review_arrangements=data["review_arrangements"], next_review=_d(data["next_review"]),
        services=tuple(Service(**s) for s in data["services"]),
        childs_views=data["childs_views"], lived_experience=data["lived_experience"],
        visit_every=Timescale(**data["visit_every"]) if data.get("visit_every") else None,
        bottom_lines=data.get("bottom_lines", ""), if_not_met=data.get("if_not_met", ""),
        good_enough=data.get("good_enough", ""), ended_on=_d(data.get("ended_on")),
        ended_by=data.get("ended_by", ""), needs=needs, id=_u(data["id"]))


def read_envelope(text: str, fmt: str, version: int, what: str) -> dict:
    """An export's JSON, refused with a ValueError saying why unless it is `fmt` at
    `version` (every cintui JSON export carries "format" and "format_version")."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise ValueError(f"not a cintui {what} export (no \"format\": \"{fmt}\")")
    if data.get("format_version") != version:
        raise ValueError(f"cintui {what} format version {data.get('format_version')!r} is not "
                         f"one this version reads ({version})")
    return data


def from_json(text: str) -> PlanDocument:
    data = read_envelope(text, FORMAT, FORMAT_VERSION, "plan")
    return PlanDocument(
        child_name=data["child_name"], child_reference=data["child_reference"],
        dob_text=data["dob_text"], worker=data["worker"], authority=data["authority"],
        version=_version_from(data["version"]), problems=tuple(data["problems"]),
        generated_on=date.fromisoformat(data["generated_on"]), final=data["final"],
        gcp2=tuple(gcp2_rules.Gcp2Fact(
            date.fromisoformat(g["on"]), g["assessor"],
            tuple((area, grade) for area, grade in g["grades"]), g["summary"],
            tuple(g["needs"]), tuple(uuid.UUID(k) for k in g["need_keys"]),
            g["recorded_by"], g["ref"]) for g in data.get("gcp2", ())))


# ---------------------------------------------------------------- Markdown
#
# Written for a parent to read as it stands, and valid CommonMark that renders the same
# words. Every value reads back exactly:
# - a line break in a value is a CommonMark hard break (a backslash at the end of the line;
#   the next line is indented to stay in its list item). A literal backslash is always
#   doubled, so a line ending in an odd number of backslashes continues the value;
# - characters Markdown would act on are backslash-escaped (`\*`, `\#` at a line's start);
#   spaces at either end of a line, control characters, and a final line break are
#   numeric references (`&#32;`); an "&" that would read as a reference is escaped (`\&`);
# - an empty value is "—" (a value that is just "—" is written `&#8212;`);
# - keys (UUIDs) are in HTML comments, which a Markdown viewer hides.

_MD_INLINE = {ord(c): "\\" + c for c in "\\`*_[<~"}
_MD_ENTITY_LIKE = LazyPattern(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_MD_CONTROL = LazyPattern(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")  # \t stays; \n splits
_MD_BLOCK_START = LazyPattern(r"[#>\-+=|:]|\d{1,9}[.)]")
_MD_DECODE = LazyPattern(r"\\([!-/:-@\[-`{-~])|&#([0-9]{1,7});")
_EMPTY = "—"


def _md_ref(ch: str) -> str:
    return f"&#{ord(ch)};"


def _md_line(line: str, block_start: bool) -> str:
    out = line.translate(_MD_INLINE)
    out = _MD_ENTITY_LIKE.sub(r"\\&", out)
    out = _MD_CONTROL.sub(lambda m: _md_ref(m.group()), out)
    if out and out[0].isspace():
        out = _md_ref(out[0]) + out[1:]
    if out and out[-1].isspace():
        out = out[:-1] + _md_ref(out[-1])
    if block_start and (m := _MD_BLOCK_START.match(out)):
        cut = m.end() - 1
        out = out[:cut] + "\\" + out[cut:]
    return out


def _md_value(text: str, indent: str, block_start: bool = False) -> str:
    """`text` as Markdown: its lines joined by hard breaks, continuation lines `indent`ed."""
    if text == "":
        return _EMPTY
    if text == _EMPTY:
        return _md_ref(_EMPTY)
    lines = text.split("\n")
    final_break = len(lines) > 1 and lines[-1] == ""
    if final_break:
        lines.pop()
    out = [_md_line(line, block_start or i > 0) for i, line in enumerate(lines)]
    if final_break:
        out[-1] += "&#10;"
    return ("\\\n" + indent).join(out)


def _md_unvalue(raw: str) -> str:
    if raw == _EMPTY:
        return ""
    return _MD_DECODE.sub(lambda m: m.group(1) if m.group(1) is not None
                          else chr(int(m.group(2))), raw)


_MD_ENDED_AT_CLOSURE = "Plan ended at the closure"
_MD_DETAILS = (  # label, field, kind; in the order written
    ("Child", "child_name", "text"), ("Reference", "child_reference", "text"),
    ("Born", "dob_text", "text"), ("Social worker", "worker", "text"),
    ("Local authority", "authority", "text"), ("Plan version", "number", "version"),
    ("Plan started", "created_on", "date"), ("Agreed on", "agreed_on", "date"),
    ("Agreed at", "agreed_at", "text"), ("Agreed by", "agreed_by", "text"),
    ("Lead professional", "lead_professional", "text"),
    ("Next review", "next_review", "date"),
    ("Plan ended at the final meeting", "ended_on", "date"),  # only when it did (WIR 3)
    (_MD_ENDED_AT_CLOSURE, "ended_on", "date"),  # or the closure ended it; one of the two
    ("Printed", "generated_on", "date"),
    ("Final copy", "final", "bool"))
_MD_ACTION = (("Who", "who"), ("By when", "by_when"), ("Status", "status"),
              ("Notes", "notes"))
_MD_RATING = (("By", "by"), ("Reason", "reason"), ("Maintained for", "maintained_for"),
              ("Agreed at", "agreed_at"), ("CP discussion", "cp_discussion"))
_MD_TEXT_SECTIONS = dict((*_SECTIONS, _REVIEW))
_MD_NEEDS = "What we are working on"
_MD_SERVICES = "Services"
_MD_HISTORY = "How the rating has changed"
_MD_NO_ACTIONS = "No actions yet."
_MD_NO_HISTORY = "No ratings recorded."
_MD_NO_SERVICES = "No services listed."
_MD_NO_NEEDS = "No needs written yet."


# Words the app builds as its screens write them ("3 Nov 2026"; an "agreed at" as typed in
# the plan editor, "CIN review meeting 23 Nov 2026"): their days written in full for the
# family, and read back as the record holds them.
_MD_BUILT = ("dob_text", "agreed_at")


def _rating_words(h: RagChange, name: str) -> str:
    """A rating's detail as the family reads it: where it was agreed with its day in full;
    a meeting named in the reason ("New concern at CIN review meeting 3 November 2026")."""
    from cintui.domain.meeting import labels_in_full  # here: `plan show` loads no minuting

    value = getattr(h, name)
    return days_in_full(value) if name == "agreed_at" else labels_in_full(value)


def _md_field(label: str, value: str, indent: str = "") -> str:
    return f"{indent}- **{label}:** {value}"


_NOT_FINAL = "not final: it fails a check"
# Over an ended plan's checks: what it lacked when it ended, not a to-do (WIR 3, TRA).
LACKED = "When it ended, the plan lacked:"


def to_markdown(doc: PlanDocument) -> str:
    """A Markdown plan a parent can read, that `from_markdown` reads back exactly."""
    v = doc.version
    out = [f"# {_md_line(doc.title, False)}",
           f"<!-- {FORMAT} format {FORMAT_VERSION}"
           + (f"; version id: {v.id}" if v.id else "") + " -->", ""]
    if doc.draft:
        out.append(f"> **{doc.draft_reason}.**"
                   + (" To sort out before it is final:" if doc.problems else ""))
        if doc.problems:
            out.append(">")
            out += [f"> - {_md_value(p, '>   ', block_start=True)}" for p in _problems(doc)]
        out.append("")
    elif doc.ended:
        out.append(f"> **{doc.ended_mark}.**" + (f" {LACKED}" if doc.problems else ""))
        if doc.problems:
            out.append(">")
            out += [f"> - {_md_value(p, '>   ', block_start=True)}" for p in _problems(doc)]
        out.append("")
    # A plan that fails a check is never also called agreed where the family reads it: its
    # status and when it was agreed stay in comments, for `from_markdown` (BEX 2). An ended
    # plan was agreed: it is the record.
    failing = bool(doc.problems) and not doc.ended
    for label, name, kind in _MD_DETAILS:
        value = getattr(v if hasattr(v, name) else doc, name)
        if name == "ended_on" and (value is None or (label == _MD_ENDED_AT_CLOSURE)
                                   != (v.ended_by == "closure")):
            continue
        if kind == "text":
            value = days_in_full(value) if name in _MD_BUILT else value
            text = _md_value(value, "  ")
        elif kind == "date":
            text = _day(value, "none" if name == "next_review" and v.ended_on else "not set")
        elif kind == "bool":
            text = "yes" if value else "no"
        elif failing:
            out += [_md_field(label, f"{v.number} ({_NOT_FINAL})"),
                    f"<!-- status: {_md_value(v.status, '')} -->"]
            continue
        else:
            text = f"{v.number} ({_md_value(v.status, '  ')})"
        if failing and label.startswith("Agreed"):
            out.append(f"<!-- {_md_field(label, text)} -->")
        else:
            out.append(_md_field(label, text))
    for title, name in _SECTIONS:
        out += ["", f"## {title}", "", _md_value(getattr(v, name), "", block_start=True)]
    out += ["", f"## {_MD_NEEDS}"]
    if not v.needs:
        out += ["", _MD_NO_NEEDS]
    for i, n in enumerate(v.needs, start=1):
        kind = KIND_TEXT.get(n.kind) or f"kind: {_md_value(n.kind, '')}"
        out += ["", f"### Need {i}: {rag_text(n.rag)}, {kind}", f"<!-- need key: {n.key} -->",
                "", f"#### {MD_COLUMNS[0]}", "", _md_value(n.now, "", block_start=True)]
        if n.evidence:
            out += ["", f"**Evidence:** {_md_value(n.evidence, '')}"]
        for f in gcp2_rules.for_need(doc.gcp2, n.key):
            out += ["", f"**{_GCP2_LABEL}, {_day(f.on)} ({_md_value(f.assessor, '')}):** "
                        f"{f.describe()} ({gcp2_rules.SCALE})"]
        out += ["", f"#### {MD_COLUMNS[1]}", "", _md_value(n.outcome, "", block_start=True),
                "", f"#### {MD_COLUMNS[2]}", ""]
        for j, a in enumerate(n.actions, start=1):
            marker = f"{j}. "
            pad = " " * len(marker)
            out.append(marker + _md_value(a.what, pad, block_start=True))
            for label, name in _MD_ACTION:
                value = getattr(a, name)
                if name == "by_when":
                    text = _day(value, "no date yet")
                elif name == "status":
                    text = _md_value(_status(value), pad + "  ")
                elif name == "notes" and not value:
                    continue
                else:
                    text = _md_value(value, pad + "  ")
                out.append(_md_field(label, text, pad))
            out.append(f"{pad}<!-- action key: {a.key}"
                       + (f"; person: {a.person_id}" if a.person_id else "") + " -->")
        if not n.actions:
            out.append(_MD_NO_ACTIONS)
        out += ["", f"#### {_MD_HISTORY}", ""]
        for h in n.rag_history:
            was = f"was {rag_text(h.previous)}" if h.previous else "first rating"
            out.append(f"- **{_day(h.on)}: {rag_text(h.rating)}**, {was}")
            out += [_md_field(label, _md_value(_rating_words(h, name), "    "), "  ")
                    for label, name in _MD_RATING if getattr(h, name)]
        if not n.rag_history:
            out.append(_MD_NO_HISTORY)
    out += ["", f"## {_MD_SERVICES}", ""]
    for s in v.services:
        name = _md_value(s.name, "  ")
        out.append(f"- **{name}:** {_md_value(s.purpose, '  ')}" if s.purpose
                   else f"- **{name}**")
    if not v.services:
        out.append(_MD_NO_SERVICES)
    out += ["", f"## {_REVIEW[0]}", "", _md_value(v.review_arrangements, "", block_start=True)]
    return "\n".join(out) + "\n"


def _md_logical_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) with hard-break continuations joined by "\\n": the physical
    line's final backslash dropped and the next line's indent (spaces, ">") stripped."""
    out: list[tuple[int, str]] = []
    joining = False
    for number, line in enumerate(text.split("\n"), start=1):
        if joining:
            start, previous = out[-1]
            out[-1] = (start, previous + "\n" + line.lstrip(" >"))
        else:
            out.append((number, line))
        current = out[-1][1]
        trailing = len(current) - len(current.rstrip("\\"))
        joining = trailing % 2 == 1
        if joining:
            out[-1] = (out[-1][0], current[:-1])
    return out


_MD_RE_FIELD = LazyPattern(r" *- \*\*([^*\n]+):\*\* (.*)", re.DOTALL)
_MD_RE_VERSION = LazyPattern(r"(-?[0-9]+) \((.*)\)", re.DOTALL)
_MD_RE_NEED = LazyPattern(r"### Need [0-9]+: [A-Za-z]+ \(([A-Z])\), (.*)", re.DOTALL)
_MD_RE_KEY = LazyPattern(r" *<!-- (need|action) key: ([0-9a-f-]{36})(?:; person: ([0-9a-f-]{36}))? -->")
_MD_RE_ACTION = LazyPattern(r"[0-9]+\. (.*)", re.DOTALL)
_MD_RE_RATING = LazyPattern(r"- \*\*([0-9]{1,2}) ([A-Z][a-z]+) (-?[0-9]+): [A-Za-z]+ \(([A-Z])\)"
                            r"\*\*, (?:first rating|was [A-Za-z]+ \(([A-Z])\))")
_MD_RE_SERVICE = LazyPattern(r"- \*\*(.*?)(?::\*\* (.*)|\*\*)", re.DOTALL)
_MD_RE_HEADER = LazyPattern(rf"<!-- {FORMAT} format ([0-9]+)(?:; version id: ([0-9a-f-]{{36}}))? -->")
_MD_RE_EVIDENCE = LazyPattern(r"\*\*Evidence:\*\* (.*)", re.DOTALL)
_MD_RE_GCP2 = LazyPattern(r"\*\*Graded Care Profile 2, (\d{1,2}) (\w+) (\d+) \((.*)\):\*\* "
                          r"(.*) \(1 best care, 5 poorest\)", re.DOTALL)


def _md_date(raw: str) -> date | None:
    if raw in ("not set", "no date yet", "none"):
        return None
    day, month, year = raw.split(" ")
    return date(int(year), _month(month), int(day))


def from_markdown(text: str) -> PlanDocument:
    """Read back a `to_markdown` export (ValueError when it is not one)."""
    from cintui.domain.meeting import labels_as_stored

    lines = _md_logical_lines(text.replace("\r\n", "\n"))
    if not lines or not lines[0][1].startswith("# "):
        raise ValueError("not a cintui plan export: it must start with the plan's title")
    top: dict = {}
    version: dict = {"services": [], "needs": []}
    problems: list[str] = []
    statuses = {label: code for code, label in ACTION_STATUS_LABELS.items()}
    kinds = {text: kind for kind, text in KIND_TEXT.items()}
    labels = {label: (name, kind) for label, name, kind in _MD_DETAILS}
    section = part = ""
    need: dict = {}
    seen_header = False
    graded: dict[tuple, list[uuid.UUID]] = {}  # (on, assessor, grades) -> need keys
    areas = {label: area for area, label in gcp2_rules.AREA_LABELS.items()}

    def fail(number: int, why: str):
        return ValueError(f"line {number}: {why}; not a cintui plan export")

    for number, line in lines[1:]:
        if not line.strip():
            continue
        if not seen_header:
            m = _MD_RE_HEADER.fullmatch(line)
            if not m:
                raise fail(number, "no format comment after the title")
            if int(m.group(1)) != FORMAT_VERSION:
                raise fail(number, f"format version {m.group(1)} is not {FORMAT_VERSION}")
            version["id"] = _u(m.group(2))
            seen_header = True
        elif line.startswith("## "):
            section, part = line[3:], ""
        elif not section:
            if line.startswith("<!-- ") and line.endswith(" -->"):
                line = line[5:-4]  # a failing plan's status and agreement, kept out of sight
                if line.startswith("status: "):
                    version["status"] = _md_unvalue(line[len("status: "):])
                    continue
            if line.startswith("> - "):
                problems.append(days_abbreviated(_md_unvalue(line[4:])))
            elif line.startswith(">"):
                continue  # the DRAFT banner: worked out from the problems and `final`
            elif m := _MD_RE_FIELD.fullmatch(line):
                if m.group(1) not in labels:
                    raise fail(number, f"unknown detail {m.group(1)!r}")
                name, kind = labels[m.group(1)]
                raw = m.group(2)
                if kind == "text":
                    value = _md_unvalue(raw)
                    value = days_abbreviated(value) if name in _MD_BUILT else value
                elif kind == "date":
                    value = _md_date(raw)
                elif kind == "bool":
                    value = raw == "yes"
                else:
                    vm = _MD_RE_VERSION.fullmatch(raw)
                    if not vm:
                        raise fail(number, "plan version is not 'N (status)'")
                    value = int(vm.group(1))
                    version["status"] = _md_unvalue(vm.group(2))
                target = version if name in PlanVersion.__dataclass_fields__ else top
                target[name] = value
                if m.group(1) == _MD_ENDED_AT_CLOSURE:
                    version["ended_by"] = "closure"
            else:
                raise fail(number, "unexpected line in the plan's details")
        elif section in _MD_TEXT_SECTIONS:
            version[_MD_TEXT_SECTIONS[section]] = _md_unvalue(line)
        elif section == _MD_SERVICES:
            if m := _MD_RE_SERVICE.fullmatch(line):
                version["services"].append(Service(
                    _md_unvalue(m.group(1)), _md_unvalue(m.group(2) or "")))
            elif line != _MD_NO_SERVICES:
                raise fail(number, "a service is '- **name:** purpose'")
        elif section == _MD_NEEDS:
            if m := _MD_RE_NEED.fullmatch(line):
                kind = m.group(2)
                need = {"rag": m.group(1), "actions": [], "rag_history": [], "evidence": "",
                        "kind": kinds.get(kind) or _md_unvalue(kind.removeprefix("kind: "))}
                version["needs"].append(need)
                part = "need"
            elif not need:
                if line != _MD_NO_NEEDS:
                    raise fail(number, "a need starts with '### Need N: rating, kind'")
            elif m := _MD_RE_KEY.fullmatch(line):
                target = need if m.group(1) == "need" else need["actions"][-1]
                target["key"] = uuid.UUID(m.group(2))
                if m.group(1) == "action":
                    target["person_id"] = _u(m.group(3))
            elif line.startswith("#### "):
                part = {MD_COLUMNS[0]: "now", MD_COLUMNS[1]: "outcome",
                        MD_COLUMNS[2]: "actions", _MD_HISTORY: "history"}.get(line[5:], "")
                if not part:
                    raise fail(number, f"unknown part of a need {line[5:]!r}")
            elif part == "now" and (m := _MD_RE_EVIDENCE.fullmatch(line)):
                need["evidence"] = _md_unvalue(m.group(1))
            elif part == "now" and (m := _MD_RE_GCP2.fullmatch(line)):
                try:
                    grades = tuple((areas[label], int(grade)) for label, grade in (
                        g.rsplit(" ", 1) for g in m.group(5).split(", ")))
                    on = date(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
                except (KeyError, ValueError):
                    raise fail(number, "a GCP2 line's grades are not its four areas") from None
                if "key" not in need:
                    raise fail(number, "a GCP2 line before its need's key")
                graded.setdefault((on, _md_unvalue(m.group(4)), grades), []).append(
                    need["key"])
            elif part in ("now", "outcome"):
                need[part] = _md_unvalue(line)
            elif part == "actions" and line != _MD_NO_ACTIONS:
                if line.startswith(" ") and need["actions"] and (
                        m := _MD_RE_FIELD.fullmatch(line)):
                    name = dict(_MD_ACTION).get(m.group(1))
                    if name is None:
                        raise fail(number, f"unknown action detail {m.group(1)!r}")
                    raw = m.group(2)
                    need["actions"][-1][name] = (
                        _md_date(raw) if name == "by_when" else
                        statuses.get(_md_unvalue(raw), _md_unvalue(raw)) if name == "status"
                        else _md_unvalue(raw))
                elif m := _MD_RE_ACTION.fullmatch(line):
                    need["actions"].append({"what": _md_unvalue(m.group(1))})
                else:
                    raise fail(number, "unexpected line in the actions")
            elif part == "history" and line != _MD_NO_HISTORY:
                if m := _MD_RE_RATING.fullmatch(line):
                    need["rag_history"].append({
                        "on": date(int(m.group(3)), _month(m.group(2)), int(m.group(1))),
                        "rating": m.group(4), "previous": m.group(5)})
                elif (m := _MD_RE_FIELD.fullmatch(line)) and need["rag_history"]:
                    name = dict(_MD_RATING).get(m.group(1))
                    if name is None:
                        raise fail(number, f"unknown rating detail {m.group(1)!r}")
                    raw = _md_unvalue(m.group(2))
                    need["rag_history"][-1][name] = (days_abbreviated(raw) if name == "agreed_at"
                                                     else labels_as_stored(raw))
                else:
                    raise fail(number, "unexpected line in the rating history")
        else:
            raise fail(number, f"unknown section {section!r}")
    try:
        needs = tuple(Need(
            now=n["now"], outcome=n["outcome"], rag=n["rag"], kind=n["kind"],
            evidence=n["evidence"], key=n["key"],
            actions=tuple(PlanAction(**a) for a in n["actions"]),
            rag_history=tuple(RagChange(**h) for h in n["rag_history"]))
            for n in version.pop("needs"))
        plan = PlanVersion(needs=needs, services=tuple(version.pop("services")), **version)
        gcp2 = tuple(gcp2_rules.Gcp2Fact(on, who, grades, "", need_keys=tuple(keys))
                     for (on, who, grades), keys in sorted(graded.items()))
        return PlanDocument(version=plan, problems=tuple(problems), gcp2=gcp2, **top)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a complete cintui plan export: {exc}") from None


# ---------------------------------------------------------------- HTML

_HTML_STYLE = (
    "body{font-family:system-ui,sans-serif;font-size:1.05rem;line-height:1.45;max-width:60em;"
    "margin:1em auto;padding:0 1em;color:#111}table{border-collapse:collapse;width:100%;"
    "margin:.5em 0 1.5em}td,th{border:1px solid #777;padding:.45em;vertical-align:top;"
    "text-align:left}th{background:#eee}.draft{border:4px solid #b00;color:#900;"
    "padding:.5em 1em;margin:1em 0}.draft strong{font-size:1.2em}"
    ".ended{border:2px solid #555;padding:.5em 1em;margin:1em 0}dl{display:grid;"
    "grid-template-columns:max-content 1fr;gap:.2em 1em}dt{font-weight:bold}dd{margin:0}"
    ".rag{font-weight:bold;white-space:nowrap}.R{background:#f6d0cc}.A{background:#fde9b8}"
    ".G{background:#cfe9d8}.text{white-space:pre-wrap}ul{margin:.2em 0;padding-left:1.2em}"
    "@media print{.draft{border-width:2px}}")


def to_html(doc: PlanDocument) -> str:
    """One self-contained page (no scripts, nothing fetched), every value escaped."""
    import html  # here: its entities' table is ~1 ms of every `plan show`'s start

    def e(text: str) -> str:
        return html.escape(family_text(text))

    v = doc.version

    def para(text: str) -> str:
        return f'<p class="text">{e(text)}</p>' if text else "<p>—</p>"

    parts = ["<!DOCTYPE html>", '<html lang="en-GB"><head><meta charset="utf-8">',
             '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
             'style-src \'unsafe-inline\'">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{e(doc.title)}</title><style>{_HTML_STYLE}</style></head><body>"]
    if doc.draft:
        parts.append(f'<div class="draft" role="alert"><strong>{e(doc.draft_reason)}</strong>'
                     + ("<p>To sort out before it is final:</p><ul>"
                        + "".join(f"<li>{e(p)}</li>" for p in _problems(doc)) + "</ul>"
                        if doc.problems else "") + "</div>")
    elif doc.ended:
        parts.append(f'<div class="ended"><strong>{e(doc.ended_mark)}.</strong>'
                     + (f"<p>{e(LACKED)}</p><ul>"
                        + "".join(f"<li>{e(p)}</li>" for p in _problems(doc)) + "</ul>"
                        if doc.problems else "") + "</div>")
    parts.append(f"<h1>{e(doc.title)}</h1><p>{e(_version_line(doc))}</p>")
    parts.append("<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(val)}</dd>"
                                  for k, val in _details(doc)) + "</dl>")
    for title, text in _sections(doc):
        parts.append(f"<h2>{e(title)}</h2>{para(text)}")
    parts.append(f"<h2>{_MD_NEEDS}</h2><table><caption>The plan: what is happening now, what "
                 "we want to change, who will do what by when, and each need's rating"
                 "</caption><thead><tr>"
                 + "".join(f'<th scope="col">{e(c)}</th>' for c in COLUMNS)
                 + "</tr></thead><tbody>")
    for n in v.needs:
        actions = "".join(f"<li>{e(_action_text(a))}</li>" for a in n.actions) or "<li>—</li>"
        kind = KIND_TEXT.get(n.kind, n.kind)
        evidence = f"<p><strong>Evidence:</strong> {e(n.evidence)}</p>" if n.evidence else ""
        evidence += "".join(f"<p>{e(line)}</p>" for line in _gcp2_lines(doc, n))
        parts.append(
            f'<tr><td><p class="text">{e(n.now)}</p><p><em>({e(kind)})</em></p>{evidence}</td>'
            f'<td class="text">{e(n.outcome) or "—"}</td><td><ul>{actions}</ul></td>'
            f'<td class="rag {e(n.rag)}">{e(rag_text(n.rag))}</td></tr>')
    parts.append("</tbody></table>")
    if v.services:
        parts.append("<h2>Services</h2><table><thead><tr><th scope=\"col\">Service</th>"
                     "<th scope=\"col\">What it is for</th></tr></thead><tbody>"
                     + "".join(f"<tr><td>{e(s.name)}</td><td>{e(s.purpose) or '—'}</td></tr>"
                               for s in v.services) + "</tbody></table>")
    parts.append(f"<h2>{e(_REVIEW[0])}</h2>{para(v.review_arrangements)}")
    parts.append("</body></html>")
    return "\n".join(parts)


# ---------------------------------------------------------------- DOCX
#
# python-docx builds the body; the package around it (styles, settings, theme: 800 KB of
# XML) is made once per thread and copied as compressed bytes. Opening, saving and the
# style-by-name lookups were three quarters of the time per document.

_DOCX_RAG_FILL = {"R": "F6D0CC", "A": "FDE9B8", "G": "CFE9D8"}
_DOCX_NEED_WIDTHS = (52, 52, 48, 22)  # mm, across A4 less 18 mm margins (174 mm)
_DOCX_DETAIL_WIDTHS = (45, 129)
_DOCX_SERVICE_WIDTHS = (70, 104)
_DOCX_DRAFT_HEADER = "DRAFT: not the final plan. The first page says why."
_docx_local = threading.local()


class _DocxTemplate:
    def __init__(self, draft: bool) -> None:
        from docx import Document
        from docx.shared import Mm, Pt, RGBColor

        d = Document()
        section = d.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)  # A4
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(18))
        d.styles["Normal"].font.size = Pt(11)
        props = d.core_properties
        props.author = props.last_modified_by = props.comments = props.keywords = ""
        props.title = "Child in need plan"
        if draft:
            header = section.header.paragraphs[0]
            run = header.add_run(_DOCX_DRAFT_HEADER)
            run.bold = True
            run.font.color.rgb = RGBColor(0xB0, 0, 0)
        self.document = d
        self.body = d.element.body
        self.style = {name: d.styles[name].style_id for name in (
            "Title", "Heading 1", "Heading 2", "List Bullet", "Table Grid")}
        import zipfile  # here: `plan show` builds a PlanDocument and writes no DOCX

        package = io.BytesIO()
        d.save(package)
        rest = io.BytesIO()
        with zipfile.ZipFile(package) as source, zipfile.ZipFile(
                rest, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                if item.filename != "word/document.xml":
                    target.writestr(item, source.read(item.filename))
        self.package = rest.getvalue()

    def clear(self) -> None:
        for child in list(self.body)[:-1]:  # keep the section properties, last
            self.body.remove(child)


def _docx_template(draft: bool) -> _DocxTemplate:
    templates = getattr(_docx_local, "templates", None)
    if templates is None:
        templates = _docx_local.templates = {}
    if draft not in templates:
        templates[draft] = _DocxTemplate(draft)
    return templates[draft]


def docx_bytes(doc: PlanDocument) -> bytes:
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    t = _docx_template(doc.draft)
    t.clear()
    d, style = t.document, t.style
    try:
        def para(text: str, style_name: str | None = None):
            p = d.add_paragraph(_family_docx(text))
            if style_name:
                p._p.style = style[style_name]
            return p

        def bold_cell(cell, text: str) -> None:
            cell.text = _family_docx(text)
            cell.paragraphs[0].runs[0].bold = True

        para(doc.title, "Title")
        if doc.draft:
            banner = d.add_paragraph()
            run = banner.add_run(doc.draft_reason + ("." if not doc.problems else
                                                     ". To sort out before it is final:"))
            run.bold = True
            run.font.color.rgb = RGBColor(0xB0, 0, 0)
            for problem in _problems(doc):
                para(problem, "List Bullet")
        elif doc.ended:
            banner = d.add_paragraph()
            banner.add_run(doc.ended_mark + (f". {LACKED}" if doc.problems else ".")).bold = True
            for problem in _problems(doc):
                para(problem, "List Bullet")
        para(_version_line(doc))
        details = d.add_table(rows=len(_details(doc)), cols=2)
        details._tbl.tblStyle_val = style["Table Grid"]
        _docx_widths(details, _DOCX_DETAIL_WIDTHS)
        for row, (label, value) in zip(details.rows, _details(doc), strict=True):
            cells = row.cells
            bold_cell(cells[0], label)
            cells[1].text = _family_docx(value)
        for title, text in _sections(doc):
            para(title, "Heading 1")
            para(text or "—")
        para(_MD_NEEDS, "Heading 1")
        needs = doc.version.needs
        table = d.add_table(rows=1 + len(needs), cols=4)
        table._tbl.tblStyle_val = style["Table Grid"]
        rows = table.rows
        header = rows[0]
        header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeats per page
        for cell, title in zip(header.cells, COLUMNS, strict=True):
            bold_cell(cell, title)
        _docx_widths(table, _DOCX_NEED_WIDTHS)
        for row, n in zip(rows[1:], needs, strict=True):
            cells = row.cells
            kind = KIND_TEXT.get(n.kind, n.kind)
            cells[0].text = _family_docx(n.now + f"\n({kind})"
                                       + (f"\nEvidence: {n.evidence}" if n.evidence else "")
                                       + "".join(f"\n{g}" for g in _gcp2_lines(doc, n)))
            cells[1].text = _family_docx(n.outcome or "—")
            cells[2].text = _family_docx("\n".join(f"• {_action_text(a)}" for a in n.actions)
                                       or "—")
            bold_cell(cells[3], rag_text(n.rag))
            if n.rag in _DOCX_RAG_FILL:
                shade = OxmlElement("w:shd")
                shade.set(qn("w:val"), "clear")
                shade.set(qn("w:fill"), _DOCX_RAG_FILL[n.rag])
                cells[3]._tc.get_or_add_tcPr().append(shade)
        para("Services", "Heading 1")
        if doc.version.services:
            services = d.add_table(rows=1 + len(doc.version.services), cols=2)
            services._tbl.tblStyle_val = style["Table Grid"]
            _docx_widths(services, _DOCX_SERVICE_WIDTHS)
            for cell, title in zip(services.rows[0].cells, ("Service", "What it is for"),
                                   strict=True):
                bold_cell(cell, title)
            for row, s in zip(services.rows[1:], doc.version.services, strict=True):
                cells = row.cells
                cells[0].text = _family_docx(s.name)
                cells[1].text = _family_docx(s.purpose or "—")
        else:
            para("None listed.")
        para(_REVIEW[0], "Heading 1")
        para(doc.version.review_arrangements or "—")
        xml = serialize_part_xml(d.element)
    finally:
        t.clear()
    import zipfile

    out = io.BytesIO(t.package)
    out.seek(0, io.SEEK_END)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", xml)
    return out.getvalue()


def _docx_widths(table, widths_mm: tuple[int, ...]) -> None:
    """Fixed column widths: in the grid (LibreOffice reads these) and on every cell (Word)."""
    from docx.shared import Mm

    table.autofit = False
    widths = [Mm(w) for w in widths_mm]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


# XML 1.0 cannot hold most control characters; Word would refuse the file.
_XML_ILLEGAL = LazyPattern(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _docx_text(text: str) -> str:
    return _XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _family_docx(text: str) -> str:
    """Text for a family's DOCX: `_docx_text` of `family_text`."""
    return _docx_text(family_text(text))


# ---------------------------------------------------------------- PDF
#
# An A4 page, as a council's documents are, each need a block (not a wide table: it
# reads the same on a phone, the lines reflowing to its width in most readers). Text that Windows-1252 covers (English and most Western European text, with
# ’ — “ ” • €) uses the PDF's built-in Helvetica: nothing embedded, three times faster.
# Anything else (Polish, Romanian, Cyrillic names...) uses the bundled DejaVu Sans, its
# TTF parsed once per process.


def _font(name: str) -> str:
    from cintui.reference.shipped import shipped

    return str(shipped("fonts", name))


# Most names beyond Windows-1252 are European: a font of these characters (a third of the
# bundled glyphs) is read and subset per document in half the time of the whole font.
_COMMON = frozenset([*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x300, 0x370),
                     *range(0x400, 0x460), *range(0x2010, 0x2045), 0x20AC, 0x2116, 0x2122,
                     *range(0x2190, 0x2194), 0x25A1])
_MISSING = "□"  # stands in for a character the bundled font does not have (emoji, CJK)
_FONT_CACHE: dict[str, tuple[object, bytes, frozenset[str], bytes, frozenset[str]]] = {}
_FONT_LOCK = threading.Lock()


def _load_font(pdf, style: str, name: str,
               ) -> tuple[object, bytes, frozenset[str], bytes, frozenset[str]]:
    """The bundled font parsed by fpdf2 (its widths and glyph maps), and its TTF as bytes,
    whole and cut to `_COMMON`, each with the characters it has."""
    import copy

    from fontTools import subset
    from fontTools.ttLib import TTFont

    key = f"dejavu{style}"  # fpdf2 keys fonts as family.lower() + style
    pdf.add_font("DejaVu", style, _font(name))
    font = pdf.fonts.pop(key)
    # Saved as fpdf2 left it (e.g. a .notdef outline added), with the glyph names written
    # out: a font without them (post format 3) names every glyph from its cmap when read.
    ttfont = font.ttfont
    ttfont["post"].formatType = 2.0
    ttfont["post"].extraNames, ttfont["post"].mapping = [], {}
    whole = io.BytesIO()
    ttfont.save(whole)
    ttfont = TTFont(io.BytesIO(whole.getvalue()))
    whole_chars = frozenset(chr(c) for c in ttfont.getBestCmap())
    cutter = subset.Subsetter(subset.Options(
        glyph_names=True, notdef_outline=True, recommended_glyphs=True, name_IDs=["*"],
        name_languages=["*"], drop_tables=["MATH"]))
    cutter.populate(unicodes=_COMMON)
    cutter.subset(ttfont)
    common = io.BytesIO()
    ttfont.save(common)
    chars = frozenset(chr(c) for c in ttfont.getBestCmap())
    return copy.copy(font), whole.getvalue(), whole_chars, common.getvalue(), chars


def _cached_font(pdf, style: str, name: str,
                 ) -> tuple[object, bytes, frozenset[str], bytes, frozenset[str]]:
    with _FONT_LOCK:
        if name not in _FONT_CACHE:
            _FONT_CACHE[name] = _load_font(pdf, style, name)
        return _FONT_CACHE[name]


def _add_cached_font(pdf, style: str, name: str, text: str) -> None:
    """`pdf.add_font`, parsing the TTF once per process. fpdf2 parses it per document
    (40 ms: widths, glyph maps) and subsets its `ttfont` in place on output, so each
    document shares the parsed maps but gets its own `ttfont`, read lazily (only the glyphs
    it uses are read, and written back as they were) from the smaller cut of the font when
    that has every character of `text`."""
    import copy

    from fontTools.ttLib import TTFont
    from fpdf.fonts import SubsetMap

    template, whole, whole_chars, common, common_chars = _cached_font(pdf, style, name)
    font = copy.copy(template)
    data = common if common_chars.issuperset(text) else whole
    font.ttfont = TTFont(io.BytesIO(data), lazy=True, recalcTimestamp=False,
                         recalcBBoxes=False)
    font.i = len(pdf.fonts) + 1
    font.subset = SubsetMap(font)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    pdf.fonts[f"dejavu{style}"] = font


@cache
def _core_widths(family: str) -> dict[str, int]:
    """Glyph widths of a built-in font by character, for the Windows-1252 characters."""
    from fpdf.fonts import CORE_FONTS_CHARWIDTHS

    table = CORE_FONTS_CHARWIDTHS[family]
    widths = {}
    for byte in range(32, 256):
        try:
            widths[bytes([byte]).decode("cp1252")] = table[chr(byte)]
        except UnicodeDecodeError:
            continue
    return widths


# What the page shows of characters that are not text: a line break, or a space.
_PDF_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"}
_PDF_SPACES = dict.fromkeys([*range(0, 10), *range(11, 32), 127], " ")


def _pdf_text(text: str) -> str:
    """Text as the page shows it: composed (e + ◌́ → é), line breaks as "\\n", other
    control characters as spaces."""
    text = unicodedata.normalize("NFC", text)
    for old, new in _PDF_BREAKS.items():
        if old in text:
            text = text.replace(old, new)
    return text.translate(_PDF_SPACES)


class _Pdf:
    # A4, as a council's documents (and the closure letter) are: printed for a meeting or
    # filed, a plan the size of a phone screen (105 x 190 mm) came out small and odd.
    WIDTH, HEIGHT = 210, 297  # mm
    MARGIN = 20
    TOP = 18  # mm; under the DRAFT band when there is one
    PAGES = "\x01pages\x01"

    def __init__(self, doc: PlanDocument, texts: str) -> None:
        from fpdf import FPDF

        pdf = FPDF(format=(self.WIDTH, self.HEIGHT))
        pdf.set_margins(self.MARGIN, self.TOP, self.MARGIN)
        pdf.set_auto_page_break(True, margin=18)
        pdf.set_title(doc.title)
        pdf.set_lang("en-GB")
        pdf.set_creator("cintui")
        texts = _pdf_text(texts)
        self.missing: dict[int, str] = {}
        try:
            texts.encode("cp1252")
            self.unicode = False
        except UnicodeEncodeError:
            self.unicode = True
        if self.unicode:
            self.family = "DejaVu"
            chars = (_cached_font(pdf, "", "DejaVuSans.ttf")[2]
                     & _cached_font(pdf, "B", "DejaVuSans-Bold.ttf")[2])
            self.missing = dict.fromkeys(map(ord, set(texts) - chars - {"\n"}), _MISSING)
            texts = texts.translate(self.missing)
            for style, name in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
                _add_cached_font(pdf, style, name, texts)
        else:
            self.family = "helvetica"
            pdf.core_fonts_encoding = "windows-1252"
        # The total page count's placeholder holds a control character, which plan text
        # never does (`_pdf_text`), so no words of the plan are ever taken for it.
        pdf.alias_nb_pages(self.PAGES)
        footer = _pdf_text(f"{doc.child_reference} · plan version {doc.version.number}"
                           ).translate(self.missing)
        draft = doc.draft_reason if doc.draft else ""
        ended = _pdf_text(doc.ended_mark).translate(self.missing)

        def header() -> None:
            if ended:  # on every page, as DRAFT is: a page may be read alone
                pdf.set_font(self.family, "B", 11)
                pdf.set_fill_color(235, 235, 235)
                pdf.set_xy(0, 0)
                pdf.cell(self.WIDTH, 10, ended, align="C", fill=True)
                pdf.set_xy(self.MARGIN, self.TOP)
            if draft:
                self._watermark()
                pdf.set_font(self.family, "B", 11)
                pdf.set_text_color(176, 0, 0)
                pdf.set_fill_color(255, 235, 235)
                pdf.set_xy(0, 0)
                pdf.cell(self.WIDTH, 10, draft, align="C", fill=True)
                pdf.set_xy(self.MARGIN, self.TOP)
                pdf.set_text_color(0, 0, 0)

        def footer_() -> None:
            pdf.set_y(-13)
            pdf.set_font(self.family, "", 8)
            pdf.set_text_color(90, 90, 90)
            pdf.cell(0, 5, f"{footer} · page {pdf.page_no()} of {self.PAGES}", align="C")
            pdf.set_text_color(0, 0, 0)

        pdf.header = header
        pdf.footer = footer_
        self.pdf = pdf
        self._widths: dict[tuple[str, bool], dict] = {}

    def _watermark(self) -> None:
        pdf = self.pdf
        pdf.set_font(self.family, "B", 128)  # across the page, as it was on the small one
        pdf.set_text_color(238, 238, 238)
        x, y = self.WIDTH / 2, self.HEIGHT / 2
        with pdf.rotation(55, x, y):
            pdf.text(x - pdf.get_string_width("DRAFT") / 2, y + 16, "DRAFT")

    def widths(self, bold: bool):
        """A char -> width (font units) function for the current font."""
        key = (self.family, bold)
        if key not in self._widths:
            if self.unicode:
                cw = self.pdf.current_font.cw
                default = cw.get(ord("?"), 600)
                self._widths[key] = lambda c: cw.get(ord(c), default)
            else:
                table = _core_widths("helveticaB" if bold else "helvetica")
                self._widths[key] = lambda c: table.get(c, 500)
        return self._widths[key]

    def text(self, text: str, size: float = 11.5, bold: bool = False, gap: float = 1.5,
             indent: float = 0, bullet: bool = False) -> None:
        """A paragraph, wrapped here on the font's own widths and drawn line by line (fpdf2's
        multi_cell wraps in pure Python several times slower; batch export needs speed).
        A bullet hangs: the lines after the first start under the first word. A paragraph of
        up to 4 lines is kept on one page; a longer one starts with at least 2."""
        pdf = self.pdf
        lines, hang = self.lines(text, size, bold, indent, bullet)
        height = size * 0.5
        self.keep(height * (len(lines) if len(lines) <= 4 else 2))
        if bullet:
            pdf.set_x(pdf.l_margin + indent)
            pdf.cell(0, height, "•")
        for line in lines:
            self._line(line, height, indent + hang)
        pdf.ln(gap)

    def lines(self, text: str, size: float = 11.5, bold: bool = False, indent: float = 0,
              bullet: bool = False) -> tuple[list[str], float]:
        """`text` wrapped to the page in this font (and the bullet's hanging indent)."""
        pdf = self.pdf
        pdf.set_font(self.family, "B" if bold else "", size)
        width_of = self.widths(bold)
        scale = size / 1000 / pdf.k  # font units -> mm
        hang = width_of("•") * scale + 1.5 if bullet else 0.0
        text = _pdf_text(family_text(text))
        text = text.translate(self.missing) if self.missing else text
        return self._wrap(text or "—", width_of, scale,
                          pdf.w - pdf.l_margin - pdf.r_margin - indent - hang), hang

    def labelled(self, label: str, text: str) -> None:
        """A small heading and its paragraph, the heading never alone at a page's foot."""
        heading = len(self.lines(label, 11, bold=True)[0])
        lines = len(self.lines(text)[0])
        self.keep(11 * 0.5 * heading + 0.2 + 11.5 * 0.5 * (lines if lines <= 4 else 2))
        self.text(label, 11, bold=True, gap=0.2)
        self.text(text, gap=0.8)

    @staticmethod
    def _wrap(text: str, width_of, scale: float, width: float) -> list[str]:
        out: list[str] = []
        space = width_of(" ") * scale
        for paragraph in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for word in paragraph.split(" "):
                w = sum(map(width_of, word)) * scale
                if line and used + space + w > width:
                    out.append(" ".join(line))
                    line, used = [], 0.0
                while not line and w > width and len(word) > 1:  # a word wider than the page
                    cut = len(word) - 1
                    while cut > 1 and sum(map(width_of, word[:cut])) * scale > width:
                        cut -= 1
                    out.append(word[:cut])
                    word = word[cut:]
                    w = sum(map(width_of, word)) * scale
                used += (space if line else 0.0) + w
                line.append(word)
            out.append(" ".join(line))
        return out

    def keep(self, height: float) -> None:
        """Start a new page unless `height` mm fit on this one (a heading kept with the
        first lines under it)."""
        if self.pdf.y + height > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def _line(self, text: str, height: float, indent: float) -> None:
        pdf = self.pdf
        self.keep(height)
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(0, height, text, new_x="LMARGIN", new_y="NEXT")

    def rule(self, gap: float = 2.5) -> None:
        pdf = self.pdf
        pdf.set_draw_color(170, 170, 170)
        pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
        pdf.ln(gap)


def _pdf_texts(doc: PlanDocument) -> str:
    v = doc.version
    parts = [doc.draft_reason, doc.ended_mark, *_problems(doc), _version_line(doc),
             *(f"{k}{val}" for k, val in _details(doc)), *(t for _, t in _sections(doc)),
             v.review_arrangements, *(s.name + s.purpose for s in v.services)]
    for n in v.needs:
        parts += [n.now, n.outcome, n.evidence, n.kind, *(_action_text(a) for a in n.actions),
                  *_gcp2_lines(doc, n)]
    return "".join(parts)


def unshown(texts: str) -> str:
    """The characters a PDF of `texts` shows as □, each once: those the bundled font does
    not have (Arabic, Chinese and other scripts beyond European ones, emoji). The DOCX
    shows them (Word takes them from the computer's fonts)."""
    texts = _pdf_text(texts)
    try:
        texts.encode("cp1252")
        return ""
    except UnicodeEncodeError:
        pass
    from fpdf import FPDF

    pdf = FPDF()
    chars = (_cached_font(pdf, "", "DejaVuSans.ttf")[2]
             & _cached_font(pdf, "B", "DejaVuSans-Bold.ttf")[2])
    return "".join(ch for ch in dict.fromkeys(texts) if ch not in chars and ch != "\n")


def pdf_unshown(doc: PlanDocument) -> str:
    """`unshown` for the plan's PDF."""
    return unshown(_pdf_texts(doc))


def unshown_note(missing: str) -> str:
    """One line saying what a PDF could not show, or ""."""
    if not missing:
        return ""
    n = len(missing)
    return (f"The PDF shows □ for {n} character{'s' if n > 1 else ''} its font does not "
            f"have ({missing}): the DOCX shows {'them' if n > 1 else 'it'}.")


def pdf_bytes(doc: PlanDocument) -> bytes:
    out = _Pdf(doc, _pdf_texts(doc))
    pdf = out.pdf
    v = doc.version
    pdf.add_page()
    out.text(doc.title, 16, bold=True, gap=1)
    out.text(_version_line(doc), 11, gap=2)
    if doc.problems and (doc.draft or doc.ended):
        out.text(LACKED if doc.ended else "Still to sort out before this plan is final:", 11,
                 bold=True, gap=0.5)
        for p in _problems(doc):
            out.text(p, 11, gap=0.5, indent=1, bullet=True)
        pdf.ln(1.5)
    for label, value in _details(doc):
        if label not in ("Plan version", "Printed"):
            out.text(f"{label}: {value}", 11, gap=0.3)
    pdf.ln(2.5)
    for title, text in _sections(doc):
        out.keep(13.5)
        out.text(title, 13, bold=True, gap=0.8)
        out.text(text)
    out.keep(30)
    out.text(_MD_NEEDS, 14, bold=True, gap=1.5)
    for i, n in enumerate(v.needs, start=1):
        out.keep(22)
        out.rule()
        kind = KIND_TEXT.get(n.kind, n.kind)
        out.text(f"{i}. {rag_text(n.rag)}: {kind}", 12.5, bold=True, gap=1)
        out.labelled(COLUMNS[0], n.now)
        if n.evidence:
            out.text(f"Evidence: {n.evidence}", gap=0.8)
        for line in _gcp2_lines(doc, n):
            out.text(line, gap=0.8)
        out.labelled(COLUMNS[1], n.outcome)
        first = len(out.lines(_action_text(n.actions[0]), indent=1, bullet=True)[0]
                    ) if n.actions else 1
        out.keep(11 * 0.5 + 0.2 + 11.5 * 0.5 * min(first, 4))  # the heading, the first action
        out.text(COLUMNS[2], 11, bold=True, gap=0.2)
        for a in n.actions:
            out.text(_action_text(a), gap=0.6, indent=1, bullet=True)
        if not n.actions:
            out.text("—")
        pdf.ln(1)
    if v.services:
        out.keep(20)
        out.rule()
        out.text("Services", 13, bold=True, gap=0.8)
        for s in v.services:
            out.text(f"{s.name}: {s.purpose}" if s.purpose else s.name, gap=0.6, indent=1,
                     bullet=True)
        pdf.ln(1)
    out.keep(13.5)
    out.text(_REVIEW[0], 13, bold=True, gap=0.8)
    out.text(v.review_arrangements)
    return bytes(pdf.output())


# ---------------------------------------------------------------- files


def render(doc: PlanDocument, fmt: str) -> bytes:
    """The export's bytes in `fmt` (one of FORMATS)."""
    if fmt == "md":
        return to_markdown(doc).encode("utf-8")
    if fmt == "json":
        return to_json(doc).encode("utf-8")
    if fmt == "html":
        return to_html(doc).encode("utf-8")
    if fmt == "docx":
        return docx_bytes(doc)
    if fmt == "pdf":
        return pdf_bytes(doc)
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


_write_private = write_private  # (the name the other exports import)


def write(doc: PlanDocument, path: Path, fmt: str) -> Path:
    """Write the export as `fmt` ("docx", "pdf", "md", "html" or "json"), created 0600."""
    return _write_private(Path(path), render(doc, fmt))


def write_docx(doc: PlanDocument, path: Path) -> Path:
    return write(doc, path, "docx")


def write_pdf(doc: PlanDocument, path: Path) -> Path:
    return write(doc, path, "pdf")


__all__ = ["COLUMNS", "FORMATS", "PlanDocument", "from_json", "from_markdown", "pdf_unshown",
           "rag_text", "render", "replace", "to_html", "to_json", "to_markdown", "unshown",
           "unshown_note", "write", "write_docx", "write_pdf"]
