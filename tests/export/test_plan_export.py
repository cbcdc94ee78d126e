"""Plan exports (issue 5): DOCX with a real table, PDF a parent can read, Markdown and JSON
that read back, HTML; DRAFT marks; files 0600. Synthetic child: Leo Marsh."""

from __future__ import annotations

import stat
from dataclasses import replace
from datetime import date

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from cintui.domain.plan import Need, PlanAction, PlanVersion, RagChange, Service
from cintui.export import plan as export

TODAY = date(2026, 11, 23)


def leo(problems: tuple[str, ...] = (), final: bool = False) -> export.PlanDocument:
    school = Need(
        now="Leo has missed 13 of the last 60 school days — attendance 87%.",
        outcome="Leo attends at least 95% of school days, shown on the register.",
        rag="A", evidence="Register: 87% this half term.",
        actions=(PlanAction("Walk Leo to school each morning", "Mum", date(2026, 12, 18)),
                 PlanAction("Send attendance figures every Friday", "School", None,
                            "in_progress", notes="Mrs Ó Briain’s class")),
        rag_history=(RagChange(date(2026, 9, 1), "R", None, "Amira", cp_discussion="Not met"),
                     RagChange(date(2026, 11, 1), "A", "R", "Amira", reason="Better")))
    gran = Need(now="Leo sees his grandmother every weekend.", kind="strength", rag="G")
    version = PlanVersion(
        number=2, status="agreed", created_on=date(2026, 11, 1), agreed_on=date(2026, 11, 3),
        agreed_at="Review CIN meeting 3 Nov 2026", objectives="Leo is in school every day.",
        lead_professional="Amira Shah", next_review=date(2027, 2, 3),
        review_arrangements="Every 3 months", childs_views="I like football.",
        lived_experience="Mornings are rushed.",
        services=(Service("Family support worker", "Mornings"),), needs=(school, gran))
    return export.PlanDocument(
        child_name="Leo Marsh", child_reference="DEMO00012", dob_text="2 May 2017 (9)",
        worker="Amira Shah", authority="Wirral", version=version, problems=problems,
        generated_on=TODAY, final=final)


def test_docx_has_the_three_columns_and_rating_as_a_real_table(tmp_path):
    path = export.write(leo(), tmp_path / "plan.docx", "docx")
    document = Document(str(path))
    table = document.tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["What is happening now", "What we want to change, and how we will know",
                       "Who will do what, by when", "Rating"]
    assert rows[1][0].startswith("Leo has missed 13 of the last 60 school days — attendance")
    assert "Walk Leo to school each morning — Mum, by 18 Dec 2026 (Not started)" in rows[1][2]
    assert "no one named" not in rows[1][2] and "no date" in rows[1][2]
    assert [r[3] for r in rows[1:]] == ["Amber (A)", "Green (G)"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Child in need plan: Leo Marsh" in text and "DRAFT" in text  # not final
    details = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert details["Plan version"] == "2 (agreed)" and details["Reference"] == "DEMO00012"


def test_pdf_text_reads_back_with_a_draft_mark_only_when_due(tmp_path):
    failing = export.write(leo(problems=("Need 1 has no owner (WIR 2.3).",)),
                           tmp_path / "draft.pdf", "pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(str(failing)).pages)
    assert "DRAFT: this plan fails 1 check(s)" in text
    assert "Need 1 has no owner (WIR 2.3)." in text
    assert "Leo Marsh" in text and "Amber (A)" in text and "Green (G)" in text
    assert "Mrs Ó Briain’s class" not in text  # notes are not in the parent's copy
    assert "attendance 87%" in text and "Walk Leo to school each morning" in text
    final = export.write(leo(final=True), tmp_path / "final.pdf", "pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(str(final)).pages)
    assert "DRAFT" not in text and "Leo sees his grandmother" in text
    assert PdfReader(str(final)).pages[0].mediabox.width < 320  # a narrow, phone-sized page


def test_markdown_and_json_round_trip_the_whole_plan():
    doc = leo(problems=("One problem",))
    assert export.from_json(export.to_json(doc)) == doc
    assert export.from_markdown(export.to_markdown(doc)) == doc
    md = export.to_markdown(doc)
    assert "### Need 1: Amber (A)" in md and "> **DRAFT: this plan fails 1 check(s)**" in md


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(now=_text, outcome=_text, what=_text, who=_text, views=_text, name=_text)
def test_any_text_survives_markdown_and_json(now, outcome, what, who, views, name):
    doc = leo()
    need = replace(doc.version.needs[0], now=now, outcome=outcome,
                   actions=(PlanAction(what, who, None),))
    doc = replace(doc, child_name=name, version=replace(
        doc.version, childs_views=views, needs=(need, doc.version.needs[1])))
    assert export.from_json(export.to_json(doc)) == doc
    assert export.from_markdown(export.to_markdown(doc)) == doc


def test_html_escapes_and_shows_the_rating_as_words():
    doc = leo()
    doc = replace(doc, version=replace(doc.version, childs_views="<script>alert(1)</script>"))
    page = export.to_html(doc)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<table>" in page and "Amber (A)" in page


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_every_export_is_the_owners_alone(tmp_path, fmt):
    path = tmp_path / f"plan.{fmt}"
    path.write_text("old")
    path.chmod(0o644)  # even replacing a file that others could read
    export.write(leo(), path, fmt)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.stat().st_size > 100


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format 'xls'"):
        export.render(leo(), "xls")


def test_pdf_keeps_names_beyond_latin_1_exactly(tmp_path):
    """Built-in fonts cover Latin-1 only; a Polish or Cyrillic name must still be right."""
    doc = replace(leo(), child_name="Łucja Wiśniewska-Kovalenko (Люся)")
    path = export.write(doc, tmp_path / "plan.pdf", "pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(path)).pages)
                    .split())  # lines wrapped on a narrow page, read as one
    assert "Łucja Wiśniewska-Kovalenko (Люся)" in text
    assert "Leo has missed 13 of the last 60 school days — attendance 87%" in text
    plain = export.write(leo(), tmp_path / "latin.pdf", "pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(plain)).pages)
                    .split())
    assert "Leo Marsh" in text and "days - attendance 87%" in text  # dash stands in for —
