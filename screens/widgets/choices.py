"""One key per choice: a rating is r, a or g; a yes/no is y or n; a recommendation its
number. The key shows in each option's label ("Amber (a)") and chooses it at once, with
the list closed or open (Enter opens it; in the open list, other letters still search).
A list without keys (a team, a policy profile) is searched by typing, shut or open, as a
browser's list is: "wi" chooses Wirral.
"""

from __future__ import annotations

from collections.abc import Iterable
from time import monotonic
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.strip import Strip
from textual.widgets import Checkbox, Select, SelectionList
from textual.widgets._option_list import OptionDoesNotExist
from textual.widgets._select import SelectCurrent, SelectOverlay
from textual.widgets._toggle_button import ToggleButton

from cintui.screens.widgets.plain import plain

if TYPE_CHECKING:
    from textual.content import Content

# The keys every yes/no choice answers to, by the option's value; and every rating.
YES_NO_KEYS = {"yes": "y", "no": "n"}
RATING_KEYS = {"R": "r", "A": "a", "G": "g"}


class _KeyedOverlay(SelectOverlay):
    """The open list of a `KeyedSelect`: an option's key chooses it and closes the list, as
    the label promises ("Team manager (t)"); Textual's own list would only move the
    highlight to the first option with a "t" in it, and Tab then left the old value. (A
    list that searches as letters are typed keeps them from the box's own bindings.)"""

    async def _on_key(self, event: events.Key) -> None:
        select = self.parent
        if isinstance(select, KeyedSelect) and event.character in select.keys:
            event.stop()
            event.prevent_default()  # not the type-to-search of SelectOverlay._on_key
            select.action_choose(event.character)


# Letters typed on a shut list within this long of each other are one search ("wi").
SEARCH_PAUSE_SECONDS = 1.0


def typed_match(labels: list[str], current: int | None, typed: str) -> int | None:
    """The option a browser's shut list goes to when `typed` is typed on it: the first
    label starting with it (case aside), else the first with a word from which it reads on
    ("tier 3": Lower Tier 3); one letter typed again and again goes round the labels
    starting with it, from `current`."""
    typed = typed.casefold()
    folded = [label.casefold() for label in labels]
    if len(typed) > 1 and typed == typed[0] * len(typed):  # "ww": the next "w"
        starts = [i for i, label in enumerate(folded) if label.startswith(typed[0])]
        later = [i for i in starts if current is None or i > current]
        return (later or starts or [None])[0]
    for i, label in enumerate(folded):
        if label.startswith(typed):
            return i
    for i, label in enumerate(folded):
        starts = [j for j, ch in enumerate(label) if not ch.isspace()
                  and (j == 0 or label[j - 1].isspace())]
        if any(label.startswith(typed, j) for j in starts):
            return i
    return None


class KeyedSelect(Select):
    """A Select whose options are (key, label, value): the key chooses the option. Shut, as
    soon as it is read (a priority binding of this box), so a Tab typed straight after it
    ("g Tab") moves on from the new choice, not the old: Tab acts when read too
    (`typed.TAB_BINDINGS`); open, in the list (`_KeyedOverlay`). One without keys is
    searched by typing with the list shut too (`typed_match`)."""

    _typed = ""
    _typed_at = 0.0
    # Called with the value a key has chosen, as the key is read: what follows from the
    # choice (another box offered and focused) is in place for the key typed straight
    # after it. The Changed message comes only after the keys already read.
    when_chosen = None

    def __init__(self, options: Iterable[tuple[str, str, object]], **kwargs) -> None:
        options = list(options)
        self.keys = {key: value for key, _, value in options if key}
        self._own_prompt = "prompt" in kwargs
        kwargs.setdefault("prompt", choice_prompt(list(self.keys), bool(options)))
        super().__init__([(plain(f"{label} ({key})" if key else label), value)
                          for key, label, value in options], **kwargs)
        for key in self.keys:
            self._bindings.bind(key, f"choose({key!r})", show=False, priority=True)

    def set_options(self, options) -> None:
        """Options given once read from the store (the policy's levels, the workers): the
        box says how to choose them. It said "nothing to choose from yet" beside a list of
        four levels of need."""
        options = list(options)
        if not self._own_prompt:
            self.prompt = choice_prompt(list(self.keys), bool(options))
        super().set_options(options)

    def compose(self) -> ComposeResult:  # Select's own, with the keyed list
        yield SelectCurrent(self.prompt)
        yield _KeyedOverlay(type_to_search=self._type_to_search).data_bind(
            compact=Select.compact)

    def _setup_options_renderables(self) -> None:
        """In the open list the blank option says what choosing it does, not how to choose."""
        super()._setup_options_renderables()
        if self._allow_blank:
            self.query_one(SelectOverlay).replace_option_prompt_at_index(
                0, Text(BLANK_IN_LIST, style="dim"))

    def action_choose(self, key: str) -> None:
        self.value = self.keys[key]
        if self.expanded:
            self.focus()
            self.expanded = False
        if self.when_chosen is not None:
            self.when_chosen(self.value)

    def on_key(self, event: events.Key) -> None:
        # A space goes on with a search begun ("level 3", "White British"); typed first, it
        # opens the list. It once opened the list at "level", and Tab took Level 1.
        if not self.expanded and not self.keys and event.is_printable and (
                not event.character.isspace() or self._searching()):
            self._search(event)

    def _searching(self) -> bool:
        return bool(self._typed) and monotonic() - self._typed_at < SEARCH_PAUSE_SECONDS

    def _search(self, event: events.Key) -> None:
        now = monotonic()
        typed = (self._typed if now - self._typed_at < SEARCH_PAUSE_SECONDS else "") \
            + event.character
        self._typed, self._typed_at = typed, now
        options = [(str(label), value) for label, value in self._options
                   if value is not Select.NULL]
        values = [value for _, value in options]
        current = values.index(self.value) if self.value in values else None
        found = typed_match([label for label, _ in options], current, typed)
        if found is not None:  # a letter that finds nothing goes on to the screen's keys
            event.stop()
            event.prevent_default()
            self.value = values[found]


BLANK_IN_LIST = "(none)"


def choice_prompt(keys: list[str], any_options: bool = True) -> str:
    """What an unchosen box says: how to choose (Textual's own "Select" read as a value)."""
    if not any_options:
        return "nothing to choose from yet"
    if keys:
        run = len(keys) > 2 and all(k.isdigit() for k in keys) and \
            [int(k) for k in keys] == list(range(int(keys[0]), int(keys[0]) + len(keys)))
        said = f"{keys[0]} to {keys[-1]}" if run else \
            f"{', '.join(keys[:-1])} or {keys[-1]}" if len(keys) > 1 else keys[0]
        return f"press {said}; Enter lists them"
    return "type to choose; Enter lists them"


def keyed(options: Iterable[tuple[str, object]], keys: dict[object, str]
          ) -> list[tuple[str, str, object]]:
    """(label, value) options with the keys given by value, as `KeyedSelect` takes them."""
    return [(keys.get(value, ""), label, value) for label, value in options]


class YesNo(Checkbox):
    """A yes/no box that also answers to y and n (Space still toggles it). Its box is
    empty when the answer is no: Textual's shows an X either way, told apart only by its
    colour, so "Without consent" read as ticked on a terminal with few colours."""

    # As read (priority), as a choice's key is (`KeyedSelect`): "y Tab" moves on from yes.
    BINDINGS = [Binding("y", "answer(True)", show=False, priority=True),
                Binding("n", "answer(False)", show=False, priority=True)]

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button

    def action_answer(self, yes: bool) -> None:
        self.value = yes


class TickList(SelectionList):
    """A list of boxes to tick whose unticked boxes are empty (as `YesNo`): Textual's shows
    an X in both, told apart only by colour. Focused with nothing highlighted, it highlights
    its first box: Tab then Space ticks it (Textual's list waited for an arrow first, and
    the Space did nothing)."""

    def on_focus(self) -> None:
        if self.highlighted is None and self.option_count:
            self.highlighted = 0

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        if option.value in self._selected:
            return line
        segments = list(line)
        if len(segments) > 1 and segments[1].text == ToggleButton.BUTTON_INNER:
            segments[1] = Segment(" ", segments[1].style)
            return Strip(segments, line.cell_length)
        return line


__all__ = ["RATING_KEYS", "YES_NO_KEYS", "KeyedSelect", "TickList", "YesNo", "keyed"]
