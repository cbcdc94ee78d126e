"""A child restricted to named workers (issue 18), on any store: set by a manager, who is
always among those named, as is the child's worker; lifted by naming no one. On a team
server the server hides the record from everyone else (tests/store/test_team_server.py)."""

from __future__ import annotations

import pytest

from cintui.casework import admin
from tests.casework.test_endings import ACTOR, MANAGER, SERVICE, WORKER, add_staff, new_child


@pytest.fixture
def child(plain_store):
    add_staff(plain_store)
    return new_child(plain_store)


@pytest.fixture
def plain_store(tmp_path):
    from cintui.store.engine import create_store

    store = create_store(tmp_path / "plain.db", None, encrypt=False)
    yield store
    store.close()


def test_a_manager_restricts_a_child_and_is_always_named_with_the_childs_worker(
        plain_store, child):
    with plain_store.session(ACTOR) as session:
        done = admin.restrict(session, child, [SERVICE], by=MANAGER)
    assert done.workers == tuple(sorted((MANAGER, SERVICE, WORKER)))
    with plain_store.session(ACTOR) as session:
        done = admin.restrict(session, child, [WORKER], by=SERVICE)
    assert done.workers == tuple(sorted((SERVICE, WORKER)))  # Tess is no longer named
    with plain_store.session(ACTOR) as session:
        done = admin.restrict(session, child, [], by=SERVICE)
        assert admin.restriction(session, child) == () == done.workers


def test_only_a_manager_restricts_a_child(plain_store, child):
    with plain_store.session(ACTOR) as session, pytest.raises(admin.AdminError) as refused:
        admin.restrict(session, child, [SERVICE], by=WORKER)
    assert refused.value.problem == ("restricting a child's record needs a team manager or "
                                     f"service manager; {WORKER} is a social worker")
    with plain_store.read() as session:
        assert admin.restriction(session, child) == ()
