"""A transfer pack comes from another authority's system: whatever is wrong with it, the
import refuses it with one clear reason (a ValueError the CLI prints as one line) and writes
nothing, or imports it whole (BEX 4; "imports are all-or-nothing"). Never a crash."""

from __future__ import annotations

import copy
import itertools
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from cintui.casework import transfer
from cintui.store import models as m
from cintui.store.engine import create_store, open_store
from tests.casework.test_endings import ACTOR, MANAGER, add_staff
from tests.casework.test_transfer_roundtrip import richest_child
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> dict:
    """A real pack's JSON, from a demo child (synthetic people)."""
    from cintui import cli as cli_mod

    path = tmp_path_factory.mktemp("sending") / "demo.db"
    try:
        cli_mod.run(["demo", "--children", "20", "--seed", "7", "--db", str(path),
                     "--no-encrypt", "--today", TODAY.isoformat()])
    except SystemExit as done:
        assert not done.code
    store = open_store(path, None)
    try:
        add_staff(store)
        child_id = richest_child(store)
        with store.session(ACTOR) as session:
            transfer.record_transfer(session, child_id, transfer.TransferInput(
                receiving_authority="Exampleshire County Council", receiving_contact="Duty",
                move_date=date(2026, 11, 16), consent_to_share="given", moves_count=1),
                on=date(2026, 11, 16), by="Wendy Worker", today=TODAY)
            transfer.decide_transfer(session, child_id, approve=True, rationale="Moved",
                                     on=date(2026, 11, 17), today=TODAY, by=MANAGER,
                                     actor=ACTOR)
        with store.read() as session:
            data = transfer.pack_data(session, child_id, TODAY)
    finally:
        store.close()
    return json.loads(json.dumps(data))  # as read from the file


@pytest.fixture(scope="module")
def receiving(tmp_path_factory):
    store = create_store(tmp_path_factory.mktemp("receiving") / "in.db", None, encrypt=False)
    yield store
    store.close()


_junk = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=5),
                  st.sampled_from(["2026-02-30", "9999-99-99", "", "RC0", "NONE"]),
                  st.just([]), st.just({}), st.just([{}]))


_fresh = itertools.count()


def _paths(data, prefix=()):
    """Every place in the JSON (dict keys and list items), to three levels down."""
    if len(prefix) >= 3:
        return
    items = data.items() if isinstance(data, dict) else (
        enumerate(data[:3]) if isinstance(data, list) else ())
    for key, value in items:
        yield (*prefix, key)
        yield from _paths(value, (*prefix, key))


@settings(max_examples=250, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.data())
def test_a_damaged_pack_is_refused_with_a_reason_and_nothing_is_written(pack, receiving, data):
    paths = sorted(_paths(pack), key=repr)
    broken = copy.deepcopy(pack)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent = broken
        try:
            for key in path[:-1]:
                parent = parent[key]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = data.draw(_junk)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change took that place away
    if isinstance(broken.get("child"), dict) and "reference" in broken["child"] \
            and broken["child"]["reference"] == pack["child"]["reference"]:
        broken["child"]["reference"] = f"FUZZ{next(_fresh)}"  # not refused as a repeat

    def counts():
        with receiving.read() as session:
            return tuple(session.exec(select(func.count()).select_from(model)).one()
                         for model in (m.Child, m.Person, m.Visit, m.Meeting, m.PlanVersion,
                                       m.AuditEntry))
    before = counts()
    try:
        with receiving.session(ACTOR) as session:
            transfer.import_pack(session, transfer.check_pack(broken), today=TODAY)
    except ValueError as refused:  # PackError, CaseworkError, InvalidCode…: one line
        message = str(refused)
        assert message and "\n" not in message and "Traceback" not in message
        assert counts() == before
    else:
        assert counts()[0] == before[0] + 1  # imported whole
