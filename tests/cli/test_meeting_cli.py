"""`cintui meeting list`, `cintui meeting schedule` and `cintui export minutes` on the demo
store (DOMAIN.md §5): booking with the child's People and the practicalities (WIR 2.8),
a school-hours warning for a school-age child (WIR 2.8), the list newest first with the
minutes' due date and cancellations with their reason (WIR 2.9), and the minutes of a held
meeting in every format (WIR 2.6, BEX 3). One-line errors, exit 2, nothing written."""

from __future__ import annotations

import io
import json
import stat
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta

import psycopg
import pytest
from docx import Document
from pypdf import PdfReader

from cintui.casework import cases, meetings
from cintui.domain.meeting import AgreedAction, Decisions, NewConcern
from cintui.export import minutes as minutes_export
from cintui.store.engine import open_store
from cintui.store.models import Worker
from tests.cli.test_cli import one_line_error
from tests.conftest import TODAY, run_subprocess
from tests.store.teams import team  # noqa: F401 - the fixture

DAY = ("--today", TODAY.isoformat())
WITH_PLAN = "DEMO00002"  # an agreed plan with Ambers and actions, People to invite
ACTOR = "test.worker"
BOOK = ("--kind", "review", "--at", "2026-11-30 16:00", "--venue", "Family home",
        "--chair", "Poppy Jessop", "--chair-role", "Senior practitioner")


@pytest.fixture
def store(demo_store):
    s = open_store(demo_store, None)
    yield s
    s.close()


def child_id(store):
    with store.read() as session:
        return cases.find_child(session, WITH_PLAN).id


def book(cli, db, *extra: str) -> str:
    result = cli("meeting", "schedule", WITH_PLAN, *BOOK, *extra, "--db", db, "--json", *DAY)
    assert result.code == 0, result.err
    return json.loads(result.out)["id"]


def listed(cli, db, today: str = TODAY.isoformat()) -> list[dict]:
    result = cli("meeting", "list", WITH_PLAN, "--db", db, "--json", "--today", today)
    assert result.code == 0, result.err
    return json.loads(result.out)


def hold(store, meeting_id: str) -> None:
    """Minute the meeting as the screen would (tests/casework/test_meetings.py): the first parent
    present and the rest absent, the first Amber updated, a new concern and an agreed
    action, decisions; finished into the next plan version."""
    start = datetime(2026, 11, 30, 16, 0)
    with store.session(ACTOR) as session:
        draft = meetings.start_minutes(session, uuid.UUID(meeting_id), ACTOR, start)
        m = draft.minutes
        attendance = tuple(replace(p, attendance="present" if i == 0 else "absent")
                           for i, p in enumerate(m.attendance))
        items = (replace(m.items[0], update="Mornings are calmer, school says.",
                         impact="Maisie arrives on time and has eaten."), *m.items[1:])
        m = replace(m, attendance=attendance, items=items,
                    new_concerns=(NewConcern("Dad has lost his job", "Rent is paid"),),
                    agreed_actions=(AgreedAction("Citizens Advice appointment", "Dad",
                                                 date(2027, 1, 15)),),
                    childs_views="I like my new teacher.",
                    decisions=Decisions(True, date(2027, 2, 28), "continue"))
        meetings.finish(session, uuid.UUID(meeting_id), m, actor=ACTOR,
                        now=datetime(2026, 11, 30, 17, 5), draft_id=draft.id)


# ---------------------------------------------------------------- meeting schedule


def test_schedule_invites_all_the_childs_people_with_the_practicalities(cli, demo_store,
                                                                        store):
    """WIR 2.3 attendees from the child's People; WIR 2.8 interpreter and transport."""
    meeting_id = book(cli, demo_store, "--interpreter", "Arabic, booked",
                      "--transport", "Taxi for Mum")
    with store.read() as session:
        detail = meetings.load_meeting(session, uuid.UUID(meeting_id))
        choices = meetings.invitee_choices(session, child_id(store))
    assert detail.status == "scheduled" and detail.schedule.kind == "review"
    assert detail.schedule.starts_at == datetime(2026, 11, 30, 16, 0)
    assert (detail.schedule.chair, detail.schedule.chair_role) == (
        "Poppy Jessop", "Senior practitioner")
    assert detail.schedule.practical == (("transport", "Taxi for Mum"),
                                         ("interpreter", "Arabic, booked"))
    # BEX 3: the child (of school age) is invited too, after their People.
    assert [i.name for i in detail.schedule.invitees] == [c.name for c in choices] + [
        detail.schedule.invitees[-1].name]
    assert detail.schedule.child_invited and detail.schedule.invitees[-1].role == "Child"
    text = cli("meeting", "schedule", WITH_PLAN, *BOOK, "--db", demo_store, *DAY)
    assert text.code == 0 and "school hours" not in text.err  # 16:00: after school
    assert "19 days after the CIN review meeting held on 11 Nov 2026" in text.err  # BEX 3
    assert text.out.startswith("Booked: CIN review meeting for ")
    assert "30 Nov 2026 16:00 at Family home, chaired by Poppy Jessop" in text.out


def test_schedule_invite_picks_people_and_school_hours_only_warn(cli, demo_store, store):
    """WIR 2.8: a school-age child's meeting is outside school hours if possible: warned,
    still booked."""
    with store.read() as session:
        choices = meetings.invitee_choices(session, child_id(store))
    first = choices[0].name
    result = cli("meeting", "schedule", WITH_PLAN, "--kind", "initial", "--at",
                 "2026-12-01 10:00", "--venue", "Room 2", "--chair", "Ann Manager",
                 "--chair-role", "Team manager", "--invite", first.upper(),
                 "--not-invited-reason", "Dad asked that only Mum comes to the first one",
                 "--db", demo_store, "--json", *DAY)
    assert result.code == 0, result.err
    assert result.err.startswith("Warning: 10:00 on a school day") and "WIR 2.8" in result.err
    data = json.loads(result.out)
    assert data["invited"] == [first] and "school day" in data["warning"]
    before = listed(cli, demo_store)
    unknown = cli("meeting", "schedule", WITH_PLAN, *BOOK, "--invite", "Nobody Atall",
                  "--db", demo_store, *DAY)
    one_line_error(unknown, "--invite 'Nobody Atall'", first)
    assert listed(cli, demo_store) == before


def test_a_meeting_on_a_bank_holiday_is_booked_with_a_warning(cli, demo_store):
    """Boxing Day (moved to Monday 28 December 2026): few of those invited are at work;
    the booking says so by the day's name, on stderr and in the JSON, and is still made."""
    at = ("--at", "2026-12-28 16:00")
    result = cli("meeting", "schedule", WITH_PLAN, *BOOK, *at, "--db", demo_store, "--json",
                 *DAY)
    assert result.code == 0, result.err
    assert "Warning: Mon 28 Dec 2026 is a bank holiday (Boxing Day" in result.err
    data = json.loads(result.out)
    assert any(w.startswith("Mon 28 Dec 2026 is a bank holiday") for w in data["warnings"])
    assert data["id"] in [m["id"] for m in listed(cli, demo_store)]


def test_a_review_the_day_after_the_last_is_booked_with_a_warning_bex_3(cli, demo_store,
                                                                      store):
    """Booking a review the day after one was held is allowed (an early review after a
    significant change, BEX 3) but said, on stderr and in the JSON."""
    with store.read() as session:
        kind, held_on, _ = meetings.last_held(session, child_id(store))
    day_after = held_on + timedelta(days=1)
    result = cli("meeting", "schedule", WITH_PLAN, "--kind", "review", "--at",
                 f"{day_after:%Y-%m-%d} 17:00",
                 "--venue", "Family home", "--chair", "Poppy Jessop", "--db", demo_store,
                 "--json", "--today", held_on.isoformat())
    assert result.code == 0, result.err
    assert "Warning: this review is the day after the" in result.err
    assert f"held on {held_on:%d %b %Y}" in result.err
    assert "the day after" in json.loads(result.out)["warnings"][0]


@pytest.mark.parametrize(("change", "fragment"), [
    (("--kind", "annual"), "--kind: choose the kind of meeting"),
    (("--at", "2026-11-20 16:00"), "--at: a meeting is booked for a time still to come"),
    (("--chair", ""), "--chair: name the chair"),
    (("--at", "next Tuesday"), "--at: 'next Tuesday' is not a date and time"),
    (("--venue", " "), "--venue: say where the meeting is"),
])
def test_bad_bookings_are_one_line_and_book_nothing(cli, demo_store, change, fragment):
    """WIR 2.3 / BEX 3: a chair is named; a past meeting is minuted, not booked."""
    args = list(BOOK)
    args[args.index(change[0]) + 1] = change[1]
    before = listed(cli, demo_store)
    result = cli("meeting", "schedule", WITH_PLAN, *args, "--db", demo_store, *DAY)
    one_line_error(result, fragment)
    assert listed(cli, demo_store) == before


def test_schedule_for_an_unknown_child_is_one_line(cli, demo_store):
    one_line_error(cli("meeting", "schedule", "NOBODY999", *BOOK, "--db", demo_store, *DAY))


# ---------------------------------------------------------------- meeting list


def test_list_newest_first_with_minutes_due_overdue_and_cancellations(cli, demo_store, store,
                                                                      monkeypatch, tmp_path):
    """BEX 3: minutes out within the policy's time (England default: 10 working days, so
    30 Nov → 14 Dec 2026), overdue marked after; WIR 2.9: a cancellation keeps its reason."""
    held = book(cli, demo_store)
    hold(store, held)
    later = book(cli, demo_store, "--at", "2026-12-07 16:30")
    with store.session(ACTOR) as session:
        told = [i.name for i in meetings.load_meeting(session, uuid.UUID(later))
                .schedule.invitees]
        meetings.cancel(session, uuid.UUID(later), "Mum in hospital", told=told)
    rows = listed(cli, demo_store)
    dates = [r["held_on"] for r in rows]
    assert dates == sorted(dates, reverse=True)
    mine = {r["id"]: r for r in rows}
    assert mine[held]["status"] == "held" and mine[held]["has_minutes"]
    assert mine[held]["minutes_due"] == "2026-12-14" and not mine[held]["minutes_overdue"]
    assert mine[held]["recommendation"] == "continue"
    assert mine[held]["next_review"] == "2027-02-28"
    assert mine[later]["status"] == "cancelled"
    assert mine[later]["cancelled_reason"] == "Mum in hospital"
    assert listed(cli, demo_store, "2026-12-15")[dates.index("2026-11-30")]["minutes_overdue"]

    monkeypatch.setenv("COLUMNS", "200")
    text = cli("meeting", "list", WITH_PLAN, "--db", demo_store, "--today", "2026-12-15")
    assert text.code == 0, text.err
    assert "due 14 Dec 2026 OVERDUE" in text.out
    assert "cancelled: Mum in hospital" in text.out
    assert "Continue the CIN plan" in text.out and "Poppy Jessop" in text.out
    # The newest minutes by the child's reference, as a person would type it; running
    # what the line says exports that meeting.
    line = next(x for x in text.out.splitlines() if x.startswith("Minutes of"))
    assert line == f"Minutes of 30 Nov 2026: cintui export minutes {WITH_PLAN} --latest -o FILE"
    out = tmp_path / "m.md"
    assert cli(*line.split(": ", 1)[1].split()[1:-1], str(out), "--format", "md",
               "--db", demo_store, "--today", "2026-12-15").code == 0
    assert out.read_text().startswith("# CIN review meeting, 30 November 2026\n")
    assert text.out.index("7 Dec 2026") < text.out.index("30 Nov 2026")


def test_the_list_at_80_columns_folds_no_word_and_names_what_it_leaves_out(
        cli, demo_store, monkeypatch):
    """At 80 columns the nine columns once folded every word ("meeti ng", "Initi al",
    "sched uled"). What the rules time comes first (minutes: BEX 10 working days) and
    what does not fit unwrapped is named, not cut; a booked meeting reads "booked", as in
    the app."""
    monkeypatch.setenv("COLUMNS", "80")
    text = cli("meeting", "list", WITH_PLAN, "--db", demo_store, *DAY)
    assert text.code == 0, text.err
    table = text.out.split("Not shown at this width")[0]
    assert max(map(len, table.splitlines())) <= 80
    header = table.splitlines()[2]
    assert [h.strip() for h in header.strip("┃").split("┃")] == [
        "date", "time", "meeting", "status", "minutes", "next review"]
    words = {w for line in table.splitlines() for w in line.strip("│┃ ").split()}
    assert {"Review", "booked"} <= words and not {"Revie", "meeti", "sched"} & words
    assert "Not shown at this width: recommendation, venue, chair (wider, or --json)" in \
        text.out


def test_list_for_a_child_with_no_meetings(cli, demo_store, tmp_path):
    added = cli("child", "add", "--first-name", "Bo", "--last-name", "Quillfeather",
                "--dob", "2019-06-30", "--referral-date", "2026-11-02", "--db", demo_store,
                "--json", *DAY)
    ref = json.loads(added.out)["reference"]
    result = cli("meeting", "list", ref, "--db", demo_store, *DAY)
    assert result.code == 0 and "No meetings yet" in result.out
    assert json.loads(cli("meeting", "list", ref, "--db", demo_store, "--json", *DAY).out) == []
    out = tmp_path / "none.md"
    one_line_error(cli("export", "minutes", ref, "--latest", "-o", out, "--db", demo_store,
                       *DAY), "no held meeting with minutes yet")
    assert not out.exists()


# ---------------------------------------------------------------- export minutes


def pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(str(path)).pages).split())


def test_export_minutes_in_every_format(cli, demo_store, store, tmp_path):
    """WIR 2.6: the update beside each Amber, the new concern a new Amber; WIR 2.8: parents
    who were absent are named to receive the record; BEX 3 decisions."""
    meeting_id = book(cli, demo_store)
    hold(store, meeting_id)
    with store.read() as session:
        absent = [p.name for p in meetings.load_meeting(
            session, uuid.UUID(meeting_id)).minutes.attendance
            if p.is_parent and p.attendance == "absent"]
    files = {}
    for fmt in minutes_export.FORMATS:
        path = tmp_path / f"minutes.{fmt}"
        result = cli("export", "minutes", meeting_id, "--format", fmt, "-o", path,
                     "--db", demo_store, *DAY)
        assert result.code == 0, result.err
        assert result.out.startswith("Wrote the minutes of the CIN review meeting, "
                                     "30 November 2026 for DEMO00002")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        files[fmt] = path
    md = files["md"].read_text()
    assert md.startswith("# CIN review meeting, 30 November 2026\n")
    assert "Mornings are calmer, school says." in md
    assert "Maisie arrives on time and has eaten." in md
    assert "- Dad has lost his job: added to the plan as a new Amber (outcome wanted: Rent is paid)" in md
    assert "- **Recommendation:** Continue the CIN plan" in md
    assert "- Not yet circulated: due 14 December 2026" in md
    assert absent and f"To receive the record (did not attend): {absent[0]}" in md
    assert "## Updated plan" in md and "Dad has lost his job" in md.split("## Updated plan")[1]
    doc = minutes_export.from_json(files["json"].read_text())
    assert doc.child_reference == WITH_PLAN and doc.minutes.childs_views == "I like my new teacher."
    assert doc.plan.needs[-1].now == "Dad has lost his job"
    docx = Document(io.BytesIO(files["docx"].read_bytes()))
    assert docx.paragraphs[0].text == "CIN review meeting, 30 November 2026"
    assert any("Maisie arrives on time" in c.text for t in docx.tables for r in t.rows
               for c in r.cells)
    text = pdf_text(files["pdf"])
    assert "CIN review meeting, 30 November 2026" in text
    assert "Dad has lost his job: added to the plan as a new Amber" in text
    latest = tmp_path / "latest.json"
    result = cli("export", "minutes", WITH_PLAN, "--latest", "--format", "json", "-o", latest,
                 "--db", demo_store, *DAY)
    assert result.code == 0, result.err
    assert minutes_export.from_json(latest.read_text()) == doc


def test_export_minutes_errors_are_one_line_and_write_nothing(cli, demo_store, tmp_path):
    out = tmp_path / "minutes.md"
    scheduled = book(cli, demo_store)
    for args, fragment in (
            ((scheduled,), "no minutes yet"),
            (("not-an-id",), "'not-an-id' is not a meeting id"),
            (("0" * 32,), "no such meeting"),
            ((scheduled, "--format", "html"), "unknown format 'html'"),
            ((WITH_PLAN,), "is not a meeting id")):
        result = cli("export", "minutes", *args, "-o", out, "--db", demo_store, *DAY)
        one_line_error(result, fragment)
        assert not out.exists()
    result = cli("export", "minutes", scheduled, "-o", tmp_path / "no" / "m.md",
                 "--db", demo_store, *DAY)
    one_line_error(result, "no such folder")


def test_a_real_process_exits_2_with_one_line_and_help_documents_latest(demo_store):
    """The installed entry point: exit code 2 and one line for a user's mistake."""
    annual = ["annual" if arg == "review" else arg for arg in BOOK]
    done = run_subprocess("--db", demo_store, "meeting", "schedule", WITH_PLAN, *annual, *DAY)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "cintui: --kind: choose the kind of meeting: initial, review, final, transfer_in"]
    helped = run_subprocess("export", "minutes", "--help", env={"COLUMNS": "100"})
    assert helped.returncode == 0 and "--latest" in helped.stdout
    assert "cintui export minutes DEMO00002 --latest" in " ".join(helped.stdout.split())


def test_sto_4_4_a_booking_warns_of_the_partner_the_findings_call_and_books(cli, demo_store):
    """STO 4.4: the booking is made, with a warning naming adult mental health for a child
    whose assessment found a parent's mental health (4B) and nobody of theirs invited."""
    from cintui.casework import caseload, record, safeguards

    store = open_store(demo_store, None)
    with store.read() as session:
        reference = next(
            c.reference for c in caseload.list_children(session, TODAY, open_only=True)
            if "4B" in safeguards.partner_findings(session, c.id)[0] and "mental health" not in
            " ".join(p.role + p.agency for p in record.list_people(session, c.id)).lower())
    store.close()
    result = cli("meeting", "schedule", reference, "--kind", "review", "--at",
                 "2026-11-30 16:00", "--venue", "Family home", "--chair", "Poppy Jessop",
                 "--chair-role", "Senior practitioner",
                 "--db", demo_store, "--json", *DAY)
    assert result.code == 0, result.err
    assert ("Warning: STO 4.4: the assessment found a parent's mental health (4B): invite "
            "adult mental health services") in result.err
    assert any(w.startswith("STO 4.4") for w in json.loads(result.out)["warnings"])


def test_a_second_review_beside_one_booked_is_booked_with_a_warning_wir_2_9(cli, demo_store):
    """WIR 2.9: a booked meeting is moved by cancelling and rebooking it. A second review
    booked while one is still to hold is made, and said, naming the first."""
    first = cli("meeting", "schedule", WITH_PLAN, *BOOK, "--at", "2027-01-12 16:00",
                "--db", demo_store, "--json", *DAY)
    assert first.code == 0, first.err
    second = cli("meeting", "schedule", WITH_PLAN, *BOOK, "--at", "2027-01-19 16:00",
                 "--db", demo_store, "--json", *DAY)
    assert second.code == 0, second.err
    assert ("Warning: a CIN review meeting is already booked for Tue 12 Jan 2027 at 16:00"
            in second.err)
    assert any("rather than book a second (WIR 2.9)" in w
               for w in json.loads(second.out)["warnings"])


def test_a_first_meeting_of_its_kind_is_not_already_booked_wir_2_9(cli, demo_store):
    """WIR 2.9: only a second meeting of a kind is said to be "already booked". The meeting
    being booked was once counted as booked already, so every booking (here the child's
    first final meeting) warned of itself."""
    first = cli("meeting", "schedule", WITH_PLAN, "--kind", "final", "--at",
                "2027-01-12 16:00", "--venue", "Family home", "--chair", "Poppy Jessop",
                "--chair-role", "Senior practitioner",
                "--db", demo_store, "--json", *DAY)
    assert first.code == 0, first.err
    assert "already booked" not in first.err
    assert not any("already booked" in w for w in json.loads(first.out)["warnings"])
    second = cli("meeting", "schedule", WITH_PLAN, "--kind", "final", "--at",
                 "2027-01-19 16:00", "--venue", "Family home", "--chair", "Poppy Jessop",
                 "--chair-role", "Senior practitioner",
                 "--db", demo_store, "--json", *DAY)
    assert "Warning: a final CIN meeting is already booked for Tue 12 Jan 2027" in second.err


def _owed_minutes(cli, db) -> list[dict]:
    shown = json.loads(cli("due", "--db", db, "--json", *DAY).out)["items"]
    return [i for i in shown if i["key"] in ("minutes", "plan_circulation")]


def test_meeting_sent_records_the_minutes_circulated_from_the_shell(cli, demo_store):
    """BEX 3, WIR 2.8, TRA: the minutes and plan go to everyone present and each parent who
    did not attend; only the app's `s` recorded it, so "Minutes circulated" stayed on
    `cintui due` for good. `meeting sent` records it with the same use case: `due` names
    it, one sending says who is still owed them, bad input is one line and writes nothing,
    and the last one stops the clock."""
    from tests.cli.test_cli import audit_entries, sha

    owed = _owed_minutes(cli, demo_store)
    assert owed
    ref = owed[0]["child"]["reference"]
    text = cli("due", "--db", demo_store, *DAY).out
    assert f"cintui meeting sent {ref}" in " ".join(text.replace("│", " ").split())
    [held] = [r for r in json.loads(cli("meeting", "list", ref, "--db", demo_store, "--json",
                                        *DAY).out)
              if r["status"] == "held" and not r["minutes_circulated"]]
    store = open_store(demo_store, None)
    with store.read() as session:
        detail = meetings.load_meeting(session, uuid.UUID(held["id"]))
    store.close()
    people = [p.name for p in detail.minutes.attendance]
    assert len(people) >= 2
    held_on = date.fromisoformat(held["held_on"])
    before = sha(demo_store)
    for bad, says in (
            (("--to", "Nobody Atall"), "--to 'Nobody Atall': not at or invited"),
            (("--to", "everyone", "--how", "fax"), "--how 'fax': email, post or hand"),
            (("--to", "everyone", "--on", (held_on - timedelta(days=1)).isoformat()),
             "--on: the minutes cannot go out before the meeting"),
            (("--to", "everyone", "--on", (TODAY + timedelta(days=1)).isoformat()),
             "is in the future")):
        one_line_error(cli("meeting", "sent", ref, *bad, "--db", demo_store, *DAY), says)
    assert sha(demo_store) == before
    first = cli("meeting", "sent", ref, "--to", people[0], "--on", TODAY.isoformat(),
                "--db", demo_store, *DAY)
    assert first.code == 0, first.err
    assert "Not circulated yet: still to send to " in first.out
    assert _owed_minutes(cli, demo_store)[0]["child"]["reference"] == ref
    entries = audit_entries(demo_store)
    rest = ("meeting", "sent", held["id"], "--to", "everyone", "--how", "post",
            "--request-id", "s31e-sent-1", "--db", demo_store, "--json", *DAY)
    done = json.loads(cli(*rest).out)
    assert done["still_to_send"] == [] and done["minutes_circulated"] == TODAY.isoformat()
    again = cli(*rest)  # a retry: applied once
    assert json.loads(again.out) == done and "Already done" in again.err
    assert audit_entries(demo_store) > entries
    assert ref not in {i["child"]["reference"] for i in _owed_minutes(cli, demo_store)}
    listed = json.loads(cli("meeting", "list", ref, "--db", demo_store, "--json", *DAY).out)
    assert next(r for r in listed if r["id"] == held["id"])["minutes_circulated"] == \
        TODAY.isoformat()


def test_hold_and_cancel_take_the_childs_reference_for_its_one_booked_meeting(cli, demo_store):
    """`meeting hold DEMO00002` said "'DEMO00002' is not a meeting id: copy one from `cintui
    meeting list CHILD`", whose table shows no ids. The child's reference now stands for
    their one booked meeting; with two booked, each is named with its id; with none, how to
    book one. Bad input stays one line, nothing written."""
    booked = {m["id"] for m in listed(cli, demo_store) if m["status"] == "scheduled"}
    for meeting_id in booked:  # the demo's own bookings: none left for the test to find
        assert cli("meeting", "cancel", meeting_id, "--reason", "Not needed", "--told",
                   "everyone", "--db", demo_store, *DAY).code == 0
    hold = ("meeting", "hold", WITH_PLAN, "--still-in-need", "yes", "--recommendation",
            "continue", "--next-review", "2027-02-26", "--present", "Layla Jessop",
            "--db", demo_store, "--today", "2026-11-30")
    one_line_error(cli(*hold), f"{WITH_PLAN}: no meeting booked (book one with `cintui "
                                f"meeting schedule {WITH_PLAN}`)")
    first = book(cli, demo_store)
    second = cli("meeting", "schedule", WITH_PLAN, *BOOK, "--at", "2027-01-19 16:00",
                 "--db", demo_store, "--json", *DAY)
    assert second.code == 0, second.err
    one_line_error(cli(*hold), f"{WITH_PLAN}: which meeting? Review of 19 Jan 2027 (",
                   f"Review of 30 Nov 2026 ({first})")
    cancelled = cli("meeting", "cancel", json.loads(second.out)["id"], "--reason", "Moved",
                    "--told", "everyone", "--db", demo_store, *DAY)
    assert cancelled.code == 0, cancelled.err
    held = cli(*hold, "--json")
    assert held.code == 0, held.err
    assert json.loads(held.out)["id"] == first
    one_line_error(cli("meeting", "cancel", "nobody-here", "--reason", "x", "--db",
                       demo_store, *DAY), "'nobody-here' is not a meeting id, nor a child")


# ---------------------------------------------------------------- who booked it


def _booked_day(store, meeting_id: str) -> date:
    """The day, in England, the meeting's row was made: when it was booked."""
    from cintui.domain.calendar import england_time
    from cintui.store import models as m

    with store.read() as session:
        return england_time(session.get(m.Meeting, uuid.UUID(meeting_id)).created_at).date()


def test_a_booked_meeting_says_who_booked_it_and_when(cli, demo_store, store, monkeypatch,
                                                      tmp_path):
    """`meeting list` names who booked each meeting still booked, by name, and the day
    ("CIN review meeting of 30 Nov 2026: booked by Olu Other on 7 Dec 2026"): whoever the
    booking was written as, kept with the meeting. The minutes of a held meeting say who
    booked it (JSON read back); a rebooking is the rebooker's."""
    from cintui.domain.dates import day_long, day_words

    added = cli("worker", "add", "olu.other", "--name", "Olu Other", "--role",
                "social worker", "--db", demo_store)
    assert added.code == 0, added.err
    monkeypatch.setenv("CINTUI_USER", "olu.other")
    meeting_id = book(cli, demo_store)
    on = _booked_day(store, meeting_id)
    text = cli("meeting", "list", WITH_PLAN, "--db", demo_store, *DAY)
    assert text.code == 0, text.err
    assert (f"CIN review meeting of 30 Nov 2026: booked by Olu Other on {day_words(on)}"
            in text.out.splitlines())
    mine = next(r for r in listed(cli, demo_store) if r["id"] == meeting_id)
    assert (mine["booked_by"], mine["booked_on"]) == ("Olu Other", on.isoformat())
    # Held: the minutes say who booked the meeting, in every format (here Markdown, JSON).
    hold(store, meeting_id)
    out = tmp_path / "minutes.md"
    exported = cli("export", "minutes", meeting_id, "-o", out, "--db", demo_store, *DAY)
    assert exported.code == 0, exported.err
    assert f"Olu Other on {day_long(on)}" in out.read_text(encoding="utf-8")
    as_json = tmp_path / "minutes.json"
    assert cli("export", "minutes", meeting_id, "-o", as_json, "--db", demo_store,
               *DAY).code == 0
    doc = minutes_export.from_json(as_json.read_text(encoding="utf-8"))
    assert (doc.booked_by, doc.booked_on) == ("Olu Other", on)
    # Booked by Olu, rebooked by the child's worker: the new booking is the worker's.
    later = book(cli, demo_store, "--at", "2027-01-19 16:00")
    with store.read() as session:
        worker = session.get(Worker, cases.find_child(session, WITH_PLAN).worker_id)
    monkeypatch.setenv("CINTUI_USER", worker.username)
    moved = cli("meeting", "cancel", later, "--reason", "Chair unwell", "--told", "everyone",
                "--rebook-at", "2027-01-20 16:00", "--db", demo_store, *DAY)
    assert moved.code == 0, moved.err
    again = next(r for r in listed(cli, demo_store) if r["status"] == "scheduled"
                 and r["starts_at"] == "2027-01-20T16:00:00")
    assert again["booked_by"] == worker.name
    text = cli("meeting", "list", WITH_PLAN, "--db", demo_store, *DAY).out
    assert (f"CIN review meeting of 20 Jan 2027: booked by {worker.name} on "
            f"{day_words(_booked_day(store, again['id']))}") in text.splitlines()
    # Cancelled, or held: no longer booked, so not said on the list.
    assert "of 19 Jan 2027: booked by" not in text and "of 30 Nov 2026: booked by" not in text


def test_a_meeting_whose_booker_is_not_known_says_booker_not_recorded(cli, demo_store):
    """A meeting whose booker is not known (booked before revision 0033 with no trail entry
    to say who, or brought in held by an import or a transfer pack; here the demo's held
    meetings, made with none, and a booking whose booker is blanked as before 0033) has
    `null` in JSON, and the list says "booker not recorded" of one still booked: it said
    nothing, which read as no one to ask about it."""
    from cintui.store.models import Meeting

    rows = listed(cli, demo_store)
    held = [r for r in rows if r["status"] == "held"]
    assert held and all(r["booked_by"] is None and r["booked_on"] is None for r in held)
    old = book(cli, demo_store)
    store = open_store(demo_store, None)
    try:
        with store.engine.begin() as conn:  # as a store before 0033 left it
            conn.execute(Meeting.__table__.update().where(Meeting.__table__.c.id ==
                                                          uuid.UUID(old)).values(booked_by=""))
    finally:
        store.close()
    text = cli("meeting", "list", WITH_PLAN, "--db", demo_store, *DAY).out
    rows = listed(cli, demo_store)
    (booked,) = [r for r in rows if r["id"] == old]
    assert booked["booked_by"] is None
    assert booked["held_on"] == "2026-11-30"
    assert "CIN review meeting of 30 Nov 2026: booker not recorded" in text.splitlines(), text
    said = [line for line in text.splitlines() if ": booked by " in line]
    assert len(said) == len([r for r in rows if r["status"] == "scheduled" and r["booked_by"]])


def test_on_a_team_server_another_worker_reads_who_booked_it(team, cli, monkeypatch):  # noqa: F811
    """A worker's login on a team server may not read the audit trail (it holds every
    child's data), yet the colleague who opens the child's meetings sees who booked one:
    it is kept with the meeting, written as the booking login's worker."""
    monkeypatch.delenv("CINTUI_USER", raising=False)
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.worker))
    for step in (("person", "add", team.child, "--name", "Rosa Quill", "--relationship",
                  "Mother", "--pr"),
                 ("child", "consent", team.child, "--person", "Rosa Quill", "--scope",
                  "meeting", "--decision", "given", "--on", "2026-11-20"),
                 ("meeting", "schedule", team.child, "--kind", "initial", "--at",
                  "2026-12-01 16:00", "--venue", "Family home", "--chair", "Tom Hale",
                  "--today", "2026-11-23")):
        done = cli(*step)
        assert done.code == 0, (step, done.err)
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.other))
    with team.psql(team.other) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT actor FROM audit_log")
    text = cli("meeting", "list", team.child, "--today", "2026-11-23")
    assert text.code == 0, text.err
    assert any(line.startswith("Initial CIN planning meeting of 1 Dec 2026: booked by Amira "
                               "Ashdown on ") for line in text.out.splitlines()), text.out
