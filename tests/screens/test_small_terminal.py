"""Every palette command on a laptop's 80x24 terminal: each opens what it opens, and takes
a key, without the app stopping (issue 20: 80x24 is the size of many laptop
terminals; the team view once stopped the app there). Synthetic people only."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cintui.app import CintuiApp
from cintui.screens.palette import WorkCommands
from cintui.store import access
from tests.conftest import TODAY
from tests.screens.test_shell import screen_name, settle

LAPTOP = (80, 24)


def palette(app) -> dict[str, object]:
    """Ctrl+P's work commands, by their text, as the palette lists them."""
    provider = SimpleNamespace(app=app)  # the list reads only `self.app`
    return {text: run for text, run, _help in WorkCommands.commands(provider)}


async def each_palette_command(app, pilot):
    """Run every Ctrl+P work command from the child's record (the first child of the
    everyone view), one after another, and yield each one's text once it has run and taken
    a first key (Down); the app must still be running."""
    record = None
    for text in palette(app):
        if record in app.screen_stack:  # back to the child's record
            while app.screen is not record:
                app.pop_screen()
        else:  # a command that left it (a caseload view, Who am I): open it again
            while len(app.screen_stack) > 2:
                app.pop_screen()
            app.switch_view("everyone")
            await settle(pilot)
            await pilot.press("enter")
            record = app.screen
        await settle(pilot)
        assert screen_name(app) == "ChildScreen", text
        palette(app)[text]()
        await settle(pilot)
        yield text
        await pilot.press("down")  # a first look around
        await settle(pilot)
        assert app.is_running, f"the app stopped after {text!r}"


def hidden_on_form(app) -> list[str]:
    """What a worker at 80x24 cannot see on the form in front: the box they are typing in
    and Save, each whole on the screen, inside the form's scrolling body (not under its
    title or its foot), with no notice over either or over the form's note. [] when all
    is in view."""
    from textual.widgets._toast import Toast

    form = app.screen
    screen = form.region
    body = form.query_one("#form").scrollable_content_region
    title, foot = (form.query_one(f"#form-{part}").region for part in ("title", "foot"))
    typed, save = app.focused, form.query_one("#save")
    note = form.query_one("#form-info")
    hidden = []
    if typed is None or typed is save or not typed.region.area:
        hidden.append(f"the box typed in ({typed}) is off the form")
    elif not (body.contains_region(typed.region) and screen.contains_region(typed.region)) \
            or typed.region.overlaps(title) or typed.region.overlaps(foot):
        hidden.append(f"the box typed in ({typed.id}) is cut or under the title or foot")
    if not save.region.area or not screen.contains_region(save.region):
        hidden.append("Save is off the screen")
    if note.display and (not note.region.area or note.region.overlaps(save.region)):
        hidden.append("the note is off the screen or over Save")
    for toast in app.screen.query(Toast):
        for what, widget in (("the box typed in", typed), ("Save", save), ("the note", note)):
            if widget is not None and widget.display and toast.region.overlaps(widget.region):
                hidden.append(f"a notice is over {what}")
    return hidden


# A notice of six lines as Textual draws it at 80x24 (57 columns inside the notice): the
# kind a clash or a refusal gives, naming what happened and what to do about it.
LONG_NOTICE = (
    "Updated: someone recorded a visit to this child while this was open, and the "
    "manager changed the plan's review date: what you typed stays; saving checks for a "
    "clash with them, and the record shows both once this is saved or put aside. Read "
    "the chronology (4) before you add anything that depends on the visit or the date.")


def notices_over(app, **widgets) -> list[str]:
    """What a notice hides on the screen in front: each of `widgets` (by what it is to a
    worker) that is off the screen or under a notice; notices drawn more than three lines
    high, together or one alone; one cut without the "…" and its whole text under the
    mouse. [] when all is in view."""
    from textual.widgets._toast import Toast

    screen = app.screen.region
    hidden = []
    toasts = [toast for toast in app.screen.query(Toast) if toast.region.area]  # drawn
    for what, widget in widgets.items():
        if widget is None or not widget.region.area or not screen.contains_region(
                widget.region):
            hidden.append(f"{what} is off the screen")
        elif any(toast.region.overlaps(widget.region) for toast in toasts):
            hidden.append(f"a notice is over {what}")
    if sum(toast.region.height for toast in toasts) > 3:
        hidden.append(f"notices {sum(toast.region.height for toast in toasts)} lines high")
    for toast in toasts:
        said = str(toast.render())
        if toast.region.height > 3:
            hidden.append(f"a notice of {toast.region.height} lines: {said!r}")
        if said.endswith("…") and not toast.tooltip:
            hidden.append(f"a notice cut with no whole text under the mouse: {said!r}")
    return hidden


def the_long_notice(app):
    """The notice that says `LONG_NOTICE`, as shown (one, or None)."""
    from textual.widgets._toast import Toast

    shown = [toast for toast in app.screen.query(Toast)
             if str(toast.render()).startswith(LONG_NOTICE[:40])]
    assert len(shown) <= 1, shown
    return shown[0] if shown else None


def footer_keys_cut(app) -> list[str]:
    """The footer's keys (F1 / ? Help among them) cut by the terminal's edge or hidden under
    the Ctrl+P key at its right."""
    footer = app.screen.query_one("Footer")
    keys = list(footer.query("FooterKey"))
    edge = min([footer.scrollable_content_region.right,
                *(k.region.x for k in keys if k.has_class("-command-palette"))])
    return [f"{key.key_display} {key.description}" for key in keys
            if not key.has_class("-command-palette")
            and (key.region.right > edge or not key.region.width)]


async def test_every_palette_command_opens_at_80x24_without_stopping_the_app(
        sqlite_demo_store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where an export the keys may start would be written
    app = CintuiApp(access.locate(sqlite_demo_store), today=TODAY, worker="")
    opened: dict[str, str] = {}
    cut: dict[str, list[str]] = {}
    async with app.run_test(size=LAPTOP) as pilot:
        await settle(pilot)
        async for text in each_palette_command(app, pilot):
            opened[text] = screen_name(app)
            if keys := footer_keys_cut(app):
                cut[screen_name(app)] = keys
    assert cut == {}  # issue 20: the footer keeps the screen's main keys at 80x24
    assert opened["Team view"] == "TeamScreen"
    assert opened["Record: supervision and case direction (U)"] == "SupervisionScreen"
    assert opened["Set up: authority, teams and workers"] == "AdminScreen"
    assert len(opened) == len(palette(app)) >= 30


async def test_a_record_command_from_the_caseload_opens_the_highlighted_childs_record(
        sqlite_demo_store):
    """Ctrl+P "supervision" on the caseload once said "Open a child's record first" with a
    child highlighted there; now that child's record opens and the command runs on it (Esc
    goes back to the record, whose name was highlighted)."""
    app = CintuiApp(access.locate(sqlite_demo_store), today=TODAY, worker="")
    async with app.run_test(size=LAPTOP) as pilot:
        await settle(pilot)
        app.switch_view("everyone")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        chosen = app.screen.selected_child_id
        palette(app)["Record: supervision and case direction (U)"]()
        await settle(pilot)
        assert screen_name(app) == "SupervisionScreen" and app.screen.child_id == chosen
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "ChildScreen" and app.screen.child_id == chosen


async def test_at_80x24_each_box_of_the_need_form_and_save_stay_in_view_under_a_notice(
        demo_store):
    """A need being written on a laptop (WIR 2.3): a notice up (the form's own, as when what
    was typed before comes back) and a note of three lines at its foot. Tab goes through
    every box: each one, as the cursor reaches it, is in view, Save too, and the notice is
    over neither (it sat at the bottom right over the need's lower boxes and Save)."""
    from textual.widgets._toast import Toast

    from tests.screens.test_plan import PlanHost, child_with
    from tests.screens.test_shell import press_to

    app = PlanHost(demo_store, child_with(demo_store, "agreed"))
    # The notices stay up the whole walk, however slow the machine (5 seconds by default:
    # under load the walk outlasted them and the count at its end was one short).
    app.NOTIFICATION_TIMEOUT = 600
    async with app.run_test(size=LAPTOP, notifications=True) as pilot:  # toasts drawn
        await settle(pilot)
        await press_to(pilot, "a", screen="NeedFormScreen")
        form = app.screen
        form.notify("What you typed here before and did not save is back: Ctrl+S saves it, "
                    "Esc then y discards it.")
        form.query_one("#form-info").update(
            "⚠ A long warning at the form's foot, as the form gives one, that takes three "
            "lines at this width: it says what is wrong and what to do about it, and it stays "
            "in view whichever box has the cursor.")
        await settle(pilot)
        said = [str(toast.render()) for toast in form.query(Toast)]
        assert any("did not save is back" in one for one in said), said
        assert form.query_one("#form-info").region.height == 3
        seen = []
        while app.focused is not form.query_one("#save") and len(seen) < 30:
            assert hidden_on_form(app) == [], f"with the cursor in {app.focused.id}"
            seen.append(app.focused.id)
            await pilot.press("tab")
            await settle(pilot)
        assert {"now", "outcome", "evidence"} <= set(seen)
        assert len(form.query(Toast)) == len(said)  # the notices still up all the while


@pytest.mark.parametrize("size", [LAPTOP, (120, 40)])
async def test_a_long_notice_over_a_form_never_reaches_its_first_box(demo_store, size):
    """A need being written (WIR 2.3), the cursor in its first box, at 80x24 and 120x40,
    the form's own notice up ("Version 3: a draft to edit…"): a notice of six lines comes
    up. Over the top of the screen it shows in three lines, the third ending in "…", its
    whole text under the mouse; the box typed in and Save stay in view and uncovered (drawn
    whole, six lines high, it reached down the form's head)."""
    from textual.widgets._toast import Toast

    from tests.screens.test_plan import PlanHost, child_with
    from tests.screens.test_shell import press_to

    app = PlanHost(demo_store, child_with(demo_store, "agreed"))
    app.NOTIFICATION_TIMEOUT = 600  # the form's own notice stays up the whole test
    async with app.run_test(size=size, notifications=True) as pilot:  # toasts drawn
        await settle(pilot)
        await press_to(pilot, "a", screen="NeedFormScreen")
        form = app.screen
        first = app.focused
        app.notify(LONG_NOTICE, severity="warning", timeout=10)
        await settle(pilot)
        assert app.focused is first and hidden_on_form(app) == []
        assert notices_over(app, box=first, save=form.query_one("#save")) == []
        notice = the_long_notice(app)
        assert notice is not None and str(notice.render()).endswith("…")
        assert notice.region.height == 3 and notice.tooltip == LONG_NOTICE
        # The form's own notice, older, waits under it (both were six lines down the form's
        # head, over its first boxes at 80x24); clicked away, the long one lets it show.
        older = [toast for toast in form.query(Toast) if "a draft to edit" in str(
            toast.render())]
        assert len(older) == 1 and not older[0].region.area
        await pilot.click(notice)
        await settle(pilot)
        assert the_long_notice(app) is None and older[0].region.height == 1
        assert notices_over(app, box=first, save=form.query_one("#save")) == []
