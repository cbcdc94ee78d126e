"""`Label  value` lines whose long values wrap under themselves (a hanging indent), so a
record's Summary or a case's steps read as two columns at 80 columns too, with free text
between them. Laid out by Rich at the width it is drawn at (a grid a run of rows), so
there is nothing to redo when the terminal is resized."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

Part = "tuple[str | Text, str | Text] | tuple[str | Text, str | Text, str | Text] | Text | Hanging"


def _text(value: str | Text) -> Text:
    return value if isinstance(value, Text) else Text(value)  # as typed: never markup


def _one_line_each(text: Text) -> Text:
    """A part's lines without the newline that ends it (a Group puts each on its own)."""
    if not text.plain.endswith("\n"):
        return text
    text = text.copy()
    text.right_crop(1)
    return text


class Hanging:
    """A Rich renderable: each part a (label, value) line, the labels `width` wide, or a
    (label, value, note) line with the note in a right margin that never wraps (a rule's
    key), a Text as it is, or a Hanging of its own. `str()` is the plain text, a part a line, as it
    reads unwrapped. With `wrap_labels`, a label too long for its column wraps in it (a
    form's questions: "Family consents to / the Level 3 service"), a space before the value."""

    def __init__(self, parts: list[Part], width: int = 14, label_style: str = "bold",
                 wrap_labels: bool = False) -> None:
        self.parts, self.width, self.label_style = parts, width, label_style
        self.wrap_labels = wrap_labels

    def __rich_console__(self, console, options):
        pieces, grid = [], None
        for part in self.parts:
            if isinstance(part, Text | Hanging):  # a Hanging inside: labels of its own width
                grid = None
                pieces.append(_one_line_each(part) if isinstance(part, Text) else part)
                continue
            if grid is None or len(grid.columns) != len(part):
                # A space after each column where one could run into the next: a wrapped
                # label, and the words before a note ("…, with [TRA; BEX 3]" once touched).
                pad = self.wrap_labels or len(part) == 3
                grid = Table.grid(expand=True, padding=(0, 1, 0, 0) if pad else 0)
                grid.add_column(width=self.width - pad, no_wrap=not self.wrap_labels,
                                style=self.label_style)
                grid.add_column(ratio=1)
                if len(part) == 3:  # a note in a margin of its own, never broken ("[WIR 3]")
                    grid.add_column(no_wrap=True, justify="right")
                pieces.append(grid)
            grid.add_row(*(_one_line_each(_text(p)) for p in part))
        yield Group(*pieces)

    def __str__(self) -> str:
        return "".join(p.plain if isinstance(p, Text) else str(p) if isinstance(p, Hanging)
                       else _text(p[0]).plain.ljust(self.width - 1) + " "
                            + " ".join(_text(q).plain for q in p[1:]) + "\n"
                       for p in self.parts)


class HangingLines(Static):
    """Shows a `Hanging` of its parts; `render()` gives it back (its `str()` is the text)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._hanging: Hanging | None = None  # till shown: what it was made with ("Loading…")

    def show(self, parts: list[Part], width: int = 14, label_style: str = "bold",
             wrap_labels: bool = False) -> None:
        self._hanging = Hanging(parts, width, label_style, wrap_labels)
        self.update(self._hanging)

    def render(self):
        return super().render() if self._hanging is None else self._hanging
