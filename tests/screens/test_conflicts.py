"""Someone else changed this record since you opened it (issue 18): the form says who and
when in one line, keeps everything typed, and saves over their change only when asked again.
A clash that still reaches the top of the app is one line too, and the app carries on.

Synthetic people only: the demo store (seed 7) at the fixed TODAY.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from cintui.casework import cases, record
from cintui.store.base import WriteConflict
from cintui.store.engine import open_store
from cintui.store.models import Worker
from tests.conftest import TODAY
from tests.screens.test_child import REFERENCE, ChildHost, audit_entities, fill, read, text_of
from tests.screens.test_shell import settle, until

SIZE = (120, 40)


def edit_elsewhere(path, **changes) -> None:
    """Another worker saves the child's details (their own session, their own login)."""
    store = open_store(path, None)
    try:
        with store.session(ADMIN) as session:
            if session.exec(select(Worker).where(Worker.username == OTHER)).first() is None:
                session.add(Worker(username=OTHER, name="Olu Other", role="social_worker",
                                   email="olu.other@example.org"))
        with store.session(OTHER) as session:
            child = cases.find_child(session, REFERENCE)
            current = record.child_input(session, child.id)
            record.update_child(session, child.id, replace(current, **changes), TODAY)
    finally:
        store.close()


ADMIN, OTHER = "test.admin", "olu.other"


@pytest.mark.both_stores
async def test_a_child_changed_since_the_form_opened_is_named_and_nothing_typed_is_lost(
        demo_store):
    app = ChildHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "ChildFormScreen"
        edit_elsewhere(demo_store, service="Early help")  # while the form is open
        await fill(pilot, "#known_as", "Pri")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # kept open, with what was typed
        assert form.query_one("#known_as").value == "Pri"
        said = text_of(form, "#form-error")
        assert said.startswith("Not saved: Olu Other (olu.other) changed this child's details "
                               "at "), said
        assert "save again to keep yours" in said and "\n" not in said.strip()
        child = read(demo_store, lambda s: cases.find_child(s, REFERENCE))
        assert child.known_as != "Pri" and child.service == "Early help"  # theirs stands
        await pilot.press("ctrl+s")  # knowingly, the second time
        await until(pilot, lambda: type(app.screen).__name__ == "ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
    child = read(demo_store, lambda s: cases.find_child(s, REFERENCE))
    assert child.known_as == "Pri"
    # The form sends every field as it shows it: theirs is replaced, and both are in the trail.
    assert [e[3] for e in audit_entities(demo_store) if e[0] == "update" and e[1] == "child"
            ][-2:] == [OTHER, "test.worker"]


async def test_a_clash_reaching_the_top_of_the_app_is_one_line_and_the_app_carries_on(
        demo_store):
    app = ChildHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._handle_exception(WriteConflict("not saved: a record like it was saved at the same "
                                            "moment, or is already there; nothing was written"))
        await until(pilot, lambda: type(app.screen).__name__ == "ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"  # still running
        shown = [n.message for n in app._notifications]
        assert shown[-1].startswith("Not saved: a record like it was saved at the same moment")
        # A driver's own error that escaped a write session: the same, not a crash.
        app._handle_exception(IntegrityError("INSERT", {}, sqlite3.IntegrityError(
            "UNIQUE constraint failed: child.reference")))
        await until(pilot, lambda: type(app.screen).__name__ == "ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
        shown = [n.message for n in app._notifications]
        assert shown[-1] == ("Not saved: a record like it was saved at the same moment, or is "
                             "already there (UNIQUE constraint failed: child.reference); "
                             "nothing was written")
