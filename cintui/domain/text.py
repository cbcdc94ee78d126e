"""Plain text only: control characters are refused on input and shown visibly on output.

A name or a note holding an escape sequence (`ESC ] 0 ; … BEL` sets the terminal's title,
`ESC [ 2 J` clears the screen) would act on the terminal of whoever prints it. So text
entering the store must be plain (`control_problem`), and text printed from the store is
made inert (`inert`) in case it was stored before this rule existed.

Refused: the C0 controls (except line feed and tab in multi-line text), DEL, the C1
controls (U+0080-U+009F) and the bidirectional overrides and isolates, which can make text
read differently from what it says.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any


def counted(n: int, word: str, plural: str | None = None) -> str:
    """'1 visit', '2 visits' ('2 WORKING DAYS' for a word in capitals); `plural` where an
    s is wrong ('open children')."""
    if n == 1:
        return f"{n} {word}"
    return f"{n} {plural or word + ('S' if word.isupper() else 's')}"

class LazyPattern:
    """A regular expression compiled the first time it is used, for a module holding many
    that most commands importing it never use (`export.plan`'s Markdown writer and reader:
    ~2 ms of `plan show`'s start compiled for nothing). It answers as the compiled pattern
    does (`.match`, `.sub`, ...)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        value = getattr(re.compile(*self._args), name)
        setattr(self, name, value)  # found directly from the next use on
        return value


_SHELL_PLAIN = re.compile(r"[A-Za-z0-9_.,:/@%+=-]+")


def shell_word(text: str) -> str:
    """`text` as one word typed at a shell: as it is when nothing in it is special
    ("Layla"), else in double quotes ("Sam Smith", "Siobhan O'Neill"), else single (shlex)."""
    import shlex

    text = text.strip()
    if _SHELL_PLAIN.fullmatch(text):
        return text
    return f'"{text}"' if not set(text) & set('"$`\\!') else shlex.quote(text)


def first_upper(text: str) -> str:
    """Words starting a sentence or a label: the first letter a capital, the rest as written.
    (`str.capitalize` lowers the rest: "a CIN plan" became "A cin plan", "referred 3 Dec to
    Jo Bell" "Referred 3 dec to jo bell".)"""
    return text[:1].upper() + text[1:]


def in_sentence(label: str) -> str:
    """A label inside a sentence: its first word in lower case unless it is an acronym or a
    name ("Initial CIN planning meeting" → "initial CIN planning meeting"; "CIN review
    meeting" stays)."""
    first = label.split(" ", 1)[0]
    return label if first[1:2].isupper() or len(first) < 2 else label[:1].lower() + label[1:]


_C0_NAMES = ("NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT",
             "FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
             "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US")
_BIDI = "\u202a-\u202e\u2066-\u2069"
_SINGLE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_MULTI_LINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_C0_DEL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def char_name(char: str) -> str:
    """`U+001B ESC`: the code point and a short name, for messages."""
    code = ord(char)
    if code < 0x20:
        name = _C0_NAMES[code]
    elif code == 0x7F:
        name = "DEL"
    elif code <= 0x9F:
        name = "C1 control"
    else:
        name = unicodedata.name(char, "control")
    return f"U+{code:04X} {name}"


def control_problem(text: str, multiline: bool = False) -> str | None:
    """What is wrong with `text` as typed input, or None if it is plain text.

    Single-line text takes no control character at all; multi-line text (notes, analysis)
    may hold line feeds and tabs."""
    found = (_MULTI_LINE if multiline else _SINGLE_LINE).search(text)
    if found is None:
        return None
    if found.group() == "\n":
        return "must be one line"
    return f"contains a control character ({char_name(found.group())}); type plain text"


def all_plain(texts: list[str], multiline: bool = False) -> bool:
    """True when `control_problem` finds nothing in any of `texts`: one search of them all
    joined by a space (plain in every kind of text), for checking many rows at once."""
    return (_MULTI_LINE if multiline else _SINGLE_LINE).search(" ".join(texts)) is None


def _shown(found: re.Match[str]) -> str:
    code = ord(found.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ESC shows as ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


# The characters `inert` replaces that Latin-1 text can hold (a bidi override cannot), as
# the bytes of its Latin-1 encoding: C0 but tab and line feed, DEL, and C1 unless c0_only.
_C0_DEL_BYTES = bytes((*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F))
_LATIN1_REPLACED = {True: _C0_DEL_BYTES, False: _C0_DEL_BYTES + bytes(range(0x80, 0xA0))}


def inert(text: str, *, c0_only: bool = False) -> str:
    """`text` safe to print to a terminal: each control character (but line feed and tab)
    is replaced by a visible stand-in, ESC by ␛, a C1 control or bidi override by <U+202E>.

    `c0_only`: the C0 controls and DEL alone, the characters JSON always escapes, so that
    JSON text (the audit trail, whose hashes cover it) reads back unchanged.

    Text of Latin-1 characters alone (English, most names, JSON: a 6 MB due list) is
    checked as bytes first, in a few milliseconds against the pattern's ~50 and returned
    as it is when none is there; other text, or text with one, goes through the pattern."""
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        pass
    else:
        replaced = _LATIN1_REPLACED[c0_only]
        if len(raw.translate(None, replaced)) == len(raw):
            return text
    return (_C0_DEL if c0_only else _MULTI_LINE).sub(_shown, text)  # tab, line feed harmless


# Letters with no decomposition to a base letter and a mark, written as English keyboards
# type them (the rest, é ñ ő ș ễ…, lose their marks through NFKD).
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŀ": "l",
                       "æ": "ae", "œ": "oe", "ß": "ss", "þ": "th", "ð": "d"})


def folded(text: str) -> str:
    """`text` for searching as people type names on an English keyboard: lower case, without
    accents ("Zoë Nguyễn-Wójcik" → "zoe nguyen-wojcik", "Łukasiewicz" → "lukasiewicz",
    "Straße" → "strasse"), in one normal form (a name imported decomposed matches one typed
    composed). Other scripts are kept as they are. Not `anyascii`: its import (15 ms, with
    importlib.resources) would sit on the first paint, which reads the caseload."""
    text = text.lower()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_FOLD)


def close_name(text: str, known: Iterable[str]) -> str | None:
    """The name on the store `text` was likely meant as: mistyped ("wendy.wroker"), or its
    words in another order ("Families North" for "North Families"); None if none is."""
    import difflib

    known = list(known)
    matches = difflib.get_close_matches(text.strip(), known, n=1, cutoff=0.8)
    words = sorted(text.lower().split())
    return matches[0] if matches else next(
        (k for k in known if sorted(k.lower().split()) == words), None)


def did_you_mean(close: str | Sequence[str] | None) -> str:
    """" (did you mean 'x'?)" after a refusal, for the name on the store likely meant; for
    several equally likely, " (did you mean 'x' or 'y'?)"."""
    names = [close] if isinstance(close, str) else list(close or ())
    if not names:
        return ""
    quoted = [repr(n) for n in names]
    return f" (did you mean {' or '.join(filter(None, (', '.join(quoted[:-1]), quoted[-1])))}?)"
