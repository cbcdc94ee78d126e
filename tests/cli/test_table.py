"""The command line's long tables (`cintui due`, `cintui child list`; cli/table.py): drawn
as Rich draws a table, in a fraction of the time (issue 21: instant from the shell for a
service manager's 5,000 children). A person reads them in a terminal of any width: the box
stays whole, no word is lost, a case reference or date is never cut, and nothing stored
reaches the terminal as a control sequence."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from cintui.cli.table import Column, print_table


def drawn(columns, rows, *, width=80, colour=False, **kwargs) -> list[str]:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=colour,
                      color_system="truecolor" if colour else None)
    print_table(console, columns, rows, **kwargs)
    return out.getvalue().splitlines()


CHILDREN = (Column("reference", no_wrap=True), Column("name"), Column("age"),
            Column("DOB / due", no_wrap=True), Column("worker"),
            Column("status", no_wrap=True), Column("level"))


def test_a_narrow_terminal_wraps_names_but_never_cuts_a_reference_or_a_date():
    rows = [(f"CIN{n:06d}", "Oluwaseun Adebayo-Whitworth", "11 months", "2025-11-28",
             "Amira Ashdown", "cin_plan", "Child in need (s17)") for n in range(30)]
    lines = drawn(CHILDREN, rows, width=80)
    assert {cell_len(line) for line in lines} == {len(lines[0])} and len(lines[0]) <= 80
    assert lines[0].startswith("┏") and lines[2].startswith("┡") and lines[-1].startswith("└")
    body = "\n".join(lines)
    for n in range(30):
        assert f"│ CIN{n:06d} │" in body
    assert body.count("2025-11-28") == 30
    assert "Oluwaseun" in body  # wrapped between words; the longest word is folded at 80
    wider = "\n".join(drawn(CHILDREN, rows, width=100))
    assert "Adebayo-Whitworth" in wider and "│ CIN000029 │" in wider


TEXT = st.characters(blacklist_characters="│┃", blacklist_categories=("Cs",))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text(TEXT, max_size=60), st.text(TEXT, max_size=30),
                          st.sampled_from(["DEMO00001", "CIN123456"])),
                min_size=0, max_size=6),
       st.integers(min_value=30, max_value=200), st.booleans())
def test_any_text_at_any_width_keeps_the_box_whole_and_every_word_in_order(rows, width, expand):
    columns = (Column("what", ratio=3), Column("who", ratio=1), Column("ref", no_wrap=True))
    lines = drawn(columns, rows, width=width, expand=expand)
    widths = {cell_len(line) for line in lines}
    assert len(widths) == 1  # every line as wide as the box
    if expand:
        assert widths == {width} or width < 3 * 4 + 9  # fills the terminal when it can
    for *_, ref in rows:
        assert ref in "\n".join(lines)
    # The words of a cell come out in order (folded words joined back).
    from cintui.domain.text import inert

    text = "".join(line.split("│")[1] for line in lines if line.startswith("│"))
    assert "".join(text.split()) == "".join("".join(inert(w).split()) for w, _, _ in rows)


def test_stored_control_characters_print_inert():
    """Trust: output is inert. An escape sequence stored before they were refused prints as
    visible symbols, never as a command to the terminal."""
    lines = drawn(CHILDREN, [("DEMO00001", "Amy\x1b]0;pwned\x07\x1b[2J", "7", "2019-01-01",
                              "Tess", "cin_plan", "Child in need")], width=200)
    assert "\x1b" not in "\n".join(lines) and "\x07" not in "\n".join(lines)
    assert "Amy␛]0;pwned␇␛[2J" in "\n".join(lines)


def test_colour_only_in_a_terminal_that_has_it():
    columns = (Column("due", no_wrap=True), Column("what · rule", ratio=1))
    rows = [("now", (("Visit", ""), ("WIR 2.11", "dim")))]
    plain = drawn(columns, rows, expand=True, title=(("Overdue", "bold red"), (" (1)", "")))
    assert plain[0] == "Overdue (1)" and "\x1b" not in "\n".join(plain)
    assert any("WIR 2.11" in line for line in plain)
    coloured = "\n".join(drawn(columns, rows, colour=True, expand=True,
                               title=(("Overdue", "bold red"), (" (1)", ""))))
    assert "\x1b[1;3;31mOverdue" in coloured  # the title: italic, and bold red
    assert "\x1b[2mWIR 2.11" in coloured  # the rule: dim
    assert "\x1b[1mdue" in coloured  # the header: bold


def test_wide_characters_are_measured_by_the_cells_they_take():
    rows = [("张伟 李娜 王芳 刘洋 陈静 杨磊", "DEMO00001")]
    lines = drawn((Column("name"), Column("ref", no_wrap=True)), rows, width=24)
    assert {cell_len(line) for line in lines} == {24} or len({cell_len(x) for x in lines}) == 1
    assert "DEMO00001" in "\n".join(lines)


# ------------------------------------------------------------------ printing without Rich

class InertRich(Console):
    """The console `common._console` makes, on a file (no colour)."""

    def render_str(self, text, **kwargs):
        from cintui.domain.text import inert

        return super().render_str(inert(text), **kwargs)


def printed(console_cls, width, *args, **kwargs) -> str:
    from cintui.cli.table import PlainConsole

    out = io.StringIO()
    if console_cls is PlainConsole:
        console = PlainConsole(out, width)
    else:
        console = console_cls(file=out, width=width, color_system=None)
    console.print(*args, **kwargs)
    return out.getvalue()


PROSE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x0b\x0c"
                              "\x1c\x1d\x1e\x85\u2028\u2029"), max_size=120)


@settings(max_examples=300, deadline=None)
@given(PROSE | st.sampled_from(["Smile :smile: :not_an_emoji: 10:30:", "a\\[b \\\\[bold]"]),
       PROSE, st.integers(min_value=8, max_value=120), st.booleans())
def test_printed_to_a_file_as_rich_prints_it(name, words, width, soft_wrap):
    """Scripts read cintui's output from a pipe: there it is what Rich printed (markup
    dropped, escaped brackets kept, lines broken where Rich breaks them), without the
    30 ms Rich costs to import."""
    from rich.markup import escape

    from cintui.cli.table import PlainConsole

    markup = f"[bold]{escape(name)}[/] · {escape(words)} [bold red]no[/]"
    assert printed(PlainConsole, width, markup, soft_wrap=soft_wrap) == \
        printed(InertRich, width, markup, soft_wrap=soft_wrap)


def test_a_terminal_too_narrow_for_the_table_still_gets_all_of_it():
    """Narrower than the columns can go (an empty column, a reference wider than the room):
    the table is still drawn, whole, with nothing dropped."""
    lines = drawn((Column(""), Column("abc"), Column("ref", no_wrap=True)),
                  [("", "hello world", "DEMO00001" * 3)], width=20)
    assert len({cell_len(line) for line in lines}) == 1
    assert "".join(line.split("│")[3].strip() for line in lines if line.startswith("│")) == \
        "DEMO00001" * 3
