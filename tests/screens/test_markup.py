"""Output is inert, markup included (Trust): a name, a plan, a visit record or minutes that
hold text reading like Rich or Textual markup (`[/i]`, `[b]`, `[link=…]`) are shown as
typed on every screen. Read as markup, a closing tag that closes nothing stopped the app
(MarkupError: My week with such a child's name, the child's record, the palette), and a
valid tag restyled or linked what a worker wrote. Synthetic people only."""

from __future__ import annotations

import pytest

from cintui.app import CintuiApp
from cintui.store import access
from tests.conftest import TODAY
from tests.markup_store import MARK, mark_store
from tests.screens.test_lock import shown
from tests.screens.test_shell import screen_name, settle
from tests.screens.test_small_terminal import each_palette_command

SIZE = (120, 40)


@pytest.fixture
def marked_store(sqlite_demo_store):
    mark_store(sqlite_demo_store)
    return sqlite_demo_store


async def test_markup_in_what_was_written_is_shown_as_typed_on_every_screen(
        marked_store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where an export the keys may start would be written
    app = CintuiApp(access.locate(marked_store), today=TODAY, worker="")
    marked: dict[str, bool] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_view("everyone")
        await settle(pilot)
        assert MARK in shown(app)  # the caseload: names, workers
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "ChildScreen"
        for tab in "1234567":  # each tab of the child's record
            await pilot.press(tab)
            await settle(pilot)
            marked[f"record tab {tab}"] = MARK in shown(app)
        async for text in each_palette_command(app, pilot):
            marked[text] = MARK in shown(app)
    # What the record shows of the child, people, plan, visits and meetings is as typed.
    assert all(marked[f"record tab {tab}"] for tab in "1234567"), marked
    assert marked["My week"] and marked["Team view"], marked


async def test_markup_typed_in_the_filter_or_found_by_ctrl_p_is_shown_as_typed(marked_store):
    """The caseload's filter says what was typed ("No children match '[/x'"), and Ctrl+P's
    "Go to child" lists names holding markup as they are."""
    from tests.screens.test_shell import type_text

    app = CintuiApp(access.locate(marked_store), today=TODAY, worker="")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_view("everyone")
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "[/x")
        await settle(pilot)
        assert "No children match '[/x'" in shown(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "DEMO0")
        await pilot.pause(0.5)
        await settle(pilot)
        listed = [str(o.prompt) for o in app.screen.query_one("CommandList")._options]
        assert any(line.startswith("Go to child") and MARK in line for line in listed), listed
        assert app.is_running


async def test_a_notice_naming_what_was_typed_shows_it_as_typed(marked_store):
    """Notices carry names and reasons ("Poppy [/i] left on …"): plain text, from a screen
    as from the app (`cintui/plain_notices.py`), as the toast that shows them renders it."""
    from textual.widgets._toast import Toast

    app = CintuiApp(access.locate(marked_store), today=TODAY, worker="")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.notify(f"Poppy {MARK} left on 23/11/2026.")
        app.notify("[b]Saved[/b]")
        await settle(pilot)
        toasts = [Toast(n).render().plain for n in app._notifications]
        assert toasts == [f"Poppy {MARK} left on 23/11/2026.", "[b]Saved[/b]"]
        assert app.is_running
