"""The people who use cintui (domain.workforce): roles typed in words, the manager check
that names the role needed, usernames, emails, LA numbers, leaving and reallocating."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from cintui.domain import workforce as w
from cintui.domain.endings import DECIDER_ROLES
from cintui.domain.endings import ROLE_LABELS as ENDINGS_ROLE_LABELS
from cintui.store.models import WORKER_ROLES

TODAY = date(2026, 11, 23)


def fields(problems) -> list[str]:
    return [p.field for p in problems]


def test_one_list_of_roles_serves_the_store_and_the_endings():
    assert WORKER_ROLES == w.ROLES == tuple(w.ROLE_LABELS)
    assert ENDINGS_ROLE_LABELS is w.ROLE_LABELS
    assert DECIDER_ROLES == w.MANAGER_ROLES == ("team_manager", "service_manager")
    assert set(w.ROLE_ALIASES.values()) <= set(w.ROLES)


@pytest.mark.parametrize("typed, code", [
    ("team manager", "team_manager"), ("team_manager", "team_manager"), ("TM", "team_manager"),
    ("Team Manager", "team_manager"), ("  social   worker ", "social_worker"),
    ("senior-practitioner", "senior_practitioner"), ("SM", "service_manager"),
    ("IRO", "reviewing_officer"), ("quality assurance", "reviewing_officer"),
    ("Independent reviewing / QA officer", "reviewing_officer"),
    ("business support", "business_support"), ("BSO", None), ("boss", None), ("", None),
])
def test_roles_are_typed_as_words(typed, code):
    assert w.parse_role(typed) == code


def test_the_role_choices_are_listed_in_words():
    assert w.role_choices() == ("social worker, senior practitioner, team manager, service "
                                "manager, reviewing officer, business support")


def test_a_managers_step_names_the_role_needed_and_theirs():  # TRA, BEX 3
    assert w.needs_role("tom.hale", "team_manager") is None
    assert w.needs_role("sam.stone", "service_manager") is None
    assert w.needs_role("amira.ashdown", "social_worker") == (
        "needs a team manager or service manager; amira.ashdown is a social worker")
    assert w.needs_role("ivy.reed", "reviewing_officer") == (
        "needs a team manager or service manager; ivy.reed is an independent reviewing / QA "
        "officer")
    assert w.needs_role("priya", "", ("service_manager",)) == (
        "needs a service manager; priya is not a worker on this store")


@pytest.mark.parametrize("username, ok", [
    ("amira.ashdown", True), ("tom_hale2", True), ("A.Ashdown", True), ("ab", True),
    ("a", False), ("", False), ("2amira", False), ("amira ashdown", False),
    ("amira@council", False), ("x" * 65, False),
])
def test_usernames(username, ok):
    assert (w.check_username(username) is None) == ok


def test_a_full_name_typed_as_the_username_is_answered_with_a_username_made_from_it():
    """Set-up from an empty store: the first box of "Add a worker" is the username, and a
    team admin types the person's name there. Said with the username it could be."""
    assert w.check_username("Mo Manager") == (
        "'Mo Manager' is not a username but a name: mo.manager, for instance, is a username "
        "(the name goes under Full name)")
    assert w.username_like("Zoë O'Neil-Ward") == "zoe.oneil-ward"
    assert w.check_username("amira@council").startswith("'amira@council' is not a username: 2")


def test_a_worker_needs_a_username_a_name_a_role_and_a_good_email_if_any():
    assert w.check_worker("amira.ashdown", "Amira Ashdown", "social_worker") == []
    assert w.check_worker("amira.ashdown", "Amira Ashdown", "social_worker",
                          "amira.ashdown@example.org") == []
    problems = w.check_worker("amira ashdown", " ", "boss", "amira@")
    assert fields(problems) == ["username", "name", "role", "email"]
    assert "social worker, senior practitioner" in problems[2].message


@pytest.mark.parametrize("text, problem", [
    ("820", None), (" 820 ", None), ("82", "'82' is not a DfE LA number (three digits, e.g. 820)"),
    ("8200", "'8200' is not a DfE LA number (three digits, e.g. 820)"),
    ("", "give the DfE LA number (three digits, e.g. 820)"),
])
def test_the_la_number_is_three_digits(text, problem):
    assert w.check_la_number(text) == problem


def test_the_authority_needs_a_name_and_an_la_number():
    assert w.check_authority("Exampleshire County Council", "820") == []
    assert fields(w.check_authority(" ", "8")) == ["name", "la"]


def test_a_team_needs_a_name():
    assert w.check_team("Safeguarding South", "Safeguarding and Support") == []
    assert fields(w.check_team("", "x" * 121)) == ["name", "service"]


def test_a_worker_leaves_only_once_their_children_are_reallocated():
    assert w.check_leaving("amira.ashdown", TODAY, TODAY, 0) == []
    problems = w.check_leaving("amira.ashdown", date(2026, 11, 24), TODAY, 3)
    assert fields(problems) == ["on", "worker"]
    assert problems[0].message == "24 Nov 2026 is in the future"
    assert problems[1].message.startswith(
        "amira.ashdown still holds 3 open children: reallocate them first (cintui child "
        "reallocate CHILD --to WORKER")
    assert "1 open child:" in w.check_leaving("a.b", TODAY, TODAY, 1)[0].message


def test_children_go_to_someone_here_who_holds_children():  # WIR 2.3: lead professional
    assert w.check_receiver("ben.cole", "social_worker", True) == []
    assert w.check_receiver("tom.hale", "team_manager", True) == []
    assert w.check_receiver("ben.cole", "social_worker", False)[0].message == (
        "ben.cole has left: choose someone working here now")
    assert w.check_receiver("priya.bs", "business_support", True)[0].message == (
        "holding a child needs a social worker, senior practitioner, team manager or service "
        "manager; priya.bs is a business support officer")


def test_a_reallocation_is_dated_not_in_the_future_nor_before_the_referral():
    referral = date(2026, 3, 2)
    assert w.check_reallocation(TODAY, TODAY, referral=referral, same_worker=False,
                                to="ben.cole") == []
    future = w.check_reallocation(date(2026, 11, 24), TODAY, referral=referral,
                                  same_worker=True, to="ben.cole")
    assert [p.message for p in future] == ["already allocated to ben.cole",
                                           "24 Nov 2026 is in the future"]
    early = w.check_reallocation(date(2026, 3, 1), TODAY, referral=referral,
                                 same_worker=False, to="ben.cole")
    assert early[0].message == "1 Mar 2026 is before the referral (2 Mar 2026)"


# ---------------------------------------------------------------- the worker meant

STAFF = [("tom.hale", "Tom Hale"), ("amira.ashdown", "Amira Ashdown"),
         ("ben.cole", "Ben Cole"), ("priya.bains", "Priya Bains"),
         ("amir.khan", "Amir Khan"), ("wendy.worker", "Wendy Worker")]


@pytest.mark.parametrize("typed, meant", [
    ("amira.ashdwn", ["amira.ashdown"]),   # the whole username, as before
    ("wendy.wroker", ["wendy.worker"]),
    ("amirra", ["amira.ashdown"]),         # a first name mistyped: difflib's whole-username
    ("ashdon", ["amira.ashdown"]),         # cutoff found no one for these
    ("Amira Ashdon", ["amira.ashdown"]),   # the name, mistyped
    ("pria", ["priya.bains"]),
    ("hale", ["tom.hale"]),                # a surname, whole
    ("cole.ben", ["ben.cole"]),            # its parts the other way round
    ("amir", ["amir.khan"]),               # exactly Amir, not Amira
    ("Zoë", []), ("tim", []), ("al", []), ("x.y", []), ("", []),  # none is close: no guess
])
def test_a_worker_is_found_by_a_typo_of_any_part_of_their_username_or_name(typed, meant):
    assert w.workers_meant(typed, STAFF) == meant


def test_two_workers_as_close_are_offered_together_never_one_of_them_confidently():
    staff = [*STAFF, ("amira.begum", "Amira Begum")]
    assert sorted(w.workers_meant("amirra", staff)) == ["amira.ashdown", "amira.begum"]
    assert w.not_a_worker("CINTUI_USER", "amirra", staff) == (
        "CINTUI_USER: no worker called 'amirra' (did you mean 'amira.begum' or "
        "'amira.ashdown'?)")
    many = [(f"amira.{s}", f"Amira {s.title()}") for s in ("a", "b", "c", "d", "e")]
    assert len(w.workers_meant("amirra", many)) == 3  # a short list, at most


def test_a_leaver_named_to_act_as_is_told_they_left_and_when():
    left = [("old.timer", "Olive Timer", date(2026, 11, 20)), ("gone.soon", "", None)]
    assert w.not_a_worker("--as", "Olive Timer", STAFF, left) == (
        "--as: Olive Timer (old.timer) left on 20 Nov 2026 and cannot act now: name a worker "
        "on this store (`cintui worker list` lists them)")
    assert w.not_a_worker("CINTUI_USER", "gone.soon", STAFF, left, then="") == (
        "CINTUI_USER: gone.soon has left and cannot act now")
    assert w.not_a_worker("CINTUI_USER", "tom.hale", STAFF, left) is None


_LETTERS = st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10)


@given(first=_LETTERS, last=_LETTERS, typed=st.text(max_size=20))
@example(first="tom", last="xyz", typed="")  # "tom" is Tom Hale's too: tom.xyz, whole, first
def test_what_is_offered_is_always_a_worker_and_a_username_is_its_own_best_match(
        first, last, typed):
    """Whatever is typed, only workers are offered, each once, three at most; a worker's
    username, or their surname alone, always offers them."""
    assume(f"{first}.{last}" not in {u for u, _ in STAFF})
    staff = [*STAFF, (f"{first}.{last}", f"{first.title()} {last.title()}")]
    offered = w.workers_meant(typed, staff)
    assert len(offered) <= 3 and set(offered) <= {u for u, _ in staff}
    assert len(set(offered)) == len(offered)
    assert w.workers_meant(f"{first}.{last}", staff)[0] == f"{first}.{last}"
    assert f"{first}.{last}" in w.workers_meant(last, staff)


def test_the_header_names_the_person_and_their_role_where_it_fits_at_80():
    """The app's header said the login ("cintui · tom.abbiss"): it says the person as the
    app names people, with their role while the header at 80 columns keeps room for where
    the store is; the username only for someone not on the store by name."""
    from cintui.domain.roles import HEADER_WHO_FITS, header_who

    assert header_who("tom.abbiss", "Tom Abbiss", "team_manager") == \
        "cintui · Tom Abbiss (Team manager)"
    long = header_who("iris.g", "Iris Greenhalgh", "reviewing_officer")
    assert long == "cintui · Iris Greenhalgh" and len(long) <= HEADER_WHO_FITS
    assert header_who("tom.abbiss") == "cintui · tom.abbiss"
