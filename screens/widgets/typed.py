"""Keys typed in a quick burst, each to the box it was meant for.

Textual hands each key to the focused box, and a box handles its keys in turn, apart from
the others: Tab moves focus only once the box gets to it, so in a burst ("Leo Tab Ward", a
fast typist's, a text expander's or a password manager's) the keys after Tab landed in the
box before; and a Ctrl+S read the boxes before the keys ahead of it had reached them.
A screen's priority Tab moves focus when the key is read (`TAB_BINDINGS`), and a save
waits until no box has a key left (`wait_for_typing`).

The keys typed after such a command reached the boxes too, and the save waited for them:
"Ctrl+F y" typed the "y" into the last heading while the question waited for it, and
"Ctrl+S a" saved the "a" into the form. The app now keeps the keys read after the command
until the screen has acted (`cintui.held_keys`, `after_typing`): they are pressed in the
question it asks or on the screen in front once it has closed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from .names import take_suggestion_on_leaving

TAB_BINDINGS = [
    Binding("tab", "next_box(1)", "Next box", show=False, priority=True),
    Binding("shift+tab", "next_box(-1)", "Previous box", show=False, priority=True),
]


def as_read(key: str, action: str, description: str, **kwargs) -> Binding:
    """A key of a `KeysAsRead` screen: a priority binding, acted on when the key is read."""
    return Binding(key, action, description, priority=True, **kwargs)


class KeysAsRead:
    """For a screen that opens others (the caseload, a record, a plan): every key acts when
    it is read (`as_read`), so the keys typed after one that opens a screen wait for it
    (`cintui.held_keys`) and a burst keeps its order. As ordinary bindings they acted only
    once the focused table had handled the key, and the keys read meanwhile ("v a y
    Planned", faster than the form opens) had gone to that table and were lost; with only
    the opening keys acting as read, "↓ v" was a visit for the child above. So the tables'
    arrows act as read too (`TABLE_ROWS`: `action_row`). While a box (a filter) is typed
    in, the keys a box types are typed, not acted on: a screen's `check_action` starts with
    `keys_as_read`."""

    TABLE_ROWS = [
        as_read("up", "row(-1)", "Previous row", show=False),
        as_read("down", "row(1)", "Next row", show=False),
        as_read("pageup", "row(-10)", "Page up", show=False),
        as_read("pagedown", "row(10)", "Page down", show=False),
        # Home and End to the first and last row: a DataTable's own End scrolls sideways
        # only (with a row cursor, nothing moved), so the record's chronology at 80x24 took
        # PgDn eight times to reach its last entry.
        as_read("home", "row_edge(0)", "First row", show=False),
        as_read("end", "row_edge(-1)", "Last row", show=False),
    ]

    def keys_as_read(self, action: str) -> bool | None:
        """False for a key a box types while one is typed in, or an arrow off a table;
        None when it is the screen's own to decide."""
        if action in ("row", "row_edge"):  # in a table; elsewhere the key is the widget's own
            from textual.widgets import DataTable  # not at the caseload's first paint

            return isinstance(self.focused, DataTable)  # type: ignore[attr-defined]
        if action in _typed_keys(type(self)) and typing_in_a_box(self):  # type: ignore[arg-type]
            return False
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A screen with keys of its own to decide starts its own with `keys_as_read`."""
        return self.keys_as_read(action) is not False

    # A screen that reads what it shows in the background (a worker thread) says when it
    # has (`reading_done`): the keys typed as it opened wait until then (`HoldsKeys`), and
    # a key that needs what it read, pressed later (after a reload began), waits for it
    # (`after_reading`).
    READS_IN_BACKGROUND = False
    _read = False
    _waiting_for_reading: list | None = None

    def after_reading(self, again: Callable[[], object]) -> bool:
        """Whether the screen has read what it shows, so a key may act on it now. If not,
        `again` runs once it has, and the keys typed after this one wait for it. The keys
        typed as the screen opens are held until then anyway (`HoldsKeys`); this is for a
        key acted on without that hold: read after the hold's 5 seconds ran out (a team
        view on a slow server), or a click on the footer. "F h" typed at once once said
        "refer the family first" of a family already referred, and "G n" opened a GCP2 with
        no needs to attach."""
        if self._read or not self.READS_IN_BACKGROUND:
            return True
        hold = getattr(self.app, "hold_keys", None)  # type: ignore[attr-defined]
        if hold is not None:
            hold(self)
        self._waiting_for_reading = [*(self._waiting_for_reading or ()), again]
        return False

    def reading(self) -> bool:
        """Whether the screen is reading what it shows (the keys typed wait for it)."""
        return self.READS_IN_BACKGROUND and not self._read

    def reading_again(self) -> None:
        """The screen reads what it shows again (another team chosen): until `reading_done`,
        the keys typed wait for it, as they did when it opened."""
        self._read = False
        hold = getattr(self.app, "hold_keys", None)  # type: ignore[attr-defined]
        if hold is not None and self.is_active:  # type: ignore[attr-defined]
            hold(self)

    def reload(self) -> None:
        """Read again what the screen shows (its `load`, after a save or back from a form):
        the keys typed meanwhile wait for the new rows, as they did when it opened. On a
        record, "d y e" (remove a person, then edit the next) once opened the person just
        removed."""
        self.reading_again()
        self.load()  # type: ignore[attr-defined]

    def reading_done(self) -> None:
        """Called as what the screen read is shown: the keys that waited for it act now."""
        first, self._read = not self._read, True
        waiting, self._waiting_for_reading = self._waiting_for_reading or [], None
        for again in waiting:
            again()
        if first or waiting:  # the keys held for it (unless one opened a screen: there)
            let_go(self)  # type: ignore[arg-type]

    def action_row(self, step: int) -> None:
        table = self.focused  # type: ignore[attr-defined]
        if abs(step) > 1:
            table.action_page_down() if step > 0 else table.action_page_up()
        else:
            table.action_cursor_down() if step > 0 else table.action_cursor_up()

    def action_row_edge(self, where: int) -> None:
        """Home (0) or End (-1): the first or last row highlighted, and in view whole."""
        table = self.focused  # type: ignore[attr-defined]
        table.action_scroll_top() if where == 0 else table.action_scroll_bottom()


@cache
def _typed_keys(screen: type) -> frozenset[str]:
    """The actions of a screen's keys that a box types (a letter, a digit, "/")."""
    from textual.keys import key_to_character

    return frozenset(
        b.action.split("(")[0] for b in screen.BINDINGS  # type: ignore[attr-defined]
        if isinstance(b, Binding)
        and (key_to_character(b.key) or {"slash": "/"}.get(b.key, "\n")).isprintable())


def typing_in_a_box(screen: Screen) -> bool:
    """Whether the focus is where letters are typed: a box (a filter, a note), an open list
    (its letters search it), or a shut list searched by typing (`KeyedSelect` without
    keys: "wi" chooses Wirral)."""
    from textual.widgets import Input, TextArea
    from textual.widgets._select import SelectOverlay

    from .choices import KeyedSelect

    focused = screen.focused
    return isinstance(focused, (Input, TextArea, SelectOverlay)) or (
        isinstance(focused, KeyedSelect) and not focused.keys)


def chosen_in_open_list(focused) -> None:
    """Tab (or Shift+Tab) in a choice's open list takes the option it highlights, as a
    browser's list does: letters typed there find an option ("wi": Wirral), and Tab once
    left the old value while the list had shown the new one."""
    from textual.widgets import Select
    from textual.widgets._select import SelectOverlay

    if not isinstance(focused, SelectOverlay) or focused.highlighted is None:
        return
    select = focused.parent
    if isinstance(select, Select):
        select.value = select._options[focused.highlighted][1]


class TabMovesAtOnce:
    """For a screen with `TAB_BINDINGS`: Tab to the next box (or to `tab_target()`)."""

    def action_next_box(self, step: int) -> None:
        chosen_in_open_list(self.focused)
        take_suggestion_on_leaving(self.focused)
        target = self.tab_target() if step > 0 else None
        if target is not None:
            self.set_focus(target)
        elif step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def tab_target(self):
        """Where Tab goes instead of the next box, if a field says (None: the next)."""
        return None


def wait_for_typing(screen: Screen, again: Callable[[], object]) -> bool:
    """Whether `screen` must not act yet: it is no longer in front (closed in the same
    burst), or a box of it still has keys to handle (`again` is then called once it has).
    The caller returns when this is true."""
    if not screen.is_active:
        return True
    waiting = next((w for w in screen.query("Input, TextArea, Select") if w.message_queue_size),
                   None)
    if waiting is None:
        return False
    waiting.call_later(again)
    return True


def after_typing(screen: Screen, again: Callable[[], object]) -> bool:
    """For a command key (Ctrl+S, Ctrl+F): whether the screen acts now. From the first
    call the app keeps the keys read after the command for what it opens (`cintui.held_keys`);
    False while the keys typed before it are still reaching their boxes (`again` is called
    once they have: `wait_for_typing`)."""
    hold = getattr(screen.app, "hold_keys", None)
    if hold is not None and screen.is_active:
        hold(screen)
    return not wait_for_typing(screen, again)


def let_go(screen: Screen) -> None:
    """The screen has acted and stays in front: the keys read after the command are
    pressed now, where a key goes."""
    let_go_of_keys = getattr(screen.app, "let_go_of_keys", None)
    if let_go_of_keys is not None:
        let_go_of_keys(screen)


def refused(screen: Screen) -> None:
    """The command was refused (its problems shown): the keys read after it are dropped."""
    drop = getattr(screen.app, "drop_held_keys", None)
    if drop is not None:
        drop(screen)


class EntryBox(Input):
    """A one-line box for one entry after another (a name, Enter, the next name): it empties
    as its Enter is handled, in order with the keys typed around it. Emptied by the screen
    once the Submitted message reached it, it lost the next entry typed in a burst: its
    letters were in the box by then."""

    async def action_submit(self) -> None:
        await super().action_submit()
        self.value = ""


__all__ = ["TAB_BINDINGS", "EntryBox", "KeysAsRead", "TabMovesAtOnce", "after_typing",
           "as_read", "let_go", "refused", "wait_for_typing"]

