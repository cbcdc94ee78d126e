"""The DfE Children in Need census return (DOMAIN.md §10): the collection year, which
episodes it holds, what they look like as at the reference date, and the DfE validation
rules a child's record must pass before it can go in the file.

One return per collection year, named for the 31 March it ends on (2024 is the 2023-24
collection ... 2027 the 2026-27 one): the year chooses the layout (from 2024-25 `Sex`, M/F/U,
in place of `GenderCurrent`, 1/2/0/9), the code lists (passed in, from that year's schema)
and the rules (1570, 1580 and the school-age 8770Q, 2886Q on sex, 8945Q/8950Q from 2024-25).

Rule ids are the DfE's published rule numbers (the CIN census validation rules, as Data to
Insight's `cin_validator` implements them); a query rule's id ends in "Q" (the DfE asks for
the data to be checked or a reason given: the child stays in the file). A rule with a
descriptive id is one the schema itself enforces. Pure: no I/O, no clock (`today` is
passed in), working days from the calendar passed in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import NamedTuple

from cintui.domain.calendar import WorkingCalendar, england_calendar
from cintui.domain.dates import day_words
from cintui.domain.workforce import check_la_number

YEARS = (2024, 2025, 2026, 2027)  # the collections cintui returns
SEX_FROM = 2025  # 2024-25: Sex (M, F, U) replaces GenderCurrent; 1570, 1580, 8945Q, 8950Q
GENDER_CURRENT = {"M": "1", "F": "2", "U": "0"}  # Sex as the 2023-24 return's GenderCurrent
SEX_FROM_GENDER = {"1": "M", "2": "F", "0": "U", "9": "U"}  # the DfE's mapping, 2024-25
# 8606: a referral may come up to 40 weeks (280 days) before the child's birth.
PRE_BIRTH_DAYS = 280
NO_FACTORS = "21"  # "No factors identified": never with another factor (8869)
CLOSED_AFTER_ASSESSMENT = ("RC8", "RC9")  # no further action / referred to early help
DIED = "RC2"
RETIRED_FACTORS = {"18A": "8945Q", "19A": "8950Q"}  # use 18B/18C, 19B/19C
LA_ID_MAX = 20  # 1570
_UPN_PATTERN = re.compile(r"[A-Za-z]\d{11}[A-Za-z0-9]")  # the schema's upntype
_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S
# 1530: characters 2-4 of a UPN are a post-April-1998 LA number or a pseudo-LA code.
_UPN_LA_RANGES = ((1, 5), (201, 213), (301, 320), (330, 336), (340, 344), (350, 359),
                  (370, 373), (380, 384), (390, 394), (420, 420), (660, 681), (701, 708),
                  (800, 803), (805, 808), (810, 813), (815, 816), (820, 823), (825, 826),
                  (830, 831), (835, 841), (845, 846), (850, 852), (855, 857), (860, 861),
                  (865, 896), (908, 909), (916, 916), (919, 919), (921, 921), (925, 926),
                  (928, 929), (931, 931), (933, 933), (935, 938), (940, 943))
UPN_LA_CODES = frozenset(f"{n:03d}" for lo, hi in _UPN_LA_RANGES for n in range(lo, hi + 1))


class InvalidCensusInput(ValueError):
    """Something asked of the census export that cannot be: the user's to fix."""


class InvalidCensusYear(InvalidCensusInput):
    """A collection year that is malformed, not supported or not started."""


class Problem(NamedTuple):
    rule: str
    message: str

    @property
    def query(self) -> bool:
        """A DfE query ("Q"): listed as a warning, the child stays in the file."""
        return self.rule.endswith("Q")


@dataclass(frozen=True)
class CensusPeriod:
    year: int
    start: date  # 1 April of the year before
    end: date  # 31 March: the reference date

    @property
    def reference_date(self) -> date:
        return self.end

    @property
    def uses_sex(self) -> bool:
        """From the 2024-25 collection the child's `Sex` (M, F, U) is returned."""
        return self.year >= SEX_FROM

    @property
    def label(self) -> str:
        return f"{self.year - 1}-{self.year % 100:02d}"


@dataclass(frozen=True)
class CensusS47:
    """One Section47 module: a section 47 enquiry and its initial child protection
    conference (ICPC), or that none was needed. `concluded` is when the enquiry's outcome
    was known (the ICPC held, or decided not needed)."""

    start: date | None
    icpc_target: date | None = None
    icpc_date: date | None = None
    icpc_not_required: bool = False
    concluded: date | None = None


@dataclass(frozen=True)
class CensusEpisode:
    """One CINdetails module: a referral and what followed it (one assessment and at most
    one CIN plan in this store, and the section 47 enquiries it led to)."""

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
    section47: tuple[CensusS47, ...] = ()


@dataclass(frozen=True)
class CensusChild:
    reference: str  # LA child ID
    upn: str = ""
    upn_unknown: str | None = None
    dob: date | None = None
    expected_dob: date | None = None
    sex: str | None = "U"
    ethnicity: str | None = "NOBT"
    disabilities: tuple[str, ...] = ()
    episodes: tuple[CensusEpisode, ...] = field(default=())
    worker: str = ""  # who holds the case (for the completeness report; not returned)

    def gender_current(self) -> str | None:
        """The child's sex as the 2023-24 return's GenderCurrent (M 1, F 2, U 0)."""
        return GENDER_CURRENT.get(self.sex or "")


def census_period(year: int | str, today: date | None = None) -> CensusPeriod:
    """The collection year ending 31 March `year` (2026: 1 April 2025 to 31 March 2026).
    Only the years cintui has the DfE's layout and rules for; with `today`, a year whose
    collection has not started yet is refused."""
    text = str(year).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise InvalidCensusYear(f"--year: {year!r} is not a year (give four digits, e.g. 2026)")
    value = int(text)
    if value not in YEARS:
        raise InvalidCensusYear(
            f"--year: {value} is not a collection cintui returns ({YEARS[0]} to {YEARS[-1]}: "
            "the 2023-24 to 2026-27 collections, each named for the 31 March it ends on)")
    period = CensusPeriod(value, date(value - 1, 4, 1), date(value, 3, 31))
    if today is not None and today < period.start:
        raise InvalidCensusYear(f"--year: the {value} collection (1 April {value - 1} to "
                                f"31 March {value}) has not started yet")
    return period


def current_collection(today: date) -> int:
    """The collection year `today` falls in (from 1 April, the next 31 March's), or the
    nearest one cintui returns."""
    year = today.year + 1 if today.month >= 4 else today.year
    return min(max(year, YEARS[0]), YEARS[-1])


def last_collection(today: date) -> int:
    """The newest collection year that has ended by `today`: the one the DfE collects (its
    window opens in April), and the one `cintui export census` returns unless told."""
    return today.year if today.month >= 4 else today.year - 1


def la_number(value: str) -> str:
    """The authority's three-digit DfE LA number, for the return's `Source` header."""
    problem = check_la_number(value)
    if problem is not None:
        raise InvalidCensusInput(f"--la: {problem}")
    return value.strip()


def in_return(ep: CensusEpisode, period: CensusPeriod) -> bool:
    """An episode belongs to a year's return when it is open at some point in the year:
    referred on or before the reference date and not closed before the year began. A
    referral with no further action from before the year was in an earlier return (8569Q)."""
    if ep.referral_date is None or ep.referral_date > period.end:
        return False
    if ep.closure_date is not None and ep.closure_date < period.start:
        return False
    return not (ep.referral_nfa and ep.referral_date < period.start)


def _s47_as_at(s: CensusS47, period: CensusPeriod) -> CensusS47 | None:
    """A section 47 enquiry as the return shows it: not yet started (None), its ICPC or
    the decision that none is needed not yet known, or concluded before the year began
    (None: it was in an earlier return; 8715)."""
    end, start = period.end, period.start
    if s.start is None or s.start > end:
        return None
    if s.icpc_date is not None and s.icpc_date > end:
        s = replace(s, icpc_date=None, concluded=None)
    if s.icpc_not_required and (s.concluded is None or s.concluded > end):
        s = replace(s, icpc_not_required=False, concluded=None)
    if s.icpc_date is not None and s.icpc_date < start:
        return None
    if s.icpc_not_required and s.concluded is not None and s.concluded < start:
        return None
    return s


def as_at(ep: CensusEpisode, period: CensusPeriod) -> CensusEpisode:
    """The episode as the return shows it on the reference date: what happened after
    31 March is not yet known (an assessment authorised, a plan ended, an ICPC held or the
    case closed later shows as still open), and an assessment authorised, a plan ended or
    an enquiry concluded before the year began is out of the year (8696, 4013, 8715)."""
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
    enquiries = tuple(s for s in (_s47_as_at(s, period) for s in ep.section47) if s)
    if enquiries != ep.section47:
        changes.update(section47=enquiries)
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


def school_age_born_by(period: CensusPeriod) -> date:
    """8770Q: a child born on or before this date is of school age on the reference date
    (from 2024-25: by the start of the school year after it, 31 August; before: six on
    31 March)."""
    end = period.end
    if period.uses_sex:
        return date(end.year - 6, 8, 31)
    return end.replace(year=end.year - 6)


def _fmt(d: date) -> str:
    """A day in a query's words, as the screens write it ("16 Sep 2026"): a worker reads
    them to fix the record (the XML keeps xs:date)."""
    return day_words(d)


def _bad_codes(values: Iterable[str | None], allowed: Mapping[str, str]) -> list[str]:
    return [str(v) for v in values if v not in allowed]


@dataclass(frozen=True)
class _Ctx:
    period: CensusPeriod
    codes: Mapping[str, Mapping[str, str]]
    calendar: WorkingCalendar


def child_problems(child: CensusChild, period: CensusPeriod,
                   code_lists: Mapping[str, Mapping[str, str]],
                   calendar: WorkingCalendar | None = None) -> list[Problem]:
    """Every DfE validation rule this child's return breaks, errors and queries (empty: it
    goes in the file with nothing to check). `child.episodes` are the episodes as the
    return shows them (`return_episodes`); `code_lists` maps a census list name to the
    year's codes (`cintui.reference.codes.year_lists`)."""
    ctx = _Ctx(period, code_lists, calendar or england_calendar())
    return [*_identity_problems(child, ctx),
            *(p for ep in child.episodes for p in _episode_problems(child, ep, ctx)),
            *_episode_set_problems(child)]


def _identity_problems(child: CensusChild, ctx: _Ctx) -> Iterable[Problem]:
    period, codes = ctx.period, ctx.codes
    ref = child.reference.strip()
    if not ref:
        yield Problem("8500", "LA child ID is missing")
    elif period.uses_sex and len(ref) > LA_ID_MAX:
        yield Problem("1570", f"LA child ID {ref!r} is longer than {LA_ID_MAX} characters "
                      "(change the case reference)")
    if ref and period.uses_sex and not ref.isalnum():
        yield Problem("1580", f"LA child ID {ref!r} has characters other than letters and "
                      "digits (change the case reference)")
    yield from _upn_problems(child, ctx)
    if child.dob is None and child.expected_dob is None:
        yield Problem("8525Q", "neither a date of birth nor an expected date of birth")
    elif child.dob is not None and child.expected_dob is not None:
        yield Problem("8525Q", "both a date of birth and an expected date of birth")
    if child.dob is not None and child.dob > period.end:
        yield Problem("8520", f"date of birth {_fmt(child.dob)} is after the reference date "
                      f"{_fmt(period.end)}")
    if child.dob is None and child.expected_dob is not None:
        early, late = period.end - timedelta(days=30), date(period.end.year, 12, 31)
        if not early < child.expected_dob < late:
            yield Problem("8530Q", f"expected date of birth {_fmt(child.expected_dob)} is "
                          f"outside {_fmt(early + timedelta(days=1))} to "
                          f"{_fmt(late - timedelta(days=1))}")
    yield from _sex_problems(child, period, codes)
    if child.ethnicity not in codes["ethnicity"]:
        yield Problem("4220", f"ethnicity {child.ethnicity!r} is missing or not a census code")
    yield from _disability_problems(child, codes)
    if child.dob is not None and child.dob < _years_before(period.end, 25) and any(
            e.closure_date is None or e.closure_date > _years_after(child.dob, 25)
            for e in child.episodes):
        yield Problem("8775Q", f"child is over 25 (born {_fmt(child.dob)})")


def _years_before(d: date, n: int) -> date:
    return d.replace(year=d.year - n) if (d.month, d.day) != (2, 29) else date(d.year - n, 2, 28)


def _years_after(d: date, n: int) -> date:
    return d.replace(year=d.year + n) if (d.month, d.day) != (2, 29) else date(d.year + n, 2, 28)


def _sex_problems(child: CensusChild, period: CensusPeriod, codes) -> Iterable[Problem]:
    unborn = child.dob is None and child.expected_dob is not None
    if period.uses_sex:
        if child.sex not in codes["sex"]:
            yield Problem("4180", f"sex {child.sex!r} is missing or not M, F or U")
        elif unborn and child.sex != "U":
            yield Problem("8750", "an unborn child's sex must be U")
        return
    gender = child.gender_current()
    if gender not in codes["gender"]:
        yield Problem("4180", f"sex {child.sex!r} is missing or not M, F or U (returned as "
                      "gender 1, 2 or 0)")
    elif unborn and gender != "0":
        yield Problem("8750", "an unborn child's gender must be 0 (sex U)")


def _upn_problems(child: CensusChild, ctx: _Ctx) -> Iterable[Problem]:
    upn, unknown = child.upn.strip().upper(), child.upn_unknown
    if not upn:
        if unknown is not None and unknown not in ctx.codes["upn_unknown"]:
            yield Problem("upn-unknown-code", f"reason the UPN is unknown {unknown!r} is not "
                          "UN1-UN7")
        elif unknown == "UN7" and any(not e.referral_nfa for e in child.episodes):
            yield Problem("8772", "UPN unknown reason UN7 (referral with no further action) "
                          "but a referral went on to further action")
        if (child.dob is not None and child.dob <= school_age_born_by(ctx.period)
                and unknown in (None, "UN1")
                and any(not e.referral_nfa for e in child.episodes)):
            yield Problem("8770Q", "no UPN for a child of school age (born "
                          f"{_fmt(child.dob)}): record the UPN or why it is unknown "
                          "(UN2-UN7; UN1 is for a child not of school age)")
        return
    for rule, message in upn_problems(upn):
        yield Problem(rule, message)


def upn_problem(upn: str) -> str | None:
    """What is wrong with a UPN typed or imported, in one sentence, or None: the census
    leaves out a child whose UPN breaks these rules, so it is refused where it is typed."""
    found = upn_problems(upn)
    if not found:
        return None
    rule, message = found[0]
    if rule == "upn-format":
        return message
    if rule == "1510":
        message += (f": it should be {upn_check_letter(upn.strip().upper())}, so a character "
                    "is mistyped")
    return f"{message}; the census would leave the child out ({rule})"


def upn_problems(upn: str) -> list[tuple[str, str]]:
    """(census rule, message) for each way a UPN is malformed: its shape, its check letter
    (1510), the LA code in characters 2-4 (1530), character 13 (1550). The census and a
    caseload import say the same."""
    upn = upn.strip().upper()
    if len(upn) != 13 or not _UPN_PATTERN.fullmatch(upn):
        return [("upn-format", f"UPN {upn!r} is not 13 characters: a letter, 11 digits and a "
                 "digit or letter")]
    out = []
    if upn_check_letter(upn) != upn[0]:
        out.append(("1510", f"UPN {upn!r} is invalid (wrong check letter at character 1)"))
    if upn[1:4] not in UPN_LA_CODES:
        out.append(("1530", f"UPN {upn!r} is invalid (characters 2-4, {upn[1:4]}, are not a "
                    "recognised LA code)"))
    if upn[12].isalpha() and upn[12] not in _CHECK_LETTERS:
        out.append(("1550", f"UPN {upn!r} is invalid (character 13 is not a recognised "
                    "value)"))
    return out


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


def _episode_problems(child: CensusChild, ep: CensusEpisode, ctx: _Ctx) -> Iterable[Problem]:
    period, codes = ctx.period, ctx.codes
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
    yield from _assessment_problems(ep, where, ctx)
    yield from _plan_problems(ep, where)
    yield from _s47_problems(ep, where, ctx)


def _closure_problems(ep: CensusEpisode, where: str, codes) -> Iterable[Problem]:
    closed, reason = ep.closure_date, ep.closure_reason
    if closed is not None and not reason:
        yield Problem("8805", f"{where}: closed {_fmt(closed)} without a reason for closure")
    if closed is None and reason:
        yield Problem("8810", f"{where}: reason for closure {reason} without a closure date")
    if reason and reason not in codes["closure_reason"]:
        yield Problem("8640", f"{where}: reason for closure {reason!r} is not a census code")
    if reason == DIED:
        yield Problem("8585Q", f"{where}: closed RC2 (died) but no date of death is recorded")
    if reason in CLOSED_AFTER_ASSESSMENT and ep.assessment_started is None:
        yield Problem("8825Q", f"{where}: closed {reason} (after assessment) but no assessment "
                      "is recorded")
    if closed is None:
        return
    if closed < ep.referral_date:
        yield Problem("8630", f"{where}: closure date {_fmt(closed)} is before the referral")
    later = [d for d in (ep.assessment_started, ep.assessment_completed, ep.cin_plan_start,
                         ep.cin_plan_end, *(d for s in ep.section47
                                            for d in (s.start, s.icpc_date)))
             if d is not None and d > closed]
    if later:
        yield Problem("8565", f"{where}: activity on {_fmt(max(later))} after the case closed "
                      f"on {_fmt(closed)}")
    if ep.assessment_started is not None and ep.assessment_completed is None:
        yield Problem("8867", f"{where}: closed {_fmt(closed)} but the assessment is not "
                      "shown as completed")
    if reason in CLOSED_AFTER_ASSESSMENT and (ep.cin_plan_start is not None or ep.section47):
        yield Problem("2990", f"{where}: closed {reason} (after assessment, no further "
                      "services) but a CIN plan or section 47 enquiry is recorded")
    for s in ep.section47:
        if s.icpc_date is None and not s.icpc_not_required:
            yield Problem("8868", f"{where}: closed {_fmt(closed)} but the section 47 enquiry "
                          f"started {_fmt(s.start)} has neither an ICPC date nor 'ICPC not "
                          "required'")


def _assessment_problems(ep: CensusEpisode, where: str, ctx: _Ctx) -> Iterable[Problem]:
    started, done, factors = ep.assessment_started, ep.assessment_completed, ep.assessment_factors
    period = ctx.period
    if ep.referral_nfa and (started or done or ep.section47):
        yield Problem("8831", f"{where}: an assessment or section 47 enquiry is recorded "
                      "against a referral with no further action")
    if done is not None and started is None:
        yield Problem("assessment-start", f"{where}: assessment authorised {_fmt(done)} "
                      "without a start date")
    if started is not None and started < ep.referral_date:
        yield Problem("1103", f"{where}: assessment start {_fmt(started)} is before the "
                      "referral date")
    if started is not None and done is not None and started > done:
        yield Problem("8608", f"{where}: assessment start {_fmt(started)} is after its "
                      f"authorisation {_fmt(done)}")
    if started is not None and done is None:
        if started < period.start:
            yield Problem("8736", f"{where}: the assessment started {_fmt(started)}, before "
                          "the year, and is still not authorised")
        elif started < ctx.calendar.add_working_days(period.end, -45):
            yield Problem("8670Q", f"{where}: the assessment started {_fmt(started)}, more "
                          "than 45 working days before 31 March, and is not authorised")
    bad = _bad_codes(factors, ctx.codes["assessment_factor"])
    if bad:
        yield Problem("factor-code", f"{where}: assessment factors {', '.join(bad)} are not "
                      f"{period.label} census codes")
    if period.uses_sex:
        for code in factors:
            if code in RETIRED_FACTORS:
                yield Problem(RETIRED_FACTORS[code], f"{where}: assessment factor {code} is "
                              f"retired (use {code[:2]}B or {code[:2]}C)")
    if done is None and factors:
        yield Problem("8614", f"{where}: assessment factors are recorded but the assessment "
                      "is not completed")
    if done is not None and not factors:
        yield Problem("8897Q", f"{where}: the assessment completed {_fmt(done)} has no "
                      "factors identified (use 21 for none)")
    if NO_FACTORS in factors and len(set(factors)) > 1:
        yield Problem("8869", f"{where}: assessment factor 21 (no factors) is recorded with "
                      "other factors")
    if len(set(factors)) < len(factors):
        yield Problem("8898", f"{where}: the same assessment factor is recorded twice")
    if (done is not None and NO_FACTORS in factors
            and ep.closure_reason not in CLOSED_AFTER_ASSESSMENT):
        yield Problem("8873Q", f"{where}: the assessment found no factors (21), so the "
                      "reason for closure should be RC8 or RC9"
                      + (f", not {ep.closure_reason}" if ep.closure_reason else ""))


def _plan_problems(ep: CensusEpisode, where: str) -> Iterable[Problem]:
    start, end = ep.cin_plan_start, ep.cin_plan_end
    if ep.referral_nfa and start is not None:
        yield Problem("4000", f"{where}: a CIN plan is recorded against a referral with no "
                      "further action")
    if end is not None and start is None:
        yield Problem("plan-start", f"{where}: CIN plan end {_fmt(end)} without a start date")
    if start is not None and start < ep.referral_date:
        yield Problem("4015", f"{where}: CIN plan start {_fmt(start)} is before the referral "
                      "date")
    if start is not None and end is not None and end < start:
        yield Problem("4011", f"{where}: CIN plan end {_fmt(end)} is before its start "
                      f"{_fmt(start)}")
    if start is not None and end == start:
        yield Problem("4012Q", f"{where}: the CIN plan starts and ends on {_fmt(start)}")


def _s47_problems(ep: CensusEpisode, where: str, ctx: _Ctx) -> Iterable[Problem]:
    period = ctx.period
    open_ones = []
    for s in ep.section47:
        if s.start is None:
            yield Problem("8615", f"{where}: a section 47 enquiry without a start date")
            continue
        at = f"{where}: section 47 enquiry started {_fmt(s.start)}"
        if s.start < ep.referral_date:
            yield Problem("2889", f"{at} is before the referral")
        if s.icpc_date is not None:
            if s.icpc_date < ep.referral_date:
                yield Problem("1104", f"{at}: its ICPC {_fmt(s.icpc_date)} is before the "
                              "referral")
            if s.start > s.icpc_date:
                yield Problem("8615", f"{at} is after its ICPC {_fmt(s.icpc_date)}")
            if s.icpc_date.weekday() >= 5:
                yield Problem("8875", f"{at}: its ICPC date {_fmt(s.icpc_date)} is a weekend")
            if s.icpc_not_required:
                yield Problem("8868", f"{at}: both an ICPC date and 'ICPC not required'")
        if s.icpc_target is not None and s.icpc_target.weekday() >= 5:
            yield Problem("8870Q", f"{at}: the ICPC target date {_fmt(s.icpc_target)} is a "
                          "weekend")
        if s.icpc_date is None and not s.icpc_not_required:
            open_ones.append(s)
            if s.start < period.start:
                yield Problem("8740", f"{at}, before the year, and has neither an ICPC nor "
                              "'ICPC not required' by 31 March")
            elif s.start < ctx.calendar.add_working_days(period.end, -15):
                yield Problem("8675Q", f"{at}, more than 15 working days before 31 March, and "
                              "no ICPC is recorded")
    if len(open_ones) > 1:
        yield Problem("8839", f"{where}: {len(open_ones)} section 47 enquiries are open at "
                      "once")
    starts = sorted((s for s in ep.section47 if s.start is not None), key=lambda s: s.start)
    for earlier, later in zip(starts, starts[1:], strict=False):
        ended = earlier.icpc_date or earlier.concluded
        if ended is None or later.start <= ended:
            yield Problem("8890", f"{where}: a section 47 enquiry starts {_fmt(later.start)} "
                          f"while the one started {_fmt(earlier.start)} is ongoing")
    if ep.section47 and ep.assessment_started is None:
        yield Problem("2991Q", f"{where}: a section 47 enquiry but no assessment on the "
                      "episode")


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


def return_queries(children: Iterable[CensusChild], period: CensusPeriod) -> list[Problem]:
    """The DfE's queries on the return as a whole (no one child's): the children in the
    file, their sex and their disabilities (2886Q, 2887Q, 2888Q)."""
    children = list(children)
    out: list[Problem] = []
    born = [c for c in children if c.expected_dob is None]
    unknown = [c for c in born if c.sex in (None, "U")]
    if children and len(unknown) / len(children) > 0.02:
        out.append(Problem("2886Q", f"{len(unknown)} of {len(children)} children (not "
                           f"unborn) have no {'sex' if period.uses_sex else 'gender'} "
                           "recorded (U): more than 2%"))
    used = {d for c in children for d in c.disabilities}
    if children and len(used) < 8:
        out.append(Problem("2887Q", f"only {len(used)} disability code"
                           f"{'s' if len(used) != 1 else ''} used in the return (fewer than "
                           "8): check disabilities are recorded"))
    counts = [len([d for d in c.disabilities if d != "NONE"]) for c in children]
    if any(counts) and max(counts) <= 1:
        out.append(Problem("2888Q", "no child has more than one disability recorded: record "
                           "every disability where a child has several"))
    return out


class Finding(NamedTuple):
    """One rule a child's record breaks (an error: the child is left out of the file) or
    a query it raises (the child is in the file; check the data or give the DfE a reason).
    A query on the return as a whole has no reference."""

    reference: str
    rule: str
    message: str
    worker: str = ""

    @property
    def query(self) -> bool:
        return self.rule.endswith("Q")


@dataclass(frozen=True)
class CensusReturn:
    period: CensusPeriod
    children: tuple[CensusChild, ...]  # in the file: break no error rule
    excluded: tuple[Finding, ...]  # errors: each left-out child's rules
    queries: tuple[Finding, ...] = ()  # queries: on children in the file, and the return's

    @property
    def episodes(self) -> int:
        return sum(len(c.episodes) for c in self.children)

    @property
    def excluded_children(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.reference for e in self.excluded))


def build(children: Iterable[CensusChild], period: CensusPeriod,
          code_lists: Mapping[str, Mapping[str, str]],
          calendar: WorkingCalendar | None = None) -> CensusReturn:
    """Split a year's children (episodes already as `return_episodes` gives them) into
    those that go in the file and those left out, each left-out child with every error rule
    it breaks; the queries of the children in the file and of the return. A child with no
    episode in the year is not in the return at all."""
    calendar = calendar or england_calendar()
    children = [c for c in children if c.episodes]
    upns = Counter(c.upn.strip().upper() for c in children if c.upn.strip())
    ids = Counter(c.reference.strip() for c in children)
    kept: list[CensusChild] = []
    excluded: list[Finding] = []
    queries: list[Finding] = []
    for c in children:
        problems = child_problems(c, period, code_lists, calendar)
        if upns.get(c.upn.strip().upper(), 0) > 1:
            problems.append(Problem("1520", f"UPN {c.upn.strip()} is recorded for more than "
                                    "one child"))
        if ids[c.reference.strip()] > 1:
            problems.append(Problem("8510", f"LA child ID {c.reference.strip()} is used for "
                                    "more than one child"))
        errors = [p for p in problems if not p.query]
        found = [Finding(c.reference, p.rule, p.message, c.worker) for p in problems]
        if errors:
            excluded.extend(f for f in found if not f.query)
        else:
            kept.append(c)
        queries.extend(f for f in found if f.query)
    queries.extend(Finding("", p.rule, p.message) for p in return_queries(kept, period))
    return CensusReturn(period, tuple(kept), tuple(excluded), tuple(queries))


# What a worker changes on the record to clear a rule (the completeness report). A rule not
# listed here says what is wrong in its own message.
FIXES = {
    "1510": "correct the UPN (its check letter is wrong)",
    "1520": "the same UPN is on two children: correct one of them",
    "1530": "correct the UPN (characters 2-4 are not an LA number)",
    "1550": "correct the UPN (its last character)",
    "1570": "shorten the case reference to 20 letters or digits",
    "1580": "change the case reference to letters and digits only",
    "4180": "record the child's sex (M, F, or U if not known)",
    "8750": "an unborn child's sex is U",
    "8510": "two children share a case reference: change one",
    "8540": "record the child's disabilities (NONE if none)",
    "8525Q": "record a date of birth (or, unborn, only the expected date)",
    "8530Q": "check the expected date of birth; record the birth if the child is born",
    "8585Q": "check the reason for closure: RC2 is for a child who died",
    "8670Q": "authorise the assessment, or note why it is still open",
    "8675Q": "record the ICPC, or that none is needed (x on the case steps, or cintui cp icpc)",
    "8740": "record the enquiry's outcome (x on the case steps, or cintui cp icpc)",
    "8770Q": "record the UPN, or why it is unknown (UN2-UN7)",
    "8775Q": "check the date of birth, or close the case",
    "8825Q": "record the assessment, or change the reason for closure",
    "8868": ("record the enquiry's outcome before the case closes (x on the case steps, or "
             "cintui cp icpc)"),
    "8873Q": "no factors found: the reason for closure should be RC8 or RC9",
    "8897Q": "record the factors the assessment found (21 if none)",
    "8945Q": "recode factor 18A as 18B or 18C",
    "8950Q": "recode factor 19A as 19B or 19C",
    "2991Q": "record the assessment the enquiry belongs to",
}


def fix_for(rule: str) -> str:
    return FIXES.get(rule, "")


@dataclass(frozen=True)
class WorkerCompleteness:
    """One worker's children who would be left out of the year's return or queried."""

    worker: str  # "" for children allocated to nobody
    left_out: tuple[Finding, ...]
    queried: tuple[Finding, ...]

    @property
    def children(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.reference for f in (*self.left_out, *self.queried)))


def completeness(ret: CensusReturn) -> tuple[list[WorkerCompleteness], tuple[Finding, ...]]:
    """Per worker (most children to clear first, then by name), each child who would be
    left out (errors) or queried, and what to fix; and the queries on the return as a
    whole (no one worker's)."""
    child_queries = [q for q in ret.queries if q.reference]
    workers = sorted({f.worker for f in (*ret.excluded, *child_queries)})
    out = [WorkerCompleteness(w, tuple(f for f in ret.excluded if f.worker == w),
                              tuple(f for f in child_queries if f.worker == w))
           for w in workers]
    out.sort(key=lambda w: (-len(w.children), w.worker == "", w.worker))
    return out, tuple(q for q in ret.queries if not q.reference)
