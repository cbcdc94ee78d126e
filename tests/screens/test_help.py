"""F1 and ? on any screen: what it is for and every key it has, read from the screen itself.
Synthetic people only: the demo store (seed 7) at the fixed TODAY."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

import cintui.screens
from cintui.screens.help import purpose
from tests.screens.test_child import ChildHost, text_of
from tests.screens.test_minuting import MeetingHost, book, open_minuting
from tests.screens.test_shell import press_to, settle, until

SIZE = (120, 40)


def every_screen() -> list[type[Screen]]:
    """Every screen class cintui defines (screens and forms alike)."""
    found = []
    for info in pkgutil.iter_modules(cintui.screens.__path__):
        module = importlib.import_module(f"cintui.screens.{info.name}")
        found += [cls for cls in vars(module).values() if inspect.isclass(cls)
                  and issubclass(cls, Screen) and cls.__module__ == module.__name__]
    return found


def test_every_screen_says_what_it_is_for():
    screens = every_screen()
    assert len(screens) > 40
    missing = [cls.__name__ for cls in screens if not purpose(cls.__new__(cls))]
    assert missing == []


def test_what_a_screen_is_for_is_said_in_words_not_code():
    """Help (F1, ?) shows a screen's purpose to a social worker: no module paths or
    identifiers ("(domain.waiting)", "screens/transfer.py", "child_id", "STEPS", "issue
    18" once showed)."""
    import re

    code = re.compile(r"\b(domain|casework|screens|store|cintui)[./][a-z_]|\.py\b|\w_\w"
                      r"|\bissue \d|\b[a-z_]+\((?!s\))"  # an issue's number, a call
                      r"|\b(?!DRAFT|JSON|GDPR|PRIV|GCP2|ICPC)[A-Z]{4,}\b")  # a constant
    named = {cls.__name__: purpose(cls.__new__(cls)) for cls in every_screen()}
    assert {name: said for name, said in named.items() if code.search(said)} == {}


async def test_f1_on_the_minuting_screen_lists_its_keys_and_what_it_is_for(demo_store):
    """The chair can check a key in front of the family: every binding of the screen,
    hidden ones too (Space), and the keys that work everywhere; ? or Esc closes it."""
    meeting_id = book(demo_store)
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        minuting = app.screen
        await press_to(pilot, "f1", screen="HelpScreen")
        assert type(app.screen).__name__ == "HelpScreen"
        shown = text_of(app.screen, "#help-text")
        assert "Chair and minute a meeting live; the minutes become the updated plan." in shown
        for binding in Binding.make_bindings(type(minuting).BINDINGS):
            assert binding.description in shown, binding.description
        for line in ("^n", "space", "Next attendance / action status", "f1 / ?",
                     "Quit", "Command palette"):
            assert line.lower() in shown.lower(), line
        await pilot.press("question_mark")
        await settle(pilot)
        assert app.screen is minuting


async def test_keys_on_another_tab_are_shown_as_not_here_now(demo_store):
    app = ChildHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        lines = text_of(app.screen, "#help-text").splitlines()
        assert lines[0] == "Child"
        assert lines[1].startswith("The record a worker lives in")
        cancel = next(line for line in lines if "Cancel/rebook" in line)
        assert cancel.split() == ["c", "Cancel/rebook", "(not", "here", "now)"]
        edit = next(line for line in lines if "Edit child" in line)
        assert "not here now" not in edit
        await pilot.press("question_mark")  # ? again closes it
        await until(pilot, lambda: type(app.screen).__name__ == "ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
        await pilot.press("6", "f1")  # on the Meetings tab, c cancels or rebooks
        await settle(pilot)
        cancel = next(line for line in text_of(app.screen, "#help-text").splitlines()
                      if "Cancel/rebook" in line)
        assert "not here now" not in cancel


async def test_question_mark_in_a_text_box_is_typed_and_f1_still_helps(demo_store):
    """In a form (a modal screen), ? typed in a box is a question mark; F1 is help anywhere,
    and so is ? on a choice."""
    app = ChildHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "a")
        await settle(pilot)
        form = app.screen
        await pilot.press("question_mark")
        assert app.screen is form and form.query_one("#name", Input).value == "?"
        await pilot.press("f1")
        await settle(pilot)
        shown = text_of(app.screen, "#help-text")
        assert "WIR 2.9: someone on the meeting contact list" in shown
        assert "^s" in shown and "Save" in shown and "Cancel" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form and form.query_one("#name", Input).value == "?"
        form.query_one("#kind").focus()  # a choice, not a text box: ? is help
        await press_to(pilot, "question_mark", screen="HelpScreen")
        assert type(app.screen).__name__ == "HelpScreen"


async def test_help_lists_each_thing_a_key_does_where_the_screen_binds_it_twice(demo_store):
    """The record binds `a` twice: add a person (People tab), add a consent (Consent tab,
    WIR 2.1). Help listed only the first, so on the Consent tab `?` said `a` added a person
    and did not say it added a consent; now both are listed, the one here now not dimmed."""
    app = ChildHost(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3", "question_mark")  # the Consent tab
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        lines = text_of(app.screen, "#help-text").splitlines()
        consent = next(line for line in lines if "Add consent" in line)
        person = next(line for line in lines if "Add person" in line)
        assert consent.split() == ["a", "Add", "consent"]
        assert person.split() == ["a", "Add", "person", "(not", "here", "now)"]
        assert sum("Re-refer" in line for line in lines) == 1  # R twice, one thing: once
