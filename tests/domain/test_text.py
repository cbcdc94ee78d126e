"""Plain text only (Trust: output is inert)."""

import re

from hypothesis import given
from hypothesis import strategies as st

from cintui.domain.text import control_problem, counted, folded, in_sentence, inert


def test_plain_text_is_fine_and_unchanged():
    for text in ("Amara O'Neill", "Zoë Łukasz", "café — «ok»", "ملاك", ""):
        assert control_problem(text) is None
        assert inert(text) == text


def test_an_escape_sequence_is_refused_by_name():
    assert control_problem("\x1b]0;pwned\x07") == (
        "contains a control character (U+001B ESC); type plain text")
    assert control_problem("a\x1b[2J") == (
        "contains a control character (U+001B ESC); type plain text")


def test_del_c1_and_bidi_overrides_are_refused():
    assert "U+007F DEL" in control_problem("a\x7fb")
    assert "U+009B C1 control" in control_problem("a\x9b2J")
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in control_problem("invoice\u202etxt.exe")
    assert "U+2066 LEFT-TO-RIGHT ISOLATE" in control_problem("a\u2066b")


def test_line_feed_and_tab_only_in_multi_line_text():
    assert control_problem("first\nsecond\tthird", multiline=True) is None
    assert control_problem("first\nsecond") == "must be one line"
    assert "U+0009 HT" in control_problem("a\tb")
    assert "U+000D CR" in control_problem("a\r\nb", multiline=True)
    assert "U+001B ESC" in control_problem("a\n\x1b[2J", multiline=True)


def test_inert_shows_control_characters_visibly():
    assert inert("\x1b]0;pwned\x07") == "␛]0;pwned␇"
    assert inert("a\x1b[2Jb\rc\x7f") == "a␛[2Jb␍c␡"
    assert inert("x\x9by\u202ez") == "x<U+009B>y<U+202E>z"
    assert inert("two\nlines\tand a tab") == "two\nlines\tand a tab"


def test_inert_c0_only_leaves_what_json_keeps_raw():
    """The read boundary: JSON never holds a raw C0 control, so the audit trail's JSON,
    which may hold a C1 or bidi character, reads back byte for byte."""
    assert inert("a\x1b[2J\x85\u202eb", c0_only=True) == "a␛[2J\x85\u202eb"


# Every character inert replaces, as a pattern written out here (Trust: output is inert).
_REPLACED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_REPLACED_C0 = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_TRICKY = st.sampled_from(["\x00", "\t", "\n", "\r", "\x1b", "\x7f", "\x80", "\x85", "\x9b",
                           "\x9f", "\xa0", "£", "é", "\xff", "Ā", "—", "\u202e", "\u2066",
                           "\u2069", "\u206a", "ملاك", "😀", "a", " ", "{", "\""])
_TEXTS = st.one_of(st.text(), st.lists(_TRICKY).map("".join),
                   st.text(alphabet=st.characters(max_codepoint=0xFF)))


def _stand_in(found: re.Match) -> str:
    """What a terminal is shown instead: a C0 control as its Control Picture (ESC ␛), DEL
    as ␡, a C1 control or a bidi character as <U+009B>."""
    code = ord(found[0])
    return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else f"<U+{code:04X}>"


@given(_TEXTS)
def test_inert_shows_every_control_character_and_changes_nothing_else(text):
    """Trust: output is inert. Whatever the text (Latin-1 alone, checked as bytes, or any
    other), each character a terminal would act on is shown by its stand-in where it was,
    and nothing else changes (tab and line feed stay; c0_only: C0 and DEL alone)."""
    assert inert(text) == _REPLACED.sub(_stand_in, text)
    assert inert(text, c0_only=True) == _REPLACED_C0.sub(_stand_in, text)


def test_a_long_list_with_one_escape_deep_inside_is_made_inert():
    """A 6 MB JSON list (as `due --json` writes for 5,000 children) with one ESC or one C1
    control at its far end: shown, not sent to the terminal."""
    line = '{"name": "Zoë Abbiss £", "rule": "within 20 working days"},\n'
    for bad, seen in (("\x1b[2J", "␛[2J"), ("\x9b2J", "<U+009B>2J"), ("\u202e", "<U+202E>")):
        text = line * 80_000 + bad
        assert inert(text) == line * 80_000 + seen
    assert inert(line * 80_000) == line * 80_000


def test_counts_are_said_in_the_singular_for_one():
    """What the caseload, the laptop's header and the exports say: '1 open child'."""
    assert counted(1, "visit") == "1 visit"
    assert counted(0, "visit") == "0 visits"
    assert counted(2, "WORKING DAY") == "2 WORKING DAYS"
    assert counted(1, "open child", "open children") == "1 open child"
    assert counted(3, "open child", "open children") == "3 open children"


def test_names_are_searched_as_typed_on_an_english_keyboard():
    """A worker types "zoe nguyen" for Zoë Nguyễn: the marks go, the letters that have no
    mark to lose are spelt as typed, one normal form (imported decomposed or typed
    composed), other scripts kept."""
    assert folded("Zoë Nguyễn-Wójcik") == "zoe nguyen-wojcik"
    assert folded("Łukasiewicz-Ó'Brien") == "lukasiewicz-o'brien"
    assert folded("Søren Æbelø Straße") == "soren aebelo strasse"
    assert folded("Ștefan Țurcan İlkay Işık") == "stefan turcan ilkay isik"
    assert folded("Zoe\u0308") == folded("Zo\u00eb") == "zoe"
    assert folded("王小明 محمد") == "王小明 محمد"
    assert folded("DEMO00001 Amy") == "demo00001 amy"


def test_a_label_inside_a_sentence_keeps_acronyms_and_lowers_the_rest():
    """"this review is 5 days after the Initial CIN planning meeting" read as a title in
    the middle of a sentence."""
    assert in_sentence("Initial CIN planning meeting") == "initial CIN planning meeting"
    assert in_sentence("CIN review meeting") == "CIN review meeting"
    assert in_sentence("Transfer-in CIN meeting") == "transfer-in CIN meeting"
    assert in_sentence("A") == "A" and in_sentence("") == ""
