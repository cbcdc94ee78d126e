"""Closure letters (TRA, DOMAIN.md §7), re-read from the DOCX and PDF files: each parent or
carer, the child in words for their age, each professional; names, the closure date, the
reason in plain words and who to contact. Templates are validated at load."""

from __future__ import annotations

import json
import stat
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader

from cintui.casework import cases, endings
from cintui.export import endings as letters_export
from tests.casework.test_endings import ACTOR, close, new_child, walk_to_approved
from tests.casework.test_endings import store as store  # noqa: F401 (fixture)
from tests.conftest import TODAY


def closed_child(store, **kw):
    child_id = new_child(store, **kw)
    walk_to_approved(store, child_id)
    with store.session(ACTOR) as session:
        endings.family_told(session, child_id, on=date(2026, 11, 18), today=TODAY)
    close(store, child_id, closure_date=date(2026, 11, 20), reason="RC7", unmet_need=False)
    with store.read() as session:
        return endings.letter_context(session, child_id, TODAY)


def docx_text(path) -> str:
    return "\n".join(p.text for p in Document(path).paragraphs)


def pdf_text(path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split())
                    for page in PdfReader(path).pages)


def test_letters_to_each_parent_the_child_and_each_professional(store, tmp_path):
    ctx = closed_child(store, first="Sam", dob=date(2018, 5, 4))  # 8: simple words
    written = letters_export.write_letters(ctx, tmp_path / "letters")
    names = sorted(p.name for p in written)
    assert len(names) == 8  # mother, Sam, teacher, GP; DOCX and PDF each (father: no PR)
    assert not any("Ivan" in n for n in names)
    for p in written:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    ref = ctx.child_reference
    mother = docx_text(tmp_path / "letters" / f"{ref}-closure-parent-Layla-Endingtest.docx")
    assert "Dear Layla Endingtest," in mother
    assert "Sam Endingtest" in mother and "20 November 2026" in mother
    assert "no longer in need" in mother  # RC7 in plain words
    assert "Who to contact: Wendy Worker" in mother and "wendy.worker@example.org" in mother
    assert "1 Test Row" in mother  # her address
    assert "Tess Manager" in mother  # who decided
    child = docx_text(tmp_path / "letters" / f"{ref}-closure-child-Sam.docx")
    assert "Dear Sam," in child and "I will stop visiting after 20 November 2026" in child
    assert "children's social care is closing" not in child  # simple words, 5-11
    assert "From now on" not in mother + child  # no step-down: nobody takes over
    gp = pdf_text(tmp_path / "letters" / f"{ref}-closure-professional-Dr-Ames.pdf")
    assert "Dear Dr Ames," in gp and "GP (Ames Surgery)" in gp
    assert "RC7" in gp and "20 November 2026" in gp and "Who to contact: Wendy Worker" in gp


def test_a_young_person_gets_their_own_letter_and_a_toddler_none(store, tmp_path):
    older = closed_child(store, first="Jo", dob=date(2012, 1, 9))  # 14
    assert [r.audience for r in older.recipients] == ["parent", "young_person",
                                                      "professional", "professional"]
    (letter,) = [x for x in letters_export.letters(older) if x.recipient.audience
                 == "young_person"]
    path = tmp_path / "jo.pdf"
    path.write_bytes(letters_export.letter_pdf(letter))
    text = pdf_text(path)
    assert "Dear Jo," in text and "your case with children's social care will close on 20 " \
        "November 2026" in text
    little = closed_child(store, first="Tot", dob=date(2024, 2, 1))  # 2: no letter
    assert "child" not in {r.audience for r in little.recipients}
    assert "young_person" not in {r.audience for r in little.recipients}


def test_a_name_the_pdf_font_cannot_show_is_a_box_never_left_out(store, tmp_path):
    """A young person named in Chinese script: the bundled font has no such characters.
    The letter's PDF shows □ where the name is ("Dear □□,"), as the plan's PDF does; it
    read "Dear ," before. The DOCX has the name."""
    ctx = closed_child(store, first="小明", dob=date(2012, 1, 9))
    (letter,) = [x for x in letters_export.letters(ctx) if x.recipient.audience
                 == "young_person"]
    path = tmp_path / "xm.pdf"
    path.write_bytes(letters_export.letter_pdf(letter))
    assert "Dear □□," in pdf_text(path)
    assert letters_export.letters_unshown(ctx) == "小明"  # said where letters are written
    path = tmp_path / "xm.docx"
    path.write_bytes(letters_export.letter_docx(letter))
    assert "Dear 小明," in docx_text(path)


def test_a_template_with_an_unknown_placeholder_is_refused():
    with pytest.raises(letters_export.TemplateError, match=r"unknown placeholder \{child_nmae\}"):
        letters_export.parse_template("x.md", "# Hi\n\nDear {child_nmae},")
    with pytest.raises(letters_export.TemplateError, match="heading"):
        letters_export.parse_template("x.md", "Dear {recipient_name},")
    with pytest.raises(letters_export.TemplateError, match="brace"):
        letters_export.parse_template("x.md", "# Hi\n\nDear {recipient_name,")
    assert letters_export.check_templates() == [
        "closure_parent.md", "closure_child.md", "closure_young_person.md",
        "closure_professional.md"]


def test_the_closure_summary_in_every_format(store, tmp_path):
    ctx = closed_child(store)
    with store.read() as session:
        child_id = cases.find_child(session, ctx.child_reference).id
        doc = endings.summary_document(session, child_id, TODAY)
    for fmt in letters_export.SUMMARY_FORMATS:
        letters_export.write_summary(doc, tmp_path / f"s.{fmt}", fmt)
    md = (tmp_path / "s.md").read_text()
    assert "Reason for closure: RC7" in md and "Unmet need stepped down to early help " \
        "(STO 3.3): no" in md
    assert "Needs met and held for 6 months." in md
    assert "Closure approved — Tess Manager (Team manager). Rationale: Needs met." in md
    assert "Closure summary" in docx_text(tmp_path / "s.docx")
    assert "Tess Manager" in pdf_text(tmp_path / "s.pdf")
    data = json.loads((tmp_path / "s.json").read_text())
    assert data["ending"]["closure_reason"] == "RC7" and data["ending"]["unmet_need"] is False
    assert all(item["met"] for item in data["checklist"])
