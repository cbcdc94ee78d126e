"""The keys typed after a command, kept for what it opens (the app's part of
`screens/widgets/typed.py`, which says why); and a text box's own editing keys kept in
order with the letters around them (`HoldsKeys._press`); and a letter typed on a table that
types into a box of its own (`typing_goes_to`) taken there with the letters after it."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.screen import Screen

# The longest a screen keeps the keys typed after a command (a save waiting for a busy
# store): the keys are then pressed where a key goes.
HOLD_LIMIT_SECONDS = 5.0


class KeysHeld(Message):
    """To the app: the screen its held keys were for has moved on (`HoldsKeys`)."""


class HoldsKeys:
    """For the app: while a screen acts on a command key (Ctrl+S, Ctrl+F; `after_typing`),
    the keys read after the command are kept, not handed to the screen's boxes, and pressed
    once it has moved on: in the question it asks, or on the screen in front once it has
    closed. When it refuses (a problem shown), they are dropped (`refused`): they were meant
    for what it would have opened.

    A screen opened (pushed or switched to) holds the keys read until it has painted once,
    with its boxes and its focus in place: "v a y Planned" typed faster than the visit form
    opens is the visit seen, seen alone, bedroom seen and "Planned" under its first
    heading, where the keys after "v" once reached a screen with nothing focused and were
    lost. Keys held for a command and not dropped are held on for what it opens."""

    _key_holder: Screen | None = None
    _keys_held: tuple | list = ()
    _holds = 0

    def hold_keys(self, screen: Screen) -> None:
        if self._key_holder is None:
            self._hold_for(screen)

    def _hold_for(self, screen: Screen) -> None:
        if self._key_holder is None:
            self._keys_held = [*self._keys_held]
        self._key_holder = screen
        self._holds += 1
        hold = self._holds
        # Never a dead keyboard: a screen that neither moves on nor says so lets go.
        self.set_timer(HOLD_LIMIT_SECONDS,  # type: ignore[attr-defined]
                       lambda: self._holds == hold and self.let_go_of_keys(screen))

    def _hold_until_painted(self, screen) -> None:
        if isinstance(screen, Screen) and not screen.is_mounted:
            self._hold_for(screen)
            # A question whose yes loses something (discard what was typed?) is answered
            # only by keys typed once it is there: "Esc yes she did", typed on, is not a yes.
            # A screen that reads what it shows in the background holds them until it has
            # (`KeysAsRead.reading_done`): "Enter 2 ↓ e" on a large record is the second
            # person, not an arrow on an empty table.
            if getattr(screen, "answered_once_seen", False):
                screen.call_after_refresh(self.drop_held_keys, screen)
            elif not getattr(screen, "READS_IN_BACKGROUND", False):
                screen.call_after_refresh(self.let_go_of_keys, screen)

    def drop_held_keys(self, screen: Screen) -> None:
        if self._key_holder is screen:
            self._key_holder, self._keys_held = None, ()

    def let_go_of_keys(self, screen: Screen) -> None:
        """Stop holding for `screen`: the keys held are pressed now, where a key goes."""
        if self._key_holder is screen:
            self._key_holder = None
            self.post_message(KeysHeld())  # type: ignore[attr-defined]

    def _holding(self) -> bool:
        stack = self.screen_stack  # type: ignore[attr-defined]
        return self._key_holder is not None and bool(stack) and stack[-1] is self._key_holder

    async def _press_held(self) -> None:
        keys, self._key_holder, self._keys_held = [*self._keys_held], None, ()
        while keys:  # as read, in order, before any key read after them
            await self._press(keys.pop(0))
            if self._key_holder is not None:  # it opened a screen: the rest wait for it
                self._keys_held = [*keys, *self._keys_held]
                return

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._holding():
                self._keys_held.append(event)  # type: ignore[union-attr]
                return
            if self._keys_held:
                await self._press_held()
            await self._press(event)
            return
        await super().on_event(event)  # type: ignore[misc]

    async def _press(self, event: events.Key) -> None:
        """A key read, to where it goes. A text box's own editing keys (Backspace, the
        arrows, Home, Ctrl+U, Ctrl+W, Enter) go into the box's queue with the letters
        around them, so a burst is edited in the order typed: Textual acts on a box's
        bindings only once the key has come back up to the app, after the letters typed
        behind it, so "abc Backspace Y" quickly was "abc", and "hello ← ← Q" "helloQ"."""
        box = self._typing_box(event)
        if box is not None:  # at once: the letters read after this one follow it there
            # A box typed into from its list is added to, never replaced: Textual selects
            # a one-line box's text when its focus event is handled, which can come after
            # this letter is in it, and the next letter then replaced it ("Planned" went in
            # as "lanned" in a terminal, now and then).
            if getattr(box, "select_on_focus", False):
                box.select_on_focus = False
            self.screen.set_focus(box)  # type: ignore[attr-defined]
        own = self._own_binding(event)
        if own is None:
            await super().on_event(event)  # type: ignore[misc]
            return
        box, bindings = own
        self.app_focus = True  # type: ignore[attr-defined]  (as Textual does for a key)
        box.call_later(self._run_own, box, bindings)

    def _typing_box(self, event: events.Key):
        """The box a letter typed on a table goes to (the table's `typing_goes_to`, a
        selector), when no key of the screen claims the letter: a name typed on the
        minutes' attendance table is someone else here, where its letters once landed on
        the table as its keys (a space changing someone's attendance) and were lost."""
        if not (event.is_printable and event.character):
            return None
        screen = self.screen  # type: ignore[attr-defined]
        selector = getattr(screen.focused, "typing_goes_to", None)
        if selector is None:
            return None
        if any(_acts(node, binding) for node, found in screen._binding_chain
               for binding in found.key_to_bindings.get(event.key, ())):
            return None
        box = screen.query_one(selector)
        return box if box.focusable else None

    def _own_binding(self, event: events.Key):
        """(box, its bindings for the key) when the focus is in a text box that binds the key
        itself and no priority key of the screen or app claims it first; else None."""
        from textual.widgets import Input, TextArea

        if event.is_printable:  # a letter: the box types it, in its queue already
            return None
        screen = self.screen  # type: ignore[attr-defined]
        box = screen.focused
        if not isinstance(box, Input | TextArea) or box.loading:
            return None
        chain = screen._binding_chain  # the box first; the keymap applied
        if any(b.priority and _acts(node, b) for node, found in chain
               for b in found.key_to_bindings.get(event.key, ())):
            return None  # (a table's arrows acting as read are not the box's to yield)
        node, found = chain[0]
        bindings = [b for b in found.key_to_bindings.get(event.key, ()) if not b.priority]
        return (box, bindings) if node is box and bindings else None

    async def _run_own(self, box, bindings) -> None:
        for binding in bindings:
            if await self.run_action(binding.action, box):  # type: ignore[attr-defined]
                return

    def on_plain_table_chosen(self, message) -> None:
        """Enter on a table's row has reached its screen (`PlainTable.action_select_cursor`):
        a screen opened holds the keys typed after it; a row that opens nothing lets them go."""
        self.let_go_of_keys(message.screen)

    async def on_keys_held(self, _message: KeysHeld) -> None:
        if not self._holding():
            await self._press_held()

    def _screens_changed(self, result):
        if self._key_holder is not None:
            self.post_message(KeysHeld())  # type: ignore[attr-defined]
        return result

    def push_screen(self, screen, *args, **kwargs):
        result = super().push_screen(screen, *args, **kwargs)  # type: ignore[misc]
        self._hold_until_painted(screen)
        return self._screens_changed(result)

    def pop_screen(self):
        gone = self.screen  # type: ignore[attr-defined]
        result = super().pop_screen()  # type: ignore[misc]
        if self._key_holder is gone:
            # The keys held for a screen that closed (a form saved, a question answered)
            # wait for the screen below to take its answer: the result callback, queued on
            # it as the screen was dismissed. Pressed at once, they acted before it: "d y e"
            # edited the person just removed, the record not yet reading again.
            below = self.screen  # type: ignore[attr-defined]
            self._hold_for(below)
            below.call_next(self._answered, below)
        return self._screens_changed(result)

    def _answered(self, screen: Screen) -> None:
        """The screen has taken a closed screen's answer: the keys held for it are pressed,
        unless the answer has it reading again (they wait for `reading_done`)."""
        if not getattr(screen, "reading", lambda: False)():
            self.let_go_of_keys(screen)

    def switch_screen(self, screen):
        result = super().switch_screen(screen)  # type: ignore[misc]
        self._hold_until_painted(screen)
        return self._screens_changed(result)


def _acts(node, binding) -> bool:
    """Whether `binding` of `node` would act now (its node's `check_action` allows it): the
    visit's `a` is "seen alone" only on "Child seen"; elsewhere it is a letter."""
    from textual.actions import parse

    _namespace, name, parameters = parse(binding.action)
    return bool(node.check_action(name, parameters))


__all__ = ["HoldsKeys", "KeysHeld"]
