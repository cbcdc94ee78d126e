"""`Label:  value` lines whose long values wrap under themselves (a hanging indent), so a
record's Summary reads as two columns at 80 columns too, followed by free text. Laid out
by Rich at the width it is drawn at (a grid a run of rows), so there is nothing to redo
when the terminal is resized."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

LABEL_WIDTH = 14


class Hanging:
    """A Rich renderable: each part a (label, value) line or a Text as it is. `str()` is
    the plain text, one line a part, as it would read unwrapped."""

    def __init__(self, parts: list[tuple[str, str] | Text]) -> None:
        self.parts = parts

    def __rich_console__(self, console, options):
        pieces, grid = [], None
        for part in self.parts:
            if isinstance(part, Text):
                grid = None
                pieces.append(part)
                continue
            if grid is None:
                grid = Table.grid(expand=True)
                grid.add_column(width=LABEL_WIDTH, no_wrap=True, style="bold")
                grid.add_column(ratio=1)
                pieces.append(grid)
            grid.add_row(Text(f"{part[0]}:"), Text(part[1]))  # as typed: never markup
        yield Group(*(_one_line_each(p) if isinstance(p, Text) else p for p in pieces))

    def __str__(self) -> str:
        return "".join(p.plain if isinstance(p, Text) else
                       f"{p[0] + ':':<{LABEL_WIDTH}}{p[1]}\n" for p in self.parts)


def _one_line_each(text: Text) -> Text:
    """A part's lines without the newline that ends it (a Group puts each on its own)."""
    if not text.plain.endswith("\n"):
        return text
    text = text.copy()
    text.right_crop(1)
    return text


class HangingLines(Static):
    """Shows a `Hanging` of its parts; `render()` gives it back (its `str()` is the text)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._hanging = Hanging([])

    def show(self, parts: list[tuple[str, str] | Text]) -> None:
        self._hanging = Hanging(parts)
        self.update(self._hanging)

    def render(self):
        return self._hanging
