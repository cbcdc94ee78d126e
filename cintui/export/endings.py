"""Closure letters and the closure summary document (DOMAIN.md §7; TRA: "closure letters to
parents/carers, child (where appropriate) and all professionals").

Letters come from templates in `data/templates/` (`closure_<audience>.md`): plain text with
`{placeholders}`, validated when loaded (an unknown placeholder, or a brace left open, is an
error naming the file). The first line, `# …`, is the letter's heading; paragraphs are
separated by a blank line. Each letter is written as DOCX and PDF (A4), 0600.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from cintui.domain.dates import day_long
from cintui.domain.endings import (
    DECISION_KIND_LABELS,
    LETTER_AUDIENCES,
    ChecklistItem,
    DecisionFact,
    Recipient,
    adult_contact_missing,
    adult_help,
    next_help,
)
from cintui.domain.family_text import family_text
from cintui.export.plan import _pdf_text, _write_private
from cintui.reference.shipped import shipped

PLACEHOLDERS = frozenset({
    "recipient_name", "recipient_role", "child_name", "child_first_name", "child_reference",
    "closure_date", "reason_plain", "reason_label", "reason_code", "worker_name",
    "worker_role", "team_name", "contact", "authority", "decided_by", "letter_date",
    "next_help",
})
LETTER_FORMATS = ("docx", "pdf")
SUMMARY_FORMATS = ("md", "docx", "pdf", "json")


class TemplateError(ValueError):
    def __init__(self, name: str, problem: str) -> None:
        self.field = "template"
        self.problem = f"{name}: {problem}"
        super().__init__(self.problem)


def _day(d: date | None, empty: str = "") -> str:
    return day_long(d, empty)


# ---------------------------------------------------------------- templates


@dataclass(frozen=True)
class Template:
    name: str
    heading: str
    body: str  # paragraphs separated by blank lines

    def render(self, values: dict[str, str]) -> tuple[str, list[str]]:
        heading = self.heading.format_map(values)
        text = self.body.format_map(values)
        paras = ["\n".join(line.strip() for line in p.splitlines())
                 for p in re.split(r"\n\s*\n", text) if p.strip()]
        return heading, paras


def parse_template(name: str, text: str) -> Template:
    """A template's text, checked: a `# heading` first, then only known placeholders."""
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise TemplateError(name, f"{exc} (write a literal brace as {{{{ or }}}})") from None
    unknown = sorted(f for f in fields if f not in PLACEHOLDERS)
    if unknown:
        raise TemplateError(name, f"unknown placeholder {{{unknown[0]}}}; known: "
                            + ", ".join(sorted(PLACEHOLDERS)))
    lines = text.strip().splitlines()
    if not lines or not lines[0].startswith("# "):
        raise TemplateError(name, "the first line must be the heading, '# …'")
    body = "\n".join(lines[1:]).strip()
    if not body:
        raise TemplateError(name, "the letter has no text")
    return Template(name, lines[0][2:].strip(), body)


@cache
def template(audience: str) -> Template:
    if audience not in LETTER_AUDIENCES:
        raise TemplateError(audience, "no such letter")
    name = f"closure_{audience}.md"
    text = shipped("templates", name).read_text(encoding="utf-8")
    return parse_template(name, text)


def check_templates() -> list[str]:
    """Load every letter template (raises TemplateError on the first bad one)."""
    return [template(a).name for a in LETTER_AUDIENCES]


# ---------------------------------------------------------------- letters


@dataclass(frozen=True)
class LetterContext:
    child_name: str
    child_first_name: str
    child_reference: str
    dob: date | None
    closure_date: date
    reason_code: str
    reason_label: str
    reason_plain: str
    worker_name: str
    worker_role: str
    worker_email: str
    team_name: str
    authority: str
    decided_by: str
    letter_date: date
    recipients: tuple[Recipient, ...] = ()
    # After a step-down (WIR 3): who takes over, named in each letter (`next_help`).
    next_service: str = ""
    next_lead: str = ""
    next_contact: str = ""
    # Closed on to adult social care (RC6; WAR 4.2): its contact, as the referral recorded it.
    adult_contact: str = ""

    @property
    def missing(self) -> str:
        """What the letters cannot say for want of a record (RC6: adult social care's
        contact); "" nothing."""
        return adult_contact_missing(self.reason_code, self.adult_contact,
                                     self.child_reference)

    @property
    def contact(self) -> str:
        who = self.worker_name + (f", {self.team_name}" if self.team_name else "")
        return who + (f", {self.worker_email}" if self.worker_email else "")


@dataclass(frozen=True)
class Letter:
    recipient: Recipient
    heading: str
    paragraphs: tuple[str, ...]
    context: LetterContext

    @property
    def file_stem(self) -> str:
        who = re.sub(r"[^A-Za-z0-9]+", "-", self.recipient.name).strip("-") or "recipient"
        return f"{self.context.child_reference}-closure-{self.recipient.audience}-{who}"


def letters(ctx: LetterContext) -> list[Letter]:
    out = []
    for r in ctx.recipients:
        values = {
            "recipient_name": r.name, "recipient_role": r.role, "child_name": ctx.child_name,
            "child_first_name": ctx.child_first_name, "child_reference": ctx.child_reference,
            "closure_date": _day(ctx.closure_date), "reason_plain": ctx.reason_plain,
            "reason_label": ctx.reason_label, "reason_code": ctx.reason_code,
            "worker_name": ctx.worker_name, "worker_role": ctx.worker_role,
            "team_name": ctx.team_name, "contact": ctx.contact, "authority": ctx.authority,
            "decided_by": ctx.decided_by, "letter_date": _day(ctx.letter_date),
            "next_help": next_help(r.audience, ctx.next_service, ctx.next_lead,
                                   ctx.next_contact, ctx.child_first_name)
            or adult_help(r.audience, ctx.adult_contact, ctx.child_first_name),
        }
        heading, paras = template(r.audience).render(values)
        out.append(Letter(r, family_text(heading), tuple(family_text(p) for p in paras), ctx))
    return out


def _address_lines(letter: Letter) -> list[str]:
    r = letter.recipient
    lines = [r.name]
    if r.role and r.audience == "professional":
        lines.append(r.role)
    lines += [x.strip() for x in r.address.replace("\n", ",").split(",") if x.strip()]
    return lines


def letter_docx(letter: Letter) -> bytes:
    import io

    from docx import Document
    from docx.shared import Mm, Pt

    d = Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(22))
    d.styles["Normal"].font.size = Pt(12)
    d.core_properties.title = letter.heading
    d.core_properties.author = ""
    ctx = letter.context
    d.add_paragraph(_letter_head(ctx))
    d.add_paragraph("\n".join(_address_lines(letter)))
    d.add_heading(letter.heading, level=1)
    for p in letter.paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _letter_head(ctx: LetterContext) -> str:
    """The authority's name as set up ("Wirral children's services"), the reference, the
    date."""
    service = f"{ctx.authority} children's services" if ctx.authority else "Children's services"
    return f"{service}\nOur reference: {ctx.child_reference}\n{_day(ctx.letter_date)}"


def _font(pdf, texts: str) -> str:
    """The family for `texts`; a character the bundled font does not have (Arabic, Chinese,
    emoji) is printed as □ (`pdf.cintui_missing`), as in the plan's PDF: fpdf2 left it out,
    so a letter read "Dear  and ," for a family named in another script."""
    pdf.cintui_missing = {}
    try:
        texts.encode("cp1252")
    except UnicodeEncodeError:
        from cintui.export.plan import unshown

        fonts = shipped("fonts")
        pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
        pdf.cintui_missing = dict.fromkeys(map(ord, unshown(texts)), "□")
        return "DejaVu"
    pdf.core_fonts_encoding = "windows-1252"
    return "helvetica"


def _pdf_page(title: str, texts: str):
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(title)
    pdf.set_lang("en-GB")
    pdf.set_creator("cintui")
    family = _font(pdf, _pdf_text(texts))
    pdf.add_page()
    return pdf, family


def _write_para(pdf, family: str, text: str, size: float = 12, bold: bool = False,
                gap: float = 3) -> None:
    pdf.set_font(family, "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.5, _pdf_text(text).translate(pdf.cintui_missing),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def _letter_texts(letter: Letter) -> str:
    return "".join([_letter_head(letter.context), "\n".join(_address_lines(letter)),
                    letter.heading, *letter.paragraphs])


def letters_unshown(ctx: LetterContext) -> str:
    """The characters the letters' PDFs show as □ (`plan.unshown`), each once."""
    from cintui.export.plan import unshown

    return "".join(dict.fromkeys("".join(unshown(_letter_texts(x)) for x in letters(ctx))))


def letter_pdf(letter: Letter) -> bytes:
    ctx = letter.context
    head = _letter_head(ctx)
    address = "\n".join(_address_lines(letter))
    pdf, family = _pdf_page(letter.heading, _letter_texts(letter))
    _write_para(pdf, family, head, 10)
    _write_para(pdf, family, address, 12, gap=6)
    _write_para(pdf, family, letter.heading, 14, bold=True)
    for p in letter.paragraphs:
        _write_para(pdf, family, p)
    return bytes(pdf.output())


def write_letters(ctx: LetterContext, folder: Path,
                  formats: tuple[str, ...] = LETTER_FORMATS) -> list[Path]:
    """Every closure letter, in each format, into `folder` (created 0700), files 0600."""
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    for letter in letters(ctx):
        for fmt in formats:
            data = letter_docx(letter) if fmt == "docx" else letter_pdf(letter)
            written.append(_write_private(folder / f"{letter.file_stem}.{fmt}", data))
    return written


# ---------------------------------------------------------------- the closure summary


@dataclass(frozen=True)
class ClosureSummary:
    child_name: str
    child_reference: str
    dob: date | None
    status: str
    ending: dict | None
    notify_by: date | None
    checklist: tuple[ChecklistItem, ...]
    decisions: tuple[DecisionFact, ...]
    episodes: tuple[dict, ...]
    plan_needs: tuple[tuple[str, str, str], ...]  # (rag, now, outcome)
    plan_headline: str
    today: date
    title: str = field(default="Closure summary")
    # Said in place of the needs when there are none (`plan.at_closure_words`): no needs
    # in the plan, or no plan at all ("" when there are needs).
    plan_words: str = ""


RAG_WORDS = {"R": "Red", "A": "Amber", "G": "Green"}


def _iso_day(value: str | None, empty: str = "—") -> str:
    return _day(date.fromisoformat(value)) if value else empty


def summary_sections(doc: ClosureSummary) -> list[tuple[str, list[str]]]:
    """(heading, lines) in reading order: what every format shows."""
    e = doc.ending or {}
    unmet = e.get("unmet_need")
    closure = [
        f"Status: {e.get('status_label', 'no closure recommended')}",
        f"Recommended: {_iso_day(e.get('recommended_on'))} by {e.get('recommended_by') or '—'}",
        f"Manager's decision: {_iso_day(e.get('decided_on'))} by {e.get('decided_by') or '—'}",
        f"Rationale: {e.get('rationale') or '—'}",
        f"Family told: {_iso_day(e.get('family_told_on'), 'not yet')}"
        + (f" (due by {_day(doc.notify_by)}, BEX 3)" if doc.notify_by else ""),
        f"Reason for closure: {e.get('closure_reason') or '—'} "
        f"{e.get('closure_reason_label') or ''}".rstrip(),
        "Unmet need stepped down to early help (STO 3.3): "
        + ("not answered" if unmet is None else "yes" if unmet else "no"),
        f"Closed: {_iso_day(e.get('completed_on'), 'not yet')}",
    ]
    dispute = e.get("dispute")
    if dispute:
        closure.append(f"Dispute: raised {_iso_day(dispute['raised_on'])} by "
                       f"{dispute['raised_by']}: {dispute['details']}; outcome: "
                       f"{dispute['outcome'] or 'open'}")
    sections = [
        ("Child", [f"{doc.child_name} ({doc.child_reference})",
                   f"Date of birth: {_day(doc.dob, 'not known')}",
                   f"Case status: {doc.status}"]),
        ("Closure", closure),
        ("Closure summary", [e.get("closure_summary") or "Not written yet."]),
        ("Recording complete before closure (TRA)",
         [f"{'[x]' if i.met else '[ ]'} {i.text} ({i.rule})"
          + (f": {i.problem}" if i.problem else "") for i in doc.checklist]),
        ("Decisions (BEX 4)",
         [f"{_day(d.made_on)} · {DECISION_KIND_LABELS.get(d.kind, d.kind)}: {d.decision} "
          f"— {d.who}. Rationale: {d.rationale}" for d in doc.decisions] or ["None recorded."]),
        ("Episodes", [
            f"{x['number']}. referred {_iso_day(x['referral_date'])}; "
            + (f"closed {_iso_day(x['closure_date'])} ({x['closure_reason']})"
               if x["closure_date"] else "open")
            + (f"; re-referral {x['days_since_last_closure']} days after the last closure "
               f"({x['rereferral_band']})" if x["days_since_last_closure"] is not None else "")
            for x in doc.episodes]),
        ("The plan at closure" + (f": {doc.plan_headline}" if doc.plan_headline else ""),
         [f"{RAG_WORDS.get(r, r)}: {now}" + (f" → {out}" if out else "")
          for r, now, out in doc.plan_needs] or [doc.plan_words]),
    ]
    return sections


def summary_markdown(doc: ClosureSummary) -> str:
    lines = [f"# {doc.title}: {doc.child_name} ({doc.child_reference})", "",
             f"Produced {_day(doc.today)}.", ""]
    for heading, body in summary_sections(doc):
        lines += [f"## {heading}", ""]
        lines += [f"- {b}" for b in body] if len(body) > 1 else body
        lines.append("")
    return "\n".join(lines)


def summary_json(doc: ClosureSummary) -> str:
    return json.dumps({
        "format": "cintui-closure-summary", "version": 1,
        "child": {"name": doc.child_name, "reference": doc.child_reference,
                  "dob": doc.dob.isoformat() if doc.dob else None, "status": doc.status},
        "ending": doc.ending, "notify_by": doc.notify_by.isoformat() if doc.notify_by else None,
        "checklist": [{"key": i.key, "text": i.text, "rule": i.rule, "met": i.met,
                       "problem": i.problem or None} for i in doc.checklist],
        "decisions": [{"made_on": d.made_on.isoformat(), "kind": d.kind,
                       "decision": d.decision, "rationale": d.rationale,
                       "made_by": d.made_by, "made_by_role": d.made_by_role}
                      for d in doc.decisions],
        "episodes": list(doc.episodes),
        "plan": {"headline": doc.plan_headline or None,
                 "needs": [{"rag": r, "now": n, "outcome": o} for r, n, o in doc.plan_needs],
                 "said": doc.plan_words or None},
        "produced": doc.today.isoformat(),
    }, indent=2, ensure_ascii=False)


def summary_docx(doc: ClosureSummary) -> bytes:
    import io

    from docx import Document

    d = Document()
    d.core_properties.title = doc.title
    d.core_properties.author = ""
    d.add_heading(f"{doc.title}: {doc.child_name} ({doc.child_reference})", level=0)
    for heading, body in summary_sections(doc):
        d.add_heading(heading, level=1)
        for line in body:
            d.add_paragraph(line, style="List Bullet" if len(body) > 1 else None)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def summary_pdf(doc: ClosureSummary) -> bytes:
    sections = summary_sections(doc)
    texts = doc.title + doc.child_name + "".join(h + "".join(b) for h, b in sections)
    pdf, family = _pdf_page(doc.title, texts.replace("→", "->"))
    _write_para(pdf, family, f"{doc.title}: {doc.child_name} ({doc.child_reference})", 15,
                bold=True)
    for heading, body in sections:
        _write_para(pdf, family, heading, 12.5, bold=True, gap=1)
        for line in body:
            if family == "helvetica":
                line = line.replace("→", "->")
            _write_para(pdf, family, line, 10.5, gap=1)
        pdf.ln(2)
    return bytes(pdf.output())


def write_summary(doc: ClosureSummary, path: Path, fmt: str) -> Path:
    render = {"md": lambda: summary_markdown(doc).encode("utf-8"),
              "json": lambda: summary_json(doc).encode("utf-8"),
              "docx": lambda: summary_docx(doc), "pdf": lambda: summary_pdf(doc)}
    if fmt not in render:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(SUMMARY_FORMATS)}")
    return _write_private(Path(path), render[fmt]())


__all__ = [
    "LETTER_FORMATS", "PLACEHOLDERS", "SUMMARY_FORMATS", "ClosureSummary", "Letter",
    "LetterContext", "Template", "TemplateError", "check_templates", "letter_docx",
    "letter_pdf", "letters", "letters_unshown", "parse_template", "summary_docx",
    "summary_json", "summary_markdown", "summary_pdf", "summary_sections", "template",
    "write_letters", "write_summary",
]
