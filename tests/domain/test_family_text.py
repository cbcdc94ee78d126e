"""The words a family reads: rule keys and arrows out, need words shortened at a word."""

from __future__ import annotations

from cintui.domain.family_text import family_text, shorten_at_word


def test_a_bracketed_rule_key_goes_with_its_space():
    assert family_text("Who came (WIR 2.3)") == "Who came"
    assert family_text("Decisions (BEX 3) and views") == "Decisions and views"
    assert family_text("Recording complete (TRA / WAR 8.1).") == "Recording complete."


def test_a_rule_key_inside_words_in_brackets_leaves_the_words():
    assert (family_text("To receive the record (did not attend, WIR 2.8): Dan")
            == "To receive the record (did not attend): Dan")


def test_a_bare_rule_key_goes():
    assert family_text("WIR 2.6: every action says who") == "every action says who"
    assert family_text("Need 1 has no owner (STO 4.4).") == "Need 1 has no owner."


def test_arrows_become_words_and_other_text_is_kept():
    assert family_text("Amber → Green") == "Amber to Green"
    assert family_text("In progress -> Done") == "In progress to Done"
    assert family_text("<!-- cintui-plan format 1 -->") == "<!-- cintui-plan format 1 -->"
    kept = "Born 2014 (age 9); attendance 87% (WIRRAL school, Trafford Road 3)"
    assert family_text(kept) == kept


def test_shortened_at_a_whole_word_never_mid_word():
    need = "Leo has missed 13 of the last 60 school days; attendance is 75%"
    assert shorten_at_word(need, 48) == "Leo has missed 13 of the last 60 school days…"
    assert shorten_at_word("Short need", 48) == "Short need"
    assert shorten_at_word("Supercalifragilistic words", 10) == "Supercalifragilistic…"
    assert shorten_at_word("  spaced\n  out  ", 48) == "spaced out"
