"""A laptop that works offline (issue 19): when it is overdue a sync, counted in the
authority's working days, and the header line that says where it stands; conflicts in plain
words."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from cintui.domain import laptop
from cintui.domain.calendar import WorkingCalendar
from cintui.domain.policy import PolicyError, parse_policy
from cintui.reference.policies import load_policy

MONDAY = date(2026, 11, 23)


def at(day: date, hour: int = 9, minute: int = 14) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def test_every_profile_says_when_a_laptop_is_overdue_a_sync():
    for name in ("england", "wirral", "bexley", "trafford", "warwickshire", "stockton"):
        assert load_policy(name).sync.overdue_after_working_days == 2


def test_an_authority_sets_its_own_limit_and_a_bad_one_is_named():
    base = load_policy("england")
    data = {"name": "mine", "title": "t", "authority": "a", "extends": "england",
            "sync": {"overdue_after_working_days": 0}}
    with pytest.raises(PolicyError, match=r"sync.overdue_after_working_days.*positive"):
        parse_policy(data, origin="mine.toml", base=base)
    data["sync"] = {"overdue_after": 3}
    with pytest.raises(PolicyError, match="unknown key"):
        parse_policy(data, origin="mine.toml", base=base)
    data["sync"] = {"overdue_after_working_days": 5, "overdue_source": "Our ICT policy"}
    mine = parse_policy(data, origin="mine.toml", base=base).sync
    assert (mine.overdue_after_working_days, mine.overdue_source) == (5, "Our ICT policy")


def test_overdue_counts_working_days_after_the_day_of_the_last_sync():
    # Synced Thursday 19/11: Friday is 1 working day, the weekend nothing, Monday 2.
    thursday = date(2026, 11, 19)
    assert laptop.unsynced_working_days(at(thursday), date(2026, 11, 20)) == 1
    assert not laptop.overdue(at(thursday), date(2026, 11, 22), 2)
    assert laptop.unsynced_working_days(at(thursday), MONDAY) == 2
    assert laptop.overdue(at(thursday), MONDAY, 2)
    assert not laptop.overdue(at(thursday), MONDAY, 3)
    assert not laptop.overdue(at(MONDAY), MONDAY, 1)  # synced today


def test_bank_holidays_and_the_authoritys_closures_are_not_counted():
    # Christmas 2026: Friday 25/12 and Monday 28/12 (Boxing Day's substitute) are holidays.
    christmas_eve = date(2026, 12, 24)
    assert laptop.unsynced_working_days(at(christmas_eve), date(2026, 12, 29)) == 1
    assert not laptop.overdue(at(christmas_eve), date(2026, 12, 29), 2)
    closed = WorkingCalendar([date(2026, 12, 29)])  # the authority's own closure day
    assert laptop.unsynced_working_days(at(christmas_eve), date(2026, 12, 30), closed) == 1


def test_the_day_of_a_sync_is_englands_not_utcs():
    # 23:30 UTC on 19/11 is 23:30 in England (GMT); in summer it is the next day there.
    assert laptop.unsynced_working_days(at(date(2026, 6, 11), 23, 30),
                                        date(2026, 6, 12)) == 0
    assert laptop.unsynced_working_days(at(date(2026, 11, 19), 23, 30),
                                        date(2026, 11, 20)) == 1


def test_a_laptop_never_synced_is_overdue():
    assert laptop.overdue(None, MONDAY, 2)
    lines = laptop.header_lines(laptop.HeaderState(None, 0, 0, MONDAY, 2))
    assert all(line.startswith("NEVER SYNCED") for line in lines)


def test_every_wording_of_the_header_keeps_the_three_facts():
    state = laptop.HeaderState(at(MONDAY), 3, 1, MONDAY, 2)
    lines = laptop.header_lines(state)
    assert lines[0] == ("Synced today 09:14 · 3 changes waiting to send · 1 conflict to "
                        "resolve (F6) · F5 sync")
    assert lines == sorted(lines, key=len, reverse=True)
    for line in lines:
        assert "09:14" in line and "3 " in line and "1 conflict" in line
    assert laptop.fitting(lines, 40) == "Synced 09:14 · 3 to send · 1 conflict"
    assert laptop.fitting(lines, 10) == lines[-1]


def test_at_80_columns_the_conflicts_key_and_the_login_both_fit():
    """The header's room at 80 columns is 62: "Synced today 09:14 · 1 to send · 3 conflicts
    (F6)" and " — amira.ashdown" were 65, and the login was left out. The clock alone says
    today (as "Sync failed 11:40" does), the day alone before (as "Sync failed 22 Nov")."""
    room = 62 - len(" — amira.ashdown")
    lines = laptop.header_lines(laptop.HeaderState(at(MONDAY), 1, 3, MONDAY, 2))
    assert lines == sorted(lines, key=len, reverse=True)
    assert laptop.fitting(lines, room) == "Synced 09:14 · 1 to send · 3 conflicts (F6)"
    yesterday = laptop.header_lines(laptop.HeaderState(at(date(2026, 11, 22), 16, 2), 1, 3,
                                                       MONDAY, 2))
    assert laptop.fitting(yesterday, room) == "Synced 22 Nov · 1 to send · 3 conflicts (F6)"
    assert laptop.fitting(lines, 120) == lines[0]  # where there is room, "today" and the rest
    assert lines[0].startswith("Synced today 09:14 · 1 change waiting to send")


def test_an_overdue_laptop_says_so_plainly():
    state = laptop.HeaderState(at(date(2026, 11, 18)), 0, 0, MONDAY, 2)
    lines = laptop.header_lines(state)
    assert lines[0].startswith("NOT SYNCED FOR 3 WORKING DAYS (last 18 Nov 09:14)")
    assert all(line.startswith("NOT SYNCED FOR 3 WORKING DAYS") for line in lines)
    assert "nothing waiting to send · no conflicts" in lines[0]
    yesterday = laptop.HeaderState(at(date(2026, 11, 22)), 1, 2, MONDAY, 2)
    assert laptop.header_lines(yesterday)[1] == ("Synced yesterday 09:14 · 1 change to send · "
                                                 "2 conflicts to resolve (F6)")


def test_a_failed_sync_is_said_first_until_one_finishes():
    """F5 offline at 11:40 after a sync at 09:14: the header said "Synced today 09:14" as if
    the laptop were up to date once the notice had gone."""
    failed = at(MONDAY, 11, 40)
    lines = laptop.header_lines(laptop.HeaderState(at(MONDAY), 3, 0, MONDAY, 2, failed))
    assert lines[0] == ("Sync failed today 11:40 (last sync 09:14) · 3 changes waiting to "
                        "send · no conflicts · F5 sync")
    assert lines == sorted(lines, key=len, reverse=True)
    assert all(line.startswith("Sync failed ") and "11:40" in line and "3 " in line
               and "conflicts" in line for line in lines)
    # 80 columns: the header's room (62) keeps the login beside it ("… — amira.ashdown")
    assert laptop.fitting(lines, 62 - len(" — amira.ashdown")) == \
        "Sync failed 11:40 · 3 to send · no conflicts"
    # Synced and failed yesterday: the time where there is room, the day alone at 80 columns
    yesterday = at(date(2026, 11, 22), 16, 2)
    earlier = laptop.header_lines(laptop.HeaderState(at(date(2026, 11, 22)), 1, 0, MONDAY, 2,
                                                     yesterday))
    assert earlier[2] == "Sync failed yesterday 16:02 · 1 change to send · no conflicts"
    assert laptop.fitting(earlier, 62 - len(" — amira.ashdown")) == \
        "Sync failed 22 Nov · 1 to send · no conflicts"


def test_an_overdue_laptop_keeps_its_capitals_when_a_sync_failed_too():
    state = laptop.HeaderState(at(date(2026, 11, 18)), 1, 3, MONDAY, 2, at(MONDAY, 11, 40))
    lines = laptop.header_lines(state)
    assert lines[0].startswith("NOT SYNCED FOR 3 WORKING DAYS (last 18 Nov 09:14; failed "
                               "today 11:40) · ")
    assert "NOT SYNCED FOR 3 WORKING DAYS (failed today 11:40) · 1 change to send" in lines[2]
    assert lines[-1] == "NOT SYNCED FOR 3 WORKING DAYS · 1 to send · 3 conflicts"
    never = laptop.header_lines(laptop.HeaderState(None, 0, 0, MONDAY, 2, at(MONDAY, 11, 40)))
    assert never[0].startswith("NEVER SYNCED (failed today 11:40) · ")
    assert all(line.startswith("NEVER SYNCED") for line in never)


def test_conflicts_are_named_in_plain_words():
    assert laptop.what("child", "first_name") == "Child's details: first name"
    assert laptop.what("child", "dob") == "Child's details: date of birth"
    assert laptop.what("plan_action", "") == "Plan action"
    assert laptop.version(json.dumps("2018-04-01"), server=False) == ["1 Apr 2018"]
    assert laptop.version("true", server=True) == ["yes"]
    assert laptop.version('""', server=True) == ["(blank)"]
    assert laptop.version("null", server=True) == ["(deleted on the team server)"]
    assert laptop.version("null", server=True, kind="refused") == ["(not on the team server)"]
    whole = {"action": "insert", "values": {"id": "ab", "purpose": "After school",
                                            "visited_at": "2026-11-20T10:00:00+00:00"}}
    assert laptop.version(json.dumps(whole), server=False) == [
        "purpose: After school", "visited at: 20 Nov 2026 10:00"]


def test_whose_each_version_is_is_said_in_englands_time():
    """Who last changed the team server's copy, and when, as the server said at the sync: in
    England's time (10:42 in summer is 09:42 UTC); "you" for the laptop's own login; not
    known for a conflict recorded before the server kept it; nothing for a new record the
    server refused, which it never held."""
    summer = datetime(2026, 7, 3, 9, 42, tzinfo=UTC)
    winter = datetime(2026, 12, 3, 10, 42, tzinfo=UTC)
    assert laptop.moment(summer) == "on 3 Jul 2026 at 10:42"
    assert laptop.moment(winter) == "on 3 Dec 2026 at 10:42"
    ben = laptop.who("ben.cole", "Ben Cole", "amira.ashdown")
    assert ben == "Ben Cole (ben.cole)"
    assert laptop.who("amira.ashdown", "Amira Ashdown", "amira.ashdown") == "you"
    assert laptop.who("cintui_owner", "cintui_owner", "amira.ashdown") == "cintui_owner"
    assert laptop.theirs_change("both_changed", '"Eleanor"', ben, summer) == (
        "Changed by Ben Cole (ben.cole) on 3 Jul 2026 at 10:42")
    assert laptop.theirs_change("deleted_on_server", "null", ben, winter) == (
        "Deleted by Ben Cole (ben.cole) on 3 Dec 2026 at 10:42")
    assert laptop.theirs_change("both_changed", '"Eleanor"', "", None) == laptop.NOT_KNOWN
    assert laptop.theirs_change("deleted_on_server", "null", "", None) == laptop.NOT_KNOWN
    assert laptop.theirs_change("refused", "null", "", None) == ""
    assert laptop.theirs_short("both_changed", "Ben Cole", summer) == (
        "changed by Ben Cole on 3 Jul 2026 at 10:42")
    assert laptop.theirs_short("both_changed", "", None) == ""
    assert laptop.mine_change(summer) == "Changed here on 3 Jul 2026 at 10:42"


def test_a_whole_record_shows_what_it_holds_not_its_blanks_nor_its_ids():
    """A new record, or the server's copy, leaves out its blank fields and the ids it
    points at (a closure's two dozen blanks buried who recommended it); the fields the
    laptop's change names stay on the server's side, blank or not, to compare; a laptop's
    change to a record shows every field it changed, blank ones too."""
    new = {"action": "insert", "values": {
        "child_id": "a" * 32, "episode_id": "b" * 32, "kind": "closure", "rationale": "",
        "decided_on": None, "documents": "[]", "recommended_by": "Ben Cole"}}
    assert laptop.version(json.dumps(new), server=False) == [
        "kind: closure", "recommended by: Ben Cole"]
    row = {"id": "c" * 32, "child_id": "a" * 32, "assessment_authorised_by": "",
           "referral_date": "2026-11-02", "closure_decided": None}
    assert laptop.version(json.dumps(row), server=True, kind="refused") == [
        "referral date: 2 Nov 2026"]
    change = {"action": "update", "values": {"assessment_authorised_by": "Amira Ashdown",
                                             "closure_summary": ""}}
    keep = laptop.changed_fields(json.dumps(change))
    assert keep == ["assessment_authorised_by", "closure_summary"]
    assert laptop.version(json.dumps(row), server=True, kind="refused", keep=keep) == [
        "assessment authorised by: (blank)", "referral date: 2 Nov 2026"]
    assert laptop.version(json.dumps(change), server=False) == [
        "assessment authorised by: Amira Ashdown", "closure summary: (blank)"]
