"""The command line's output without Rich's cost: tables drawn as Rich draws them (its
heavy-head box, a bold header, the title above) in one pass of string work, and, where Rich
would print no colour (output to a file or a pipe: scripts), a console that prints what Rich
would print there without importing it (`PlainConsole`, ~30 ms a command: half `import
typer`).

Rich's `Table` measures and renders every cell through its layout engine, about 0.15 ms a
cell: `cintui due` for everyone on a 5,000-child store printed 10,000 lines in 7.2 s where
its `--json` took 0.9 s, and `child list` 5.8 s against 0.3 s. Here a cell is split into
lines, wrapped at word boundaries to its column's width and padded, nothing more. Every
text is made inert first (Trust: output is inert), as `common._console` does for Rich.

A cell's text is wrapped as Rich wraps it (`rich_wrap`). Widths: a column is as wide as its
widest line unless the table would not fit the console; then the widest columns that may
wrap give way first, down to their longest word, so a case reference or a date in a `no_wrap` column is never cut. With `expand`, the columns with
a `ratio` share what the others leave of the console's width, as Rich's do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from cintui.domain.records import Record
from cintui.domain.text import inert

# (text, Rich style) lines: a cell of several lines, each with its own style ("" for none).
Lines = Sequence[tuple[str, str]]
Cell = str | Lines


class Column(Record):  # a Record, not a frozen dataclass: ~0.4 ms less of each start
    header: str
    ratio: int | None = None  # with `expand`: its share of the width the others leave
    no_wrap: bool = False  # never wrapped (a reference, a date): the others give way
    right: bool = False  # a number: aligned on the right


def _lines(cell: Cell) -> list[tuple[str, str]]:
    """A cell's lines (split at line feeds and Unicode's line separators), inert, a tab as a
    space (prose may hold tabs)."""
    if isinstance(cell, str):
        cell = ((cell, ""),)
    return [(part, style) for text, style in cell
            for part in inert(text).replace("\t", " ").splitlines() or [""]]


def _len(text: str) -> int:
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _longest_word(lines: Iterable[tuple[str, str]]) -> int:
    return max((_len(word) for text, _ in lines for word in text.split()), default=0)


def _widths(columns: Sequence[Column], cells: list[list[list[tuple[str, str]]]],
            room: int, expand: bool) -> list[int]:
    """Each column's text width (padding and borders excluded) within `room`."""
    natural = [max([_len(c.header)] + [_len(t) for row in cells for t, _ in row[n]])
               for n, c in enumerate(columns)]
    if expand and any(c.ratio for c in columns):
        fixed = sum(w for w, c in zip(natural, columns, strict=True) if not c.ratio)
        ratios = [c.ratio or 0 for c in columns]
        spare = max(room - fixed, sum(1 for r in ratios if r))
        shares, left = [], spare
        total = sum(ratios)
        for n, r in enumerate(ratios):
            if not r:
                shares.append(natural[n])
                continue
            share = max(1, spare * r // total)
            shares.append(share)
            left -= share
        for n in range(len(shares)):  # what rounding left over goes to the first ones
            if left <= 0:
                break
            if ratios[n]:
                shares[n] += 1
                left -= 1
        return shares
    widths = list(natural)
    floors = [w if c.no_wrap else max(1, min(w, _longest_word(
        [(c.header, "")] + [line for row in cells for line in row[n]])))
        for n, (w, c) in enumerate(zip(natural, columns, strict=True))]
    # The narrowest a column can be: a character (two cells for a wide one).
    least = [2 if any(not t.isascii() for row in cells for t, _ in row[n]) else 1
             for n in range(len(columns))]
    while (excess := sum(widths) - room) > 0:
        shrinkable = [n for n in range(len(widths)) if widths[n] > floors[n]]
        if not shrinkable:
            if floors == least:
                break  # narrower than a character a column: the terminal wraps the lines
            # Nothing fits whole: long words are folded, in the columns that may wrap first,
            # then (narrower still) in every column.
            wrapping = [least[n] if not c.no_wrap else f
                        for n, (f, c) in enumerate(zip(floors, columns, strict=True))]
            floors = wrapping if wrapping != floors else least
            continue
        # The widest columns that may give way, evenly, down to the next width (or a floor).
        top = max(widths[n] for n in shrinkable)
        tied = [n for n in shrinkable if widths[n] == top]
        below = max((widths[n] for n in shrinkable if widths[n] < top), default=0)
        each, extra = divmod(min(excess, (top - below) * len(tied)), len(tied))
        for i, n in enumerate(tied):
            widths[n] = max(floors[n], top - each - (1 if i < extra else 0))
    return widths


def fitting(console: Any, columns: Sequence[Column], rows: Sequence[Sequence[Cell]],
            keep: int) -> tuple[list[int], list[int]]:
    """(the columns to print, those left out), by index. Every column empty on every row
    is dropped (and not named); then, while the rest cannot fit the console's width
    unwrapped, the last after the first `keep` are left out, rightmost first, for the
    caller to name. A table of nine columns at 80 otherwise folded every word ("meeti ng",
    "Initi al")."""
    cells = [[_lines(cell) for cell in row] for row in rows]
    shown = [n for n in range(len(columns))
             if n < keep or any(text for row in cells for text, _ in row[n])]

    def natural(n: int) -> int:
        return max([_len(columns[n].header)] + [_len(t) for row in cells for t, _ in row[n]])

    left: list[int] = []
    while len(shown) > keep and (sum(natural(n) for n in shown)
                                 > console.width - 3 * len(shown) - 1):
        left.insert(0, shown.pop())
    return shown, left


def print_fitting(console: Any, columns: Sequence[Column], rows: Sequence[Sequence[Cell]],
                  keep: int) -> None:
    """`print_table` with only the columns that fit the console's width unwrapped (the
    first `keep` always: `fitting`), and a line naming those left out, so that no word is
    folded ("Strengthen ing") in a laptop's 80 columns."""
    shown, left = fitting(console, columns, rows, keep)
    print_table(console, [columns[n] for n in shown], [[row[n] for n in shown] for row in rows])
    if left:
        console.print("Not shown at this width: "
                      f"{', '.join(columns[n].header for n in left)} (wider, or --json)",
                      highlight=False)


def rule_with_source(rule: str, source: str) -> str:
    """A timescale's rule and its source on one line, for a table too narrow for a source
    column: "within 14 days of the meeting (WIR 2.3)"; a source with its own brackets after
    a dot ("… · England default (cf. BEX 3)")."""
    return f"{rule} · {source}" if "(" in source else f"{rule} ({source})"


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * (width - (len(text) if text.isascii() else _len(text)))
    return space + text if right else text + space


def print_table(console: Any, columns: Sequence[Column], rows: Iterable[Sequence[Cell]], *,
                title: Lines = (), expand: bool = False, lines: bool = False) -> None:
    """Write the table to the console's file, in colour only where Rich would use colour;
    `lines`: a rule between rows (a plan's needs)."""
    cells = [[_lines(cell) for cell in row] for row in rows]
    ncols = len(columns)
    widths = _widths(columns, cells, console.width - 3 * ncols - 1, expand)
    paint = _painter(console)
    out: list[str] = []
    if title:
        out.append("".join(paint(inert(text), f"italic {style}".strip())
                           for text, style in title))
    out.append("┏" + "┳".join("━" * (w + 2) for w in widths) + "┓")
    right = [c.right for c in columns]
    header = [[(inert(c.header), "bold")] for c in columns]
    out.extend(_row_lines(header, widths, right, paint, "┃"))
    out.append("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩")
    rule = "├" + "┼".join("─" * (w + 2) for w in widths) + "┤"
    for n, row in enumerate(cells):
        if lines and n:
            out.append(rule)
        out.extend(_row_lines(row, widths, right, paint, "│"))
    out.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    console.file.write("\n".join(out) + "\n")


def _row_lines(row: list[list[tuple[str, str]]], widths: list[int], right: list[bool], paint,
               bar: str) -> list[str]:
    """A row's cells wrapped to their widths, side by side, as lines of the table."""
    wrapped = [[(part, style) for text, style in cell for part in rich_wrap(text, w)]
               for cell, w in zip(row, widths, strict=True)]
    lines = []
    for i in range(max(len(c) for c in wrapped)):
        parts = []
        for cell, w, r in zip(wrapped, widths, right, strict=True):
            text, style = cell[i] if i < len(cell) else ("", "")
            parts.append(f" {paint(_pad(text, w, r), style)} ")
        lines.append(bar + bar.join(parts) + bar)
    return lines


def _painter(console: Any):
    """`paint(text, style)`: the text in the style's colours for this console; as it is when
    the console has no colour (not a terminal, NO_COLOR)."""
    system = console.color_system
    if system is None:
        return lambda text, style: text
    from rich.color import ColorSystem
    from rich.style import Style

    colours = {"standard": ColorSystem.STANDARD, "256": ColorSystem.EIGHT_BIT,
               "truecolor": ColorSystem.TRUECOLOR, "windows": ColorSystem.WINDOWS}[system]
    styles: dict[str, Any] = {}

    def paint(text: str, style: str) -> str:
        if not style or not text:
            return text
        parsed = styles.get(style)
        if parsed is None:
            parsed = styles[style] = Style.parse(style)
        return parsed.render(text, color_system=colours)

    return paint


# ------------------------------------------------------------------ printing as Rich does

# Rich's markup tags (rich/markup.py): `[bold]`, `[/]`, `[bold red]`; `\[` is a bracket.
_TAG = re.compile(r"((\\*)\[([a-z#/@][^[]*?)])")
_WORD = re.compile(r"\s*\S+\s*")  # a word and the spaces after it (rich/_wrap.py)
_TRAILING = re.compile(r"\s+$")


_ESCAPE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")


def escape(text: str) -> str:
    """`text` for a string that has markup, shown as typed: what `rich.markup.escape` gives,
    without importing Rich (a name or a need holding `[/i]` stopped a command in a
    terminal, and a pipe's output lost it)."""
    text = _ESCAPE.sub(lambda m: f"{m[1]}{m[1]}\\{m[2]}", text)
    return text + "\\" if text.endswith("\\") and not text.endswith("\\\\") else text


def plain_markup(markup: str) -> str:
    """The text Rich prints for `markup` (rich/markup.py `render`): its tags dropped, escaped
    brackets kept, emoji codes (`:smile:`) replaced."""
    if "[" not in markup:
        return _emoji(markup)
    out, position = [], 0
    for match in _TAG.finditer(markup):
        full, escapes, _tag = match.groups()
        start, end = match.span()
        out.append(_emoji(markup[position:start].replace("\\[", "[")))
        position = end
        if escapes:
            pairs, escaped = divmod(len(escapes), 2)
            out.append("\\" * pairs)
            if escaped:
                out.append(full[len(escapes):])  # a literal `[...]`
    out.append(_emoji(markup[position:].replace("\\[", "[")))
    return "".join(out)


_EMOJI_CODE = re.compile(r":\S+?:")


def _emoji(text: str) -> str:
    if _EMOJI_CODE.search(text) is None:
        return text
    from rich._emoji_replace import _emoji_replace

    return _emoji_replace(text)


def rich_wrap(line: str, width: int) -> list[str]:
    """`line` broken into lines as Rich breaks text for a console `width` cells wide
    (rich/_wrap.py: a word keeps the spaces after it; a word wider than a line is folded),
    each line's trailing spaces beyond the width dropped, then cut to the width."""
    if _len(line) <= width:
        return [line]
    breaks, offset = [], 0
    for match in _WORD.finditer(line):
        start, word = match.start(), match.group(0)
        length = _len(word.rstrip())
        if width - offset >= length:
            offset += _len(word)
        elif length > width:
            pieces = _chop(word, width)
            for n, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if n == len(pieces) - 1:
                    offset = _len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = _len(word)
    lines = [line[a:b] for a, b in zip([0, *breaks], [*breaks, len(line)], strict=True)]
    out = []
    for text in lines:
        if len(text) > width and (spaces := _TRAILING.search(text)) is not None:
            text = text[:len(text) - min(len(spaces.group(0)), len(text) - width)]
        if _len(text) > width:  # wide characters: cropped to the width, as Rich does
            from rich.cells import set_cell_size

            text = set_cell_size(text, width)
        out.append(text)
    return out


def _chop(word: str, width: int) -> list[str]:
    """`word` in pieces of at most `width` cells (rich.cells.chop_cells)."""
    pieces, line = [], ""
    for char in word:
        if line and _len(line + char) > width:
            pieces.append(line)
            line = ""
        line += char
    return [*pieces, line]


def _expand_tabs(line: str, size: int = 8) -> str:
    """Tabs to the next stop of `size` cells (Rich's `Text.expand_tabs`, wide characters
    counting two)."""
    if "\t" not in line:
        return line
    parts = line.split("\t")
    out, column = [], 0
    for part in parts[:-1]:
        column += _len(part)
        spaces = size - column % size
        out.append(part + " " * spaces)
        column += spaces
    return "".join(out) + parts[-1]


class PlainConsole:
    """What Rich's console prints to a file that is not a terminal, for the strings cintui
    prints (markup, tabs, wrapping at the width), with no colour and no Rich imported. Text
    is made inert before its markup is read, as `common._console`'s console does."""

    color_system = None

    def __init__(self, file: Any, width: int) -> None:
        self.file = file
        self.width = width

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", soft_wrap: bool = False,
              **_options: Any) -> None:
        text = plain_markup(inert(sep.join(str(o) for o in objects)))
        lines = [_expand_tabs(line) for line in text.split("\n")]
        if not soft_wrap:
            lines = [part for line in lines for part in rich_wrap(line, self.width)]
        self.file.write("\n".join(lines) + end)


def console_width() -> int:
    """The width Rich gives a console: the terminal's (any of stdin, stdout, stderr), else
    80; COLUMNS wins."""
    import os

    width = None
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        width = int(columns)
    return width or 80
