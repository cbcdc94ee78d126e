"""The record of visits as an export (DOMAIN.md §4; WIR 2.11, BEX 3): Markdown a family or a
manager can read, DOCX, and JSON that reads back exactly; the facts beside the WIR 2.11
headings in their order, addenda under their visit (never an edit of it), gaps longer than
the policy listed first; files 0600. Synthetic child: Mia Thornbury."""

from __future__ import annotations

import io
import json
import re
import stat
import uuid
from dataclasses import replace
from datetime import date, datetime

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cintui.domain.visit import (
    HEADINGS,
    VISIT_KINDS,
    Addendum,
    Present,
    VisitContent,
    VisitGap,
    VisitHistory,
    VisitRecord,
)
from cintui.export import visits as export

TODAY = date(2026, 11, 23)
WIR_ORDER = ["Purpose of visit", "Child's comments", "Child's welfare", "Parent's comments",
             "Progress of the CIN plan", "Health", "Education",
             "Standard of care & support networks", "Analysis of visit & actions"]


def _visit(at: datetime, **changes) -> VisitRecord:
    text = {"purpose": "Planned visit to see Mia at home.",
            "childs_comments": "Mia said she likes her new school.",
            "childs_welfare": "Clean, appropriately dressed, chatty.",
            "analysis": "Progress on the plan; next visit in four weeks."}
    content = VisitContent(visited_at=at, **{**text, **changes.pop("content", {})})
    return VisitRecord(id=uuid.UUID(int=at.toordinal()), content=content,
                       author="Poppy Jessop", finalised_at=at.replace(hour=16, minute=5),
                       **changes)


def mia() -> VisitHistory:
    first = _visit(datetime(2026, 9, 1, 10, 0),
                   content={"present": (Present("Sarah Thornbury (mother)"),),
                            "health": "Seen by the GP for asthma on 28 Aug.",
                            "care_and_support": "Bedroom seen: tidy, own bed."},
                   progressed=(("Register Mia with a dentist", "Done"),))
    second = _visit(datetime(2026, 9, 15, 15, 30),
                    content={"kind": "school", "seen_alone": True, "bedroom_seen": False,
                             "analysis": "Seen alone at school; bedroom not seen (school "
                                         "visit).\n\nNext: home visit."},
                    addenda=(Addendum(datetime(2026, 11, 24, 10, 2), "Poppy Jessop",
                                      "The visit was at 15:30, not 14:30 as first typed."),))
    third = _visit(datetime(2026, 11, 20, 9, 15),
                   content={"kind": "home", "child_seen": False, "seen_alone": False,
                            "bedroom_seen": False, "childs_comments": "",
                            "childs_welfare": "",
                            "analysis": "Mia was not seen: she was at her grandmother's."})
    return VisitHistory(
        child_name="Mia Thornbury", child_reference="CIN000123", dob=date(2016, 4, 13),
        start=date(2026, 9, 1), end=date(2026, 11, 23), visits=(first, second, third),
        gaps=(VisitGap(date(2026, 9, 15), None, date(2026, 10, 13), 29),),
        rule="every 20 working days (WIR 2.11)", policy="England", produced_on=TODAY)


def _section(md: str, start: str, end: str | None = None) -> str:
    body = md[md.index(start):]
    return body[:body.index(end)] if end else body


# ---------------------------------------------------------------- Markdown


def test_markdown_title_period_rule_counts_and_gaps():
    """WIR 2.11: seen at least every 20 working days; the record says which visits saw the
    child, alone, and the bedroom; a gap still running says so."""
    md = export.to_markdown(mia())
    assert md.startswith("# Record of visits: Mia Thornbury\n")
    for line in ("- **Reference:** CIN000123", "- **Born:** 13 Apr 2016",
                 "- **Period:** 1 Sep 2026 to 23 Nov 2026",
                 "- **Visits due:** every 20 working days (WIR 2.11)"):
        assert line in md.splitlines()
    assert "3 visits; child seen at 2, seen alone at 2; bedroom seen at 1." in md
    assert ("- Gap: since 15 Sep 2026, still open, due 13 Oct 2026, 29 working days late by "
            "23 Nov 2026") in md
    closed = replace(mia(), gaps=(VisitGap(date(2026, 9, 15), date(2026, 11, 23),
                                           date(2026, 10, 13), 29),), start=None, end=None)
    md = export.to_markdown(closed)
    assert "- Gap: 15 Sep 2026 to 23 Nov 2026, due 13 Oct 2026, 29 working days late" in md
    assert "- **Period:** all visits" in md
    assert "None in this period." in export.to_markdown(replace(mia(), gaps=()))


def test_markdown_visits_oldest_first_with_the_facts():
    """DOMAIN.md §4: date and time, type, seen, seen alone, bedroom, who else, author."""
    md = export.to_markdown(mia())
    titles = re.findall(r"^## Visit \d+: (.*)$", md, re.M)
    assert titles == ["1 Sep 2026 10:00, Home", "15 Sep 2026 15:30, School",
                      "20 Nov 2026 09:15, Home"]
    first = _section(md, "## Visit 1:", "## Visit 2:")
    for line in ("- **Date and time:** 1 Sep 2026 10:00", "- **Type:** Home",
                 "- **Child seen:** yes", "- **Seen alone:** yes", "- **Bedroom seen:** yes",
                 "- **Others present:** Sarah Thornbury (mother)",
                 "- **Recorded by:** Poppy Jessop", "- **Finalised:** 1 Sep 2026 16:05"):
        assert line in first.splitlines(), line
    third = _section(md, "## Visit 3:")
    assert "- **Child seen:** no" in third and "- **Seen alone:** no" in third
    assert "- **Others present:** nobody else" in third


def test_markdown_headings_in_wir_order_with_empty_ones_marked():
    """WIR 2.11: every heading, in order, the three progress ones under the CIN plan."""
    md = export.to_markdown(mia())
    for number in (1, 2, 3):
        visit = _section(md, f"## Visit {number}:", f"## Visit {number + 1}:"
                         if number < 3 else None)
        found = re.findall(r"^#{3,4} (.*)$", visit, re.M)
        assert found[:len(WIR_ORDER)] == WIR_ORDER
        assert re.findall(r"^#### (.*)$", visit, re.M) == WIR_ORDER[5:8]
    third = _section(md, "## Visit 3:")
    comments = _section(third, "### Child's comments", "### Child's welfare")
    assert "*Nothing recorded*" in comments
    assert "Mia was not seen: she was at her grandmother's." in third
    first = _section(md, "## Visit 1:", "## Visit 2:")
    health = _section(first, "#### Health", "#### Education")
    assert "Seen by the GP for asthma on 28 Aug." in health
    assert "- Register Mia with a dentist: Done" in first


def test_markdown_addenda_sit_under_their_visit_and_keep_paragraphs():
    """ICO "amend, don't overwrite": the correction is dated, attributed, under the visit."""
    md = export.to_markdown(mia())
    second = _section(md, "## Visit 2:", "## Visit 3:")
    assert ("**Addendum, 24 Nov 2026 10:02, by Poppy Jessop:** The visit was at 15:30, not "
            "14:30 as first typed.") in second
    assert second.index("### Analysis of visit & actions") < second.index("### Addenda")
    assert "Addendum" not in _section(md, "## Visit 1:", "## Visit 2:")
    assert "Addendum" not in _section(md, "## Visit 3:")
    analysis = _section(second, "### Analysis of visit & actions", "### Addenda")
    assert "visit).\n\nNext: home visit." in analysis


def test_markdown_escapes_text_that_looks_like_markdown_and_has_no_trailing_spaces():
    visit = _visit(datetime(2026, 10, 1, 11, 0),
                   content={"purpose": "# not a heading  \n- not a list\n*stars*   ",
                            "present": (Present("Dad\n[uncle]"),)})
    md = export.to_markdown(replace(mia(), visits=(visit,)))
    assert "\\# not a heading\\\n\\- not a list\\\n\\*stars\\*\n" in md
    assert "- **Others present:** Dad \\[uncle]" in md
    assert all(line == line.rstrip() for line in md.split("\n"))


def test_no_visits_in_the_period():
    md = export.to_markdown(replace(mia(), visits=(), gaps=()))
    assert "No visits recorded in this period." in md and "## Visit" not in md


# ---------------------------------------------------------------- JSON


def test_json_is_the_documented_format_with_iso_dates():
    data = json.loads(export.to_json(mia()))
    assert data["format"] == "cintui-visits" and data["format_version"] == 1
    assert data["child_reference"] == "CIN000123" and data["dob"] == "2016-04-13"
    assert data["start"] == "2026-09-01" and data["end"] == "2026-11-23"
    assert data["gaps"] == [{"after": "2026-09-15", "until": None, "due": "2026-10-13",
                             "working_days_late": 29}]
    first, second, _ = data["visits"]
    assert first["visited_at"] == "2026-09-01T10:00:00" and first["kind"] == "home"
    assert list(first["headings"]) == [h.field for h in HEADINGS]  # WIR 2.11 order
    assert first["progressed"] == [{"action": "Register Mia with a dentist", "status": "Done"}]
    assert second["addenda"] == [{"written_at": "2026-11-24T10:02:00", "author": "Poppy Jessop",
                                  "text": "The visit was at 15:30, not 14:30 as first typed."}]
    assert export.from_json(export.to_json(mia())) == mia()


def test_json_refuses_other_files():
    with pytest.raises(ValueError, match="not a cintui visits export"):
        export.from_json('{"format": "cintui-plan", "format_version": 1}')
    data = json.loads(export.to_json(mia()))
    data["format_version"] = 2
    with pytest.raises(ValueError, match="format version 2"):
        export.from_json(json.dumps(data))


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_edge_text = st.one_of(_text, st.sampled_from([
    "", " ", "\n", "a\n", "\n\nb\n\n", "\\", "a\\", "# h", "- l", "1. n", "**b**", "x  ",
    "\r\n", "\u2028", "\x00\x07", "&amp;", "<!-- c -->"]))
_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
_times = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31))


@st.composite
def _histories(draw) -> VisitHistory:
    def t():
        return draw(_edge_text)

    def maybe(strategy):
        return draw(st.one_of(st.none(), strategy))

    def record() -> VisitRecord:
        content = VisitContent(
            visited_at=draw(_times), kind=draw(st.sampled_from(VISIT_KINDS)),
            child_seen=draw(st.booleans()), seen_alone=draw(st.booleans()),
            bedroom_seen=draw(st.booleans()),
            present=tuple(Present(t(), maybe(st.uuids())) for _ in range(draw(st.integers(0, 2)))),
            progress=tuple((draw(st.uuids()), t()) for _ in range(draw(st.integers(0, 2)))),
            **{h.field: t() for h in HEADINGS})
        return VisitRecord(
            draw(st.uuids()), content, t(), maybe(_times),
            tuple(Addendum(draw(_times), t(), t()) for _ in range(draw(st.integers(0, 2)))),
            tuple((t(), t()) for _ in range(draw(st.integers(0, 2)))))

    gaps = tuple(VisitGap(draw(_dates), maybe(_dates), draw(_dates), draw(st.integers(0, 400)))
                 for _ in range(draw(st.integers(0, 2))))
    return VisitHistory(t(), t(), maybe(_dates), maybe(_dates), maybe(_dates),
                        tuple(record() for _ in range(draw(st.integers(0, 3)))), gaps, t(), t(),
                        maybe(_dates))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=_histories())
def test_any_history_survives_json_and_reads_as_markdown(history):
    assert export.from_json(export.to_json(history)) == history
    md = export.to_markdown(history)
    assert all(line == line.rstrip() for line in md.split("\n"))  # editors strip these
    assert len(re.findall(r"^## Visit \d+: ", md, re.M)) == len(history.visits)
    assert md.count("\n### Purpose of visit\n") == len(history.visits)  # WIR 2.11


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=_histories())
def test_any_history_renders_as_docx(history):
    assert export.render(history, "docx")[:2] == b"PK"


# ---------------------------------------------------------------- DOCX


def test_docx_reads_back_with_headings_facts_and_addenda(tmp_path):
    """WIR 2.11 headings as Heading 2 (the three progress ones Heading 3 under the CIN plan),
    a facts table per visit, the addendum labelled and in italics."""
    path = export.write(mia(), tmp_path / "visits.docx", "docx")
    doc = Document(str(path))
    styled = [(p.style.name, p.text) for p in doc.paragraphs]
    assert styled[0] == ("Title", "Record of visits: Mia Thornbury")
    assert ("Normal", "3 visits; child seen at 2, seen alone at 2; bedroom seen at 1.") in styled
    assert [t for s, t in styled if s == "Heading 1"] == [
        "Gaps between visits longer than the policy allows", "Visit 1: 1 Sep 2026 10:00, Home",
        "Visit 2: 15 Sep 2026 15:30, School", "Visit 3: 20 Nov 2026 09:15, Home"]
    assert ("List Bullet", "Gap: since 15 Sep 2026, still open, due 13 Oct 2026, 29 working "
            "days late by 23 Nov 2026") in styled
    first = styled[styled.index(("Heading 1", "Visit 1: 1 Sep 2026 10:00, Home")):
                   styled.index(("Heading 1", "Visit 2: 15 Sep 2026 15:30, School"))]
    assert [t for s, t in first if s in ("Heading 2", "Heading 3")][:len(WIR_ORDER)] == WIR_ORDER
    assert [t for s, t in first if s == "Heading 3"] == WIR_ORDER[5:8]
    assert ("Normal", "Seen by the GP for asthma on 28 Aug.") in first
    assert ("Normal", "Nothing recorded") in first  # parent's comments
    assert ("List Bullet", "Register Mia with a dentist: Done") in first
    # details + one facts table per visit
    assert len(doc.tables) == 4
    facts = {r.cells[0].text: r.cells[1].text for r in doc.tables[2].rows}
    assert facts["Type"] == "School" and facts["Bedroom seen"] == "no"
    assert facts["Seen alone"] == "yes" and facts["Recorded by"] == "Poppy Jessop"
    details = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert details["Period"] == "1 Sep 2026 to 23 Nov 2026"
    addendum = next(p for p in doc.paragraphs if p.text.startswith("Addendum,"))
    assert addendum.text == ("Addendum, 24 Nov 2026 10:02, by Poppy Jessop: The visit was at "
                             "15:30, not 14:30 as first typed.")
    assert addendum.runs[0].bold and addendum.runs[1].italic
    second_paras = [p.text for p in doc.paragraphs]
    assert second_paras.index(addendum.text) > second_paras.index(
        "Visit 2: 15 Sep 2026 15:30, School")
    assert second_paras.index(addendum.text) < second_paras.index(
        "Visit 3: 20 Nov 2026 09:15, Home")


def test_docx_survives_control_characters_and_documents_do_not_leak(tmp_path):
    odd = _visit(datetime(2026, 10, 1, 11, 0), content={"purpose": "bell\x07 and nul\x00 here"})
    one = Document(io.BytesIO(export.docx_bytes(replace(mia(), visits=(odd,)))))
    assert "bell and nul here" in [p.text for p in one.paragraphs]
    two = Document(io.BytesIO(export.docx_bytes(replace(mia(), visits=()))))
    assert not any("Visit 1" in p.text for p in two.paragraphs)


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_every_export_is_the_owners_alone(tmp_path, fmt):
    """A child's record is personal data (WIR 2.1, Article 8): files are created 0600."""
    path = tmp_path / f"visits.{fmt}"
    path.write_text("old")
    path.chmod(0o644)
    export.write(mia(), path, fmt)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.stat().st_size > 100
    fresh = export.write(mia(), tmp_path / f"new.{fmt}", fmt)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        export.render(mia(), "pdf")
