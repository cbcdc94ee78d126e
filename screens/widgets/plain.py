"""Text people typed, shown as typed: never read as markup (Trust: output is inert).

Textual reads a string given to a widget (a `Static`, a table's cell, an option, a
checkbox's label, a notification) as content markup, and Rich reads a table cell's string
the same way. A name, an action or a note holding `[/i]` then stopped the app
(MarkupError: a closing tag that closes nothing), and `[b]…` or `[link=…]` restyled or
linked what a worker wrote. cintui's own strings keep their markup; what came from the
store goes through `plain` where it is put in a string that has markup, and tables take
their cells as plain text (`plain_table.PlainTable`). `tests/screens/test_markup.py` walks every screen
of a store whose every text reads like markup.
"""

from __future__ import annotations


def plain(text: object) -> str:
    """`text` for a string that has markup: every bracket shown as typed. Not
    `textual.markup.escape`, which leaves a bracket with no closing one (`[/x` typed in the
    filter), and Textual reads that as a tag running to the end."""
    return str(text).replace("[", "\\[")
