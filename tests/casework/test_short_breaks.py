"""Short breaks and direct payments in the store (WAR 7, 7.1, 7.2.1; TRA CAN team; BEX short
breaks), on SQLite and PostgreSQL: on the record, their review clocks on the due list, in
the chronology, audited, carried by the transfer pack (and recreated by its import) and
listed in the step-down pack. Synthetic people only."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from cintui.casework import record, transfer
from cintui.casework import short_breaks as sb
from cintui.export.transfer import case_summary_sections, step_down_json
from cintui.store import models as m
from tests.casework.test_endings import ACTOR, new_child
from tests.casework.test_transfer import (
    agree_move,
    due_keys,
    final_meeting,
    ready_step_down,
    record_move,
    store,  # noqa: F401 (fixture)
    summary_keys,
    visit,
    with_plan,
)
from tests.conftest import TODAY

OVERNIGHT = sb.ShortBreakInput("Rainbow House", "overnight", 8, "month", date(2026, 10, 1))
PAYMENT = sb.DirectPaymentInput(12050, "four_weeks", "Layla Endingtest (mother)",
                                date(2025, 11, 3))


def disabled_child(store, first="Sam") -> object:  # noqa: F811 (the fixture's name)
    child_id = new_child(store, first=first)
    with store.session(ACTOR) as session:
        session.get(m.Child, child_id).disabilities = "AUT"
    return child_id


def write(store, fn, *args, **kw):  # noqa: F811
    with store.session(ACTOR) as session:
        return fn(session, *args, **kw)


def test_war_7_1_a_child_without_a_disability_is_refused_and_nothing_written(store):  # noqa: F811
    child_id = new_child(store)
    with pytest.raises(sb.SupportError, match=r"for a disabled child \(WAR 7.1\)"):
        write(store, sb.add_short_break, child_id, OVERNIGHT, by="Wendy Worker")
    with store.read() as session:
        assert session.exec(select(m.ShortBreak)).all() == []


def test_war_7_2_1_packages_run_review_clocks_on_the_due_list(store):  # noqa: F811
    """WAR 7.2.1: the direct payment started Mon 3 Nov 2025 is due its annual review on
    Tue 3 Nov 2026 (overdue on 23 Nov); reviewed on 20 Nov it is next due 19 Nov 2027
    (20 Nov 2027 is a Saturday). The short break set for review on 1 Dec 2026 is due then;
    ended, its clock stops. Each step is audited and in the chronology."""
    child_id = disabled_child(store)
    write(store, sb.add_direct_payment, child_id, PAYMENT, by="Wendy Worker")
    write(store, sb.add_short_break, child_id,
          sb.ShortBreakInput("Play scheme", "community", 3, "week", date(2026, 11, 2),
                             date(2026, 12, 1)), by="Wendy Worker")
    keys = due_keys(store, child_id)
    assert keys["direct_payment_review"] == date(2026, 11, 3)
    assert keys["short_break_review"] == date(2026, 12, 1)
    # The record's own clocks show them too (the Summary's "Next due").
    assert summary_keys(store, child_id)["direct_payment_review"] == date(2026, 11, 3)

    write(store, sb.record_review, child_id, "direct_payment", None, on=date(2026, 11, 20),
          by="Wendy Worker", notes="Paying for a PA two evenings a week", today=TODAY)
    assert "direct_payment_review" not in due_keys(store, child_id)  # a year away now
    with store.read() as session:
        (dp,) = sb.direct_payment_facts(session, child_id)
        assert dp.review_due == date(2027, 11, 19)
    write(store, sb.end, child_id, "short_break", 1, on=date(2026, 11, 20),
          reason="The family chose a direct payment instead", today=TODAY)
    assert "short_break_review" not in due_keys(store, child_id)
    with pytest.raises(sb.SupportError, match="ended on 20 Nov 2026 already"):
        write(store, sb.end, child_id, "short_break", 1, on=date(2026, 11, 20), reason="x",
              today=TODAY)

    with store.read() as session:
        chron = [(e.when, e.summary, e.detail) for e in
                 record.chronology(session, child_id, TODAY) if "ayment" in e.summary
                 or "short break" in e.summary]
        audited = {(a.action, a.entity) for a in session.exec(select(m.AuditEntry)).all()}
    assert (date(2025, 11, 3), "Direct payment of £120.50 every 4 weeks, managed by Layla "
            "Endingtest (mother): started", "") in chron
    assert (date(2026, 11, 20), "Direct payment reviewed (WAR 7.2.1): Direct payment of "
            "£120.50 every 4 weeks, managed by Layla Endingtest (mother)",
            "Paying for a PA two evenings a week Next review by 19 Nov 2027.") in chron
    assert (date(2026, 11, 20), "Community short break, 3 h a week, Play scheme: ended",
            "The family chose a direct payment instead") in chron
    assert {("insert", "short_break"), ("insert", "direct_payment"),
            ("insert", "support_review"), ("update", "short_break"),
            ("update", "direct_payment")} <= audited


def test_a_number_names_the_package_and_two_open_ones_need_it(store):  # noqa: F811
    child_id = disabled_child(store)
    write(store, sb.add_short_break, child_id, OVERNIGHT, by="Wendy Worker")
    write(store, sb.add_short_break, child_id,
          sb.ShortBreakInput("Saturday club", "day", 6, "week", date(2026, 10, 3)),
          by="Wendy Worker")
    with pytest.raises(sb.SupportError, match="2 open short breaks: say which"):
        write(store, sb.record_review, child_id, "short_break", None, on=TODAY, by="W",
              today=TODAY)
    with pytest.raises(sb.SupportError, match="no short break 3: the child has 2"):
        write(store, sb.end, child_id, "short_break", 3, on=TODAY, reason="x", today=TODAY)
    write(store, sb.edit_short_break, child_id, 2,
          sb.ShortBreakInput("Saturday club", "day", 7.5, "week", date(2026, 10, 3)))
    with pytest.raises(sb.SupportError, match="by 1 Oct 2027 at the latest"):
        write(store, sb.edit_short_break, child_id, 1,
              sb.ShortBreakInput("Rainbow House", "overnight", 8, "month", date(2026, 10, 1),
                                 date(2027, 12, 1)))
    with store.read() as session:
        assert [(f.provider, f.hours) for f in sb.short_break_facts(session, child_id)] == [
            ("Rainbow House", 8.0), ("Saturday club", 7.5)]


def test_the_transfer_pack_carries_them_and_the_import_runs_their_clocks_on(
        store, new_store):  # noqa: F811
    """WAR 7.2.1 with BEX 4: the receiving authority gets the packages and their reviews,
    so the annual review stays due on the same date."""
    child_id = disabled_child(store, first="Robin")
    with_plan(store, child_id)
    visit(store, child_id)
    write(store, sb.add_direct_payment, child_id, PAYMENT, by="Wendy Worker")
    write(store, sb.record_review, child_id, "direct_payment", None, on=date(2026, 11, 2),
          by="Wendy Worker", notes="Working well", next_due=date(2027, 5, 3), today=TODAY)
    write(store, sb.add_short_break, child_id, OVERNIGHT, by="Wendy Worker")
    record_move(store, child_id)
    agree_move(store, child_id)
    with store.read() as session:
        data = transfer.pack_data(session, child_id, TODAY)
    assert [p["provider"] for p in data["short_breaks"]] == ["Rainbow House"]
    assert data["direct_payments"][0]["reviews"] == [
        {"reviewed_on": "2026-11-02", "reviewed_by": "Wendy Worker", "notes": "Working well",
         "next_due": "2027-05-03"}]
    sections = dict(case_summary_sections(json.loads(json.dumps(data))))
    assert sections["Short breaks and direct payments (WAR 7, 7.2.1)"] == [
        "Overnight short break, 8 h a month, Rainbow House: from 1 Oct 2026, next review by "
        "1 Oct 2027",
        "Direct payment of £120.50 every 4 weeks, managed by Layla Endingtest (mother): from "
        "3 Nov 2025, last reviewed 2 Nov 2026, next review by 3 May 2027"]

    other = new_store("fresh.db")
    try:
        with other.session(ACTOR) as session:
            child = transfer.import_pack(session, json.loads(json.dumps(data)), today=TODAY)
            new_id = child.id
        with other.read() as session:
            (dp,) = sb.direct_payment_facts(session, new_id)
            (brk,) = sb.short_break_facts(session, new_id)
        assert (dp.amount_pence, dp.review_due, [r.on for r in dp.reviews]) == (
            12050, date(2027, 5, 3), [date(2026, 11, 2)])
        assert (brk.provider, brk.hours, brk.review_due) == ("Rainbow House", 8.0,
                                                             date(2027, 10, 1))
    finally:
        other.close()


def test_a_payment_moved_from_the_case_steps_travels_with_not_recorded_war_7_2_1(
        store, new_store):  # noqa: F811
    """WAR 7.2.1 with BEX 4: a direct payment moved from the case steps' record (revision
    0024: amount, period and manager not recorded) is in the transfer pack saying so, and
    the receiving store takes it with its review date unchanged, not refusing the pack."""
    child_id = disabled_child(store, first="Robin")
    with_plan(store, child_id)
    visit(store, child_id)
    with store.session(ACTOR) as session:  # as the upgrade writes it
        session.add(m.DirectPayment(child_id=child_id, amount_pence=None, period="",
                                    managed_by="", started_on=date(2025, 1, 6),
                                    review_due=date(2026, 12, 4)))
    record_move(store, child_id)
    agree_move(store, child_id)
    with store.read() as session:
        data = json.loads(json.dumps(transfer.pack_data(session, child_id, TODAY)))
    assert dict(case_summary_sections(data))[
        "Short breaks and direct payments (WAR 7, 7.2.1)"] == [
        "Direct payment (amount not recorded), manager not recorded: from 6 Jan 2025, next "
        "review by 4 Dec 2026"]
    other = new_store("fresh.db")
    try:
        with other.session(ACTOR) as session:
            new_id = transfer.import_pack(session, data, today=TODAY).id
        with other.read() as session:
            (dp,) = sb.direct_payment_facts(session, new_id)
        assert (dp.amount_pence, dp.period, dp.managed_by, dp.review_due) == (
            None, "", "", date(2026, 12, 4))
    finally:
        other.close()


def test_the_step_down_pack_lists_what_continues(store):  # noqa: F811
    """WIR 3 with WAR 7: the early help service is told which short breaks and direct
    payments continue, and when each is next reviewed; an ended one is not listed."""
    child_id = disabled_child(store)
    with_plan(store, child_id)
    final_meeting(store, child_id)
    visit(store, child_id)
    write(store, sb.add_short_break, child_id, OVERNIGHT, by="Wendy Worker")
    write(store, sb.add_direct_payment, child_id, PAYMENT, by="Wendy Worker")
    write(store, sb.end, child_id, "direct_payment", None, on=date(2026, 11, 10),
          reason="No longer needed", today=TODAY)
    ready_step_down(store, child_id)
    with store.read() as session:
        doc = transfer.step_down_pack(session, child_id, TODAY)
    assert doc.packages == ("Overnight short break, 8 h a month, Rainbow House: from 1 "
                            "October 2026, next review by 1 October 2027",)  # days in full
    assert json.loads(step_down_json(doc))["short_breaks_and_direct_payments"] == \
        list(doc.packages)
