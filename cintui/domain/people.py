"""Contact details for the people around a child (DOMAIN.md §1).

WIR 2.9: the social worker keeps "an up-to-date contact list for their meetings including
phone and email addresses", so a cancelled meeting can be called off with everyone. These
are the checks a worker's typing goes through before it reaches that list: UK phone numbers
in any of the ways people write them, email addresses without over-validating them, and the
person record as a whole (errors raise `InvalidContact`; soft gaps come back as warnings).

No phone-number library is installed, so the UK numbering rules are written out here
(Ofcom's National Telephone Numbering Plan, simplified to what a contact list needs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PERSON_KINDS = ("family", "professional")  # as cintui.store.models.PERSON_KINDS

# Longest values the store's person columns hold (cintui.store.models.Person).
MAX_NAME = 200
MAX_AGENCY = 200
MAX_ROLE = 120
MAX_PHONE = 40
MAX_EMAIL = 200
MAX_EXTENSION = 6


class InvalidContact(ValueError):
    """A contact detail a worker must correct; `problem` is in plain words."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


# ---------------------------------------------------------------------- phone numbers

# A trailing extension: "ext 12", "ext. 12", "extn 12", "extension 12", "x12", "#12".
_EXTENSION = re.compile(r"[\s,;]*(?:extension|extn|ext|x|#)\.?\s*(\d+)\s*$", re.IGNORECASE)
_PUNCTUATION = " -.()\t"  # separators people type between digit groups
_DIGITS = "0123456789"  # ASCII only: other scripts' digits are not dialable here

# National (0…) numbers: the digits a prefix may be followed by, by total length.
# Ofcom numbering plan: 01 geographic numbers are 10 or 11 digits (a few areas still have
# 5-figure local numbers); 02, 03, 07, 08, 09 and 055/056 are 11; 080 freephone also has
# 10-digit numbers; 04, 06 and 00 are not UK national numbers (00 dials abroad).
_LENGTHS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("01", (10, 11)),
    ("02", (11,)),
    ("03", (11,)),
    ("055", (11,)),
    ("056", (11,)),
    ("07", (11,)),
    ("080", (10, 11)),
    ("08", (11,)),
    ("09", (11,)),
)
# Numbers shorter than their range's rule that are still in use and matter to families.
_SPECIAL = {"08001111": "0800 1111"}  # Childline
_PREFIX_WORDS = "01, 02, 03, 055, 056, 07, 08 or 09"


def _bad(problem: str) -> InvalidContact:
    return InvalidContact("phone", problem)


def _split_extension(raw: str) -> tuple[str, str]:
    match = _EXTENSION.search(raw)
    if match is None:
        return raw, ""
    extension = match.group(1)
    if len(extension) > MAX_EXTENSION:
        raise _bad(f"extension {extension} is too long (at most {MAX_EXTENSION} digits)")
    return raw[: match.start()], extension


def _digits_only(raw: str, body: str) -> str:
    """The digits of `body`, after checking it holds only digits and separators."""
    for ch in body:
        if ch.isalpha():
            raise _bad(f"{raw} has letters in it; a phone number is digits, spaces, brackets, + or -")
        if ch not in _DIGITS and ch not in _PUNCTUATION and ch != "+":
            raise _bad(f"{raw} has {ch!r} in it, which a phone number cannot have")
    if "+" in body.lstrip(_PUNCTUATION)[1:]:
        raise _bad(f"{raw} has a + in the middle; + goes only at the start (+44 …)")
    return "".join(ch for ch in body if ch in _DIGITS)


def _national(raw: str, body: str, digits: str) -> str:
    """The number as dialled within the UK (0…), from national or +44/0044 form."""
    if not digits:
        raise _bad(f"{raw} has no digits in it")
    international = body.lstrip(_PUNCTUATION).startswith("+")
    if not international and digits.startswith("00"):
        international, digits = True, digits[2:]  # 0044 …: the international prefix
    if not international:
        if not digits.startswith("0"):
            raise _bad(f"{raw} doesn't start like a UK phone number: start with 0 or +44")
        return digits
    if not digits.startswith("44"):
        raise _bad(
            f"{raw} is not a UK number (+44); record a number abroad in the notes instead"
        )
    rest = digits[2:]
    if rest.startswith("0"):  # "+44 (0)7700 …": the trunk 0 written in
        rest = rest[1:]
    return "0" + rest


def _check_length(raw: str, number: str) -> None:
    if number in _SPECIAL:
        return
    if len(number) < 2:
        raise _bad(f"{raw} is too short for a UK phone number")
    lengths = next((n for prefix, n in _LENGTHS if number.startswith(prefix)), None)
    if lengths is None:
        raise _bad(
            f"{raw} doesn't start like a UK phone number ({_PREFIX_WORDS}), "
            f"not {number[:2]}"
        )
    if len(number) < min(lengths):
        raise _bad(f"{raw} is too short for a UK phone number")
    if len(number) > max(lengths):
        raise _bad(f"{raw} is too long for a UK phone number")


def _group(number: str) -> str:
    """Spaces where a UK reader expects them: 07700 900123, 0161 496 0000, 020 7946 0000."""
    if number in _SPECIAL:
        return _SPECIAL[number]
    n = number
    if n.startswith("02"):
        return f"{n[:3]} {n[3:7]} {n[7:]}"  # 020 7946 0000
    if n.startswith("01") and len(n) == 11 and (n[2] == "1" or n[3] == "1"):
        return f"{n[:4]} {n[4:7]} {n[7:]}"  # 0113 / 0161 …: four-figure area codes
    if n.startswith(("01", "07")):
        return f"{n[:5]} {n[5:]}"  # 01632 960000, 07700 900123, 01632 96000
    return f"{n[:4]} {n[4:7]} {n[7:]}"  # 0300 123 4567, 0800 123 4567, 0800 123 456


def normalise_phone(text: str) -> str:
    """A UK phone number a worker typed, in tidy display form, or `InvalidContact`.

    Accepts national (07700 900123), international (+44 7700 900123, +44 (0)7700 900123,
    0044 …) and bracketed or hyphenated forms ((0161) 496 0000, 0161-496-0000), with an
    optional extension (0161 496 0000 ext 12). A blank string is an error here: callers
    that allow no number check for blank first (see `check_person`).
    """
    raw = text.strip()
    if not raw:
        raise _bad("no phone number given")
    body, extension = _split_extension(raw)
    digits = _digits_only(raw, body)
    number = _national(raw, body, digits)
    _check_length(raw, number)
    tidy = _group(number)
    return f"{tidy} ext {extension}" if extension else tidy


# ---------------------------------------------------------------------- email addresses


def check_email(text: str) -> str:
    """An email address, trimmed and with its domain lower-cased, or `InvalidContact`.

    Deliberately loose (the only real test of an address is sending to it): one @, text
    either side, no spaces, a dot inside the domain and none at its end.
    """
    raw = text.strip()

    def bad(problem: str) -> InvalidContact:
        return InvalidContact("email", problem)

    if not raw:
        raise bad("no email address given")
    if len(raw) > MAX_EMAIL:
        raise bad(f"{raw[:40]}… is too long for an email address ({MAX_EMAIL} characters at most)")
    if any(ch in ",;" for ch in raw):
        raise bad(f"{raw} looks like more than one address; give one")
    if any(ch.isspace() for ch in raw):
        raise bad(f"{raw} has a space in it")
    if not raw.isprintable():
        raise bad(f"{raw!r} has a character that cannot be in an email address")
    if "@" not in raw:
        raise bad(f"{raw} has no @")
    if raw.count("@") > 1:
        raise bad(f"{raw} has more than one @")
    local, _, domain = raw.partition("@")
    if not local:
        raise bad(f"{raw} has nothing before the @")
    if not domain:
        raise bad(f"{raw} has nothing after the @")
    if domain.endswith("."):
        raise bad(f"{raw} ends with a dot")
    if "." not in domain:
        raise bad(f"{raw}: the part after the @ needs a dot, as in example.org")
    if domain.startswith(".") or ".." in domain:
        raise bad(f"{raw} has an empty part after the @ (two dots together, or a dot first)")
    return f"{local}@{domain.lower()}"


# ---------------------------------------------------------------------- the person


def _required(field: str, value: str, what: str, longest: int) -> str:
    value = value.strip()
    if not value:
        raise InvalidContact(field, f"{what} is needed")
    if len(value) > longest:
        raise InvalidContact(field, f"{what} is too long ({longest} characters at most)")
    return value


def check_person(
    name: str,
    kind: str,
    phone: str = "",
    email: str = "",
    agency: str = "",
    role: str = "",
) -> tuple[str, ...]:
    """Check a person for the child's record; return warnings, raise `InvalidContact`.

    Errors: no name; an unknown kind; a professional without an agency (the contact list
    names each agency, WIR 2.9 / DOMAIN.md §1); a phone or email that is given but invalid;
    a value too long for the store.
    Warnings (the record is saved, the gap is shown): a professional without a phone or
    without an email (WIR 2.9: the meeting contact list has "phone and email"), a
    professional without a role. Family members often have no email, so gaps in their
    contact details are not flagged.
    """
    who = _required("name", name, "a name", MAX_NAME)
    if kind not in PERSON_KINDS:
        raise InvalidContact("kind", f"{kind!r} is not one of: {', '.join(PERSON_KINDS)}")
    if phone.strip():
        normalise_phone(phone)
    if email.strip():
        check_email(email)
    if len(role.strip()) > MAX_ROLE:
        raise InvalidContact("role", f"the role is too long ({MAX_ROLE} characters at most)")
    if kind != "professional":
        if len(agency.strip()) > MAX_AGENCY:
            raise InvalidContact("agency", f"the agency is too long ({MAX_AGENCY} characters at most)")
        return ()
    _required("agency", agency, f"an agency for {who} (a professional)", MAX_AGENCY)
    return _professional_warnings(who, phone.strip(), email.strip(), role.strip())


def _professional_warnings(who: str, phone: str, email: str, role: str) -> tuple[str, ...]:
    warnings: list[str] = []
    if not phone and not email:
        warnings.append(f"No phone or email for {who}: the meeting contact list needs both (WIR 2.9)")
    elif not phone:
        warnings.append(f"No phone number for {who}: the meeting contact list needs one (WIR 2.9)")
    elif not email:
        warnings.append(f"No email address for {who}: the meeting contact list needs one (WIR 2.9)")
    if not role:
        warnings.append(f"No role for {who} (e.g. DSL, health visitor, GP)")
    return tuple(warnings)


# Who holds parental responsibility by law, whatever else is true: a child's mother (Children
# Act 1989 s2(1)-(2)) and adoptive parents (Adoption and Children Act 2002 s46). A father's
# depends (marriage, the birth register, an order or agreement), and a birth mother's ends
# with an adoption order, so neither is presumed.
_PR_BY_LAW = frozenset({"mother", "mum", "mam", "mom", "mummy", "adoptive mother",
                        "adoptive mum", "adoptive father", "adoptive dad", "adoptive parent"})
PR_BY_LAW_NOTE = ("parental responsibility ticked: a mother or an adoptive parent holds it by "
                  "law (Children Act 1989 s2); n on the box if she or he does not")


def holds_pr_by_law(relationship: str) -> bool:
    """The relationship typed ("Mum", "adoptive father") names someone who holds parental
    responsibility by law; False for anyone whose PR depends on more than the words."""
    return " ".join(relationship.lower().replace("-", " ").split()) in _PR_BY_LAW


def pr_warning(name: str, kind: str, relationship: str, parental_responsibility: bool) -> str:
    """A mother (or adoptive parent) recorded without parental responsibility: almost
    always a box not ticked, and her consent then does not count (WAR 4.2). Said, not
    refused: "birth mother" is the words for one whose child was adopted."""
    if kind != "family" or parental_responsibility or not holds_pr_by_law(relationship):
        return ""
    return (f"{name.strip()} is recorded as the child's {relationship.strip().lower()} "
            "without parental responsibility, which she or he holds by law (Children Act "
            "1989 s2): record it, or write \"birth mother\" if the child was adopted")


# The words of a relationship that name a professional's role, not a relative's: someone
# recorded as family with one of them gets no agency on the contact list (WIR 2.9), and no
# copy of the minutes or a closure letter as a professional (WIR 2.9; TRA, BEX 3).
_PROFESSIONAL = re.compile(
    r"\b(dsl|designated safeguarding lead|safeguarding lead|teacher|head ?teacher|senco|"
    r"school nurse|health visitor|gp|doctor|midwife|paediatrician|social worker|police|"
    r"pcso|youth worker|family support worker|support worker|key ?worker|camhs|therapist|"
    r"counsellor|housing officer|probation officer|lead professional)\b", re.I)


def professional_hint(name: str, kind: str, relationship: str) -> str:
    """Someone recorded as family whose relationship to the child is a professional's role
    ("School DSL", "health visitor"): almost always the family/professional choice left at
    its default. Said, not refused: a grandmother may also be "a teacher"."""
    if kind != "family" or not (found := _PROFESSIONAL.search(relationship or "")):
        return ""
    return (f"{name.strip()} is recorded as family, but \"{relationship.strip()}\" names a "
            f"professional ({found.group(0)}): record them as a professional, with their "
            "agency, so they are on the contact list and sent the minutes and closure letters "
            "as one")


# WAR 4.2: "In particular to improve engagement of fathers". The words that name a father,
# or a man in that place, in a person's relationship to the child.
_FATHER = re.compile(r"\b(father|dad|daddy|stepfather|step-father|step dad|stepdad)\b", re.I)


def father_hint(relationships: Iterable[str]) -> str:
    """WAR 4.2's prompt for a child whose People name no father ("" when one is named): a
    father not involved is still recorded, with that said, so that he is thought about."""
    if any(_FATHER.search(r or "") for r in relationships):
        return ""
    return ("No father on the record (WAR 4.2: improve the engagement of fathers): add him "
            "(a), even if he is not involved, with how to reach him or why he is not")


def named(choices, text: str) -> list:
    """Those of `choices` (anything with a `name`: the child's People, a meeting's invitees)
    that `text` names, as the command line takes a person: the one whose name it is (case
    and spacing do not matter), else each whose name holds it ("Layla" for "Layla Ward").
    The caller says which when there are several, or whom it knows when there are none."""
    def key(words: str) -> str:
        return " ".join(words.lower().split())

    wanted = key(text)
    if not wanted:
        return []
    return ([c for c in choices if key(c.name) == wanted]
            or [c for c in choices if wanted in key(c.name)])
