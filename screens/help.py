"""Help for the screen in front of you (F1 or ?): what it is for and every key it has.

Read from the screen itself, so it cannot drift from the code: what the screen is for is the
first paragraph of its class's docstring (else its module's), its keys are its `BINDINGS`
(its own and those it inherits from cintui's base screens), and the keys that work
everywhere are the app's. A key the screen does not offer at the moment (another tab's, a
read-only version's) is shown dimmed with "not here now".
"""

from __future__ import annotations

import inspect
import re

from rich.text import Text
from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from cintui.screens.widgets.hanging import Hanging, HangingLines

# Keys Textual gives every screen, and keys inside widgets rather than bindings.
EVERYWHERE = (("tab / shift+tab", "Next / previous box"),
              ("ctrl+p", "Command palette: find a child, go anywhere"),
              ("r a g, y n", "In a choice, the letter beside an option chooses it: r a g "
                             "a rating, y n yes or no, the list shut or open (Enter opens it)"))


def purpose(screen: Screen) -> str:
    """The first paragraph of the screen's docstring (else its module's), on one line."""
    cls = type(screen)
    doc = inspect.cleandoc(cls.__doc__ or inspect.getmodule(cls).__doc__ or "")
    return " ".join(doc.split("\n\n", 1)[0].split()).replace("`", "")


def title(screen: Screen) -> str:
    """A form's own title, else the screen's name in words ("Minuting")."""
    text = getattr(screen, "TITLE_TEXT", "")
    if text:
        return text
    name = type(screen).__name__.removesuffix("Screen")
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).capitalize()


def _own_bindings(screen: Screen) -> list[Binding]:
    """The screen's BINDINGS and those of cintui's classes it is built on, subclass first."""
    out: list[Binding] = []
    for cls in type(screen).__mro__:
        if cls.__module__.startswith("textual") or "BINDINGS" not in vars(cls):
            continue
        bound = {b.key for b in out}  # a subclass's binding replaces its base's
        out += [b for b in Binding.make_bindings(vars(cls)["BINDINGS"]) if b.key not in bound]
    return out


def _words(binding: Binding) -> str:
    """What a key does, in full: its tooltip where the footer's words are short."""
    return (binding.tooltip or binding.description
            or parse(binding.action)[1].replace("_", " ").capitalize())


def keys(screen: Screen, bindings: list[Binding]) -> list[tuple[str, str, bool]]:
    """(keys, what they do, offered now) per thing done: "n / esc" when two keys do one
    thing, and each thing a key does where a screen binds it several times (the record's
    `a`: add a person, add a consent, by its tab; only the first was listed)."""
    rows: dict[str, tuple[list[str], list[str]]] = {}
    for b in bindings:
        shown, actions = rows.setdefault(_words(b), ([], []))
        if (key := screen.app.get_key_display(b)) not in shown:
            shown.append(key)
        actions.append(b.action)
    # Offered as the first binding with these words is: the record's hidden `m` on a closed
    # case only says why a meeting is not booked, so "Book meeting" is "not here now".
    return [(" / ".join(shown), words, _offered(screen, actions[0]))
            for words, (shown, actions) in rows.items()]


def _offered(screen: Screen, action: str) -> bool:
    namespace, name, params = parse(action)
    return namespace not in ("", "screen") or screen.check_action(name, params) is True


def help_text(screen: Screen) -> Hanging:
    """The help for `screen`: its title, what it is for, its keys, the keys everywhere; what
    a key does wraps under itself, beside the keys (`str()` is the plain text)."""
    own = keys(screen, _own_bindings(screen))
    everywhere = [(key, words, True) for key, words, _ in keys(
        screen, list(Binding.make_bindings(screen.app.BINDINGS)))]
    everywhere += [(key, words, True) for key, words in EVERYWHERE]
    width = max(len(key) for key, _, _ in own + everywhere) + 4  # two spaces either side
    parts: list = [Text(f"{title(screen)}\n", style="bold"),  # a Text part ends its line
                   Text(f"{purpose(screen) or 'No description.'}\n")]
    for heading, rows in (("Keys on this screen", own), ("Everywhere", everywhere)):
        parts.extend((Text("\n"), Text(f"{heading}\n", style="bold underline")))
        for key, words, offered in rows:
            style = "" if offered else "dim"
            parts.append((Text(f"  {key}", style=style),
                          Text(words + ("" if offered else " (not here now)"), style=style)))
        if not rows:
            parts.append(Text("  none of its own: the keys below\n"))
    return Hanging(parts, width=width)


class ReadScreen(ModalScreen):
    """A text to read over the screen, scrolled by the arrow keys; Esc closes it."""

    DEFAULT_CSS = """
    ReadScreen { align: center middle; }
    ReadScreen #help { width: 100; max-width: 95%; height: auto; max-height: 90%;
                       border: thick $primary; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, text: Text | Hanging) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            if isinstance(self.text, Hanging):  # its `render()` keeps the plain text
                lines = HangingLines(id="help-text")
                text = self.text
                lines.show(text.parts, text.width, text.label_style, text.wrap_labels)
                yield lines
            else:
                yield Static(self.text, id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)


class HelpScreen(ReadScreen):
    """Help: what the screen behind is for and every key it has. Esc, F1 or ? closes it."""

    BINDINGS = [Binding("escape", "close", "Close help")]  # F1 and ? close it too (app)

    def __init__(self, screen: Screen) -> None:
        super().__init__(help_text(screen))


__all__ = ["HelpScreen", "ReadScreen", "help_text", "keys", "purpose", "title"]
