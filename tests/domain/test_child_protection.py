"""Child protection facts (Working Together 2023; DOMAIN.md §3, BEX 3), worked by hand: a
strategy discussion, the section 47 enquiry it decides, the initial child protection
conference (ICPC) or that none was needed; the `s47_start` and `icpc` clocks; and the
DfE census rules a recorded fact can never break (1104, 2889, 8615, 8868, 8870Q, 8875)."""

from __future__ import annotations

from datetime import date

import pytest

from cintui.domain.child_protection import (
    Enquiry,
    InvalidChildProtection,
    check_icpc_target,
    check_outcome,
    check_s47_start,
    check_strategy,
    enquiry_entries,
)
from cintui.domain.timescales import ChildEvents, EnquiryFact, compute_deadlines
from cintui.reference import policies

TODAY = date(2026, 11, 23)  # a Monday
REFERRAL = date(2026, 10, 1)
DECIDED = Enquiry(date(2026, 11, 2), "s47")
STARTED = Enquiry(date(2026, 11, 2), "s47", s47_started=date(2026, 11, 3),
                  icpc_target=date(2026, 11, 23))


def test_a_strategy_discussion_on_the_current_episode():
    check_strategy(date(2026, 11, 2), "s47", REFERRAL, None, TODAY)
    check_strategy(REFERRAL, "no_s47", REFERRAL, None, TODAY)


@pytest.mark.parametrize(("on", "outcome", "closed", "previous", "says"), [
    (date(2026, 11, 24), "s47", None, None, "in the future"),
    (date(2026, 9, 30), "s47", None, None, "before the referral"),
    (date(2026, 11, 2), "maybe", None, None, "not one of: s47, no-s47"),
    (date(2026, 11, 2), "s47", date(2026, 11, 1), None, "case closed"),
    # One open enquiry at a time (DfE 8839, 8890): the last one has no outcome yet.
    (date(2026, 11, 20), "s47", None, STARTED, "has no outcome yet"),
])
def test_a_strategy_discussion_that_cannot_be_recorded(on, outcome, closed, previous, says):
    with pytest.raises(InvalidChildProtection, match=says):
        check_strategy(on, outcome, REFERRAL, closed, TODAY, previous)


def test_the_enquiry_starts_after_the_discussion_that_decided_it():
    check_s47_start(DECIDED, date(2026, 11, 2), TODAY)  # the same day
    with pytest.raises(InvalidChildProtection, match="no strategy discussion has decided"):
        check_s47_start(Enquiry(date(2026, 11, 2), "no_s47"), date(2026, 11, 3), TODAY)
    with pytest.raises(InvalidChildProtection, match="before the strategy discussion"):
        check_s47_start(DECIDED, date(2026, 11, 1), TODAY)  # DfE 2889 can't follow
    with pytest.raises(InvalidChildProtection, match="started on 3 Nov 2026"):
        check_s47_start(STARTED, date(2026, 11, 4), TODAY)


def test_the_icpc_is_held_on_a_working_day_after_the_enquiry_started():
    check_outcome(STARTED, "icpc", date(2026, 11, 20), TODAY)
    check_outcome(STARTED, "no_icpc", date(2026, 11, 22), TODAY)  # a Sunday: no meeting
    with pytest.raises(InvalidChildProtection, match="Saturday: a conference is on a working"):
        check_outcome(STARTED, "icpc", date(2026, 11, 21), TODAY)  # DfE 8875
    with pytest.raises(InvalidChildProtection, match="before the section 47 enquiry started"):
        check_outcome(STARTED, "icpc", date(2026, 11, 2), TODAY)  # DfE 8615, 1104
    with pytest.raises(InvalidChildProtection, match="no section 47 enquiry has started"):
        check_outcome(DECIDED, "icpc", date(2026, 11, 20), TODAY)
    done = Enquiry(date(2026, 11, 2), "s47", date(2026, 11, 3), None, "icpc",
                   date(2026, 11, 20), date(2026, 11, 20))
    with pytest.raises(InvalidChildProtection, match="already has its outcome"):
        check_outcome(done, "no_icpc", date(2026, 11, 20), TODAY)  # DfE 8868: not both


def test_a_target_date_on_a_weekend_is_refused():
    check_icpc_target(STARTED, date(2026, 11, 20))
    with pytest.raises(InvalidChildProtection, match="Sunday"):
        check_icpc_target(STARTED, date(2026, 11, 22))  # DfE 8870Q


def test_the_strategy_discussion_starts_the_s47_and_icpc_clocks():
    # Working Together 2023: ICPC within 15 working days of the strategy discussion
    # (2 Nov 2026 + 15 working days = 23 Nov 2026); the enquiry starts as soon as possible.
    england = policies.load_policy("england")
    events = ChildEvents(referral=REFERRAL, enquiries=(EnquiryFact(date(2026, 11, 2)),))
    due = {d.key: d.due for d in compute_deadlines(events, england, date(2026, 11, 2))}
    assert due["s47_start"] == date(2026, 11, 3) and due["icpc"] == date(2026, 11, 23)
    started = ChildEvents(referral=REFERRAL, enquiries=(
        EnquiryFact(date(2026, 11, 2), s47_started=date(2026, 11, 3)),))
    keys = [d.key for d in compute_deadlines(started, england, TODAY)]
    assert "s47_start" not in keys and "icpc" in keys
    for done in (EnquiryFact(date(2026, 11, 2), True, date(2026, 11, 3), date(2026, 11, 20)),
                 EnquiryFact(date(2026, 11, 2), True, date(2026, 11, 3), None, True),
                 EnquiryFact(date(2026, 11, 2), decided_s47=False)):
        keys = [d.key for d in compute_deadlines(
            ChildEvents(referral=REFERRAL, enquiries=(done,)), england, TODAY)]
        assert "icpc" not in keys


def test_the_chronology_shows_each_step():
    done = Enquiry(date(2026, 11, 2), "s47", date(2026, 11, 3), date(2026, 11, 23), "icpc",
                   date(2026, 11, 20), date(2026, 11, 20))
    lines = [(e.when, e.summary) for e in enquiry_entries([(done, "sw.one", "police", "x")])]
    assert lines == [
        (date(2026, 11, 2), "Strategy discussion: section 47 enquiry"),
        (date(2026, 11, 3), "Section 47 enquiry started (ICPC target 23 Nov 2026)"),
        (date(2026, 11, 20), "Initial child protection conference held")]
