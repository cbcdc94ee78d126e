"""The shell on a plan that ended at a final meeting (DOMAIN.md §5; WIR 3, TRA, BEX 3) and
on a plan started but not written (`domain.plan.PLAN_NOT_WRITTEN`), as the app says them."""

from __future__ import annotations

import json

import pytest

from cintui.export import plan as export
from tests.cli.test_steps_cli import leo_store, ok, run, to_completed
from tests.conftest import TODAY

WITH_PLAN = "DEMO00002"  # an agreed plan with Ambers and actions, People to invite
HELD = ("--today", "2026-11-30")


def hold_final(cli, db, recommendation: str = "step-down"):
    """A final meeting booked and minuted through the CLI (`meeting hold`)."""
    for m in json.loads(cli("meeting", "list", WITH_PLAN, "--db", db, "--json",
                            "--today", TODAY.isoformat()).out):
        if m["status"] == "scheduled":  # the demo's own bookings
            assert cli("meeting", "cancel", m["id"], "--reason", "Not needed", "--told",
                       "everyone", "--db", db, "--today", TODAY.isoformat()).code == 0
    booked = cli("meeting", "schedule", WITH_PLAN, "--kind", "final", "--at",
                 "2026-11-30 16:00", "--venue", "Family home", "--chair", "Poppy Jessop",
                 "--chair-role", "Senior practitioner", "--db", db, "--today",
                 TODAY.isoformat())
    assert booked.code == 0, booked.err
    extra = ("--next-review", "2027-02-26") if recommendation == "continue" else ()
    held = cli("meeting", "hold", WITH_PLAN, "--still-in-need", "no", "--recommendation",
               recommendation, "--present", "Layla Jessop", *extra, "--db", db, *HELD)
    assert held.code == 0, held.err
    return held


def test_meeting_hold_says_the_plan_ended_at_the_final_meeting_and_what_is_next_wir_3(
        cli, demo_store):
    """WIR 3, TRA: a final meeting (before step-down or closure) ends the plan. `meeting hold`
    said only "Held: final meeting on 30 Nov 2026"; it says the plan ended there, with no
    further review, and the next step with its command for the child."""
    held = hold_final(cli, demo_store)
    assert held.out.strip() == (
        "Held: final meeting on 30 Nov 2026; the plan ended at this final meeting: no "
        f"further review; next, record the step-down for the manager to decide: cintui "
        f"stepdown record {WITH_PLAN} --service NAME (S on the record)")


def test_an_ended_plan_is_not_re_opened_by_an_edit_only_by_a_meeting_wir_3(cli, demo_store):
    """WIR 3, TRA: the plan a final meeting agrees is the last, with no further review. `plan
    exit` on it began a next version asking for a review date (`plan check`: "No review
    date"). Now it is one line, exit 2, nothing written, with the next step; a review held
    after the final meeting (the family's circumstances changed) carries the plan on."""
    hold_final(cli, demo_store, "close")
    before = json.loads(cli("plan", "show", WITH_PLAN, "--db", demo_store, "--json",
                            *HELD).out)["version"]["number"]
    refused = cli("plan", "exit", WITH_PLAN, "--good-enough", "Sam is settled at school.",
                  "--db", demo_store, *HELD)
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == (
        f"cintui: {WITH_PLAN}: an ended plan is not re-opened (WIR 3, TRA): the plan "
        "ended at the final meeting on 30 Nov 2026: no further review; next, recommend the "
        f"closure for the manager to decide: cintui close recommend {WITH_PLAN} (C on the "
        "record)\n")
    agree = cli("plan", "agree", WITH_PLAN, "--by", "Tom", "--db", demo_store, *HELD)
    # No draft was begun; `plan agree` said "a change to it (cintui plan exit …) starts the
    # next version": it says the plan ended and what is next.
    assert agree.code == 2 and agree.err.startswith(
        f"cintui: {WITH_PLAN}: an ended plan is not re-opened (WIR 3, TRA)")
    assert f"cintui close recommend {WITH_PLAN}" in agree.err
    shown = json.loads(cli("plan", "show", WITH_PLAN, "--db", demo_store, "--json",
                           *HELD).out)["version"]
    assert (shown["number"], shown["status"]) == (before, "agreed")
    booked = cli("meeting", "schedule", WITH_PLAN, "--kind", "review", "--at",
                 "2026-12-07 16:00", "--venue", "Family home", "--chair", "Poppy Jessop",
                 "--chair-role", "Senior practitioner", "--db", demo_store, "--today",
                 "2026-12-01")
    assert booked.code == 0, booked.err
    held = cli("meeting", "hold", WITH_PLAN, "--still-in-need", "yes", "--recommendation",
               "continue", "--present", "Layla Jessop", "--next-review", "2027-03-05",
               "--db", demo_store, "--today", "2026-12-07")
    assert held.code == 0, held.err
    assert "the plan ended" not in held.out
    shown = cli("plan", "show", WITH_PLAN, "--db", demo_store, "--today", "2026-12-07")
    assert "next review 5 Mar 2027" in shown.out and "no further review" not in shown.out


def test_a_plan_agreed_at_a_final_meeting_has_no_further_review_wir_3(cli, demo_store,
                                                                      tmp_path):
    """WIR 3, TRA: the plan a final meeting agrees is the last. `plan show` said "next review"
    with the earlier version's date (already past) and `plan check` failed it for no review
    date (its exports DRAFT); now: no further review, it passes that check, and the family's
    copy says the plan ended at the final meeting."""
    hold_final(cli, demo_store)
    shown = cli("plan", "show", WITH_PLAN, "--db", demo_store, *HELD)
    assert shown.code == 0, shown.err
    assert ("no further review: the plan ended at the final meeting on 30 Nov 2026"
            in " ".join(shown.out.split()))
    checked = cli("plan", "check", WITH_PLAN, "--db", demo_store, "--json", *HELD)
    assert not any("review date" in p for p in json.loads(checked.out)["problems"])
    doc = export.from_json(cli("plan", "show", WITH_PLAN, "--db", demo_store, "--json",
                               *HELD).out)
    assert (doc.version.next_review, doc.version.ended_on.isoformat()) == (None, "2026-11-30")
    md = tmp_path / "plan.md"
    assert cli("export", "plan", WITH_PLAN, "-o", md, "--db", demo_store, *HELD).code == 0
    text = md.read_text()
    assert "- **Next review:** none" in text
    assert "- **Plan ended at the final meeting:** 30 November 2026" in text
    assert export.from_markdown(text).version == doc.version  # it reads back


def test_a_final_meeting_that_decides_to_continue_keeps_the_review_wir_2_3(cli, demo_store):
    """A final meeting that decided the plan goes on sets the next review (WIR 2.3)."""
    hold_final(cli, demo_store, "continue")
    shown = cli("plan", "show", WITH_PLAN, "--db", demo_store, *HELD)
    assert "next review 26 Feb 2027" in shown.out and "no further review" not in shown.out


@pytest.fixture
def leo_db(scripted_db, monkeypatch):
    return leo_store(scripted_db, monkeypatch)


def test_plan_show_and_check_of_a_plan_started_not_written(cli, leo_db, tmp_path):
    """TRA: the manager's authorisation starts the plan; until a version is written the app
    says "Plan not written yet" ("the CIN plan started … is not written yet"). The shell said
    "has no plan yet" (exit 2, as if no plan had been started); now it says the app's words
    and what to do next, `plan check` fails it (exit 1), and --json carries the state."""
    unstarted = run(cli, leo_db, "plan", "show", "CIN000001")
    assert unstarted.code == 2 and "cintui plan start CIN000001" in unstarted.err
    to_completed(cli, leo_db, tmp_path)
    ok(cli, leo_db, "assessment", "authorise", "CIN000001", "--by", "tom", "--on", "2026-10-13")
    ok(cli, leo_db, "plan", "start", "CIN000001", "--on", "2026-10-14", "--authorised-by", "tom")
    said = ("CIN000001: the CIN plan started 14 Oct 2026 is not written yet: no needs, "
            "outcomes or actions (write it in the app's plan editor: p on the record, then n; "
            "or start its draft with cintui plan exit CIN000001 --good-enough TEXT)")
    shown = run(cli, leo_db, "plan", "show", "CIN000001")
    assert (shown.code, shown.out.strip()) == (0, said)
    data = ok(cli, leo_db, "plan", "show", "CIN000001")
    assert (data["state"], data["headline"], data["plan_started"]) == (
        "not_written", "Plan not written yet", "2026-10-14")
    checked = run(cli, leo_db, "plan", "check", "CIN000001", "--json")
    data = json.loads(checked.out)
    assert (checked.code, data["passes"], data["state"], data["problems"]) == (
        1, False, "not_written", [said])
    assert run(cli, leo_db, "plan", "check", "CIN000001").out.strip() == said
    ok(cli, leo_db, "plan", "exit", "CIN000001", "--good-enough", "Leo is at school daily")
    assert "plan version 1 (draft)" in run(cli, leo_db, "plan", "show", "CIN000001").out
