"""DfE Children in Need census code lists (DOMAIN.md §10), per collection year, shipped in
data/census_codes.json (extracted from each year's schema: data/CIN_census_schemas.md).

Coded fields are validated against the current year's lists on every write to the store;
a year's return is checked against that year's lists (`codes(name, year=...)`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from cintui.reference.shipped import shipped

YEARS = (2024, 2025, 2026, 2027)  # collection years, named for the 31 March they end on
CURRENT_YEAR = YEARS[-1]  # the lists the store checks against
# The store's lists. `gender` (1, 2, 0, 9) is a list of the 2023-24 return only: the store
# keeps `sex` (M, F, U) and the 2024 return writes it as GenderCurrent.
CODE_LISTS = (
    "sex",
    "ethnicity",
    "disability",
    "referral_source",
    "primary_need",
    "closure_reason",
    "assessment_factor",
    "category_of_abuse",
    "upn_unknown",
)


class InvalidCode(ValueError):
    """A value that is not in its census code list."""

    def __init__(self, field: str, value: object, code_list: str) -> None:
        self.field = field
        self.value = value
        self.code_list = code_list
        allowed = ", ".join(codes(code_list))
        super().__init__(f"{field}: {value!r} is not a census {code_list} code (one of: {allowed})")


# Capitals the DfE prints that are names, kept when a label is put in sentence case.
_KEEP_CAPITALS = frozenset({"LA"})


def sentence_case(label: str) -> str:
    """A label as a worker reads it: the DfE prints the referral sources' headings in
    capitals ("HEALTH SERVICES – health visitor", "UNKNOWN"); shown as "Health services –
    health visitor" and "Unknown". Labels without a capitalised heading are unchanged."""
    head, tail = re.fullmatch(r"(.+?)(?: [–-] (.+))?", label, re.DOTALL).groups()
    words = head.split()
    if not all(w.isupper() for w in words) or all(w in _KEEP_CAPITALS for w in words):
        return label
    words = [w if w in _KEEP_CAPITALS else w.lower() for w in words]
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words) + (f" – {tail}" if tail else "")


@cache
def _all() -> Mapping[int, Mapping[str, Mapping[str, str]]]:
    raw = json.loads(shipped("census_codes.json").read_text(encoding="utf-8"))
    return MappingProxyType({
        year: MappingProxyType({k: MappingProxyType({c: sentence_case(lbl) for c, lbl in v.items()})
                                for k, v in raw[str(year)].items()})
        for year in YEARS})


def year_lists(year: int) -> Mapping[str, Mapping[str, str]]:
    """Every code list of one collection year's schema, by name."""
    return _all()[year]


def codes(code_list: str, year: int = CURRENT_YEAR) -> Mapping[str, str]:
    """Code -> label for one list, in the census order (the current year's unless given)."""
    return _all()[year][code_list]


def former_labels(code_list: str) -> Mapping[str, str]:
    """An earlier year's label (casefolded) -> its code, for a code the current list keeps
    under another label: N1 was "Abuse or neglect" to the 2024-25 collection, "Abuse,
    neglect and exploitation" from 2025-26. An old system's export still says the former."""
    current = codes(code_list)
    return MappingProxyType({
        label.casefold(): code
        for year in YEARS[:-1] for code, label in _all()[year].get(code_list, {}).items()
        if code in current and label != current[code]})


def choices(code_list: str) -> list[tuple[str, str]]:
    """A list's codes as a form offers them: ("1C Individual – self", "1C"), in census order."""
    return [(f"{code} {lbl}", code) for code, lbl in codes(code_list).items()]


def label(code_list: str, code: str | None) -> str:
    if code is None:
        return ""
    return codes(code_list).get(code, code)


def check(field: str, value: str | None, code_list: str, *, required: bool = False) -> None:
    if value is None or value == "":
        if required:
            raise InvalidCode(field, value, code_list)
        return
    if value not in codes(code_list):
        raise InvalidCode(field, value, code_list)


def split_multi(value: str | None) -> list[str]:
    """Multi-valued coded fields (disabilities, assessment factors) are stored space-separated."""
    return [v for v in (value or "").replace(",", " ").split() if v]


def check_multi(field: str, value: str | None, code_list: str) -> None:
    items = split_multi(value)
    for item in items:
        check(field, item, code_list)
    if code_list == "disability" and "NONE" in items and len(items) > 1:
        raise ValueError(f"{field}: NONE cannot be combined with other disability codes")


@cache
def _words() -> Mapping[str, Mapping[str, str]]:
    raw = json.loads(shipped("census_words.json").read_text(encoding="utf-8"))
    return MappingProxyType({k: MappingProxyType(v) for k, v in raw.items() if k != "_source"})


def short_names(code_list: str) -> Mapping[str, str]:
    """Code -> a few words a worker picks it by ("domestic violence: child"); the census
    label itself where a list has no short names (data/census_words.json)."""
    return _words().get(code_list) or codes(code_list)
