"""Parsing and validating policy profiles (DOMAIN.md §6: one profile per authority, data
not code; ARCHITECTURE.md: data validated at load, errors in domain words)."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cintui.domain.policy import (
    TIMESCALE_KEYS,
    UNITS,
    PolicyError,
    PolicyProfile,
    Timescale,
    UnknownTimescale,
    VisitRules,
    parse_policy,
    profile_named_in,
)


def full_profile(**top) -> dict:
    """A complete stand-alone profile: every timescale 10 working days."""
    data = {
        "name": "base",
        "title": "Base",
        "authority": "Base",
        "timescales": {k: {"amount": 10, "unit": "working_days", "source": f"B {k}"}
                       for k in TIMESCALE_KEYS},
    }
    data.update(top)
    return data


BASE = parse_policy(full_profile(levels=["L1", "L2"], services=["Team A"]), origin="base.toml")


def child_profile(**timescales) -> dict:
    return {"name": "kid", "title": "Kid", "authority": "Kid", "extends": "base",
            "timescales": timescales}


def error(data, base=None, origin="my.toml") -> str:
    with pytest.raises(PolicyError) as caught:
        parse_policy(data, origin=origin, base=base)
    return str(caught.value)


# ---------------------------------------------------------------------- valid profiles


def test_a_full_profile_has_every_timescale_in_order():
    assert tuple(BASE.timescales) == TIMESCALE_KEYS
    assert BASE.timescale("visit") == Timescale("visit", 10, "working_days", "B visit")
    assert BASE.due_soon_working_days == 5  # the default warning window
    assert BASE.levels == ("L1", "L2") and BASE.services == ("Team A",)
    assert BASE.origin == "base.toml"


def test_extends_inherits_what_the_authority_does_not_set():
    """DOMAIN.md §6: a profile per authority and a default; unspecified timescales keep the
    default's amount, unit and source."""
    data = child_profile(visit={"amount": 4, "unit": "weeks", "source": "BEX 3"})
    kid = parse_policy(data, origin="kid.toml", base=BASE)
    assert kid.timescale("visit") == Timescale("visit", 4, "weeks", "BEX 3")
    assert kid.timescale("review") == BASE.timescale("review")
    assert kid.levels == BASE.levels and kid.services == BASE.services
    assert kid.due_soon_working_days == BASE.due_soon_working_days


def test_a_child_profile_may_replace_levels_services_and_warning_window():
    """DOMAIN.md §1: levels of need are each authority's own names (TRA tiers)."""
    data = child_profile() | {"levels": ["Tier 1", "Tier 4"], "services": [],
                              "due_soon_working_days": 0}
    kid = parse_policy(data, origin="kid.toml", base=BASE)
    assert kid.levels == ("Tier 1", "Tier 4")
    assert kid.services == ()
    assert kid.due_soon_working_days == 0


def test_which_visits_restart_the_clock_is_the_policys_default_none_that_fall_short():
    """WIR 2.11 ("seen and spoken to alone"): by default a virtual visit or one where the
    child was not seen alone does not restart the visit clock; a profile may say otherwise,
    and one that extends another keeps what it does not set."""
    assert BASE.visits == VisitRules(virtual_restarts_clock=False,
                                     not_alone_restarts_clock=False, seen_alone_from_age=2)
    relaxed = parse_policy(full_profile(visits={"virtual_restarts_clock": True,
                                                "seen_alone_from_age": 4}), origin="r.toml")
    assert relaxed.visits == VisitRules(True, False, 4)
    kid = parse_policy(child_profile() | {"visits": {"not_alone_restarts_clock": True}},
                       origin="kid.toml", base=relaxed)
    assert kid.visits == VisitRules(True, True, 4)
    assert kid.visits.describe() == "seen" and BASE.visits.describe() == "seen alone, in person"


def test_initial_meeting_counts_from_the_cin_plan_unless_told_otherwise():
    """WIR 2.3 (from the agreement a plan is needed) is the default; BEX 3 counts from the
    assessment's completion."""
    assert BASE.timescale("initial_meeting").anchor == "cin_plan_start"
    assert BASE.timescale("visit").anchor is None
    data = child_profile(initial_meeting={"amount": 10, "unit": "days", "source": "BEX 3",
                                          "from": "assessment_completed", "note": "calendar"})
    ts = parse_policy(data, origin="kid.toml", base=BASE).timescale("initial_meeting")
    assert (ts.anchor, ts.note) == ("assessment_completed", "calendar")


@pytest.mark.parametrize("amount, unit, words", [
    (20, "working_days", "20 working days"),
    (1, "working_days", "1 working day"),
    (3, "months", "3 months"),
    (1, "months", "1 month"),
    (4, "weeks", "4 weeks"),
    (14, "days", "14 days"),
])
def test_describe_in_plain_words(amount, unit, words):
    assert Timescale("x", amount, unit, "S").describe() == words


def test_profiles_are_hashable_and_immutable():
    assert hash(BASE) == hash(parse_policy(full_profile(levels=["L1", "L2"], services=["Team A"]),
                                           origin="base.toml"))
    with pytest.raises(TypeError):
        BASE.timescales["visit"] = None  # type: ignore[index]


def test_asking_for_an_unknown_timescale_names_it():
    with pytest.raises(UnknownTimescale, match="fortnightly_tea: not a timescale"):
        BASE.timescale("fortnightly_tea")


# ---------------------------------------------------------------------- errors


def test_error_is_one_line_naming_file_key_and_problem():
    data = child_profile(visit={"amount": -3, "unit": "working_days", "source": "WIR 2.11"})
    with pytest.raises(PolicyError) as caught:
        parse_policy(data, origin="my.toml", base=BASE)
    err = caught.value
    assert str(err) == "my.toml: timescales.visit.amount: must be a positive whole number, got -3"
    assert (err.file, err.key) == ("my.toml", "timescales.visit.amount")
    assert isinstance(err, ValueError)
    assert str(PolicyError("f.toml", None, "broken")) == "f.toml: broken"


def _with(path: str, value) -> dict:
    """A copy of a valid child profile with one dotted path set (or deleted if value is ...)."""
    data = copy.deepcopy(child_profile(visit={"amount": 20, "unit": "working_days",
                                              "source": "WIR 2.11"}))
    *parents, last = path.split(".")
    table = data
    for part in parents:
        table = table.setdefault(part, {})
    if value is ...:
        del table[last]
    else:
        table[last] = value
    return data


@pytest.mark.parametrize("path, value, key, problem", [
    ("colour", "red", "colour", "unknown key"),
    ("timescales.fortnightly_tea", {}, "timescales.fortnightly_tea", "unknown key"),
    ("timescales.visit.every", 2, "timescales.visit.every", "unknown key"),
    ("timescales.visit.unit", "fortnights", "timescales.visit.unit", "unknown unit 'fortnights'"),
    ("timescales.visit.amount", 0, "timescales.visit.amount", "positive whole number, got 0"),
    ("timescales.visit.amount", 2.5, "timescales.visit.amount", "positive whole number, got 2.5"),
    ("timescales.visit.amount", "20", "timescales.visit.amount", "positive whole number"),
    ("timescales.visit.amount", True, "timescales.visit.amount", "positive whole number"),
    ("timescales.visit.amount", ..., "timescales.visit.amount", "missing"),
    ("timescales.visit.unit", ..., "timescales.visit.unit", "missing"),
    ("timescales.visit.source", ..., "timescales.visit.source", "missing"),
    ("timescales.visit.source", "  ", "timescales.visit.source", "non-empty text"),
    ("timescales.visit.note", 3, "timescales.visit.note", "non-empty text"),
    ("timescales.visit", 20, "timescales.visit", "must be a table"),
    ("timescales.visit.from", "cin_plan_start", "timescales.visit.from", "only for"),
    ("timescales.initial_meeting", {"amount": 1, "unit": "days", "source": "S",
                                    "from": "referral"},
     "timescales.initial_meeting.from", "unknown event 'referral'"),
    ("timescales", [], "timescales", "must be a table"),
    ("levels", "Tier 1", "levels", "list of text"),
    ("levels", ["Tier 1", 2], "levels[1]", "non-empty text"),
    ("services", [""], "services[0]", "non-empty text"),
    ("due_soon_working_days", -1, "due_soon_working_days", "0 or more, got -1"),
    ("name", ..., "name", "missing"),
    ("name", "My Council", "name", "lower-case"),
    ("title", 7, "title", "non-empty text"),
    ("authority", ..., "authority", "missing"),
    ("la_number", "82", "la_number", "'82': a DfE LA number is three digits"),
    ("extends", "nowhere", "extends", "no policy profile named 'nowhere'"),
    ("visits", True, "visits", "must be a table"),
    ("visits.virtual", False, "visits.virtual", "unknown key; expected one of: "
     "virtual_restarts_clock, not_alone_restarts_clock, seen_alone_from_age"),
    ("visits.virtual_restarts_clock", "no", "visits.virtual_restarts_clock",
     "must be true or false, got 'no'"),
    ("visits.not_alone_restarts_clock", 0, "visits.not_alone_restarts_clock",
     "must be true or false, got 0"),
    ("visits.seen_alone_from_age", -1, "visits.seen_alone_from_age", "0 or more, got -1"),
])
def test_malformed_profiles_say_which_key_and_why(path, value, key, problem):
    message = error(_with(path, value), base=BASE)
    assert message.startswith(f"my.toml: {key}: ")
    assert problem in message
    assert "\n" not in message


def test_a_stand_alone_profile_must_define_every_timescale():
    data = full_profile()
    del data["timescales"]["visit"], data["timescales"]["review"]
    message = error(data)
    assert message.startswith("my.toml: timescales: missing visit, review")
    assert 'extends = "england"' in message


def test_a_profile_must_be_a_table():
    assert error(["not", "a", "table"]) == "my.toml: a profile must be a table of keys, got a list"


def test_extends_needs_the_base_it_names():
    assert "no policy profile named 'base'" in error(child_profile(), base=None)


# ---------------------------------------------------------------------- properties


@given(st.integers(min_value=1, max_value=10_000), st.sampled_from(UNITS),
       st.sampled_from(TIMESCALE_KEYS))
def test_any_positive_amount_in_any_unit_is_accepted(amount, unit, key):
    data = child_profile(**{key: {"amount": amount, "unit": unit, "source": "S"}})
    ts = parse_policy(data, origin="kid.toml", base=BASE).timescale(key)
    assert (ts.amount, ts.unit, ts.source) == (amount, unit, "S")
    assert ts.describe().startswith(f"{amount} ")


@given(st.integers(max_value=0), st.sampled_from(TIMESCALE_KEYS))
def test_no_zero_or_negative_amount_is_accepted(amount, key):
    data = child_profile(**{key: {"amount": amount, "unit": "days", "source": "S"}})
    assert error(data, base=BASE) == (
        f"my.toml: timescales.{key}.amount: must be a positive whole number, got {amount}")


@given(st.text(min_size=1, max_size=20).filter(lambda k: k.strip() not in UNITS))
def test_no_unknown_unit_is_accepted(unit):
    data = child_profile(visit={"amount": 1, "unit": unit, "source": "S"})
    assert error(data, base=BASE).startswith("my.toml: timescales.visit.unit: ")


def test_profile_fields_are_the_documented_ones():
    """The TUI, CLI and exports read these names."""
    assert set(PolicyProfile.__struct_fields__) == {
        "name", "title", "authority", "timescales", "due_soon_working_days", "levels",
        "services", "visits", "privacy", "meetings", "sync", "origin",  # sync: issue 19
        "disability_service",  # WAR 4.4.1
        "la_number"}  # the authority's, for `authority set NAME` (census header)


def test_an_authoritys_own_profile_gives_its_la_number_not_inherited():
    """The DfE LA number is the authority's own: a profile that extends another does not
    take its number; the shipped ones carry theirs (Bexley 303, Warwickshire 937)."""
    from cintui.reference.policies import load_policy

    base = parse_policy(full_profile(la_number="820"), origin="base.toml")
    assert base.la_number == "820"
    assert parse_policy(child_profile(), origin="kid.toml", base=base).la_number == ""
    assert [load_policy(n).la_number for n in ("bexley", "warwickshire", "england")] == [
        "303", "937", ""]


def test_warwickshire_names_the_service_that_assesses_a_disabled_child_war_4_4_1():
    """WAR 4.4.1: "If a child has a disability the assessment will be completed by the
    CwDT": Warwickshire's profile names it, among its three services (WAR 4.4.3); England's
    names none, so nothing is prompted there."""
    from cintui.reference import policies

    warwickshire = policies.load_policy("warwickshire")
    assert warwickshire.disability_service == "Children with Disability Team"
    assert warwickshire.disability_service in warwickshire.services
    assert policies.load_policy("england").disability_service == ""


SHIPPED_AUTHORITIES = [("bexley", "Bexley"), ("stockton", "Stockton-on-Tees"),
                       ("trafford", "Trafford"), ("warwickshire", "Warwickshire"),
                       ("wirral", "Wirral")]


@pytest.mark.parametrize(("name", "profile"), [
    ("London Borough of Bexley", "bexley"),
    ("Stockton-on-Tees Borough Council", "stockton"),
    ("STOCKTON COUNCIL", "stockton"),  # the profile's own name, in any case
    ("Metropolitan Borough of Wirral", "wirral"),
    ("Bexleyheath Town Council", None),  # a word, not the start of one
    ("Exampleshire County Council", None),
    ("Wirral and Trafford joint service", None),  # two: neither is chosen
    ("", None),
])
def test_the_profile_an_authoritys_name_names(name, profile):
    """DOMAIN.md §6: one profile per authority; its name chooses it at set-up."""
    assert profile_named_in(name, SHIPPED_AUTHORITIES) == profile
