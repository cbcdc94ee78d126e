"""Words a family reads: no rule citations ("(WIR 2.11)", "BEX 3: "), no arrows ("Amber →
Green" says "Amber to Green"), and need titles shortened only at a word. The rule keys stay
in the worker's copy (the app, the JSON exports, the audit); documents for a family pass
their text through `family_text`."""

from __future__ import annotations

import re

_CODE = r"(?:WIR|BEX|TRA|WAR|STO)(?: ?\d+(?:\.\d+)*)?"
_CODES = rf"{_CODE}(?:(?: ?[,;/] ?| and ){_CODE})*"
# "(WIR 2.3)", "(TRA / WAR 8.1)": the whole bracket goes, with the space before it.
_BRACKET = re.compile(rf" ?\({_CODES}\)")
# "(did not attend, WIR 2.8)": the citation inside a bracket goes, the words stay.
_IN_BRACKET = re.compile(rf"[,;] ?{_CODES}(?=\))")
# "WIR 2.6: every action…", "… as BEX 3 asks": a bare citation with a number.
_BARE = re.compile(r"\b(?:WIR|BEX|TRA|WAR|STO) ?\d+(?:\.\d+)*\b(?: ?[,;/] ?"
                   r"(?:WIR|BEX|TRA|WAR|STO)(?: ?\d+(?:\.\d+)*)?)*:? ?")
_ARROW = re.compile(r" *→ *| +-> +")


def family_text(text: str) -> str:
    """`text` without rule citations or arrows: "To receive the record (did not attend, WIR
    2.8)" → "To receive the record (did not attend)"; "In progress → Done" → "In progress
    to Done"."""
    text = _BRACKET.sub("", text)
    text = _IN_BRACKET.sub("", text)
    text = _BARE.sub("", text)
    return _ARROW.sub(" to ", text)


def shorten_at_word(text: str, width: int) -> str:
    """`text` on one line, at most `width` characters: cut after a whole word, with "…"
    (a single word longer than `width` is kept whole)."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width].rsplit(" ", 1)[0] if " " in text[: width] else text.split(" ", 1)[0]
    return cut.rstrip(" ,;:.—-") + "…"
