"""Plan exports (DOMAIN.md §3): DOCX with a real three-column table, an A4 PDF, Markdown and JSON that read back exactly, self-contained HTML; a DRAFT mark
unless final and clean; files 0600. Synthetic child: Leo Marsh."""

from __future__ import annotations

import json
import re
import stat
import uuid
from dataclasses import replace
from datetime import date

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from cintui.domain.gcp2 import AREAS, Gcp2Fact, on_plan
from cintui.domain.plan import (
    ACTION_STATUSES,
    NEED_KINDS,
    RAG_RATINGS,
    VERSION_STATUSES,
    Need,
    PlanAction,
    PlanVersion,
    RagChange,
    Service,
)
from cintui.export import plan as export

TODAY = date(2026, 11, 23)
HEADER = ["What is happening now", "What we want to change and how we will know",
          "Who will do what, by when", "Rating"]


def leo(problems: tuple[str, ...] = (), final: bool = False) -> export.PlanDocument:
    school = Need(
        now="Leo has missed 13 of the last 60 school days — attendance 87%.",
        outcome="Leo attends at least 95% of school days, shown on the register.",
        rag="A", evidence="Register: 87% this half term.",
        actions=(PlanAction("Walk Leo to school each morning", "Mum", date(2026, 12, 18)),
                 PlanAction("Send attendance figures every Friday", "School", None,
                            "in_progress", notes="Mrs Ó Briain’s class",
                            person_id=uuid.UUID(int=7))),
        rag_history=(RagChange(date(2026, 9, 1), "R", None, "Amira", cp_discussion="Not met"),
                     RagChange(date(2026, 11, 1), "A", "R", "Amira", reason="Better")))
    gran = Need(now="Leo sees his grandmother every weekend.", kind="strength", rag="G")
    version = PlanVersion(
        number=2, status="agreed", created_on=date(2026, 11, 1), agreed_on=date(2026, 11, 3),
        agreed_at="Review CIN meeting 3 Nov 2026", objectives="Leo is in school every day.",
        lead_professional="Amira Shah", next_review=date(2027, 2, 3),
        review_arrangements="Every 3 months", childs_views="I like football.",
        lived_experience="Mornings are rushed.", id=uuid.UUID(int=1),
        services=(Service("Family support worker", "Mornings"),), needs=(school, gran))
    return export.PlanDocument(
        child_name="Leo Marsh", child_reference="DEMO00012", dob_text="2 May 2017 (age 9)",
        worker="Amira Shah", authority="Wirral", version=version, problems=problems,
        generated_on=TODAY, final=final)


def pdf_text(path) -> str:
    """The PDF's text with lines wrapped on the narrow page read as one."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(str(path)).pages).split())


# ---------------------------------------------------------------- DRAFT


def test_draft_unless_final_and_clean():
    assert leo().draft and leo(problems=("x",), final=True).draft
    assert not leo(final=True).draft
    assert leo(problems=("a", "b")).draft_reason == "DRAFT: this plan fails 2 checks"


# ---------------------------------------------------------------- DOCX


def test_docx_has_the_three_columns_and_rating_as_a_real_table(tmp_path):
    path = export.write_docx(leo(), tmp_path / "plan.docx")
    document = Document(str(path))
    needs = next(t for t in document.tables if t.rows[0].cells[0].text == HEADER[0])
    rows = [[c.text for c in row.cells] for row in needs.rows]
    assert rows[0] == HEADER
    assert len(rows) == 3  # header + one row per need
    assert rows[1][0].startswith("Leo has missed 13 of the last 60 school days — attendance")
    assert "Evidence: Register: 87% this half term." in rows[1][0]
    assert rows[1][1] == "Leo attends at least 95% of school days, shown on the register."
    assert "Walk Leo to school each morning — Mum, by 18 December 2026 (Not started)" in rows[1][2]
    assert "School, no date yet (In progress)" in rows[1][2]
    assert rows[2][0].startswith("Leo sees his grandmother every weekend.")
    assert [r[3] for r in rows[1:]] == ["Amber (A)", "Green (G)"]
    assert needs.rows[0]._tr.trPr is not None  # the header row repeats on every page
    widths = [c.width.mm for c in needs.rows[1].cells]
    assert widths[3] < min(widths[:3]) and 170 < sum(widths) < 175  # A4 less margins


def test_docx_details_version_services_views_and_draft_banner(tmp_path):
    path = export.write(leo(problems=("Need 1 has no owner (WIR 2.3).",)),
                        tmp_path / "plan.docx", "docx")
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == "Child in need plan: Leo Marsh"
    assert "DRAFT: this plan fails 1 check" in text
    assert "Need 1 has no owner." in text  # the rule key stays in the worker's copy
    # a plan that fails a check is never also called agreed
    assert "Plan version 2 (not final: it fails a check). Next review" in text
    assert "agreed 3 November" not in text
    assert "The child’s views\nI like football." in text
    assert "DRAFT" in document.sections[0].header.paragraphs[0].text  # on every page
    details = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert details["Child"] == "Leo Marsh" and details["Reference"] == "DEMO00012"
    assert details["Born"] == "2 May 2017 (age 9)" and details["Local authority"] == "Wirral"
    services = next(t for t in document.tables if t.rows[0].cells[0].text == "Service")
    assert [[c.text for c in r.cells] for r in services.rows] == [
        ["Service", "What it is for"], ["Family support worker", "Mornings"]]


def test_final_clean_docx_has_no_draft_mark_and_documents_do_not_leak(tmp_path):
    export.write(leo(problems=("First child's problem",)), tmp_path / "a.docx", "docx")
    path = export.write(leo(final=True), tmp_path / "b.docx", "docx")
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    assert "DRAFT" not in text + cells + header
    assert "First child's problem" not in text  # the cached template is emptied each time
    assert text.count("Child in need plan: Leo Marsh") == 1


def test_docx_survives_control_characters(tmp_path):
    doc = replace(leo(), child_name="Leo\x00 Marsh\x0b")
    path = export.write(doc, tmp_path / "plan.docx", "docx")
    assert Document(str(path)).paragraphs[0].text == "Child in need plan: Leo Marsh"


# ---------------------------------------------------------------- PDF


def test_pdf_text_reads_back_with_a_draft_mark_only_when_due(tmp_path):
    failing = export.write(leo(problems=("Need 1 has no owner (WIR 2.3).",)),
                           tmp_path / "draft.pdf", "pdf")
    text = pdf_text(failing)
    assert "DRAFT: this plan fails 1 check" in text
    assert "Need 1 has no owner." in text  # the rule key stays in the worker's copy
    assert "Leo Marsh" in text and "Amber (A)" in text and "Green (G)" in text
    assert "Leo has missed 13 of the last 60 school days — attendance 87%." in text
    assert "Leo attends at least 95% of school days, shown on the register." in text
    assert "Walk Leo to school each morning" in text and "Leo sees his grandmother" in text
    assert "Mrs Ó Briain’s class" not in text  # notes are not in the family's copy
    reader = PdfReader(str(failing))
    assert all("DRAFT" in page.extract_text() for page in reader.pages)  # every page
    final = export.write_pdf(leo(final=True), tmp_path / "final.pdf")
    text = pdf_text(final)
    assert "DRAFT" not in text and "Leo sees his grandmother every weekend." in text
    assert "What we want to change and how we will know" in text


def test_pdf_is_a4_with_readable_text(tmp_path):
    """A council's documents are A4 (the closure letter is): the plan was 105 x 190 mm, a
    phone screen's shape, small and odd when printed for a meeting or filed."""
    path = export.write(leo(final=True), tmp_path / "plan.pdf", "pdf")
    reader = PdfReader(str(path))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) \
        == (595, 842)  # 210 x 297 mm, in points
    assert all(p.mediabox == page.mediabox for p in reader.pages)
    sizes: dict[str, float] = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            sizes[text.strip()] = round(font_size * tm[0], 1)

    page.extract_text(visitor_text=visit)
    footer = [t for t in sizes if "page 1 of" in t]
    assert footer and sizes[footer[0]] >= 8
    assert min(size for t, size in sizes.items() if t not in footer) >= 11


def test_pdf_keeps_unicode_exactly(tmp_path):
    """’ — é fit Windows-1252 (built-in font); a Polish or Cyrillic name uses the bundled
    DejaVu and must still be right."""
    plain = export.write(replace(leo(), child_name="Chloé O’Neill"), tmp_path / "a.pdf", "pdf")
    text = pdf_text(plain)
    assert "Chloé O’Neill" in text and "days — attendance 87%" in text
    doc = replace(leo(), child_name="Łucja Wiśniewska-Kovalenko (Люся)")
    path = export.write(doc, tmp_path / "b.pdf", "pdf")
    text = pdf_text(path)
    assert "Łucja Wiśniewska-Kovalenko (Люся)" in text
    assert "Leo has missed 13 of the last 60 school days — attendance 87%" in text
    assert b"DejaVu" in path.read_bytes() and b"DejaVu" not in plain.read_bytes()


def test_pdf_shows_a_box_for_characters_the_font_lacks_and_composes_accents(tmp_path, caplog):
    doc = replace(leo(), child_name="Zoë Łuczak", version=replace(
        leo().version, childs_views="I like 🐶 and 猫. Chloe\u0301."))
    text = pdf_text(export.write(doc, tmp_path / "plan.pdf", "pdf"))
    assert "I like □ and □. Chloé." in text and "Zoë Łuczak" in text
    assert "missing" not in caplog.text  # nothing logged over the terminal app


def test_a_long_plan_runs_over_pages_with_the_mark_on_each(tmp_path):
    need = leo().version.needs[0]
    long_word = "x" * 200  # wider than the page: broken, not lost
    needs = tuple(replace(need, now=f"Need number {i}. " + "word " * 80 + long_word,
                          key=uuid.uuid4()) for i in range(12))
    doc = replace(leo(problems=("p",)), version=replace(leo().version, needs=needs))
    path = export.write(doc, tmp_path / "long.pdf", "pdf")
    reader = PdfReader(str(path))
    assert len(reader.pages) > 5
    assert all("DRAFT" in p.extract_text() for p in reader.pages)
    text = pdf_text(path).replace(" ", "")
    assert "Neednumber11." in text and long_word in text
    assert f"page1of{len(reader.pages)}" in text and f"page{len(reader.pages)}of" in text


def test_pdf_text_is_never_taken_for_page_furniture(tmp_path):
    doc = replace(leo(final=True), child_name="Leo {nb} Marsh\x01pages\x01")
    text = pdf_text(export.write(doc, tmp_path / "plan.pdf", "pdf"))
    assert "Leo {nb} Marsh pages" in text and re.search(r"page 1 of [0-9]", text)


# ---------------------------------------------------------------- Markdown and JSON


def test_json_keeps_the_visit_frequency_agreed_in_the_plan():
    """BEX 3, TRA: the frequency agreed in the plan travels with it."""
    from cintui.domain.timescales import parse_plan_visits

    doc = leo()
    doc = replace(doc, version=replace(doc.version, visit_every=parse_plan_visits("2 weeks")))
    assert export.from_json(export.to_json(doc)) == doc


def test_markdown_and_json_round_trip_the_whole_plan():
    doc = leo(problems=("One problem",))
    assert export.from_json(export.to_json(doc)) == doc
    assert export.from_markdown(export.to_markdown(doc)) == doc
    final = leo(final=True)
    assert export.from_markdown(export.to_markdown(final)) == final


@pytest.mark.parametrize("by, words", [
    ("closure", "the plan ended at the closure on 18 September 2026"),
    ("final_meeting", "the plan ended at the final meeting on 18 September 2026")])
def test_a_plan_ended_by_the_closure_or_a_final_meeting_says_which_wir_3(by, words, tmp_path):
    """WIR 3, TRA: a plan ended (by its final meeting, or by the case's closure) asks for no
    review; every format says what ended it and when, and Markdown and JSON read it back
    (JSON: `next_review` null, `ended_on`, `ended_by`)."""
    doc = leo()
    doc = replace(doc, version=replace(doc.version, next_review=None,
                                       ended_on=date(2026, 9, 18), ended_by=by))
    data = json.loads(export.to_json(doc))["version"]
    assert (data["next_review"], data["ended_on"], data["ended_by"]) == (
        None, "2026-09-18", by)
    md = export.to_markdown(doc)
    label = "closure" if by == "closure" else "final meeting"
    assert f"- **Plan ended at the {label}:** 18 September 2026" in md
    assert md.count("- **Plan ended at the") == 1
    assert export.from_markdown(md) == doc
    assert export.from_json(export.to_json(doc)) == doc
    pdf = tmp_path / "leo.pdf"
    export.write(doc, pdf, "pdf")
    assert f"Next review: none, {words}" in " ".join(pdf_text(pdf).split())


def graded(doc: export.PlanDocument) -> export.PlanDocument:
    """Leo's plan with the two GCP2s that informed its school need (STO 4.3, 6.11, 7.1)."""
    school = doc.version.needs[0].key
    return replace(doc, gcp2=(
        Gcp2Fact(date(2026, 9, 20), "Amira Shah", (("physical", 4), ("safety", 3),
                                                   ("love", 2), ("esteem", 3)), "",
                 need_keys=(school,)),
        Gcp2Fact(date(2026, 11, 20), "Amira Shah", (("physical", 2), ("safety", 2),
                                                    ("love", 2), ("esteem", 3)), "",
                 need_keys=(school,))))


NOVEMBER = ("Graded Care Profile 2, 20 November 2026 (Amira Shah): Physical care 2, Safety 2, "
            "Love and care 2, Esteem 3 (1 best care, 5 poorest)")


def test_sto_6_11_each_need_shows_the_gcp2_grades_that_informed_it(tmp_path):
    """STO 4.3, 6.11, 7.1: the GCP2's grades are in the plan, under the evidence of the need
    they informed, newest first, in every format; Markdown and JSON read them back. A reader
    of the plan (family, manager) could not see them."""
    doc = graded(leo(problems=("One problem",)))
    md = export.to_markdown(doc)
    lines = [line for line in md.splitlines() if line]
    at = lines.index("**Evidence:** Register: 87% this half term.")
    assert lines[at + 1] == f"**{NOVEMBER.replace('):', '):**', 1)}"
    assert lines[at + 2].startswith("**Graded Care Profile 2, 20 September 2026 (Amira Shah):")
    assert md.count("Graded Care Profile 2") == 2  # the strength it did not inform: none
    assert export.from_markdown(md) == doc
    assert export.from_json(export.to_json(doc)) == doc
    assert NOVEMBER in export.to_html(doc)
    word = tmp_path / "leo.docx"
    export.write(doc, word, "docx")
    assert NOVEMBER in Document(str(word)).tables[1].rows[1].cells[0].text
    pdf = tmp_path / "leo.pdf"
    export.write(doc, pdf, "pdf")
    assert NOVEMBER in pdf_text(pdf)


def test_markdown_reads_as_a_plan_for_the_family():
    md = export.to_markdown(leo(problems=("One problem",)))
    assert md.startswith("# Child in need plan: Leo Marsh\n")
    assert "> **DRAFT: this plan fails 1 check.**" in md and "> - One problem" in md
    assert "### Need 1: Amber (A), a worry to change" in md
    assert "### Need 2: Green (G), a strength to keep" in md
    for label in ("#### What is happening now", "#### What we want to change / how we will know",
                  "#### Who will do what, by when", "- **Who:** Mum",
                  "- **By when:** 18 December 2026", "- **Status:** Not started",
                  "- **Family support worker:** Mornings", "## The child’s views"):
        assert label in md
    for line in md.splitlines():  # keys only in comments, which a viewer hides
        if re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", line):
            assert line.strip().startswith("<!--") and line.strip().endswith("-->")
    assert "DRAFT" not in export.to_markdown(leo(final=True))


def test_markdown_of_a_plan_failing_a_check_never_calls_it_agreed():
    """BEX 2 (issue "Half the keys"): a plan that fails a check is not also called agreed
    where the family reads it; its status and agreement stay in comments and read back."""
    doc = leo(problems=("One problem",))
    assert doc.version.status == "agreed" and doc.version.agreed_on
    md = export.to_markdown(doc)
    shown = re.sub(r"<!--.*?-->", "", md, flags=re.S)
    assert "- **Plan version:** 2 (not final: it fails a check)" in shown
    assert "agreed" not in shown.lower().split("## ")[0]
    assert export.from_markdown(md) == doc
    assert "- **Agreed on:**" in export.to_markdown(leo(final=True))


def test_markdown_escapes_text_that_looks_like_markdown():
    tricky = "# not a heading\n> not a quote\n- not a list\n1. no\n| a | b |\n<b>x</b> *y*"
    doc = replace(leo(), version=replace(leo().version, childs_views=tricky))
    md = export.to_markdown(doc)
    section = md.split("## The child’s views\n\n")[1].split("\n\n")[0]
    assert all(line[:1] not in "#>-|<" and line[:2] != "1." for line in section.splitlines())
    assert "\\<b>" in section and "\\*y\\*" in section
    assert export.from_markdown(md) == doc


def test_markdown_and_json_refuse_other_files():
    with pytest.raises(ValueError, match="not a cintui plan"):
        export.from_markdown("# Shopping\n\n- eggs\n")
    with pytest.raises(ValueError):
        export.from_markdown(export.to_markdown(leo()).replace("#### What is happening now\n",
                                                               "#### Something else\n"))
    with pytest.raises(ValueError, match="not a cintui plan"):
        export.from_json('{"format": "other"}')
    data = json.loads(export.to_json(leo()))
    assert data["format"] == "cintui-plan" and data["format_version"] == 1
    assert data["version"]["next_review"] == "2027-02-03"
    data["format_version"] = 2
    with pytest.raises(ValueError, match="format version 2"):
        export.from_json(json.dumps(data))


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_edge_text = st.one_of(_text, st.sampled_from([
    "", " ", "—", "\n", "a\n", "\n\nb\n\n", "\\", "a\\", "a\\\nb", "# h", "## h", "> q", "- l",
    "1. n", "| t |", "<!-- c -->", "&amp;", "&#10;", "**b**", "x  ", "\r\n", "\u2028", "—\n—",
    "- **Child:** Eve", "### Need 9: Red (R), a worry to change", "No actions yet."]))
_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@st.composite
def _plans(draw) -> export.PlanDocument:
    def t():
        return draw(_edge_text)

    def ratings():
        return tuple(RagChange(
            draw(_dates), draw(st.sampled_from(RAG_RATINGS)),
            draw(st.one_of(st.none(), st.sampled_from(RAG_RATINGS))), t(), t(), t(), t(), t())
            for _ in range(draw(st.integers(0, 2))))

    def actions():
        return tuple(PlanAction(
            t(), t(), draw(st.one_of(st.none(), _dates)), draw(st.sampled_from(ACTION_STATUSES)),
            t(), draw(st.one_of(st.none(), st.uuids())), draw(st.uuids()))
            for _ in range(draw(st.integers(0, 3))))

    needs = tuple(Need(t(), t(), actions(), draw(st.sampled_from(RAG_RATINGS)),
                       draw(st.sampled_from(NEED_KINDS)), t(), ratings(), draw(st.uuids()))
                  for _ in range(draw(st.integers(0, 3))))
    version = PlanVersion(
        draw(st.integers(-3, 10**6)), draw(st.sampled_from(VERSION_STATUSES)),
        draw(st.one_of(st.none(), _dates)), draw(st.one_of(st.none(), _dates)), t(), t(), t(),
        t(), t(), draw(st.one_of(st.none(), _dates)),
        tuple(Service(t(), t()) for _ in range(draw(st.integers(0, 2)))), t(), t(), needs,
        draw(st.one_of(st.none(), st.uuids())))
    keys = [n.key for n in needs]
    facts = {(f.on, f.assessor, f.grades): f for f in (
        Gcp2Fact(draw(_dates), t(), tuple((a, draw(st.integers(1, 5))) for a in AREAS), "",
                 need_keys=tuple(draw(st.lists(st.sampled_from(keys), max_size=2, unique=True))
                                 if keys else ()))
        for _ in range(draw(st.integers(0, 2))))}  # one per (day, assessor, grades)
    return export.PlanDocument(
        t(), t(), t(), t(), t(), version, tuple(t() for _ in range(draw(st.integers(0, 2)))),
        draw(_dates), draw(st.booleans()), on_plan(facts.values(), keys))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_plans())
def test_any_plan_survives_markdown_and_json(doc):
    assert export.from_json(export.to_json(doc)) == doc
    md = export.to_markdown(doc)
    assert export.from_markdown(md) == doc
    assert all(line == line.rstrip() for line in md.split("\n"))  # editors strip these
    # as a file that went through a text editor on Windows and back
    assert export.from_markdown(md.replace("\n", "\r\n")) == doc


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_plans())
def test_any_plan_renders_as_docx_pdf_and_html(doc):
    for fmt in ("docx", "pdf", "html"):
        assert export.render(doc, fmt)


# ---------------------------------------------------------------- HTML


def test_a_plan_received_on_a_transfer_in_says_so_in_words_a_family_reads(tmp_path):
    """The family's copy of a plan received from another authority (BEX 4) read "agreed 21
    October 2026 at received from Northshire County Council (transfer-in)"."""
    doc = leo(final=True)
    doc = replace(doc, version=replace(
        doc.version, agreed_on=date(2026, 10, 21),
        agreed_at="received from Northshire County Council (transfer-in)"))
    said = ("agreed 21 October 2026, received from Northshire County Council "
            "(transfer-in). Next review")
    text = " ".join(pdf_text(export.write_pdf(doc, tmp_path / "in.pdf")).split())
    for shown in (text, re.sub(r"<[^>]+>", "", export.to_html(doc))):
        assert said in shown and "at received" not in shown
    assert "agreed 3 November 2026 at Review CIN meeting 3 November 2026." in \
        export.to_html(leo(final=True))


def _texts(doc: export.PlanDocument, tmp_path) -> dict[str, str]:
    word = Document(str(export.write(doc, tmp_path / "leo.docx", "docx")))
    texts = {"pdf": pdf_text(export.write_pdf(doc, tmp_path / "leo.pdf")),
             "html": re.sub(r"<[^>]+>", " ", export.to_html(doc)),
             "docx": "\n".join([*(p.text for p in word.paragraphs),
                                *(c.text for t in word.tables for r in t.rows for c in r.cells)]),
             "md": export.to_markdown(doc)}
    return {fmt: " ".join(text.split()) for fmt, text in texts.items()}


def test_the_family_reads_each_day_in_full_even_in_words_built_for_a_screen(tmp_path):
    """The plan's PDF read "agreed 3 November 2026 at Review CIN meeting 3 Nov 2026": the
    meeting's name (as typed in the plan editor, or as the app names a meeting), the checks'
    problems and the child's birth are written for a screen ("3 Nov 2026"); the family's
    copy writes every day in full, in each format. Markdown reads the record's words back
    as they were."""
    doc = leo(final=True)
    doc = replace(doc, dob_text="13 Apr 2017 (age 9)", version=replace(
        doc.version, needs=(replace(doc.version.needs[0], rag_history=(
            *doc.version.needs[0].rag_history,
            RagChange(date(2026, 11, 23), "R", "A", "Amira", agreed_at="Leo's CIN review 23 Nov "
                      "2026", reason="New concern at CIN review meeting 23 Nov 2026"))),
            *doc.version.needs[1:])))
    said = "agreed 3 November 2026 at Review CIN meeting 3 November 2026. Next review: " \
           "3 February 2027."
    for fmt, text in _texts(doc, tmp_path).items():
        assert "13 April 2017 (age 9)" in text, fmt
        assert said in text or fmt == "md", fmt  # Markdown says it field by field
        assert not re.search(r"\b(Nov|Apr) \d", text), fmt
    md = export.to_markdown(doc)
    assert "**Agreed at:** Review CIN meeting 3 November 2026\n" in md
    assert "**Agreed at:** Leo's CIN review 23 November 2026\n" in md
    assert "**Reason:** New concern at CIN review meeting 23 November 2026\n" in md
    assert export.from_markdown(md) == doc

    failing = replace(doc, problems=("Need 1, action 1 “Walk Leo to school each morning” was "
                                     "due 18 Dec 2026 (5 days ago)",))
    for fmt, text in _texts(failing, tmp_path).items():
        assert "was due 18 December 2026 (5 days ago)" in text, fmt
    assert export.from_markdown(export.to_markdown(failing)) == failing


def test_markdown_written_with_short_days_still_reads():
    """A plan's Markdown written with "3 Nov 2026" (as older exports and a hand edit may
    have it) reads back the same plan."""
    doc = leo(problems=("One problem",))
    md = export.to_markdown(doc)
    short = re.sub(r"\b(\d{1,2}) (January|February|March|April|June|July|August|September|"
                   r"October|November|December) (\d{4})\b",
                   lambda m: f"{m[1]} {m[2][:3]} {m[3]}", md)
    assert short != md and "3 Nov 2026" in short and "November" not in short
    assert export.from_markdown(short) == doc


def test_html_escapes_and_shows_the_rating_as_words():
    doc = leo(problems=("<img src=x onerror=alert(2)>",))
    doc = replace(doc, version=replace(doc.version, childs_views="<script>alert(1)</script>"))
    page = export.to_html(doc)
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "DRAFT: this plan fails 1 check" in page
    assert "<table>" in page and "Amber (A)" in page and "Green (G)" in page
    assert all(f">{c}</th>" in page for c in HEADER)
    assert "http://" not in page and "https://" not in page  # nothing fetched
    assert "DRAFT" not in export.to_html(leo(final=True))


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_every_export_is_the_owners_alone(tmp_path, fmt):
    path = tmp_path / f"plan.{fmt}"
    path.write_text("old")
    path.chmod(0o644)  # even replacing a file that others could read
    export.write(leo(), path, fmt)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.stat().st_size > 100
    fresh = export.write(leo(), tmp_path / f"new.{fmt}", fmt)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format 'xls'"):
        export.render(leo(), "xls")


def test_exports_make_no_network_calls(monkeypatch, tmp_path):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("an export tried the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for fmt in export.FORMATS:
        export.write(leo(problems=("p",)), tmp_path / f"p.{fmt}", fmt)


def test_a_pdf_that_cannot_show_a_name_says_so_and_the_docx_shows_it(demo_store, cli,
                                                                      tmp_path):
    """The PDF's bundled font has European scripts only: a name in Chinese script prints
    as □. The command says which characters, and that the DOCX shows them; the same for the
    minutes and for a batch of plans."""
    from tests.conftest import connect

    with connect(demo_store) as conn:
        (reference,) = conn.execute(
            "SELECT c.reference FROM child c WHERE c.status = 'cin_plan' "
            "AND EXISTS (SELECT 1 FROM plan_version v WHERE v.child_id = c.id "
            "            AND v.status = 'agreed') "
            "AND EXISTS (SELECT 1 FROM meeting m WHERE m.child_id = c.id AND m.held "
            "            AND m.minutes <> '') ORDER BY c.reference").fetchone()
        conn.execute("UPDATE child SET first_name = ? WHERE reference = ?", ("小明", reference))
    note = "The PDF shows □ for 2 characters its font does not have (小明): the DOCX shows them."
    pdf = cli("export", "plan", reference, "-o", tmp_path / "plan.pdf", "--db", demo_store)
    assert pdf.code == 0 and note in pdf.err
    assert "□" in "".join(page.extract_text() for page in PdfReader(tmp_path / "plan.pdf").pages)
    docx = cli("export", "plan", reference, "-o", tmp_path / "plan.docx", "--format", "docx",
               "--db", demo_store)
    assert docx.code == 0 and docx.err == ""
    assert any("小明" in p.text for p in Document(tmp_path / "plan.docx").paragraphs)
    minutes = cli("export", "minutes", reference, "--latest", "-o", tmp_path / "minutes.pdf",
                  "--db", demo_store)
    assert minutes.code == 0 and note in minutes.err
    batch = cli("export", "plans", "--all", "-o", tmp_path / "all", "--db", demo_store)
    assert batch.code == 0 and reference in batch.err and "□" in batch.err


def test_a_folder_given_to_export_plan_or_minutes_gets_a_named_file_never_overwritten(
        demo_store, cli, tmp_path):
    """`-o FOLDER` as `export plans` takes it: the file is named after the child and the
    version (the minutes: the day), and a second export sits beside the first."""
    from tests.conftest import connect

    with connect(demo_store) as conn:
        (reference,) = conn.execute(
            "SELECT c.reference FROM child c WHERE EXISTS (SELECT 1 FROM meeting m "
            "WHERE m.child_id = c.id AND m.held AND m.minutes <> '') "
            "AND EXISTS (SELECT 1 FROM plan_version v WHERE v.child_id = c.id "
            "AND v.status = 'agreed') ORDER BY c.reference").fetchone()
    for _ in range(2):
        assert cli("export", "plan", reference, "-o", tmp_path, "--db", demo_store).code == 0
    assert cli("export", "minutes", reference, "--latest", "-o", tmp_path, "--format", "docx",
               "--db", demo_store).code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    first = min((n for n in names if "-plan-v" in n), key=len)
    assert first.startswith(f"{reference}-plan-v") and first.endswith(".pdf")
    assert [n for n in names if "-plan-v" in n] == sorted(
        [first, first.replace(".pdf", "-2.pdf")])
    assert [n for n in names if "-minutes-" in n][0].startswith(f"{reference}-minutes-")


@pytest.mark.parametrize("by, mark", [
    ("closure", "Ended at the closure on 18 September 2026"),
    ("final_meeting", "Ended at the final meeting on 18 September 2026")])
def test_an_ended_plan_failing_checks_is_marked_ended_not_draft_wir_3(by, mark, tmp_path):
    """WIR 3, TRA: an ended plan is never re-opened to fix its checks, so its copies carry
    no DRAFT mark: they are marked as ended, with the day and how, list what it lacked when
    it ended, and call it agreed (it was). Markdown reads it back."""
    doc = leo(problems=("No bottom lines (BEX 3).",))
    doc = replace(doc, version=replace(doc.version, next_review=None,
                                       ended_on=date(2026, 9, 18), ended_by=by))
    assert not doc.draft and doc.ended_mark == mark
    for fmt in ("md", "docx", "pdf", "html"):
        path = tmp_path / f"leo.{fmt}"
        export.write(doc, path, fmt)
        if fmt == "docx":
            d = Document(str(path))
            text = "\n".join(p.text for p in d.paragraphs)
            assert "DRAFT" not in "".join(p.text for p in d.sections[0].header.paragraphs)
        elif fmt == "pdf":
            text = " ".join(pdf_text(path).split())
        else:
            text = path.read_text()
        assert "DRAFT" not in text and "not final" not in text, fmt
        assert mark in text and "When it ended, the plan lacked:" in text, fmt
        assert "No bottom lines" in text, fmt
    md = export.to_markdown(doc)
    assert "- **Plan version:** 2 (agreed)" in md
    assert export.from_markdown(md) == doc


def test_a_live_plan_failing_checks_keeps_its_draft_mark_bex_3():
    doc = leo(problems=("No bottom lines: say what is essential (BEX 3).",))
    assert doc.draft and doc.ended_mark == ""
    md = export.to_markdown(doc)
    assert "> **DRAFT: this plan fails 1 check.** To sort out before it is final:" in md
    assert "Ended at" not in md


def test_the_step_down_packs_plan_says_it_ended_at_the_final_meeting_wir_3():
    """WIR 3: the step-down pack is built from the final plan, which the final meeting
    ended; its heading says so with the day in full, as the plan's own copy is marked."""
    from cintui.export.transfer import StepDownPack, step_down_sections

    plan = replace(leo().version, next_review=None, ended_on=date(2026, 11, 20),
                   ended_by="final_meeting")
    pack = StepDownPack(child_name="Leo Marsh", child_reference="DEMO00012", dob=None,
                        authority="Wirral", worker="Amira Shah", ending={}, why=(),
                        plan=plan, minutes_decisions=(), minutes_held_on=None, visits=(),
                        today=TODAY)
    headings = [h for h, _lines in step_down_sections(pack)]
    assert ("The plan: v2, agreed 3 November 2026, ended at the final meeting on 20 November "
            "2026") in headings
