"""`cintui meeting schedule|cancel|papers|agreement|non-engagement` and `cintui child consent
--without-consent` (issue 23 item 3), on the demo store: each safeguard refuses in one line
naming its rule (exit 2, nothing written) and records what it should."""

from __future__ import annotations

import json

import pytest

from cintui.casework import cases, record
from cintui.store.engine import open_store
from tests.cli.test_cli import one_line_error
from tests.conftest import TODAY

DAY = ("--today", TODAY.isoformat())
CHILD = "DEMO00002"  # mother with PR consented to meetings; a school-age child
BOOK = ("--kind", "review", "--at", "2026-11-30 16:00", "--venue", "Family home",
        "--chair", "Poppy Jessop", "--chair-role", "Senior practitioner")


@pytest.fixture
def mother(demo_store) -> str:
    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            cid = cases.find_child(session, CHILD).id
            return next(p.name for p in record.list_people(session, cid)
                        if p.parental_responsibility)
    finally:
        store.close()


def ok(cli, db, *args: str) -> dict:
    result = cli(*args, "--db", db, "--json", *DAY)
    assert result.code == 0, result.err
    return json.loads(result.out)


def listed(cli, db) -> list[dict]:
    return ok(cli, db, "meeting", "list", CHILD)


def test_wir_2_1_2_3_no_booking_without_consent_unless_the_record_says_why(cli, demo_store,
                                                                          mother):
    ok(cli, demo_store, "child", "consent", CHILD, "--scope", "meeting", "--decision",
       "withdrawn", "--person", mother)
    before = listed(cli, demo_store)
    one_line_error(cli("meeting", "schedule", CHILD, *BOOK, "--db", demo_store, *DAY),
                   "cintui: WIR 2.1, 2.3: consent to the meeting", "withdrawn")
    assert listed(cli, demo_store) == before
    ok(cli, demo_store, "child", "consent", CHILD, "--scope", "meeting", "--decision",
       "given", "--person", mother, "--without-consent",
       "Very exceptional: school and health must meet before the holiday")
    assert ok(cli, demo_store, "meeting", "schedule", CHILD, *BOOK)["id"]


def test_bex_3_an_initial_meeting_chaired_by_a_social_worker_is_refused(cli, demo_store):
    before = listed(cli, demo_store)
    book = ["--kind", "initial", *BOOK[2:]]
    book[book.index("--chair-role") + 1] = "Social worker"
    book[book.index("--chair") + 1] = "Ann Chair"
    one_line_error(cli("meeting", "schedule", CHILD, *book, "--db", demo_store, *DAY),
                   "--chair: BEX 3: the initial CIN planning meeting is chaired by a team "
                   "manager or a service manager, not a social worker")
    assert listed(cli, demo_store) == before


def test_bex_3_the_child_not_invited_needs_a_reason(cli, demo_store):
    result = cli("meeting", "schedule", CHILD, *BOOK, "--no-child", "--db", demo_store, *DAY)
    one_line_error(result, "--not-invited-reason: BEX 3, WIR 2.3: not invited: ",
                   "(the child)", "invite them or record why not")
    booked = ok(cli, demo_store, "meeting", "schedule", CHILD, *BOOK, "--no-child",
                "--not-invited-reason", "Exams that week; her views are in her letter")
    assert booked["child_invited"] is False


def test_bex_3_a_reason_the_child_is_not_invited_with_the_child_invited_books_nothing(
        cli, demo_store):
    """BEX 3: `--not-invited-reason "… chose not to come"` without --no-child booked the
    meeting with the child invited (the default from 5), its record listing the child as
    invited beside the reason they were not. Refused in one line; --no-child books it."""
    before = listed(cli, demo_store)
    result = cli("meeting", "schedule", CHILD, *BOOK, "--not-invited-reason",
                 "She chose not to come; her views are in her letter", "--db", demo_store,
                 *DAY)
    one_line_error(result, "--not-invited-reason: BEX 3: a reason someone is not invited, but "
                   "everyone is", "too: say who is not invited, or leave the reason out")
    assert listed(cli, demo_store) == before
    booked = ok(cli, demo_store, "meeting", "schedule", CHILD, *BOOK, "--no-child",
                "--not-invited-reason", "She chose not to come; her views are in her letter")
    assert booked["child_invited"] is False


def test_wir_2_3_papers_and_wir_2_9_cancellation_who_was_told(cli, demo_store):
    booked = ok(cli, demo_store, "meeting", "schedule", CHILD, *BOOK)["id"]
    mine = next(r for r in listed(cli, demo_store) if r["id"] == booked)
    assert mine["papers_flag"] == "papers not circulated yet (WIR 2.3)"
    text = cli("meeting", "list", CHILD, "--db", demo_store, *DAY)
    assert "papers not circulated yet (WIR 2.3)" in text.out
    one_line_error(cli("meeting", "papers", booked, "--on", "2026-12-01", "--db", demo_store,
                       *DAY), "cintui: --on:", "still to come")
    assert ok(cli, demo_store, "meeting", "papers", booked)["papers_sent_on"] == \
        TODAY.isoformat()
    mine = next(r for r in listed(cli, demo_store) if r["id"] == booked)
    assert (mine["papers_sent_on"], mine["papers_flag"]) == (TODAY.isoformat(), None)

    one_line_error(cli("meeting", "cancel", booked, "--reason", "Chair unwell", "--db",
                       demo_store, *DAY), "--told: WIR 2.9: record who was told")
    done = ok(cli, demo_store, "meeting", "cancel", booked, "--reason", "Chair unwell",
              "--told", "everyone", "--rebook-at", "2026-12-07 16:00")
    assert done["rebooked"] and done["told"] and done["warnings"] == []
    # Rebooked on a Saturday: said on stderr and in the JSON, still rebooked.
    again = cli("meeting", "cancel", done["rebooked"], "--reason", "Room double-booked",
                "--told", "everyone", "--rebook-at", "2026-12-12 10:00", "--json",
                "--db", demo_store, *DAY)
    assert again.code == 0, again.err
    assert "Warning: Sat 12 Dec 2026 is a Saturday, not a working day" in again.err
    assert json.loads(again.out)["warnings"][0].startswith("Sat 12 Dec 2026 is a Saturday")
    mine = next(r for r in listed(cli, demo_store) if r["id"] == booked)
    assert mine["status"] == "cancelled" and mine["cancel_told"] == done["told"]


def test_tra_the_agreement_visit_is_owed_then_recorded(cli, demo_store, mother):
    booked = ok(cli, demo_store, "meeting", "schedule", CHILD, *BOOK)["id"]
    held = cli("meeting", "hold", booked, "--present", "Poppy Jessop", "--still-in-need",
               "yes", "--recommendation", "continue", "--next-review", "2027-02-26",
               "--db", demo_store, "--today", "2026-11-30")
    assert held.code == 0, held.err
    due = ok(cli, demo_store, "due", "--within", "20")
    owed = [i for i in due["items"] if i["key"] == "agreement_visit"
            and i["child"]["reference"] == CHILD]
    assert owed and owed[0]["source"] == "TRA" and owed[0]["due"] == "2026-12-07"
    text = cli("meeting", "list", CHILD, "--db", demo_store, "--today", "2026-11-30")
    assert f"Agreement visit owed (TRA): {mother}, by 7 Dec 2026" in text.out
    one_line_error(cli("meeting", "agreement", booked, "--parent", mother, "--on",
                       "2026-11-29", "--outcome", "agreed", "--db", demo_store, "--today",
                       "2026-12-02"), "--on: TRA: the visit is after the review")
    result = cli("meeting", "agreement", booked, "--parent", mother, "--on", "2026-12-02",
                 "--outcome", "not-agreed", "--notes", "Disagrees with the school action",
                 "--db", demo_store, "--json", "--today", "2026-12-02")
    assert result.code == 0, result.err
    done = json.loads(result.out)
    assert (done["outcome"], done["source"]) == ("not_agreed", "TRA")


def test_wir_2_10_non_engagement_steps_one_at_a_time(cli, demo_store):
    empty = cli("meeting", "non-engagement", CHILD, "--db", demo_store, *DAY)
    assert "no non-engagement path started (WIR 2.10)" in empty.out
    first = ok(cli, demo_store, "meeting", "non-engagement", CHILD, "--why",
               "Mum's own time in care: wary of social workers")
    assert len(first["missing"]) == 5 and first["completed_on"] is None
    more = ok(cli, demo_store, "meeting", "non-engagement", CHILD, "--history",
              "EHAT 2025; co-operated with the TAF lead", "--culture", "None needed: "
              "discussed with mum", "--requirements", "Told: school every day; else a "
              "CP conference is considered", "--communication", "Verbal; summary at the end "
              "of each visit", "--records", "Told she can see her records")
    assert more["steps"]["why"].startswith("Mum's own time") and more["missing"] == []
    assert more["completed_on"] == TODAY.isoformat()
