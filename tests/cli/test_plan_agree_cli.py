"""`cintui plan agree CHILD`: the draft becomes the plan in force from the shell, as g in
the plan editor does it (`plans.agree_version`): at a meeting or by a named person, on a day;
the meeting just minuted is where it was agreed unless said otherwise; a draft failing the
plan checks is agreed and said to be (its exports DRAFT-marked). The messages asking for a
draft to be agreed (`plan exit`, `fgc held`) name this command with the child. From `cintui
db init`, then only what a user can do; on both stores."""

from __future__ import annotations

import pytest

from tests.cli.test_steps_cli import leo_store, ok, refused, run, to_completed


@pytest.fixture
def db(scripted_db, monkeypatch, cli, tmp_path):
    """Leo's assessment authorised (TRA) and his plan started: a first draft, v1."""
    db = leo_store(scripted_db, monkeypatch)
    to_completed(cli, db, tmp_path)
    ok(cli, db, "assessment", "authorise", "CIN000001", "--by", "tom", "--on", "2026-10-13")
    return db


def _started(cli, db) -> None:
    """The plan started (TRA) and its draft begun from the shell (the plan's exit)."""
    ok(cli, db, "plan", "start", "CIN000001", "--authorised-by", "tom", "--on", "2026-10-14")
    _draft(cli, db)


def _draft(cli, db, day="2026-11-23") -> None:
    ok(cli, db, "plan", "exit", "CIN000001", "--good-enough", "Leo safe at home and in "
       "school every day for a term", day=day)


def test_the_draft_is_agreed_at_the_meeting_just_minuted_wir_2_3(cli, db):
    """The initial meeting held and minuted (WIR 2.3): `plan agree` with no --at or --by
    takes it, and its day, as the app's Agree form fills them in; the plan is in force."""
    ok(cli, db, "plan", "start", "CIN000001", "--authorised-by", "tom", "--on", "2026-10-14")
    ok(cli, db, "person", "add", "CIN000001", "--name", "Layla Ward", "--relationship",
       "Mother", "--pr")
    ok(cli, db, "child", "consent", "CIN000001", "--person", "Layla", "--decision", "given",
       "--scope", "meeting", "--on", "2026-10-14")
    booked = ok(cli, db, "meeting", "schedule", "CIN000001", "--kind", "initial", "--at",
                "2026-10-28 16:00", "--venue", "Family home", "--chair", "Tom Hale",
                day="2026-10-21")
    ok(cli, db, "meeting", "hold", booked["id"], "--present", "Layla Ward",
       "--still-in-need", "yes", "--recommendation", "continue", "--next-review",
       "2027-01-20", day="2026-10-28")
    _draft(cli, db, day="2026-10-29")  # the first plan, written after the meeting

    done = run(cli, db, "plan", "agree", "CIN000001", day="2026-10-29")
    assert done.code == 0, done.err
    assert done.out.strip() == ("CIN000001 plan v1 agreed on 28 Oct 2026 at Initial CIN "
                                "planning meeting 28 Oct 2026: the plan in force.")
    # The first plan has no needs yet: agreed, and said to fail the checks (as the form).
    assert "the plan checks found" in done.err and "cintui plan check CIN000001" in done.err
    shown = ok(cli, db, "plan", "show", "CIN000001")
    assert (shown["version"]["number"], shown["version"]["status"]) == (1, "agreed")


def test_agreed_by_a_named_person_on_a_day_and_the_next_version_supersedes(cli, db):
    _started(cli, db)
    first = ok(cli, db, "plan", "agree", "CIN000001", "--by", "Tom Hale, TM", "--on",
               "2026-10-20")
    assert (first["version"], first["agreed_on"], first["agreed_by"], first["meeting"]) == (
        1, "2026-10-20", "Tom Hale, TM", None)
    # The plan's exit starts v2, a draft; its message names the command that agrees it.
    said = run(cli, db, "plan", "exit", "CIN000001", "--good-enough", "Leo in school every "
               "day for a term")
    assert said.code == 0
    assert said.out.strip().endswith("agree the draft: cintui plan agree CIN000001 --at "
                                     "MEETING|--by NAME")
    second = run(cli, db, "plan", "agree", "CIN000001", "--at", "Review CIN meeting 23 Nov "
                 "2026")
    assert second.out.strip() == ("CIN000001 plan v2 agreed on 23 Nov 2026 at Review CIN "
                                  "meeting 23 Nov 2026: the plan in force; v1 is superseded.")
    shown = ok(cli, db, "plan", "show", "CIN000001", "--version", "1")
    assert shown["version"]["status"] == "superseded"


def test_refusals_are_the_apps_in_one_line_and_nothing_changes(cli, db):
    refused(cli, db, "plan", "agree", "CIN000001", "--by", "Tom Hale",
            says=("CIN000001 has no plan yet", "cintui plan start CIN000001"))
    ok(cli, db, "plan", "start", "CIN000001", "--authorised-by", "tom", "--on", "2026-10-14")
    refused(cli, db, "plan", "agree", "CIN000001", "--by", "Tom Hale",
            says=("the CIN plan started 14 Oct 2026 is not written yet",
                  "cintui plan exit CIN000001"))
    _draft(cli, db)
    # No meeting minuted to take it from: where, or by whom (the form's own refusal).
    refused(cli, db, "plan", "agree", "CIN000001",
            says=("say at which meeting (--at", "or by whom (--by NAME)"))
    refused(cli, db, "plan", "agree", "CIN000001", "--by", "Tom Hale", "--on", "2026-11-24",
            says=("--on: 24 Nov 2026 is in the future",))
    refused(cli, db, "plan", "agree", "CIN000001", "--by", "Tom Hale", "--on", "24/11/2026",
            says=("--on: '24/11/2026' is not a date",))
    refused(cli, db, "plan", "agree", "CIN000001", "--by", "  ", says=("say at which",))
    ok(cli, db, "plan", "agree", "CIN000001", "--by", "Tom Hale")
    # Only a draft is agreed: the agreed plan is the written agreement, not changed.
    refused(cli, db, "plan", "agree", "CIN000001", "--by", "Tom Hale",
            says=("CIN000001: no draft to agree: plan v1 was agreed on 23 Nov 2026",))


def test_a_family_group_conference_joined_to_the_draft_names_the_command(cli, db):
    """STO 6.13, BEX 2: the family's plan joined to the CIN plan's draft, which is agreed
    with `cintui plan agree` (it said "agree it in the plan editor", the app's)."""
    _started(cli, db)
    ok(cli, db, "fgc", "refer", "CIN000001", "--on", "2026-11-02", "--coordinator", "Sam Reed")
    held = run(cli, db, "fgc", "held", "CIN000001", "--on", "2026-11-20", "--family-plan",
               "Gran has Leo two nights a week", "--action",
               "School run on Mondays | Uncle Joe | 2026-11-30")
    assert held.code == 0, held.err
    assert "(a draft: agree it with cintui plan agree CIN000001 --at MEETING|--by NAME)" \
        in held.out
