"""A child's CIN plan as DOCX, PDF, Markdown, HTML and JSON (DOMAIN.md §3; BEX 2).

Pure functions of a `PlanDocument` (no store). A plan that fails a check, or that is not
exported as final, carries a visible DRAFT mark listing the problems. Markdown and JSON
keep the whole structure and read back in (`from_markdown`, `from_json`). Every file is
created readable by its owner only (0600): it is a child's personal data.
"""

from __future__ import annotations

import html
import io
import json
import os
import uuid
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path

from cintui.domain.plan import (
    ACTION_STATUS_LABELS,
    RAG_NAMES,
    Need,
    PlanAction,
    PlanVersion,
    RagChange,
    Service,
)

FORMAT = "cintui-plan"
FORMAT_VERSION = 1
FORMATS = ("docx", "pdf", "md", "html", "json")
COLUMNS = ("What is happening now", "What we want to change, and how we will know",
           "Who will do what, by when", "Rating")


@dataclass(frozen=True)
class PlanDocument:
    child_name: str
    child_reference: str
    dob_text: str
    worker: str
    authority: str
    version: PlanVersion
    problems: tuple[str, ...] = ()
    generated_on: date = field(default_factory=date.today)
    final: bool = False

    @property
    def draft(self) -> bool:
        return bool(self.problems) or not self.final

    @property
    def title(self) -> str:
        return f"Child in need plan: {self.child_name}"

    @property
    def draft_reason(self) -> str:
        if self.problems:
            return f"DRAFT: this plan fails {len(self.problems)} check(s)"
        return "DRAFT: not yet exported as final"


def rag_text(rating: str) -> str:
    return f"{RAG_NAMES[rating]} ({rating})"


def _day(d: date | None) -> str:
    return d.strftime("%d %B %Y").lstrip("0") if d else "not set"


def _action_text(a: PlanAction) -> str:
    when = a.by_when.strftime("%d %b %Y") if a.by_when else "no date"
    return f"{a.what} — {a.who or 'no one named'}, by {when} ({ACTION_STATUS_LABELS[a.status]})"


def _details(doc: PlanDocument) -> list[tuple[str, str]]:
    v = doc.version
    agreed = ""
    if v.agreed_on:
        agreed = f"{_day(v.agreed_on)}" + (f" at {v.agreed_at}" if v.agreed_at else "") + (
            f" by {v.agreed_by}" if v.agreed_by else "")
    return [("Child", doc.child_name), ("Reference", doc.child_reference),
            ("Born", doc.dob_text or "—"), ("Social worker", doc.worker or "—"),
            ("Local authority", doc.authority or "—"),
            ("Plan version", f"{v.number} ({v.status})"), ("Agreed", agreed or "not yet"),
            ("Lead professional", v.lead_professional or "—"),
            ("Next review", _day(v.next_review)), ("Printed", _day(doc.generated_on))]


def _sections(doc: PlanDocument) -> list[tuple[str, str]]:
    v = doc.version
    return [("What this plan is for", v.objectives), ("The child's views", v.childs_views),
            ("A day in the child's life", v.lived_experience),
            ("How the plan is reviewed", v.review_arrangements)]


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
        needs=needs, id=_u(data["id"]))


def from_json(text: str) -> PlanDocument:
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError("not a cintui plan export (no \"format\": \"cintui-plan\")")
    return PlanDocument(
        child_name=data["child_name"], child_reference=data["child_reference"],
        dob_text=data["dob_text"], worker=data["worker"], authority=data["authority"],
        version=_version_from(data["version"]), problems=tuple(data["problems"]),
        generated_on=date.fromisoformat(data["generated_on"]), final=data["final"])


# ---------------------------------------------------------------- Markdown
#
# Readable as it stands, and strict enough to read back: every value sits on one line
# after its label, with backslashes and line breaks escaped (\\ and \n).


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def _unesc(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append({"n": "\n", "r": "\r", "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


_DOC_KEYS = (("Child", "child_name"), ("Reference", "child_reference"), ("Born", "dob_text"),
             ("Social worker", "worker"), ("Local authority", "authority"),
             ("Printed", "generated_on"), ("Final", "final"))
_VERSION_KEYS = (("Version", "number"), ("Status", "status"), ("Started", "created_on"),
                 ("Agreed on", "agreed_on"), ("Agreed at", "agreed_at"),
                 ("Agreed by", "agreed_by"), ("Lead professional", "lead_professional"),
                 ("Next review", "next_review"), ("Version id", "id"))
_TEXT_SECTIONS = (("What this plan is for", "objectives"), ("The child's views", "childs_views"),
                  ("A day in the child's life", "lived_experience"),
                  ("How the plan is reviewed", "review_arrangements"))
_NEED_KEYS = (("What is happening now", "now"),
              ("What we want to change, and how we will know", "outcome"),
              ("Evidence", "evidence"), ("Kind", "kind"), ("Rating", "rag"), ("Key", "key"))
_ACTION_KEYS = (("Who", "who"), ("By when", "by_when"), ("Status", "status"),
                ("Notes", "notes"), ("Person", "person_id"), ("Key", "key"))
_RATING_KEYS = (("Rating", "rating"), ("Previous", "previous"), ("By", "by"),
                ("Reason", "reason"), ("Maintained for", "maintained_for"),
                ("Agreed at", "agreed_at"), ("CP discussion", "cp_discussion"))


def _val(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _esc(str(value))


def to_markdown(doc: PlanDocument) -> str:
    v = doc.version
    out = [f"# {_esc(doc.title)}", ""]
    if doc.draft:
        out += [f"> **{doc.draft_reason}**"]
        out += [f"> - {_esc(p)}" for p in doc.problems]
        out.append("")
    out += [f"- {label}: {_val(getattr(doc, name))}" for label, name in _DOC_KEYS]
    out += [f"- {label}: {_val(getattr(v, name))}" for label, name in _VERSION_KEYS]
    for title, name in _TEXT_SECTIONS:
        out += ["", f"## {title}", "", _val(getattr(v, name)) or "—"]
    out += ["", "## Services", ""]
    out += [f"- {_esc(s.name)} :: {_esc(s.purpose)}" for s in v.services] or ["—"]
    out += ["", "## Needs"]
    for i, n in enumerate(v.needs, start=1):
        out += ["", f"### Need {i}: {rag_text(n.rag)}", ""]
        out += [f"- {label}: {_val(getattr(n, name))}" for label, name in _NEED_KEYS]
        out += ["", "#### Who will do what, by when", ""]
        for a in n.actions:
            out.append(f"- Action: {_val(a.what)}")
            out += [f"  - {label}: {_val(getattr(a, name))}" for label, name in _ACTION_KEYS]
        out += ["", "#### Rating history", ""]
        for h in n.rag_history:
            out.append(f"- On: {h.on.isoformat()}")
            out += [f"  - {label}: {_val(getattr(h, name))}" for label, name in _RATING_KEYS]
    return "\n".join(out) + "\n"


def _field(line: str, labels: tuple[tuple[str, str], ...], prefix: str = "- ",
           ) -> tuple[str, str] | None:
    if not line.startswith(prefix):
        return None
    body = line[len(prefix):]
    for label, name in labels:
        if body.startswith(label + ": ") or body == label + ":":
            return name, _unesc(body[len(label) + 2:])
    return None


def from_markdown(text: str) -> PlanDocument:
    lines = text.split("\n")
    if not lines or not lines[0].startswith("# "):
        raise ValueError("not a cintui plan export: it must start with the plan's title")
    top: dict[str, str] = {}
    ver: dict[str, str] = {}
    texts: dict[str, str] = {}
    services: list[Service] = []
    problems: list[str] = []
    needs: list[dict] = []
    section = ""
    part = ""
    for line in lines[1:]:
        if line.startswith("> - "):
            problems.append(_unesc(line[4:]))
            continue
        if line.startswith("## "):
            section, part = line[3:], ""
            continue
        if line.startswith("### Need "):
            needs.append({"fields": {}, "actions": [], "history": []})
            part = "need"
            continue
        if line.startswith("#### "):
            part = {"Who will do what, by when": "actions",
                    "Rating history": "history"}.get(line[5:], part)
            continue
        if not section:
            hit = _field(line, _DOC_KEYS) or _field(line, _VERSION_KEYS)
            if hit:
                (top if hit[0] in dict(_DOC_KEYS).values() else ver)[hit[0]] = hit[1]
        elif section in dict(_TEXT_SECTIONS):
            if line.strip():
                texts[dict(_TEXT_SECTIONS)[section]] = "" if line == "—" else _unesc(line)
        elif section == "Services":
            if line.startswith("- ") and " :: " in line:
                name, _, purpose = line[2:].partition(" :: ")
                services.append(Service(_unesc(name), _unesc(purpose)))
        elif section == "Needs" and needs:
            need = needs[-1]
            if part == "need":
                hit = _field(line, _NEED_KEYS)
                if hit:
                    need["fields"][hit[0]] = hit[1]
            elif part == "actions":
                if line.startswith("- Action: ") or line == "- Action:":
                    need["actions"].append({"what": _unesc(line[len("- Action: "):])})
                elif (hit := _field(line, _ACTION_KEYS, "  - ")) and need["actions"]:
                    need["actions"][-1][hit[0]] = hit[1]
            elif part == "history":
                if line.startswith("- On: "):
                    need["history"].append({"on": line[len("- On: "):]})
                elif (hit := _field(line, _RATING_KEYS, "  - ")) and need["history"]:
                    need["history"][-1][hit[0]] = hit[1]
    version = PlanVersion(
        number=int(ver["number"]), status=ver["status"], created_on=_d(ver.get("created_on")),
        agreed_on=_d(ver.get("agreed_on")), agreed_at=ver.get("agreed_at", ""),
        agreed_by=ver.get("agreed_by", ""), lead_professional=ver.get("lead_professional", ""),
        next_review=_d(ver.get("next_review")), id=_u(ver.get("id")),
        services=tuple(services),
        needs=tuple(Need(
            now=n["fields"]["now"], outcome=n["fields"]["outcome"],
            evidence=n["fields"]["evidence"], kind=n["fields"]["kind"],
            rag=n["fields"]["rag"], key=uuid.UUID(n["fields"]["key"]),
            actions=tuple(PlanAction(
                what=a["what"], who=a["who"], by_when=_d(a["by_when"]), status=a["status"],
                notes=a["notes"], person_id=_u(a["person_id"]), key=uuid.UUID(a["key"]))
                for a in n["actions"]),
            rag_history=tuple(RagChange(
                on=date.fromisoformat(h["on"]), rating=h["rating"],
                previous=h["previous"] or None, by=h["by"], reason=h["reason"],
                maintained_for=h["maintained_for"], agreed_at=h["agreed_at"],
                cp_discussion=h["cp_discussion"]) for h in n["history"]))
            for n in needs),
        **texts)
    return PlanDocument(
        child_name=top["child_name"], child_reference=top["child_reference"],
        dob_text=top["dob_text"], worker=top["worker"], authority=top["authority"],
        version=version, problems=tuple(problems),
        generated_on=date.fromisoformat(top["generated_on"]), final=top["final"] == "yes")


# ---------------------------------------------------------------- HTML


def to_html(doc: PlanDocument) -> str:
    e = html.escape
    v = doc.version
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{e(doc.title)}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em}"
             "table{border-collapse:collapse;width:100%}td,th{border:1px solid #888;"
             "padding:.4em;vertical-align:top}.draft{border:3px solid #b00;color:#b00;"
             "padding:.5em;font-weight:bold}.R{background:#f4c7c3}.A{background:#fce8b2}"
             ".G{background:#b7e1cd}</style></head><body>", f"<h1>{e(doc.title)}</h1>"]
    if doc.draft:
        parts.append(f'<div class="draft">{e(doc.draft_reason)}<ul>'
                     + "".join(f"<li>{e(p)}</li>" for p in doc.problems) + "</ul></div>")
    parts.append("<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(val)}</dd>"
                                  for k, val in _details(doc)) + "</dl>")
    for title, text in _sections(doc):
        parts.append(f"<h2>{e(title)}</h2><p>{e(text) or '—'}</p>")
    if v.services:
        parts.append("<h2>Services</h2><ul>" + "".join(
            f"<li>{e(s.name)}: {e(s.purpose)}</li>" for s in v.services) + "</ul>")
    parts.append("<h2>Needs</h2><table><thead><tr>"
                 + "".join(f"<th>{e(c)}</th>" for c in COLUMNS) + "</tr></thead><tbody>")
    for n in v.needs:
        actions = "".join(f"<li>{e(_action_text(a))}</li>" for a in n.actions)
        parts.append(
            f"<tr><td>{e(n.now)}" + (f"<br><em>Evidence: {e(n.evidence)}</em>" if n.evidence
                                     else "") + f"</td><td>{e(n.outcome)}</td>"
            f"<td><ul>{actions}</ul></td><td class=\"{e(n.rag)}\">{e(rag_text(n.rag))}</td></tr>")
    parts.append("</tbody></table></body></html>")
    return "\n".join(parts)


# ---------------------------------------------------------------- DOCX


@cache
def _docx_template() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def docx_bytes(doc: PlanDocument) -> bytes:
    from docx import Document
    from docx.shared import RGBColor

    d = Document(io.BytesIO(_docx_template()))
    d.add_heading(doc.title, level=1)
    if doc.draft:
        p = d.add_paragraph()
        run = p.add_run(doc.draft_reason)
        run.bold = True
        run.font.color.rgb = RGBColor(0xB0, 0, 0)
        for problem in doc.problems:
            d.add_paragraph(problem, style="List Bullet")
    details = d.add_table(rows=0, cols=2)
    for label, value in _details(doc):
        row = details.add_row().cells
        row[0].text, row[1].text = label, value
    for title, text in _sections(doc):
        d.add_heading(title, level=2)
        d.add_paragraph(text or "—")
    if doc.version.services:
        d.add_heading("Services", level=2)
        for s in doc.version.services:
            d.add_paragraph(f"{s.name}: {s.purpose}" if s.purpose else s.name,
                            style="List Bullet")
    d.add_heading("Needs", level=2)
    table = d.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = title
        cell.paragraphs[0].runs[0].bold = True
    for n in doc.version.needs:
        cells = table.add_row().cells
        cells[0].text = n.now + (f"\nEvidence: {n.evidence}" if n.evidence else "")
        cells[1].text = n.outcome
        cells[2].text = "\n".join(_action_text(a) for a in n.actions)
        cells[3].text = rag_text(n.rag)
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- PDF


def _font(name: str) -> str:
    return str(files("cintui.data") / "fonts" / name)


_FONT_CACHE: dict[str, tuple[object, bytes]] = {}  # file -> (parsed font, its tables pickled)


def _add_cached_font(pdf, style: str, name: str) -> None:
    """`pdf.add_font`, parsing the TTF once per process: fpdf2 parses it per document (40 ms)
    and subsets it in place on output, so each document gets its own copy of the parsed
    tables (unpickled: 2 ms) and its own glyph subset."""
    import copy
    import pickle

    from fpdf.fonts import SubsetMap

    key = f"dejavu{style}"
    cached = _FONT_CACHE.get(name)
    if cached is None:
        pdf.add_font("DejaVu", style, _font(name))
        font = pdf.fonts[key]
        tags = font.ttfont.keys()
        for tag in tags:
            font.ttfont[tag]  # load every table before the snapshot
        _FONT_CACHE[name] = (copy.copy(font), pickle.dumps(font.ttfont))
        return
    template, tables = cached
    font = copy.copy(template)
    font.ttfont = pickle.loads(tables)
    font.i = len(pdf.fonts) + 1
    font.subset = SubsetMap(font)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    pdf.fonts[key] = font


# Typography the built-in PDF fonts (Latin-1) cannot show, and what stands in for it.
_LATIN1 = str.maketrans({"—": "-", "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"',
                         "•": "·", "→": "->", "…": "..."})


class _Pdf:
    """A narrow page for a phone screen. Text that Latin-1 covers (most plans, accents
    included) uses the PDF's built-in Helvetica, which needs no font embedded: three times
    faster. Anything else (e.g. Polish, Romanian, Cyrillic names) uses the bundled DejaVu."""

    WIDTH, HEIGHT = 105, 190  # mm: reads on a phone without zooming

    def __init__(self, draft: str, unicode: bool) -> None:
        from fpdf import FPDF

        pdf = FPDF(format=(self.WIDTH, self.HEIGHT))
        pdf.set_margins(7, 8, 7)
        pdf.set_auto_page_break(True, margin=9)
        self.unicode = unicode
        self.family = "DejaVu" if unicode else "helvetica"
        if unicode:
            for style, name in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
                _add_cached_font(pdf, style, name)
        if draft:
            def header() -> None:
                pdf.set_font(self.family, "B", 10)
                pdf.set_text_color(176, 0, 0)
                pdf.cell(0, 6, self.fit(draft), new_x="LMARGIN", new_y="NEXT", align="C")
                pdf.set_text_color(0, 0, 0)
            pdf.header = header
        self.pdf = pdf

    def fit(self, text: str) -> str:
        return text if self.unicode else text.translate(_LATIN1)

    @staticmethod
    def needs_unicode(doc: PlanDocument) -> bool:
        try:
            to_json(doc).translate(_LATIN1).encode("latin-1")
        except UnicodeEncodeError:
            return True
        return False

    def text(self, text: str, size: float = 11, bold: bool = False, gap: float = 1.5) -> None:
        """A paragraph, wrapped here on the font's own widths and drawn line by line (fpdf2's
        multi_cell wraps in pure Python several times slower; batch export needs speed)."""
        pdf = self.pdf
        pdf.set_font(self.family, "B" if bold else "", size)
        font = pdf.current_font
        scale = size / 1000 / pdf.k  # font units -> mm
        width = pdf.w - pdf.l_margin - pdf.r_margin
        height = size * 0.48
        if self.unicode:
            widths = font.cw
        else:
            core = font.cw
            widths = {i: core.get(chr(i), 500) for i in range(256)}
            text = self.fit(text or "—")
        for paragraph in (text or "—").split("\n"):
            line, used = [], 0.0
            for word in paragraph.split(" "):
                w = sum(widths[ord(c)] for c in word) * scale
                space = widths[32] * scale if line else 0.0
                if line and used + space + w > width:
                    self._line(" ".join(line), height)
                    line, used, space = [], 0.0, 0.0
                while not line and w > width and len(word) > 1:  # a word wider than the page
                    cut = len(word) - 1
                    while cut > 1 and sum(widths[ord(c)] for c in word[:cut]) * scale > width:
                        cut -= 1
                    self._line(word[:cut], height)
                    word = word[cut:]
                    w = sum(widths[ord(c)] for c in word) * scale
                line.append(word)
                used += space + w
            self._line(" ".join(line), height)
        pdf.ln(gap)

    def _line(self, text: str, height: float) -> None:
        pdf = self.pdf
        if pdf.y + height > pdf.page_break_trigger:
            pdf.add_page()
        pdf.cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def pdf_bytes(doc: PlanDocument) -> bytes:
    out = _Pdf(doc.draft_reason if doc.draft else "", _Pdf.needs_unicode(doc))
    pdf = out.pdf
    pdf.add_page()
    out.text(doc.title, 15, bold=True, gap=2)
    if doc.draft and doc.problems:
        out.text("Still to sort out before this plan is final:", 10, bold=True, gap=0.5)
        for p in doc.problems:
            out.text(f"• {p}", 9.5, gap=0.5)
        pdf.ln(2)
    for label, value in _details(doc):
        out.text(f"{label}: {value}", 10.5, gap=0.3)
    pdf.ln(2)
    for title, text in _sections(doc):
        out.text(title, 12.5, bold=True, gap=0.5)
        out.text(text)
    if doc.version.services:
        out.text("Services", 12.5, bold=True, gap=0.5)
        for s in doc.version.services:
            out.text(f"• {s.name}: {s.purpose}" if s.purpose else f"• {s.name}", gap=0.5)
        pdf.ln(1)
    out.text("What we are working on", 13.5, bold=True, gap=1)
    for i, n in enumerate(doc.version.needs, start=1):
        out.text(f"{i}. {rag_text(n.rag)}", 12, bold=True, gap=0.5)
        out.text(COLUMNS[0], 10, bold=True, gap=0.2)
        out.text(n.now + (f" (Evidence: {n.evidence})" if n.evidence else ""))
        out.text(COLUMNS[1], 10, bold=True, gap=0.2)
        out.text(n.outcome)
        out.text(COLUMNS[2], 10, bold=True, gap=0.2)
        for a in n.actions:
            out.text(f"• {_action_text(a)}", gap=0.5)
        if not n.actions:
            out.text("—")
        pdf.ln(2)
    return bytes(pdf.output())


# ---------------------------------------------------------------- files


def render(doc: PlanDocument, fmt: str) -> bytes:
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


def write(doc: PlanDocument, path: Path, fmt: str) -> Path:
    """Write the export, created 0600 (replacing a file of the same name)."""
    data = render(doc, fmt)
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            fd = -1
            handle.write(data)
    finally:
        if fd >= 0:
            os.close(fd)
    return path


__all__ = ["FORMATS", "PlanDocument", "from_json", "from_markdown", "render", "replace",
           "to_html", "to_json", "to_markdown", "write"]
