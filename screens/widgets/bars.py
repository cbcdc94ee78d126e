"""Percentages as bars on a fixed 0-100% scale, one bar a period, for a trend a manager reads
at a glance (the team view's visits in timescale, week by week).

Textual's `Sparkline` scales its bars between the data's own lowest and highest values: a
team going from 96% to 95% of visits in time drew a full bar and then an empty one, and a
single known week filled the whole width with a block. Here 100% is always a full bar and 0%
a line on the floor; a period with nothing to judge is a dot."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widget import Widget

EIGHTHS = " ▁▂▃▄▅▆▇█"
UNKNOWN = "·"


def bar_lines(percents: Sequence[float | None], height: int = 2, width: int = 2,
              gap: int = 1) -> list[str]:
    """The bars as `height` lines of text, top first: each period `width` cells wide, `gap`
    cells apart; 0% is a bottom eighth (still seen), None a dot on the floor."""
    levels = 8 * height
    lines = []
    for row in range(height):
        floor = (height - 1 - row) * 8  # eighths below this line
        cells = []
        for p in percents:
            if p is None:
                cell = UNKNOWN if row == height - 1 else " "
            else:
                filled = max(1, round(max(0.0, min(100.0, p)) / 100 * levels))
                cell = EIGHTHS[max(0, min(8, filled - floor))]
            cells.append(cell * width)
        lines.append((" " * gap).join(cells))
    return lines


def fitting(count: int, room: int) -> tuple[int, int]:
    """(width, gap) of each of `count` bars in `room` cells: two cells a bar and one between
    where they fit, then one and one, then one and none (the last bars cut beyond that)."""
    for width, gap in ((2, 1), (1, 1)):
        if count * (width + gap) - gap <= room:
            return width, gap
    return 1, 0


class Bars(Widget):
    """`Bars(id=…)`, then `.show(percents)`: the bars on their fixed scale, as many lines
    high as the widget, as wide as fits it."""

    DEFAULT_CSS = "Bars { height: 2; color: $primary; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.percents: list[float | None] = []

    def show(self, percents: Sequence[float | None]) -> None:
        self.percents = list(percents)
        self.refresh()

    def render(self) -> Text:
        if not self.percents:
            return Text("")
        width, gap = fitting(len(self.percents), self.size.width)
        return Text("\n".join(bar_lines(self.percents, height=max(1, self.size.height),
                                        width=width, gap=gap)))
