"""The DfE Children in Need census return (DOMAIN.md §10): the collection year, which
episodes it holds, what they look like as at the reference date, and the DfE validation
rules a child's record must pass before it can go in the file.

Rule ids are the DfE's published rule numbers (the CIN census validation rules, as
implemented by Social Finance's `cin_validator`) where one exists; otherwise a short
descriptive id. Pure: no I/O, no clock (`today` is passed in).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import NamedTuple

from cintui.domain.workforce import check_la_number

FIRST_YEAR = 2000
# 8606: a referral may come up to 40 weeks (280 days) before the child's birth.
PRE_BIRTH_DAYS = 280
NO_FACTORS = "21"  # "No factors identified": never with another factor (8869)
CLOSED_AFTER_ASSESSMENT_NFA = "RC8"
_UPN_PATTERN = re.compile(r"[A-Za-z]\d{11}[A-Za-z0-9]")  # the schema's upntype
_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S


class InvalidCensusInput(ValueError):
    """Something asked of the census export that cannot be: the user's to fix."""


class InvalidCensusYear(InvalidCensusInput):
    """A collection year that is malformed or whose collection has not started."""


class Problem(NamedTuple):
    rule: str
    message: str


@dataclass(frozen=True)
class CensusPeriod:
    year: int
    start: date  # 1 April of the year before
    end: date  # 31 March: the reference date

    @property
    def reference_date(self) -> date:
        return self.end


@dataclass(frozen=True)
class CensusEpisode:
    """One CINdetails module: a referral and what followed it (one assessment and at most
    one CIN plan in this store)."""

    referral_date: date | None
    referral_source: str | None = "10"
    primary_need: str | None = "N0"
    referral_nfa: bool = False
    closure_date: date | None = None
    closure_reason: str | None = None
    assessment_started: date | None = None
    assessment_completed: date | None = None
    assessment_factors: tuple[str, ...] = ()
    cin_plan_start: date | None = None
    cin_plan_end: date | None = None


@dataclass(frozen=True)
class CensusChild:
    reference: str  # LA child ID
    upn: str = ""
    upn_unknown: str | None = None
    dob: date | None = None
    expected_dob: date | None = None
    gender: str | None = "0"
    ethnicity: str | None = "NOBT"
    disabilities: tuple[str, ...] = ()
    episodes: tuple[CensusEpisode, ...] = field(default=())


def census_period(year: int | str, today: date | None = None) -> CensusPeriod:
    """The collection year ending 31 March `year` (2026: 1 April 2025 to 31 March 2026).
    With `today`, a year whose collection has not started yet is refused."""
    text = str(year).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise InvalidCensusYear(f"--year: {year!r} is not a year (give four digits, e.g. 2026)")
    value = int(text)
    if value < FIRST_YEAR:
        raise InvalidCensusYear(f"--year: {value} is before {FIRST_YEAR}, the first "
                                "collection year cintui returns")
    period = CensusPeriod(value, date(value - 1, 4, 1), date(value, 3, 31))
    if today is not None and today < period.start:
        raise InvalidCensusYear(f"--year: the {value} collection (1 April {value - 1} to "
                                f"31 March {value}) has not started yet")
    return period


def la_number(value: str) -> str:
    """The authority's three-digit DfE LA number, for the return's `Source` header."""
    problem = check_la_number(value)
    if problem is not None:
        raise InvalidCensusInput(f"--la: {problem}")
    return value.strip()


def in_return(ep: CensusEpisode, period: CensusPeriod) -> bool:
    """An episode belongs to a year's return when it is open at some point in the year:
    referred on or before the reference date and not closed before the year began. A
    referral with no further action from before the year was in an earlier return (8569)."""
    if ep.referral_date is None or ep.referral_date > period.end:
        return False
    if ep.closure_date is not None and ep.closure_date < period.start:
        return False
    return not (ep.referral_nfa and ep.referral_date < period.start)


def as_at(ep: CensusEpisode, period: CensusPeriod) -> CensusEpisode:
    """The episode as the return shows it on the reference date: what happened after
    31 March is not yet known (an assessment authorised, a plan ended or the case closed
    later shows as still open), and an assessment authorised or a plan ended before the
    year began is out of the year (8696, 4013)."""
    end, start = period.end, period.start
    changes: dict = {}
    if ep.closure_date is not None and ep.closure_date > end:
        changes.update(closure_date=None, closure_reason=None)
    if ep.assessment_started is not None and ep.assessment_started > end:
        changes.update(assessment_started=None, assessment_completed=None,
                       assessment_factors=())
    elif ep.assessment_completed is not None and ep.assessment_completed > end:
        changes.update(assessment_completed=None, assessment_factors=())
    elif ep.assessment_completed is not None and ep.assessment_completed < start:
        changes.update(assessment_started=None, assessment_completed=None,
                       assessment_factors=())
    if ep.cin_plan_start is not None and ep.cin_plan_start > end:
        changes.update(cin_plan_start=None, cin_plan_end=None)
    elif ep.cin_plan_end is not None and ep.cin_plan_end > end:
        changes.update(cin_plan_end=None)
    elif ep.cin_plan_end is not None and ep.cin_plan_end < start:
        changes.update(cin_plan_start=None, cin_plan_end=None)
    return replace(ep, **changes) if changes else ep


def return_episodes(episodes: Iterable[CensusEpisode],
                    period: CensusPeriod) -> tuple[CensusEpisode, ...]:
    """The episodes in a year's return, as at its reference date, oldest referral first."""
    kept = [as_at(e, period) for e in episodes if in_return(e, period)]
    return tuple(sorted(kept, key=lambda e: e.referral_date or date.min))


def upn_check_letter(upn: str) -> str | None:
    """The DfE check letter (character 1) for characters 2-13 of a UPN: each weighted 2-13,
    a letter in place 13 (a temporary UPN) counted by its place in the 23 check letters,
    the sum mod 23 read back as a letter. None when characters 2-13 are malformed."""
    body = upn[1:].upper()
    if len(body) != 12 or not body[:11].isdigit():
        return None
    last = body[11]
    if last.isdigit():
        last_value = int(last)
    elif last in _CHECK_LETTERS:
        last_value = _CHECK_LETTERS.index(last)
    else:
        return None
    values = [int(c) for c in body[:11]] + [last_value]
    return _CHECK_LETTERS[sum(v * w for v, w in zip(values, range(2, 14), strict=True)) % 23]


def _fmt(d: date) -> str:
    return d.isoformat()


def _bad_codes(values: Iterable[str | None], allowed: Mapping[str, str]) -> list[str]:
    return [str(v) for v in values if v not in allowed]


def child_problems(child: CensusChild, period: CensusPeriod,
                   code_lists: Mapping[str, Mapping[str, str]]) -> list[Problem]:
    """Every DfE validation rule this child's return breaks (empty: it can go in the
    file). `child.episodes` are the episodes as the return shows them (`return_episodes`);
    `code_lists` maps a census list name (`cintui.codes.CODE_LISTS`) to its codes."""
    return [*_identity_problems(child, period, code_lists),
            *(p for ep in child.episodes for p in _episode_problems(child, ep, period,
                                                                    code_lists)),
            *_episode_set_problems(child)]


def _identity_problems(child: CensusChild, period: CensusPeriod,
                       codes: Mapping[str, Mapping[str, str]]) -> Iterable[Problem]:
    if not child.reference.strip():
        yield Problem("8500", "LA child ID is missing")
    yield from _upn_problems(child, codes)
    if (child.dob is None) == (child.expected_dob is None):
        yield Problem("8525", "give a date of birth or an expected date of birth, not both"
                      if child.dob else "a date of birth or an expected date of birth is "
                      "needed")
    if child.dob is not None and child.dob > period.end:
        yield Problem("8520", f"date of birth {_fmt(child.dob)} is after the reference date "
                      f"{_fmt(period.end)}")
    if child.gender not in codes["gender"]:
        yield Problem("4180", f"gender {child.gender!r} is missing or not a census code "
                      "(1, 2, 0 or 9)")
    elif child.expected_dob is not None and child.gender != "0":
        yield Problem("8750", "an unborn child's gender must be 0 (not recorded)")
    if child.ethnicity not in codes["ethnicity"]:
        yield Problem("4220", f"ethnicity {child.ethnicity!r} is missing or not a census code")
    yield from _disability_problems(child, codes)


def _upn_problems(child: CensusChild, codes) -> Iterable[Problem]:
    upn, unknown = child.upn.strip(), child.upn_unknown
    if unknown is not None and unknown not in codes["upn_unknown"]:
        yield Problem("upn-unknown-code", f"reason the UPN is unknown {unknown!r} is not "
                      "UN1-UN7")
    if not upn:
        if unknown is None:
            yield Problem("upn-or-reason", "a UPN or the reason it is unknown (UN1-UN7) is "
                          "needed")
        elif unknown == "UN7" and any(not e.referral_nfa for e in child.episodes):
            yield Problem("8772", "UPN unknown reason UN7 (referral with no further action) "
                          "but a referral went on to further action")
        return
    if unknown is not None:
        yield Problem("upn-and-reason", "a UPN and a reason it is unknown are both recorded")
    if len(upn) != 13 or not _UPN_PATTERN.fullmatch(upn):
        yield Problem("upn-format", f"UPN {upn!r} is not 13 characters: a letter, 11 digits "
                      "and a digit or letter")
    elif upn_check_letter(upn) != upn[0].upper():
        yield Problem("1510", f"UPN {upn!r} is invalid (wrong check letter at character 1)")


def _disability_problems(child: CensusChild, codes) -> Iterable[Problem]:
    items = child.disabilities
    bad = _bad_codes(items, codes["disability"])
    needs_one = child.dob is not None and any(not e.referral_nfa for e in child.episodes)
    if bad or (needs_one and not items):
        what = f"{', '.join(bad)} not census codes" if bad else "none recorded"
        yield Problem("8540", f"disability is missing or invalid ({what})")
    if "NONE" in items and len(items) > 1:
        yield Problem("8790", "disability NONE is recorded with other disabilities")
    if len(set(items)) < len(items):
        yield Problem("8794", "the same disability code is recorded twice")


def _episode_problems(child: CensusChild, ep: CensusEpisode, period: CensusPeriod,
                      codes) -> Iterable[Problem]:
    ref = ep.referral_date
    if ref is None or ref > period.end:
        yield Problem("8600", "referral date missing or after the collection period "
                      f"(ends {_fmt(period.end)})")
        return
    where = f"episode referred {_fmt(ref)}"
    birth = child.dob or child.expected_dob
    if birth is not None and ref < birth - timedelta(days=PRE_BIRTH_DAYS):
        yield Problem("8606", f"{where}: referral is more than 40 weeks before the "
                      f"{'date of birth' if child.dob else 'expected date of birth'} "
                      f"{_fmt(birth)}")
    if ep.referral_source not in codes["referral_source"]:
        yield Problem("8866", f"{where}: referral source {ep.referral_source!r} is missing "
                      "or not a census code")
    if not ep.primary_need and not ep.referral_nfa:
        yield Problem("8610", f"{where}: primary need code is missing for a referral that "
                      "led to further action")
    elif ep.primary_need and ep.primary_need not in codes["primary_need"]:
        yield Problem("8650", f"{where}: primary need {ep.primary_need!r} is not a census code")
    yield from _closure_problems(ep, where, codes)
    yield from _assessment_problems(ep, where, codes)
    yield from _plan_problems(ep, where)


def _closure_problems(ep: CensusEpisode, where: str, codes) -> Iterable[Problem]:
    closed, reason = ep.closure_date, ep.closure_reason
    if closed is not None and not reason:
        yield Problem("8805", f"{where}: closed {_fmt(closed)} without a reason for closure")
    if closed is None and reason:
        yield Problem("8810", f"{where}: reason for closure {reason} without a closure date")
    if reason and reason not in codes["closure_reason"]:
        yield Problem("8640", f"{where}: reason for closure {reason!r} is not a census code")
    if closed is None:
        return
    if closed < ep.referral_date:
        yield Problem("8630", f"{where}: closure date {_fmt(closed)} is before the referral")
    later = [d for d in (ep.assessment_started, ep.assessment_completed, ep.cin_plan_start,
                         ep.cin_plan_end) if d is not None and d > closed]
    if later:
        yield Problem("8565", f"{where}: activity on {_fmt(max(later))} after the case closed "
                      f"on {_fmt(closed)}")
    if ep.assessment_started is not None and ep.assessment_completed is None:
        yield Problem("8867", f"{where}: closed {_fmt(closed)} but the assessment is not "
                      "shown as completed")
    if reason == CLOSED_AFTER_ASSESSMENT_NFA and ep.cin_plan_start is not None:
        yield Problem("2990", f"{where}: closed RC8 (after assessment, no further action) "
                      "but a CIN plan is recorded")
    if (reason != CLOSED_AFTER_ASSESSMENT_NFA and ep.assessment_completed is not None
            and NO_FACTORS in ep.assessment_factors):
        yield Problem("8873", f"{where}: the assessment found no factors (21), so the reason "
                      f"for closure must be RC8, not {reason}")


def _assessment_problems(ep: CensusEpisode, where: str, codes) -> Iterable[Problem]:
    started, done, factors = ep.assessment_started, ep.assessment_completed, ep.assessment_factors
    if ep.referral_nfa and (started or done or ep.cin_plan_start):
        yield Problem("8831", f"{where}: an assessment or plan is recorded against a "
                      "referral with no further action")
    if done is not None and started is None:
        yield Problem("assessment-start", f"{where}: assessment authorised {_fmt(done)} "
                      "without a start date")
    if started is not None and started < ep.referral_date:
        yield Problem("1103", f"{where}: assessment start {_fmt(started)} is before the "
                      "referral date")
    if started is not None and done is not None and started > done:
        yield Problem("8608", f"{where}: assessment start {_fmt(started)} is after its "
                      f"authorisation {_fmt(done)}")
    bad = _bad_codes(factors, codes["assessment_factor"])
    if bad:
        yield Problem("factor-code", f"{where}: assessment factors {', '.join(bad)} are not "
                      "census codes")
    if done is None and factors:
        yield Problem("8614", f"{where}: assessment factors are recorded but the assessment "
                      "is not completed")
    if done is not None and not factors:
        yield Problem("8897", f"{where}: the assessment completed {_fmt(done)} has no "
                      "factors identified (use 21 for none)")
    if NO_FACTORS in factors and len(set(factors)) > 1:
        yield Problem("8869", f"{where}: assessment factor 21 (no factors) is recorded with "
                      "other factors")
    if len(set(factors)) < len(factors):
        yield Problem("8898", f"{where}: the same assessment factor is recorded twice")


def _plan_problems(ep: CensusEpisode, where: str) -> Iterable[Problem]:
    start, end = ep.cin_plan_start, ep.cin_plan_end
    if end is not None and start is None:
        yield Problem("plan-start", f"{where}: CIN plan end {_fmt(end)} without a start date")
    if start is not None and start < ep.referral_date:
        yield Problem("4015", f"{where}: CIN plan start {_fmt(start)} is before the referral "
                      "date")
    if start is not None and end is not None and end < start:
        yield Problem("4011", f"{where}: CIN plan end {_fmt(end)} is before its start "
                      f"{_fmt(start)}")


def _episode_set_problems(child: CensusChild) -> Iterable[Problem]:
    eps = sorted((e for e in child.episodes if e.referral_date is not None),
                 key=lambda e: e.referral_date)
    open_eps = [e for e in eps if e.closure_date is None and not e.referral_nfa]
    if len(open_eps) > 1:
        yield Problem("8815", f"{len(open_eps)} open episodes (referred "
                      f"{', '.join(_fmt(e.referral_date) for e in open_eps)}); at most one "
                      "may be open")
    elif open_eps and open_eps[0] is not eps[-1]:
        yield Problem("8816", f"the open episode referred {_fmt(open_eps[0].referral_date)} "
                      "is not the latest")
    for earlier, later in zip(eps, eps[1:], strict=False):
        ends = earlier.closure_date
        if ends is None and earlier.referral_nfa:
            continue
        if ends is None or later.referral_date < ends:
            yield Problem("8820", f"episodes referred {_fmt(earlier.referral_date)} and "
                          f"{_fmt(later.referral_date)} overlap")


class Excluded(NamedTuple):
    """A child left out of the file, with one rule it breaks (a child breaking several
    rules has one of these for each)."""

    reference: str
    rule: str
    message: str


@dataclass(frozen=True)
class CensusReturn:
    period: CensusPeriod
    children: tuple[CensusChild, ...]  # in the file: break no rule
    excluded: tuple[Excluded, ...]  # left out, each with its reason

    @property
    def episodes(self) -> int:
        return sum(len(c.episodes) for c in self.children)

    @property
    def excluded_children(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.reference for e in self.excluded))


def build(children: Iterable[CensusChild], period: CensusPeriod,
          code_lists: Mapping[str, Mapping[str, str]]) -> CensusReturn:
    """Split a year's children (episodes already as `return_episodes` gives them) into
    those that go in the file and those left out, each left-out child with every rule it
    breaks. A child with no episode in the year is not in the return at all."""
    children = [c for c in children if c.episodes]
    upns: dict[str, int] = {}
    for c in children:
        if c.upn.strip():
            upns[c.upn.strip().upper()] = upns.get(c.upn.strip().upper(), 0) + 1
    kept: list[CensusChild] = []
    excluded: list[Excluded] = []
    for c in children:
        problems = child_problems(c, period, code_lists)
        if upns.get(c.upn.strip().upper(), 0) > 1:
            problems.append(Problem("1520", f"UPN {c.upn.strip()} is recorded for more than "
                                    "one child"))
        if problems:
            excluded.extend(Excluded(c.reference, p.rule, p.message) for p in problems)
        else:
            kept.append(c)
    return CensusReturn(period, tuple(kept), tuple(excluded))
