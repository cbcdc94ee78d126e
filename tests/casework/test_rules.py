"""Rules that were wrong (issue "A real team's first week", part 4), each through the use
cases and the CLI on a store started empty (`cintui db init`), synthetic people only:

- minutes and plan circulated only when everyone present and every parent who did not
  attend has been sent them (BEX 3, TRA, WIR 2.8);
- the next review suggested after an initial meeting uses the first-review timescale (TRA);
- a due date counted in calendar time that lands on a weekend or bank holiday is due on the
  working day before it (DOMAIN.md §11);
- a visit frequency agreed in the plan may be more often than the policy, never less
  (BEX 3, TRA);
- a virtual visit, or one where the child was not seen alone, restarts the visit clock only
  where the policy says so (WIR 2.11), and the compliance report counts them the same way.

Each checks that the caseload home (the first-paint reader), `cintui due`, `cintui child
show` (the Summary's timescales) and the compliance report agree."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime

import pytest

from cintui.casework import cases, meetings, plans, record, visits
from cintui.casework.caseload import load_caseload
from cintui.domain.meeting import Decisions, Invitee, Schedule
from cintui.domain.timescales import parse_plan_visits
from cintui.store import fast
from cintui.store.engine import open_store
from tests.conftest import reading
from tests.meeting_consent import consent_to_meetings

ACTOR = "test.worker"


@contextmanager
def opened(path):
    store = open_store(path, None)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def new_store(new_location, cli):
    """An empty store following the named policy profile."""
    def make(policy: str):
        path = new_location(f"{policy}.db")
        result = cli("db", "init", "--db", path, "--no-encrypt", "--policy", policy)
        assert result.code == 0, result.err
        return path
    return make


def add_child(path, plan_start: date, dob: date = date(2016, 4, 12)):
    """Leo, referred 1 Sep 2026, subject to a CIN plan from `plan_start`."""
    with opened(path) as store, store.session(ACTOR) as session:
        child = cases.add_child(session, cases.NewChild(
            first_name="Leo", last_name="Synthetic", dob=dob,
            referral_date=date(2026, 9, 1)), date(2026, 9, 1))
        episode = cases.current_episode(session, child.id)
        episode.cin_plan_start = plan_start
        session.add(episode)
        found = child.id, child.reference
    return found


def visit(path, child_id, at: datetime, **facts) -> None:
    values = {"purpose": "Statutory visit", "seen_alone": True, "bedroom_seen": True,
              "analysis": "Seen alone in his bedroom; plan on track.", **facts}
    content = visits.with_facts(visits.new_content(at), **values)
    with opened(path) as store, store.session(ACTOR) as session:
        visits.finalise(session, child_id, content, actor=ACTOR,
                        now=at.replace(hour=18))


def hold_meeting(path, child_id, kind: str, at: datetime, attendance: dict[str, str],
                 parents=("Sam Synthetic",), next_review: date | None = None):
    """Book a meeting, then minute and close it with each invitee's attendance."""
    invited = tuple(Invitee(name, "Parent" if name in parents else "Professional",
                            is_parent=name in parents) for name in attendance)
    with opened(path) as store, store.session(ACTOR) as session:
        consent_to_meetings(session, child_id, at.date(), parent=parents[0])  # WIR 2.1, 2.3
        meeting_id = meetings.schedule(session, child_id, Schedule(
            kind, at, venue="Family home", chair="Tom Reid", chair_role="Team manager",
            invitees=invited, not_invited_reason="Leo is at school"),
            now=at.replace(hour=8))
        draft = meetings.start_minutes(session, meeting_id, ACTOR, at)
        minutes = replace(draft.minutes, decisions=Decisions(True, next_review, "continue"),
                          attendance=tuple(replace(i, attendance=attendance[i.name])
                                           for i in draft.minutes.attendance))
        meetings.finish(session, meeting_id, minutes, actor=ACTOR, now=at.replace(hour=18),
                        draft_id=draft.id)
    return meeting_id


def due_items(cli, path, today: date, ref: str) -> dict[str, dict]:
    result = cli("due", "--db", path, "--json", "--today", today.isoformat(), "--within", "260")
    assert result.code == 0, result.err
    return {i["key"]: i for i in json.loads(result.out)["items"]
            if i["child"]["reference"] == ref}


def summary_deadlines(cli, path, today: date, ref: str) -> dict[str, dict]:
    result = cli("child", "show", ref, "--db", path, "--json", "--today", today.isoformat())
    assert result.code == 0, result.err
    return {d["key"]: d for d in json.loads(result.out)["deadlines"]}


def caseload_row(path, today: date, ref: str):
    if isinstance(path, str):  # a database URL: the app reads it through the store
        with reading(path) as rows:
            return next(r for r in load_caseload(rows, today) if r.reference == ref)
    reader = fast.open_reader(path, None)
    try:
        return next(r for r in load_caseload(reader, today) if r.reference == ref)
    finally:
        reader.close()


def same_everywhere(cli, path, today: date, ref: str, key: str) -> dict:
    """The deadline for `key` as `cintui due`, the Summary (`cintui child show`) and the
    caseload home show it: one date, rule and source. Returns it as `cintui due` has it."""
    due, shown = due_items(cli, path, today, ref)[key], summary_deadlines(cli, path, today,
                                                                          ref)[key]
    row = caseload_row(path, today, ref)
    home = row.next_visit if key == "visit" else row.next_meeting
    assert (due["due"], due["rule"], due["source"]) == (shown["due"], shown["rule"],
                                                         shown["source"])
    if key in ("visit", "initial_meeting", "transfer_in_meeting", "first_review", "review"):
        assert (home.due.isoformat(), home.rule, home.source) == (due["due"], due["rule"],
                                                                  due["source"])
    return due


def compliance(cli, path, start: date, end: date) -> dict:
    result = cli("report", "compliance", "--db", path, "--from", start.isoformat(),
                 "--to", end.isoformat(), "--today", end.isoformat(), "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)["total"]


# ---------------------------------------------------------------------- circulation


def test_minutes_are_circulated_only_when_everyone_owed_them_has_them(cli, new_store):
    """BEX 3: the record and the updated plan go "to all those present within 10 working
    days"; WIR 2.8: parents who do not attend are given the record. Review held Mon 30 Nov
    2026, Dad and the school present, Mum absent: due Mon 14 Dec (Dec 1-4, 7-11, 14). Sent
    to Dad and the school Wed 2 Dec: the clock still runs; to Mum Wed 9 Dec: circulated."""
    path = new_store("bexley")
    child_id, ref = add_child(path, date(2026, 10, 5))
    meeting_id = hold_meeting(path, child_id, "review", datetime(2026, 11, 30, 16, 0), {
        "Sam Synthetic": "absent", "Joe Synthetic": "present", "Ms Class": "present"},
        parents=("Sam Synthetic", "Joe Synthetic"), next_review=date(2027, 2, 26))
    with opened(path) as store, store.session(ACTOR) as session:
        owed = meetings.record_distribution(
            session, meeting_id, [("Joe Synthetic", None), ("Ms Class", None)],
            date(2026, 12, 2))
    assert [p.name for p in owed] == ["Sam Synthetic"]
    due = due_items(cli, path, date(2026, 12, 3), ref)
    assert (due["minutes"]["due"], due["minutes"]["source"]) == ("2026-12-14", "BEX 3")
    assert due["plan_circulation"]["due"] == "2026-12-14"
    listed = json.loads(cli("meeting", "list", ref, "--db", path, "--json",
                            "--today", "2026-12-03").out)
    assert (listed[0]["minutes_circulated"], listed[0]["minutes_due"]) == (None, "2026-12-14")

    with opened(path) as store, store.session(ACTOR) as session:
        assert meetings.record_distribution(session, meeting_id, [("Sam Synthetic", None)],
                                            date(2026, 12, 9), "post") == []
    assert not {"minutes", "plan_circulation"} & set(due_items(cli, path, date(2026, 12, 10),
                                                               ref))
    listed = json.loads(cli("meeting", "list", ref, "--db", path, "--json").out)
    assert listed[0]["minutes_circulated"] == "2026-12-09"
    minutes = compliance(cli, path, date(2026, 11, 1), date(2026, 12, 31))["minutes"]
    assert (minutes["met"], minutes["total"]) == (1, 1)  # 9 Dec, within 14 Dec


# ---------------------------------------------------------------------- the next review


def test_after_an_initial_meeting_the_suggested_review_is_the_first_reviews(cli, new_store):
    """TRA: "The first review should be held within 3 months of the initial meeting and
    subsequent reviews at no more than 6 monthly intervals". Initial meeting Wed 2 Dec 2026:
    suggested Tue 2 Mar 2027, not 2 Jun; after a review on Tue 2 Mar 2027: Thu 2 Sep 2027."""
    path = new_store("trafford")
    child_id, ref = add_child(path, date(2026, 11, 16))
    with opened(path) as store, store.read() as session:
        policy = cases.store_policy(session)
    suggested = meetings.suggested_next_review(date(2026, 12, 2), policy, "initial")
    assert suggested == date(2027, 3, 2)
    assert meetings.suggested_next_review(date(2027, 3, 2), policy, "review") == \
        date(2027, 9, 2)
    # Before it is held, the initial meeting is the next meeting due: the same date, rule
    # and source on the due list, the Summary and the caseload's Meeting column.
    initial = same_everywhere(cli, path, date(2026, 11, 23), ref, "initial_meeting")
    assert initial["key"] == "initial_meeting" and initial["due"]
    hold_meeting(path, child_id, "initial", datetime(2026, 12, 2, 16, 0),
                 {"Sam Synthetic": "present"}, next_review=suggested)
    first = same_everywhere(cli, path, date(2026, 12, 3), ref, "first_review")
    assert (first["due"], first["source"]) == ("2027-03-02", "TRA (Timing of CiN Meetings)")


# ---------------------------------------------------------------------- non-working days


def test_a_review_due_on_christmas_day_is_due_on_christmas_eve(cli, new_store):
    """DOMAIN.md §11, TRA (first review within 3 months): initial meeting Fri 25 Sep 2026;
    3 months is Fri 25 Dec 2026, Christmas Day: the suggestion, `cintui due`, the Summary and
    the caseload all say Thu 24 Dec, and the rule says why."""
    path = new_store("trafford")
    child_id, ref = add_child(path, date(2026, 9, 14))
    with opened(path) as store, store.read() as session:
        suggested = meetings.suggested_next_review(
            date(2026, 9, 25), cases.store_policy(session), "initial")
    assert suggested == date(2026, 12, 24)
    hold_meeting(path, child_id, "initial", datetime(2026, 9, 25, 16, 0),
                 {"Sam Synthetic": "present"}, next_review=suggested)
    review = same_everywhere(cli, path, date(2026, 11, 23), ref, "first_review")
    assert review["due"] == "2026-12-24"
    assert review["rule"] == ("within 3 months of the initial meeting (25 Dec 2026 is "
                              "Christmas Day: due the working day before)")


# ---------------------------------------------------------------------- the plan's visits


def agree_plan(path, child_id, every: str, on: date):
    with opened(path) as store, store.session(ACTOR) as session:
        vid = plans.start_version(session, child_id, on, by=ACTOR)
        draft = plans.load_version(session, vid)
        plans.save_draft(session, vid, replace(draft, visit_every=parse_plan_visits(every)),
                         on, by=ACTOR)
        plans.agree_version(session, vid, on, agreed_by="Tom Reid, team manager")
    return vid


def test_a_plan_may_agree_visits_more_often_than_the_policy_never_less(cli, new_store):
    """BEX 3: "Agree the frequency that the social worker will visit ... no less than every
    4 weeks"; TRA: "seen regularly as agreed in the Child In Need Plan". Every 6 weeks is
    refused, naming the rule; every 2 weeks, agreed Mon 5 Oct 2026, is kept: seen alone Fri
    16 Oct (due 19 Oct) and Fri 6 Nov (due 30 Oct: late, where 4 weeks would be 13 Nov); the
    next visit is due Fri 20 Nov everywhere, and the compliance report judges by it too."""
    path = new_store("bexley")
    child_id, ref = add_child(path, date(2026, 10, 5))
    with opened(path) as store, store.session(ACTOR) as session:
        vid = plans.start_version(session, child_id, date(2026, 10, 5), by=ACTOR)
    with opened(path) as store, store.session(ACTOR) as session, \
            pytest.raises(plans.PlanError) as refused:
        draft = plans.load_version(session, vid)
        plans.save_draft(session, vid, replace(draft, visit_every=parse_plan_visits("6 weeks")),
                         date(2026, 10, 5))
    assert refused.value.field == "visit_every"
    assert "less often than the policy's every 4 weeks (BEX 3)" in str(refused.value)
    with opened(path) as store, store.read() as session:
        assert plans.load_version(session, vid).visit_every is None  # nothing changed
    agree_plan(path, child_id, "2 weeks", date(2026, 10, 5))
    visit(path, child_id, datetime(2026, 10, 16, 10, 0))
    visit(path, child_id, datetime(2026, 11, 6, 10, 0))

    nxt = same_everywhere(cli, path, date(2026, 11, 9), ref, "visit")
    assert (nxt["due"], nxt["source"]) == ("2026-11-20", "CIN plan (BEX 3, TRA)")
    assert nxt["rule"].endswith("as agreed in the CIN plan")
    visits_measure = compliance(cli, path, date(2026, 10, 1), date(2026, 11, 9))["visits"]
    assert (visits_measure["met"], visits_measure["total"]) == (1, 2)
    with opened(path) as store, store.read() as session:
        headline = record.child_summary(session, child_id, date(2026, 11, 9)).plan_headline
    assert "visits every 2 weeks" in headline
    shown = cli("plan", "show", ref, "--db", path, "--today", "2026-11-09")
    assert "visits every 2 weeks (agreed in the plan)" in " ".join(shown.out.split())


# ---------------------------------------------------------------------- which visits count


def test_virtual_and_not_alone_visits_are_recorded_and_count_as_the_policy_says(
        cli, new_store, tmp_path):
    """WIR 2.11: "The child must be seen and spoken to alone". Plan from Mon 5 Oct 2026
    (first visit due Mon 2 Nov); seen alone at home Mon 2 Nov; a video call Mon 16 Nov; at
    home, not alone, Wed 18 Nov. Both are recorded as they were. By default (England) the
    clock runs from 2 Nov: due Mon 30 Nov, and at Wed 2 Dec the compliance report finds 1 of
    2 in time. A profile letting both count: due Wed 16 Dec (from 18 Nov), 3 of 3."""
    path = new_store("england")
    child_id, ref = add_child(path, date(2026, 10, 5))
    visit(path, child_id, datetime(2026, 11, 2, 10, 0))
    visit(path, child_id, datetime(2026, 11, 16, 10, 0), kind="virtual", bedroom_seen=False)
    visit(path, child_id, datetime(2026, 11, 18, 16, 0), seen_alone=False,
          analysis="Not seen alone: Leo would not talk without Mum; next time at school.")
    listed = json.loads(cli("visit", "list", ref, "--db", path, "--json").out)
    assert [(v["kind"], v["seen_alone"]) for v in listed] == [
        ("home", False), ("virtual", True), ("home", True)]

    today = date(2026, 12, 2)
    nxt = same_everywhere(cli, path, today, ref, "visit")
    assert (nxt["due"], nxt["state"]) == ("2026-11-30", "overdue")
    assert nxt["rule"] == ("within 20 working days of the last visit where the child was "
                           "seen alone, in person")
    measure = compliance(cli, path, date(2026, 11, 1), today)["visits"]
    assert (measure["met"], measure["total"]) == (1, 2)

    own = tmp_path / "config" / "policies"
    own.mkdir(parents=True)
    (own / "ourtown.toml").write_text(
        'name = "ourtown"\ntitle = "Our Town"\nauthority = "Our Town"\n'
        'extends = "england"\n\n[visits]\nvirtual_restarts_clock = true\n'
        'not_alone_restarts_clock = true\n', encoding="utf-8")
    shown = json.loads(cli("policy", "show", "ourtown", "--json").out)
    assert shown["visits"] == {"virtual_restarts_clock": True,
                               "not_alone_restarts_clock": True, "seen_alone_from_age": 2}
    assert cli("policy", "use", "ourtown", "--db", path).code == 0
    nxt = same_everywhere(cli, path, today, ref, "visit")
    assert (nxt["due"], nxt["rule"]) == (
        "2026-12-16", "within 20 working days of the last visit where the child was seen")
    measure = compliance(cli, path, date(2026, 11, 1), today)["visits"]
    assert (measure["met"], measure["total"]) == (3, 3)


def test_a_child_too_young_to_be_spoken_to_alone_need_only_be_seen(cli, new_store):
    """WIR 2.11 "seen and spoken to alone", for a child who can be (England: from 2). Born
    10 Nov 2024: seen alone Mon 12 Oct 2026; not alone Thu 5 Nov (1 year old: counts); not
    alone Mon 16 Nov (2 years old: does not). The clock runs from 5 Nov: Nov 6 (1), 9-13
    (6), 16-20 (11), 23-27 (16), Nov 30-Dec 3 (20) -> Thu 3 Dec 2026, on the caseload (whose
    reader skips visits it need not read) as on the Summary."""
    path = new_store("england")
    child_id, ref = add_child(path, date(2026, 10, 5), dob=date(2024, 11, 10))
    visit(path, child_id, datetime(2026, 10, 12, 10, 0))
    for day in (5, 16):
        visit(path, child_id, datetime(2026, 11, day, 10, 0), seen_alone=False,
              analysis="Not seen alone: a toddler, observed with Mum throughout.")
    nxt = same_everywhere(cli, path, date(2026, 11, 23), ref, "visit")
    assert nxt["due"] == "2026-12-03"


def test_a_profile_with_a_bad_visit_setting_is_refused_in_one_line(cli, new_store, tmp_path):
    """The loader checks the new setting like every other key: one line, exit 2."""
    own = tmp_path / "config" / "policies"
    own.mkdir(parents=True)
    (own / "ourtown.toml").write_text(
        'name = "ourtown"\ntitle = "Our Town"\nauthority = "Our Town"\n'
        'extends = "england"\n\n[visits]\nvirtual_restarts_clock = "sometimes"\n',
        encoding="utf-8")
    result = cli("policy", "show", "ourtown")
    assert result.code == 2 and "Traceback" not in result.err
    assert "visits.virtual_restarts_clock: must be true or false, got 'sometimes'" in result.err
    assert len(result.err.strip().splitlines()) == 1
