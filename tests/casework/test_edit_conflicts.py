"""No last writer wins (issue 18): a team, a worker, a short break, a direct payment, the
WIR 2.10 non-engagement path, the assessment record and its factors edited from forms that read the same version are saved once; every other save is refused in
one line naming who changed it and when, and nothing is overwritten. Real processes released
together (tests/casework/test_concurrency.py's harness), on a SQLite file and on PostgreSQL;
then a form saved after the CLI (a process of its own) changed the record is refused too.

Synthetic people only.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from cintui.casework import admin, cases, conflicts, safeguards
from cintui.casework import short_breaks as sb
from cintui.casework import steps as cs
from cintui.domain.meeting_safeguards import NonEngagement
from cintui.store import models as m
from tests.casework import test_concurrency as race
from tests.casework.test_concurrency import (
    ACTOR,
    WORKER,
    _no_internal_error,
    _open,
    _setup_child,
    _verify_audit,
    pg_where,  # noqa: F401 (fixture)
    sqlite_where,  # noqa: F401 (fixture)
    together,
)
from tests.conftest import TODAY

TEAM = "Race Team"
OPENED = "after you opened it"


def _setup(where: dict) -> uuid.UUID:
    """A team, the worker in it, a disabled child with a short break and a direct payment."""
    child_id = _setup_child(where)
    store = _open(where)
    try:
        with store.session(ACTOR) as session:
            admin.add_team(session, admin.TeamInput(TEAM, "Children in Need"))
            admin.edit_worker(session, WORKER, admin.WorkerInput(team=TEAM))
            session.get(m.Child, child_id).disabilities = "AUT"
        with store.session(ACTOR) as session:  # an assessment under way (WIR 1.1)
            episode = cases.current_episode(session, child_id)
            episode.assessment_started = date(2026, 3, 9)
            session.add(episode)
        with store.session(ACTOR) as session:
            sb.add_short_break(session, child_id, sb.ShortBreakInput(
                "Rainbow House", "overnight", 8, "month", date(2026, 10, 1)), by="Wendy Race")
            sb.add_direct_payment(session, child_id, sb.DirectPaymentInput(
                12050, "four_weeks", "Robin's mother", date(2025, 11, 3)), by="Wendy Race")
    finally:
        store.close()
    return child_id


def _stamps(where: dict, child_id: uuid.UUID) -> dict[str, str]:
    """What each form keeps when it opens (screens/admin.py, screens/short_breaks.py)."""
    store = _open(where)
    try:
        with store.read() as session:
            team = next(t for t in admin.list_teams(session) if t.name == TEAM)
            worker = next(w for w in admin.list_workers(session) if w.username == WORKER)
            view = sb.view(session, child_id)
            return {"team": admin.team_stamp(team), "worker": admin.worker_stamp(worker),
                    "short_break": sb.fact_stamp(view.short_breaks[0]),
                    "direct_payment": sb.fact_stamp(view.direct_payments[0]),
                    "non_engagement": safeguards.non_engagement_stamp(
                        safeguards.non_engagement(session, child_id)),
                    "assessment_record": cs.record_stamp(cs._load(session, child_id)[2]),
                    "factors": cs.factors_stamp(cs._load(session, child_id)[2])}
    finally:
        store.close()


# ---------------------------------------------------------------- the saves (in the children)


def _save(store, i: int, kind: str, child_id: uuid.UUID, seen: str) -> None:
    with store.session(f"worker.{i}") as session:
        if kind == "team":
            admin.edit_team(session, TEAM, admin.TeamInput(service=f"Service {i}"), seen=seen)
        elif kind == "worker":
            admin.edit_worker(session, WORKER, admin.WorkerInput(
                email=f"wendy.{i}@example.org"), seen=seen)
        elif kind == "short_break":
            sb.edit_short_break(session, child_id, 1, sb.ShortBreakInput(
                f"Provider {i}", "overnight", 8, "month", date(2026, 10, 1)), seen=seen)
        elif kind == "direct_payment":
            sb.edit_direct_payment(session, child_id, 1, sb.DirectPaymentInput(
                12000 + i, "four_weeks", "Robin's mother", date(2025, 11, 3)), seen=seen)
        elif kind == "non_engagement":
            safeguards.save_non_engagement(session, child_id, NonEngagement(why=f"Reason {i}"),
                                           by=f"Worker {i}", today=TODAY, seen=seen)
        elif kind == "assessment_record":
            cs.write_record(session, child_id, {"analysis": f"Analysis {i}"}, seen=seen)
        else:
            cs.set_factors(session, child_id, [FACTORS[i % len(FACTORS)]], seen=seen)


race.JOBS["edit_record"] = _save  # forked children find it in the harness's table


def _saved(where: dict, kind: str, child_id: uuid.UUID) -> str:
    store = _open(where)
    try:
        with store.read() as session:
            if kind == "team":
                return cases.find_team(session, TEAM).service
            if kind == "worker":
                return next(w.email for w in admin.list_workers(session)
                            if w.username == WORKER)
            if kind == "non_engagement":
                return safeguards.non_engagement(session, child_id).path.why
            if kind == "assessment_record":
                return cs._load(session, child_id)[2].record.get("analysis", "")
            if kind == "factors":
                return " ".join(cs._load(session, child_id)[2].factors)
            view = sb.view(session, child_id)
            if kind == "short_break":
                return view.short_breaks[0].provider
            return str(view.direct_payments[0].amount_pence)
    finally:
        store.close()


EXPECTED = {"team": "Service {i}", "worker": "wendy.{i}@example.org",
            "short_break": "Provider {i}", "direct_payment": "{amount}",
            "non_engagement": "Reason {i}", "assessment_record": "Analysis {i}",
            "factors": "{factor}"}
WHAT = {"team": f"the team {TEAM}", "worker": "Wendy Race's details",
        "short_break": "this short break", "direct_payment": "this direct payment",
        "non_engagement": "this child's non-engagement record (WIR 2.10)",
        "assessment_record": "this child's assessment record",
        "factors": "this child's assessment factors"}
FACTORS = ["1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B"]


def saved_once_each(where: dict, n: int = 3) -> None:
    child_id = _setup(where)
    seen = _stamps(where, child_id)
    for kind in WHAT:
        outcomes = together(where, n, "edit_record", kind, child_id, seen[kind])
        _no_internal_error(outcomes)
        winners = [i for i, o in enumerate(outcomes) if o[0] == "ok"]
        assert len(winners) == 1, (kind, outcomes)
        winner = winners[0]
        for i, o in enumerate(outcomes):
            if i != winner:
                assert o[0] == "EditConflict", (kind, o)
                assert o[1].startswith(f"worker.{winner} changed {WHAT[kind]} at "), o[1]
                assert OPENED in o[1] and "\n" not in o[1]
        want = EXPECTED[kind].format(i=winner, amount=12000 + winner,
                                     factor=FACTORS[winner % len(FACTORS)])
        assert _saved(where, kind, child_id) == want, kind
    _verify_audit(where)


CLI_EDITS = {
    "team": ["team", "edit", TEAM, "--service", "Changed by the CLI"],
    "worker": ["worker", "edit", WORKER, "--email", "cli@example.org"],
    "short_break": ["short-break", "edit", "{ref}", "1", "--provider", "Changed by the CLI"],
    "direct_payment": ["direct-payment", "edit", "{ref}", "1", "--amount", "99.00"],
    "non_engagement": ["meeting", "non-engagement", "{ref}", "--why", "Changed by the CLI"],
    "assessment_record": ["assessment", "record", "{ref}", "--analysis", "Changed by the CLI"],
    "factors": ["assessment", "factors", "{ref}", "--factor", "3A"],
}
AFTER_CLI = {"team": "Changed by the CLI", "worker": "cli@example.org",
             "short_break": "Changed by the CLI", "direct_payment": "9900",
             "non_engagement": "Changed by the CLI", "assessment_record": "Changed by the CLI",
             "factors": "3A"}


def saved_after_the_cli_changed_it(where: dict) -> None:
    """A form opened, the same record changed by `cintui ... edit` in another process, then
    the form saved: refused in one line; the CLI's change stands."""
    child_id = _setup(where)
    ref = race.reference_of(where, child_id)
    seen = _stamps(where, child_id)
    for kind, argv in CLI_EDITS.items():
        done = together(where, 1, "cli", [a.format(ref=ref) for a in argv])[0]
        assert done[:2] == ("exit", 0), (kind, done)
        store = _open(where)
        try:
            with pytest.raises(conflicts.EditConflict) as refused:
                _save(store, 7, kind, child_id, seen[kind])
        finally:
            store.close()
        assert str(refused.value).startswith(
            f"Wendy Race ({WORKER}) changed {WHAT[kind]} at "), kind
        assert OPENED in str(refused.value) and "\n" not in str(refused.value)
        assert _saved(where, kind, child_id) == AFTER_CLI[kind], kind
        # Saved again knowingly (the form now holds what it was told): the save goes through.
        store = _open(where)
        try:
            _save(store, 7, kind, child_id, refused.value.current)
        finally:
            store.close()
        assert _saved(where, kind, child_id) == EXPECTED[kind].format(
            i=7, amount=12007, factor=FACTORS[7 % len(FACTORS)])
    _verify_audit(where)


def test_forms_saved_at_once_save_one_on_a_sqlite_file(sqlite_where):  # noqa: F811
    saved_once_each(sqlite_where)


def test_forms_saved_at_once_save_one_on_postgresql(pg_where):  # noqa: F811
    saved_once_each(pg_where)


def test_a_form_saved_after_the_cli_changed_the_record_on_a_sqlite_file(sqlite_where):  # noqa: F811
    saved_after_the_cli_changed_it(sqlite_where)


def test_a_form_saved_after_the_cli_changed_the_record_on_postgresql(pg_where):  # noqa: F811
    saved_after_the_cli_changed_it(pg_where)
