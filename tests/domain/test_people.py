"""Contact details for the meeting contact list (WIR 2.9: "an up-to-date contact list for
their meetings including phone and email addresses"; DOMAIN.md §1). Numbers are from
Ofcom's ranges kept for drama (07700 900xxx, 0161 496 0xxx, 020 7946 0xxx, 01632 960xxx)."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cintui.domain.people import (
    MAX_PHONE,
    PERSON_KINDS,
    InvalidContact,
    check_email,
    check_person,
    holds_pr_by_law,
    normalise_phone,
)
from cintui.store import models

# ---------------------------------------------------------------------- phone: accepted


@pytest.mark.parametrize(
    "typed, tidy",
    [
        ("07700 900123", "07700 900123"),
        ("07700900123", "07700 900123"),
        ("+44 7700 900123", "07700 900123"),
        ("+447700900123", "07700 900123"),
        ("+44 (0)7700 900123", "07700 900123"),
        ("0044 7700 900123", "07700 900123"),
        ("(0161) 496 0000", "0161 496 0000"),
        ("0161-496-0000", "0161 496 0000"),
        ("0161.496.0000", "0161 496 0000"),
        ("  01614960000  ", "0161 496 0000"),
        ("0113 496 0000", "0113 496 0000"),
        ("020 7946 0000", "020 7946 0000"),
        ("+44 20 7946 0000", "020 7946 0000"),
        ("01632 960000", "01632 960000"),
        ("01632 96000", "01632 96000"),  # a five-figure local number: 10 digits
        ("0300 123 4567", "0300 123 4567"),
        ("0800 123 4567", "0800 123 4567"),
        ("0800 123 456", "0800 123 456"),  # 10-digit freephone
        ("0800 1111", "0800 1111"),  # Childline
        ("0560 123 4567", "0560 123 4567"),
    ],
)
def test_uk_numbers_in_the_ways_people_type_them(typed, tidy):
    """WIR 2.9: the contact list holds a number anyone can read and dial."""
    assert normalise_phone(typed) == tidy


@pytest.mark.parametrize(
    "typed, tidy",
    [
        ("0161 496 0000 ext 12", "0161 496 0000 ext 12"),
        ("0161 496 0000 ext. 12", "0161 496 0000 ext 12"),
        ("0161 496 0000 Ext12", "0161 496 0000 ext 12"),
        ("0161 496 0000, extension 4021", "0161 496 0000 ext 4021"),
        ("0161 496 0000 x12", "0161 496 0000 ext 12"),
        ("(0161) 496-0000 extn 7", "0161 496 0000 ext 7"),
    ],
)
def test_extensions_for_switchboard_numbers(typed, tidy):
    """WIR 2.9: a school or GP surgery is often reached through a switchboard extension."""
    assert normalise_phone(typed) == tidy


# ---------------------------------------------------------------------- phone: refused


@pytest.mark.parametrize(
    "typed, words",
    [
        ("07700 90012", "07700 90012 is too short for a UK phone number"),
        ("07700 9001234", "07700 9001234 is too long for a UK phone number"),
        ("0161 496 00000", "too long"),
        ("0161 496 00", "too short"),
        ("0", "too short"),
        ("+44", "too short"),
        ("0770O 900123", "has letters in it"),
        ("call mum", "has letters in it"),
        ("04700 900123", "doesn't start like a UK phone number"),
        ("06700 900123", "not 06"),
        ("0500 123456", "not 05"),
        ("7700 900123", "start with 0 or +44"),
        ("+33 1 23 45 67 89", "is not a UK number"),
        ("0033 1 23 45 67 89", "is not a UK number"),
        ("07700 +900123", "+ in the middle"),
        ("07700/900123", "'/'"),
        ("0161 496 0000 ext 1234567", "extension 1234567 is too long"),
        ("()", "no digits"),
        ("   ", "no phone number given"),
    ],
)
def test_phone_problems_are_explained_in_plain_words(typed, words):
    """InvalidContact names the field and says what is wrong with what was typed."""
    with pytest.raises(InvalidContact) as caught:
        normalise_phone(typed)
    assert caught.value.field == "phone"
    assert words in caught.value.problem
    assert str(caught.value) == f"phone: {caught.value.problem}"


def test_the_brief_example_message_exactly():
    with pytest.raises(InvalidContact, match=r"^phone: 07700 90012 is too short for a UK phone number$"):
        normalise_phone("07700 90012")


def test_invalid_contact_is_a_value_error():
    assert issubclass(InvalidContact, ValueError)


# ---------------------------------------------------------------------- phone: properties

# National numbers by range, as digits after the leading 0 (see people._LENGTHS).
_national = st.one_of(
    st.from_regex(r"\A01[0-9]{8,9}\Z"),
    st.from_regex(r"\A0[2379][0-9]{9}\Z"),
    st.from_regex(r"\A05[56][0-9]{8}\Z"),
    st.from_regex(r"\A080[0-9]{7,8}\Z"),
    st.from_regex(r"\A08[1-9][0-9]{8}\Z"),
)
_separator = st.sampled_from(["", " ", "-", ".", "  "])


@st.composite
def typed_numbers(draw):
    """A valid number as someone might type it: separators anywhere, maybe +44 form."""
    digits = draw(_national)
    spaced = "".join(ch + draw(_separator) for ch in digits).strip(" -.")
    form = draw(st.sampled_from(["national", "plus", "plus_trunk", "double_zero"]))
    body = {
        "national": spaced,
        "plus": "+44 " + spaced[1:].lstrip(" -."),
        "plus_trunk": "+44 (0)" + spaced[1:].lstrip(" -."),
        "double_zero": "0044 " + spaced[1:].lstrip(" -."),
    }[form]
    extension = draw(st.one_of(st.just(""), st.from_regex(r"\A[0-9]{1,6}\Z")))
    return digits, body + (f" ext {extension}" if extension else ""), extension


@given(typed_numbers())
def test_any_valid_number_however_typed_comes_out_the_same(case):
    """The tidy form depends only on the digits (and extension), never on the typing."""
    digits, typed, extension = case
    tidy = normalise_phone(typed)
    assert "".join(ch for ch in tidy.split(" ext ")[0] if ch.isdigit()) == digits
    assert tidy == normalise_phone(digits + (f" ext {extension}" if extension else ""))
    assert len(tidy) <= MAX_PHONE  # fits the store's Person.phone column


_phoneish = st.text(alphabet="0123456789 +()-.xet#,/4", max_size=30)


@given(st.one_of(st.text(max_size=40), _phoneish))
@example("+")
@example("ext 12")
@example("0044")
@example("+44 (0)")
@example("0161 496 0000 ext")
@example("٠٧٧٠٠ ٩٠٠١٢٣")  # Arabic-Indic digits: not dialable as typed
def test_phone_parser_only_ever_raises_invalid_contact(text):
    """Whatever a worker types, the answer is a tidy number or an explanation."""
    try:
        tidy = normalise_phone(text)
    except InvalidContact as problem:
        assert problem.field == "phone" and problem.problem
    else:
        assert normalise_phone(tidy) == tidy


@given(typed_numbers())
def test_accepted_phone_output_revalidates_to_itself(case):
    tidy = normalise_phone(case[1])
    assert normalise_phone(tidy) == tidy


# ---------------------------------------------------------------------- email


@pytest.mark.parametrize(
    "typed, tidy",
    [
        ("jo.smith@example.org", "jo.smith@example.org"),
        ("  Jo.Smith@Example.ORG  ", "Jo.Smith@example.org"),  # local part kept as typed
        ("dsl+cin@school.sch.uk", "dsl+cin@school.sch.uk"),
        ("o'brien@nhs.net", "o'brien@nhs.net"),
        ("a@b.co", "a@b.co"),
    ],
)
def test_email_trimmed_and_domain_lower_cased(typed, tidy):
    """WIR 2.9: email on the contact list; domains are case-insensitive, local parts may not be."""
    assert check_email(typed) == tidy


@pytest.mark.parametrize(
    "typed, words",
    [
        ("", "no email address given"),
        ("jo.smith.example.org", "has no @"),
        ("jo smith@example.org", "has a space"),
        ("jo@example", "needs a dot"),
        ("jo@example.org.", "ends with a dot"),
        ("jo@@example.org", "more than one @"),
        ("@example.org", "nothing before the @"),
        ("jo@", "nothing after the @"),
        ("jo@.example.org", "empty part"),
        ("jo@example..org", "empty part"),
        ("a@b.org; c@d.org", "more than one address"),
        ("jo@exam\x00ple.org", "cannot be in an email address"),
        ("j" * 195 + "@example.org", "too long"),
    ],
)
def test_email_problems_in_plain_words(typed, words):
    with pytest.raises(InvalidContact) as caught:
        check_email(typed)
    assert caught.value.field == "email"
    assert words in caught.value.problem


@given(st.text(max_size=60))
@example("A@B.C")
@example("x@İ.org")
def test_email_check_only_ever_raises_invalid_contact(text):
    try:
        tidy = check_email(text)
    except InvalidContact as problem:
        assert problem.field == "email"
    else:
        assert check_email(tidy) == tidy


_label = st.from_regex(r"\A[A-Za-z0-9-]{1,12}\Z")


@given(st.from_regex(r"\A[A-Za-z0-9._+'-]{1,20}\Z"), st.lists(_label, min_size=2, max_size=4))
def test_ordinary_addresses_are_accepted(local, labels):
    """Don't over-validate: any local part and dotted domain of ordinary characters passes."""
    address = f"{local}@{'.'.join(labels)}"
    assert check_email(address) == f"{local}@{'.'.join(labels).lower()}"


# ---------------------------------------------------------------------- the person


def test_kinds_match_the_store():
    """The store builds people from these rows: the kinds must be the same words."""
    assert PERSON_KINDS == models.PERSON_KINDS


def test_family_member_needs_only_a_name():
    """Families often have no email: no warnings for gaps in a family member's details."""
    assert check_person("Jo Smith", "family") == ()


def test_name_is_required():
    with pytest.raises(InvalidContact, match=r"^name: a name is needed$"):
        check_person("  ", "family")


def test_unknown_kind_is_refused():
    with pytest.raises(InvalidContact) as caught:
        check_person("Jo Smith", "neighbour")
    assert caught.value.field == "kind"


def test_professional_needs_an_agency():
    """DOMAIN.md §1: professionals are recorded by agency (school, GP, health visitor …)."""
    with pytest.raises(InvalidContact) as caught:
        check_person("Dr Patel", "professional", phone="0161 496 0000", role="GP")
    assert caught.value.field == "agency"
    assert "Dr Patel" in caught.value.problem


def test_professional_with_phone_and_email_has_no_warnings():
    assert check_person("Dr Patel", "professional", "0161 496 0000", "gp@example.org",
                        "Moss Side Medical Practice", "GP") == ()


def test_professional_without_phone_or_email_is_a_warning_not_an_error():
    """WIR 2.9: the contact list needs phone and email; missing ones are saved and flagged."""
    warnings = check_person("Sam Lee", "professional", agency="Oak Primary", role="DSL")
    assert warnings == (
        "No phone or email for Sam Lee: the meeting contact list needs both (WIR 2.9)",
    )


@pytest.mark.parametrize(
    "phone, email, words",
    [
        ("0161 496 0000", "", "No email address for Sam Lee"),
        ("", "dsl@oak.example.org", "No phone number for Sam Lee"),
    ],
)
def test_professional_missing_one_of_phone_and_email_is_warned(phone, email, words):
    """WIR 2.9: "including phone and email addresses" — both, so one missing is a warning."""
    (warning,) = check_person("Sam Lee", "professional", phone, email, "Oak Primary", "DSL")
    assert warning.startswith(words) and "WIR 2.9" in warning


def test_professional_without_role_is_warned():
    warnings = check_person("Sam Lee", "professional", "0161 496 0000", "s@oak.example.org",
                            "Oak Primary", "")
    assert warnings == ("No role for Sam Lee (e.g. DSL, health visitor, GP)",)


@pytest.mark.parametrize("kind", PERSON_KINDS)
def test_a_given_phone_or_email_must_be_valid(kind):
    with pytest.raises(InvalidContact) as caught:
        check_person("Jo Smith", kind, phone="07700 90012", agency="Oak Primary")
    assert caught.value.field == "phone"
    with pytest.raises(InvalidContact) as caught:
        check_person("Jo Smith", kind, email="jo@example", agency="Oak Primary")
    assert caught.value.field == "email"


def test_values_longer_than_the_store_holds_are_refused():
    """cintui.store.models.Person: name and agency 200 characters, role 120."""
    with pytest.raises(InvalidContact, match="^name:"):
        check_person("x" * 201, "family")
    with pytest.raises(InvalidContact, match="^agency:"):
        check_person("Sam Lee", "professional", agency="x" * 201)
    with pytest.raises(InvalidContact, match="^role:"):
        check_person("Sam Lee", "professional", agency="Oak", role="x" * 121)


def test_war_4_2_a_child_whose_people_name_no_father_is_prompted_to_add_him():
    """WAR 4.2: "In particular to improve engagement of fathers". The People tab prompts
    while no one is the child's father (or stepfather, dad) by relationship; a father not
    involved is still recorded, so the prompt says to add him even then."""
    from cintui.domain.people import father_hint

    assert father_hint(["Mother", "Maternal grandmother", "Class teacher"]).startswith(
        "No father on the record (WAR 4.2: improve the engagement of fathers)")
    for named in ("Father", "Dad (not involved)", "Stepfather", "step-father", "birth father"):
        assert father_hint(["Mother", named]) == "", named
    assert father_hint(["Godfather"]) != ""  # not a father by that word


@pytest.mark.parametrize("relationship, holds", [
    ("mother", True), ("Mum", True), ("  MAM ", True), ("adoptive father", True),
    ("Adoptive-Mother", True),
    # Depends on more than the words: marriage, the birth register, an order; a birth
    # mother's ends with an adoption order; a stepparent's needs an order or agreement.
    ("father", False), ("dad", False), ("birth mother", False), ("stepmother", False),
    ("step mum", False), ("foster mother", False), ("grandmother", False), ("", False),
])
def test_who_holds_parental_responsibility_by_law_children_act_1989_s2(relationship, holds):
    assert holds_pr_by_law(relationship) is holds


@pytest.mark.parametrize("relationship, named", [
    ("School DSL", "DSL"), ("class teacher", "teacher"), ("Health Visitor", "Health Visitor"),
    ("GP", "GP"), ("family support worker", "family support worker"),
])
def test_a_professional_recorded_as_family_is_said_wir_2_9(relationship, named):
    """WIR 2.9: a professional is on the contact list with their agency, and sent the
    minutes and closure letters as one (TRA, BEX 3). The relationship naming a
    professional's role, with "family" left chosen, is said; relatives are not."""
    from cintui.domain.people import professional_hint

    said = professional_hint("Jane Hollis ", "family", relationship)
    assert said.startswith(f'Jane Hollis is recorded as family, but "{relationship}" names '
                           f"a professional ({named})"), said
    assert professional_hint("Jane Hollis", "professional", relationship) == ""
    for relative in ("Mother", "Grandmother", "Step dad", "Aunt (a nurse's aide)", "Godparent"):
        assert professional_hint("Ann Lee", "family", relative) == "", relative
