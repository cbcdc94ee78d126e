"""The minutes of a CIN meeting as an export (DOMAIN.md §5; WIR 2.3-2.8, BEX 3): who came and
who receives the record, each Amber beside its update and the impact on the child (the
"fourth column", WIR 2.6), the three boxes, views, decisions, distribution and the plan
agreed at the meeting; Markdown, DOCX, PDF and JSON that reads back exactly; files 0600.
Synthetic family: Mia, Sarah and Dan Thornbury."""

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
from pypdf import PdfReader

from cintui.domain.meeting import (
    ATTENDANCE,
    MEETING_KINDS,
    RECOMMENDATIONS,
    ActionUpdate,
    AgreedAction,
    Decisions,
    Invitee,
    Minutes,
    MinutesDocument,
    NeedUpdate,
    NewConcern,
    updated_plan,
)
from cintui.domain.plan import ACTION_STATUSES, Need, PlanAction, PlanVersion
from cintui.export import minutes as export
from cintui.export import plan as plan_export

HELD = date(2026, 11, 30)
MORNINGS, DENTIST, NEW = (uuid.UUID(int=i) for i in (1, 2, 3))
CHART, REGISTER, LOST = (uuid.UUID(int=i) for i in (11, 12, 99))
LABEL = "CIN review meeting 30 Nov 2026"


def plan_before() -> PlanVersion:
    return PlanVersion(
        number=2, status="superseded", agreed_on=date(2026, 9, 1), next_review=HELD,
        needs=(Need("Mornings are chaotic and Mia is late for school",
                    "Mia is in class by 8:50 every day for 6 weeks",
                    (PlanAction("Morning routine chart on the fridge", "Sarah Thornbury",
                                date(2026, 10, 1), key=CHART),), rag="A", key=MORNINGS),
               Need("Mia has toothache and no dentist", "A dentist has checked Mia's teeth",
                    (PlanAction("Register Mia with a dentist", "Sarah Thornbury",
                                date(2026, 10, 15), key=REGISTER),), rag="A", key=DENTIST),
               Need("Mia loves football", "She keeps playing on Saturdays", rag="G",
                    kind="strength", key=uuid.UUID(int=4))))


def minutes() -> Minutes:
    return Minutes(
        kind="review", held_on=HELD,
        attendance=(Invitee("Sarah Thornbury", "Mother", is_parent=True, attendance="present"),
                    Invitee("Dan Thornbury", "Father", is_parent=True, attendance="absent"),
                    Invitee("Ann Lee", "School DSL", attendance="apologies_report"),
                    Invitee("Dr Rao", "GP", attendance="apologies"),
                    Invitee("Poppy Jessop", "Social worker", attendance="present")),
        ground_rules="Phones away. One person speaks at a time.",
        items=(NeedUpdate(MORNINGS, "Mornings are chaotic and Mia is late for school", "A",
                          update="Mia has been on time for 8 weeks, says school.",
                          impact="Mia is calmer and has breakfast before school.",
                          actions=(ActionUpdate(CHART, "done"),), rag_after="G",
                          maintained_for="8 weeks", seconds=420),
               NeedUpdate(DENTIST, "Mia has toothache and no dentist", "A",
                          update="No dentist yet: the practice list is closed.",
                          impact="Mia still has toothache at night.",
                          actions=(ActionUpdate(REGISTER, "not_done"),
                                   ActionUpdate(LOST, "in_progress")))),
        significant_events="Gran moved in with the family in October.",
        new_concerns=(NewConcern("Dan has lost his job and the rent is behind",
                                 "Rent and bills are paid each month", key=NEW),),
        agreed_actions=(AgreedAction("Book a Citizens Advice appointment", "Dan Thornbury",
                                     date(2027, 1, 15)),),
        childs_views="I want to stay at my school.",
        parents_views="Sarah: the chart works. We need help with the rent.",
        decisions=Decisions(True, date(2027, 2, 28), "continue", "Everyone agreed the plan."),
        started_at=datetime(2026, 11, 30, 16, 2), ended_at=datetime(2026, 11, 30, 17, 10))


def mia(**changes) -> MinutesDocument:
    m = minutes()
    agreed = replace(updated_plan(plan_before(), m, on=HELD, by="Poppy Jessop",
                                  meeting_label=LABEL, new_key=lambda: uuid.UUID(int=500)),
                     number=3, status="agreed", agreed_on=HELD, agreed_at=LABEL,
                     id=uuid.UUID(int=3))
    values = dict(child_name="Mia Thornbury", child_reference="CIN000123",
                  dob=date(2016, 4, 13), kind="review", starts_at=datetime(2026, 11, 30, 16, 0),
                  venue="Family home", chair="Poppy Jessop", chair_role="Senior practitioner",
                  minutes=m, plan=agreed, plan_before=plan_before(), sent_to=(),
                  minutes_due=date(2026, 12, 14), produced_on=date(2026, 12, 1))
    return MinutesDocument(**{**values, **changes})


def _section(md: str, start: str, end: str | None = None) -> str:
    body = md[md.index(start):]
    return body[:body.index(end)] if end else body


# ---------------------------------------------------------------- Markdown


def test_markdown_heads_with_the_meeting_child_and_chair():
    md = export.to_markdown(mia())
    assert md.startswith("# CIN review meeting, 30 November 2026\n")
    for line in ("- **Child:** Mia Thornbury", "- **Reference:** CIN000123",
                 "- **Born:** 13 April 2016", "- **When:** 30 November 2026 at 16:00",
                 "- **Where:** Family home", "- **Chair:** Poppy Jessop (Senior practitioner)",
                 "- **Minuted:** 16:02 to 17:10"):
        assert line in md.splitlines(), line


def test_a_meeting_held_on_another_day_than_booked_says_both():
    """Booked for 6 January, held on 2 December: the record says when it was held."""
    m = replace(minutes(), held_on=date(2026, 12, 2), booked_for=datetime(2027, 1, 6, 16, 0))
    md = export.to_markdown(mia(minutes=m, starts_at=datetime(2026, 12, 2, 16, 5)))
    assert ("- **When:** 2 December 2026 at 16:05 (booked for 6 January 2027 at 16:00)"
            in md.splitlines())


def test_markdown_attendance_grouped_and_absent_parents_receive_the_record():
    """WIR 2.3: absent professionals send a report; WIR 2.8: parents who did not attend
    get the record."""
    who = _section(export.to_markdown(mia()), "## Who came", "## Ground rules")
    assert who.splitlines()[2:7] == [
        "- **Present:** Sarah Thornbury (Mother), Poppy Jessop (Social worker)",
        "- **Apologies, sent a report:** Ann Lee (School DSL)",
        "- **Apologies, no report:** Dr Rao (GP)",
        "- **Absent:** Dan Thornbury (Father)",
        ""]
    assert "To receive the record (did not attend): Dan Thornbury (Father)." in who
    everyone = replace(minutes(), attendance=tuple(replace(p, attendance="present")
                                                   for p in minutes().attendance))
    assert "- **Absent:** none" in export.to_markdown(mia(minutes=everyone))
    assert "(did not attend): nobody" in export.to_markdown(mia(minutes=everyone))


def test_markdown_each_amber_beside_its_update_impact_and_actions():
    """WIR 2.6: the update against each Amber is the minutes: the need, the update from
    family and professionals, the impact on the child, the action statuses; from Amber to Green
    with how long the change has held (WIR 2.4)."""
    md = export.to_markdown(mia())
    items = _section(md, "## Each Amber and Red", "## 1. Significant events")
    headings = re.findall(r"^### (.*)$", items, re.M)
    assert headings == ["1. From Amber to Green: Mornings are chaotic and Mia is late for school",
                        "2. Amber, unchanged: Mia has toothache and no dentist"]
    first = _section(items, "### 1.", "### 2.")
    assert "- **Change maintained for:** 8 weeks" in first
    assert "- **Time on this item:** 7 min" in first
    assert first.index("#### What is happening now (the plan)") < first.index(
        "#### Update from family and professionals") < first.index("#### Impact on the child")
    assert "Mia has been on time for 8 weeks, says school." in first
    assert "Mia is calmer and has breakfast before school." in first
    assert ("- Morning routine chart on the fridge — Sarah Thornbury, by 1 October 2026: "
            "was Not started, now Done") in first
    second = _section(items, "### 2.")
    assert ("- Register Mia with a dentist — Sarah Thornbury, by 15 October 2026: "
            "was Not started, now Not done") in second
    assert "- action 00000000: In progress" in second  # not in either plan: its key
    assert "football" not in items  # Greens are not minuted item by item


def test_actions_not_touched_at_the_meeting_are_minuted_as_they_stand(tmp_path):
    """The minutes show each need's actions as they stand, with what changed at the meeting
    (an action agreed under the need says so), in Markdown (the app's view), DOCX and PDF:
    never "No actions under this need" for a need that has actions."""
    untouched = replace(minutes().items[1], actions=())
    agreed = AgreedAction("Ask the school nurse about dentists", "Ann Lee", date(2026, 12, 11),
                          need_key=DENTIST)
    m = replace(minutes(), items=(minutes().items[0], untouched), agreed_actions=(agreed,))
    agreed_plan = replace(updated_plan(plan_before(), m, on=HELD, by="Poppy Jessop",
                                       meeting_label=LABEL,
                                       new_key=lambda: uuid.UUID(int=500)),
                          number=3, status="agreed", agreed_on=HELD, id=uuid.UUID(int=3))
    doc = mia(minutes=m, plan=agreed_plan)
    as_it_stands = ("Register Mia with a dentist — Sarah Thornbury, by 15 October 2026: "
                    "Not started")
    new = ("Ask the school nurse about dentists — Ann Lee, by 11 December 2026: Not started "
           "(new: agreed at this meeting)")
    second = _section(export.to_markdown(doc), "### 2.", "## 1. Significant events")
    assert f"- {as_it_stands}\n- {new}\n" in second
    assert "No actions under this need" not in export.to_markdown(doc)
    items = next(t for t in Document(io.BytesIO(export.docx_bytes(doc))).tables
                 if len(t.columns) == 4)
    assert f"Actions:\n• {as_it_stands}\n• {new}" in items.rows[2].cells[1].text
    text = pdf_text(export.write(doc, tmp_path / "m.pdf", "pdf"))
    assert as_it_stands in text and new in text
    assert "No actions under this need" not in text


def test_markdown_three_boxes_views_decisions_and_distribution():
    """WIR 2.6 boxes (a new concern becomes a new Amber), WIR 2.3 views, BEX 3 decisions."""
    md = export.to_markdown(mia())
    assert "Gran moved in with the family in October." in _section(
        md, "## 1. Significant events", "## 2. New concerns")
    assert ("- Dan has lost his job and the rent is behind: added to the plan as a new Amber (outcome "
            "wanted: Rent and bills are paid each month)") in md
    assert ("- Book a Citizens Advice appointment — Dan Thornbury, by 15 January 2027"
            in _section(md, "## 3. Agreed actions"))
    assert "I want to stay at my school." in _section(md, "## The child’s views")
    assert "We need help with the rent." in _section(md, "## The parents’ views")
    decisions = _section(md, "## Decisions", "## Distribution")
    for line in ("- **Still in need:** yes", "- **Next review:** 28 February 2027",
                 "- **Recommendation:** Continue the CIN plan", "Everyone agreed the plan."):
        assert line in decisions.splitlines(), line
    assert "- Not yet circulated: due 14 December 2026" in md.splitlines()
    late = export.to_markdown(mia(produced_on=date(2026, 12, 15)))
    assert "- Not yet circulated: due 14 December 2026 (OVERDUE)" in late.splitlines()
    sent = export.to_markdown(mia(sent_to=(("Sarah Thornbury", date(2026, 12, 2)),
                                           ("Dan Thornbury", date(2026, 12, 2)))))
    assert "- Sent to Dan Thornbury on 2 December 2026" in sent.splitlines()
    assert "Not yet circulated" not in sent


@pytest.mark.parametrize("recommendation", ["step_down", "close", "strategy_discussion"])
def test_a_next_review_under_a_recommendation_to_end_says_it_is_for_should_the_plan_go_on(
        recommendation, tmp_path):
    """BEX 3: a meeting recommending the plan ends still sets its next review (the manager
    may not agree); the minutes said "Next review: 28 February 2027" under "Close", which
    a family reads as the plan going on."""
    m = minutes()
    m = replace(m, decisions=replace(m.decisions, still_in_need=False,
                                     recommendation=recommendation))
    doc = mia(minutes=m)
    said = "28 February 2027, should the CIN plan continue"
    assert f"- **Next review:** {said}" in export.to_markdown(doc).splitlines()
    assert said in pdf_text(export.write(doc, tmp_path / "m.pdf", "pdf")).replace("\n", " ")
    assert "should the CIN plan continue" not in export.to_markdown(mia())  # continuing


def test_markdown_attaches_the_updated_plan_which_reads_back():
    """The plan agreed at the meeting is the plan export's own Markdown, two heading levels
    down: the new concern is a new Amber with the agreed action (WIR 2.6)."""
    doc = mia()
    plan_md = _section(export.to_markdown(doc), "## Updated plan\n")
    assert "##### Need 4: Amber (A), a worry to change" in plan_md
    assert "##### Need 1: Green (G), a worry to change" in plan_md
    lifted = "\n".join(line[2:] if line.startswith("###") else line
                       for line in plan_md.split("\n")[2:])
    assert plan_export.from_markdown(lifted).version == doc.plan
    bare = export.to_markdown(mia(plan=None))
    assert "No plan version was agreed at this meeting." in bare


def test_a_move_to_red_records_the_cp_discussion():
    """WIR 2.6, BEX 3: a Red means considering a CP conference or strategy discussion."""
    red = replace(minutes().items[1], rag_after="R",
                  cp_discussion="Strategy discussion held 30 Nov: no s47; review in 4 weeks")
    md = export.to_markdown(mia(minutes=replace(minutes(), items=(red,))))
    assert "### 1. From Amber to Red: Mia has toothache and no dentist" in md
    assert ("- **CP conference / strategy discussion:** Strategy discussion held 30 Nov: no "
            "s47; review in 4 weeks") in md


def test_a_first_meeting_without_a_plan_in_every_format(tmp_path):
    """An initial meeting: no Ambers yet; someone's attendance still unrecorded shows."""
    m = replace(minutes(), kind="initial", items=(), new_concerns=(), agreed_actions=(),
                attendance=(*minutes().attendance[:2], Invitee("Ann Lee", "School DSL")))
    doc = mia(minutes=m, kind="initial", plan=None, plan_before=None, starts_at=None)
    md = export.to_markdown(doc)
    assert md.startswith("# Initial CIN planning meeting, 30 November 2026\n")
    assert "- **When:** 30 November 2026" in md.splitlines()
    assert "No Amber or Red needs were in the plan at this meeting.\n" in md
    assert "- **Invited, attendance not recorded:** Ann Lee (School DSL)" in md
    assert "No new concerns." in md and "No actions agreed." in md
    assert "No plan version was agreed at this meeting." in md
    assert "No plan version was agreed" in pdf_text(export.write(doc, tmp_path / "m.pdf",
                                                                "pdf"))
    document = Document(io.BytesIO(export.docx_bytes(doc)))
    assert "No plan version was agreed at this meeting." in [p.text
                                                             for p in document.paragraphs]
    assert export.from_json(export.to_json(doc)) == doc


def test_markdown_escapes_and_never_ends_a_line_in_whitespace():
    odd = replace(minutes(), ground_rules="# not a heading  \n- not a list\n*stars*   ",
                  childs_views="", parents_views="  \n ")
    md = export.to_markdown(mia(minutes=odd))
    assert "\\# not a heading\\\n\\- not a list\\\n\\*stars\\*\n" in md
    assert "*Nothing recorded*" in _section(md, "## The child’s views", "## The parents")
    assert all(line == line.rstrip() for line in md.split("\n"))
    assert "\n\n\n" not in md


# ---------------------------------------------------------------- JSON


def test_json_is_the_documented_format_and_reads_back():
    doc = mia(sent_to=(("Sarah Thornbury", date(2026, 12, 2)),))
    data = json.loads(export.to_json(doc))
    assert data["format"] == "cintui-minutes" and data["format_version"] == 1
    assert data["starts_at"] == "2026-11-30T16:00:00" and data["dob"] == "2016-04-13"
    assert data["minutes"]["items"][0]["rag_after"] == "G"
    assert data["plan"]["number"] == 3 and data["plan_before"]["number"] == 2
    assert data["sent_to"] == [{"recipient": "Sarah Thornbury", "sent_on": "2026-12-02"}]
    assert export.from_json(export.to_json(doc)) == doc
    assert export.from_json(export.to_json(mia(plan=None, plan_before=None,
                                                starts_at=None, dob=None))).plan is None


def test_json_refuses_other_files():
    with pytest.raises(ValueError, match="not a cintui minutes export"):
        export.from_json('{"format": "cintui-plan", "format_version": 1}')
    data = json.loads(export.to_json(mia()))
    data["format_version"] = 2
    with pytest.raises(ValueError, match="format version 2"):
        export.from_json(json.dumps(data))


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
_moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)
                        ).map(lambda at: at.replace(microsecond=0))
_keys = st.uuids()
_invitees = st.builds(Invitee, name=_text, role=_text, person_id=st.none() | _keys,
                      is_parent=st.booleans(), attendance=st.sampled_from(ATTENDANCE),
                      added_on_the_day=st.booleans())
_items = st.builds(NeedUpdate, need_key=_keys, need=_text, rag_before=st.sampled_from("AR"),
                   update=_text, impact=_text,
                   actions=st.lists(st.builds(ActionUpdate, _keys,
                                              st.sampled_from(ACTION_STATUSES)),
                                    max_size=2).map(tuple),
                   rag_after=st.sampled_from(["", "R", "A", "G"]), maintained_for=_text,
                   cp_discussion=_text, seconds=st.integers(0, 10_000))
_minutes = st.builds(
    Minutes, kind=st.sampled_from(MEETING_KINDS), held_on=_dates,
    attendance=st.lists(_invitees, max_size=3).map(tuple), ground_rules=_text,
    items=st.lists(_items, max_size=2).map(tuple), significant_events=_text,
    new_concerns=st.lists(st.builds(NewConcern, _text, _text, st.none() | _keys),
                          max_size=2).map(tuple),
    agreed_actions=st.lists(st.builds(AgreedAction, _text, _text, st.none() | _dates,
                                      st.none() | _keys, _text), max_size=2).map(tuple),
    childs_views=_text, parents_views=_text,
    decisions=st.builds(Decisions, st.none() | st.booleans(), st.none() | _dates,
                        st.sampled_from(("", *RECOMMENDATIONS)), _text),
    started_at=st.none() | _moments, ended_at=st.none() | _moments,
    step=st.integers(0, 20), booked_for=st.none() | _moments)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(m=_minutes, name=_text, venue=_text, at=st.none() | _moments,
       sent=st.lists(st.tuples(_text, _dates), max_size=2).map(tuple))
def test_json_round_trips_any_minutes(m, name, venue, at, sent):
    doc = mia(minutes=m, kind=m.kind, child_name=name, venue=venue, starts_at=at, sent_to=sent)
    assert export.from_json(export.to_json(doc)) == doc
    md = export.to_markdown(doc)
    assert all(line == line.rstrip() for line in md.split("\n"))


# ---------------------------------------------------------------- DOCX and PDF


def test_docx_has_the_items_beside_the_plan_and_the_updated_plan():
    """WIR 2.6: one row per Amber: the need, the update (with action statuses), the impact
    on the child, the rating before and after."""
    document = Document(io.BytesIO(export.docx_bytes(mia())))
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == "CIN review meeting, 30 November 2026"
    assert "To receive the record (did not attend): Dan Thornbury (Father)." in text
    assert ("Dan has lost his job and the rent is behind: added to the plan as a new Amber (outcome "
            "wanted: Rent and bills are paid each month)") in text
    tables = document.tables
    details = {r.cells[0].text: r.cells[1].text for r in tables[0].rows}
    assert details["Chair"] == "Poppy Jessop (Senior practitioner)"
    attendance = {r.cells[0].text: r.cells[1].text for r in tables[1].rows}
    assert attendance["Absent"] == "Dan Thornbury (Father)"
    items = next(t for t in tables if len(t.columns) == 4)
    first = [c.text for c in items.rows[1].cells]
    assert first[0] == "Mornings are chaotic and Mia is late for school"
    assert ("• Morning routine chart on the fridge — Sarah Thornbury, by 1 October 2026: "
            "was Not started, now Done") in first[1]
    assert first[2] == "Mia is calmer and has breakfast before school."
    assert first[3].startswith("From Amber to Green\nChange maintained for: 8 weeks")
    assert [c.text for c in items.rows[2].cells][3] == "Amber, unchanged"
    plan = tables[-1]
    assert plan.rows[0].cells[0].text == plan_export.COLUMNS[0]
    assert plan.rows[4].cells[0].text.startswith("Dan has lost his job")
    assert "Book a Citizens Advice appointment — Dan Thornbury" in plan.rows[4].cells[2].text
    assert document.core_properties.title == "Minutes of a CIN meeting"


def pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(str(path)).pages).split())


def test_pdf_reads_back_in_helvetica_with_the_rating_change_in_words(tmp_path):
    path = export.write(mia(), tmp_path / "minutes.pdf", "pdf")
    text = pdf_text(path)
    for words in ("CIN review meeting, 30 November 2026", "Absent: Dan Thornbury (Father)",
                  "To receive the record (did not attend): Dan Thornbury (Father).",
                  "1. From Amber to Green: Mornings are chaotic", "Mia is calmer and has breakfast",
                  "Register Mia with a dentist — Sarah Thornbury, by 15 October 2026: "
                  "was Not started, now Not done",
                  "Dan has lost his job and the rent is behind: added to the plan as a new Amber",
                  "Recommendation: Continue the CIN plan", "Updated plan",
                  "Book a Citizens Advice appointment — Dan Thornbury, by 15 January 2027",
                  "CIN000123 · minutes 30 November 2026 · page 1 of"):
        assert words in text, words
    assert b"DejaVu" not in path.read_bytes()

    box = PdfReader(str(path)).pages[0].mediabox  # A4 as the plan is (it was 105 x 190 mm)
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_pdf_uses_dejavu_for_names_beyond_latin_1(tmp_path):
    doc = mia(child_name="Łucja Wiśniewska (Люся)")
    path = export.write(doc, tmp_path / "minutes.pdf", "pdf")
    text = pdf_text(path)
    assert "Łucja Wiśniewska (Люся)" in text and "1. From Amber to Green: Mornings" in text
    assert b"DejaVu" in path.read_bytes()


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_every_format_is_written_owner_only(tmp_path, fmt):
    path = tmp_path / f"minutes.{fmt}"
    path.write_bytes(b"old")
    path.chmod(0o644)
    export.write(mia(), path, fmt)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    if fmt in ("md", "json"):
        assert path.read_bytes() == export.render(mia(), fmt)


def test_render_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="unknown format 'html'"):
        export.render(mia(), "html")
