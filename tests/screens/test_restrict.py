"""L on the child's record (or Ctrl+P "Record: restrict to named workers"): a manager
restricts the record to named workers (issue 18); the manager and the child's worker are
always named; a worker who is not a manager is refused beside the field."""

from __future__ import annotations

from sqlmodel import select

from cintui.casework import admin
from cintui.store.engine import open_store
from cintui.store.models import Child
from tests.casework.test_endings import MANAGER, WORKER
from tests.screens.test_child import SIZE, ChildHost, fill, text_of
from tests.screens.test_endings import prepared
from tests.screens.test_shell import press_to, settle


def _named(path, reference) -> tuple[str, ...]:
    store = open_store(path, None)
    try:
        with store.read() as session:
            child = session.exec(select(Child).where(Child.reference == reference)).one()
            return admin.restriction(session, child.id)
    finally:
        store.close()


async def test_a_manager_restricts_a_record_by_keys(demo_store):
    ref = prepared(demo_store)
    app = ChildHost(demo_store, ref)
    app.actor = MANAGER
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_to(pilot, "L", screen="RestrictFormScreen")
        assert type(app.screen).__name__ == "RestrictFormScreen"
        await fill(pilot, "#to", "sam.service")
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
    assert _named(demo_store, ref) == tuple(sorted((MANAGER, "sam.service", WORKER)))


async def test_a_social_worker_may_not_restrict_a_record(demo_store):
    ref = prepared(demo_store)
    app = ChildHost(demo_store, ref)
    app.actor = WORKER
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        await fill(pilot, "#to", "sam.service")
        await press_to(pilot, "ctrl+s", screen="RestrictFormScreen")
        assert type(app.screen).__name__ == "RestrictFormScreen"
        assert "needs a team manager or service manager" in text_of(app.screen, "#form-error")
    assert _named(demo_store, ref) == ()
