"""Gathering a year's CIN census return (DOMAIN.md §10) from a store: two plain SQL queries
whatever the store's size (the episodes open in the year, and their children), then the
pure rules of `cintui.domain.census`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from cintui.casework.lookup import _date, rows_from
from cintui.domain.census import (
    CensusChild,
    CensusEpisode,
    CensusReturn,
    InvalidCensusInput,
    InvalidCensusYear,
    build,
    census_period,
    la_number,
    return_episodes,
)
from cintui.reference import codes

__all__ = ["InvalidCensusInput", "InvalidCensusYear", "build_return", "census_period",
           "code_lists", "la_number"]

_IN_YEAR = "referral_date <= :end AND (closure_date IS NULL OR closure_date >= :start)"
_EPISODES = f"""
SELECT child_id, referral_date, referral_source, referral_nfa, primary_need, closure_date,
       closure_reason, assessment_started, assessment_completed, assessment_factors,
       cin_plan_start, cin_plan_end
FROM episode WHERE {_IN_YEAR}
"""
_CHILDREN = f"""
SELECT id, reference, upn, upn_unknown, dob, expected_dob, gender, ethnicity, disabilities
FROM child WHERE id IN (SELECT child_id FROM episode WHERE {_IN_YEAR})
ORDER BY reference
"""


def code_lists() -> Mapping[str, Mapping[str, str]]:
    """Every census code list, by name (what the domain rules check codes against)."""
    return {name: codes.codes(name) for name in codes.CODE_LISTS}


def _episode(row: tuple) -> CensusEpisode:
    (_, referral, source, nfa, need, closed, reason, started, completed, factors,
     plan_start, plan_end) = row
    return CensusEpisode(
        referral_date=_date(referral), referral_source=source or None,
        primary_need=need or None, referral_nfa=bool(nfa), closure_date=_date(closed),
        closure_reason=reason or None, assessment_started=_date(started),
        assessment_completed=_date(completed),
        assessment_factors=tuple(codes.split_multi(factors)), cin_plan_start=_date(plan_start),
        cin_plan_end=_date(plan_end))


def build_return(source, year: int | str, *, today: date | None = None) -> CensusReturn:
    """The census return for the collection year ending 31 March `year`, from a store's
    rows (anything `cintui.caseload.rows_from` takes): every child with an episode open in
    the year, split into those that go in the file and those left out with their reasons.
    With `today`, a year whose collection has not started is refused (InvalidCensusYear)."""
    period = census_period(year, today)
    rows = rows_from(source)
    params = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    episodes: dict = defaultdict(list)
    for row in rows(_EPISODES, params):
        episodes[row[0]].append(_episode(row))
    children = [
        CensusChild(reference=ref or "", upn=upn or "", upn_unknown=unknown or None,
                    dob=_date(dob), expected_dob=_date(expected), gender=gender or None,
                    ethnicity=ethnicity or None,
                    disabilities=tuple(codes.split_multi(disabilities)),
                    episodes=return_episodes(episodes.get(cid, ()), period))
        for cid, ref, upn, unknown, dob, expected, gender, ethnicity, disabilities
        in rows(_CHILDREN, params)]
    return build(children, period, code_lists())
