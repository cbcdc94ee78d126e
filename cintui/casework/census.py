"""Gathering a year's CIN census return (DOMAIN.md §10) from a store: three plain SQL
queries whatever the store's size (the episodes open in the year, their section 47
enquiries, and their children with the worker who holds each), then the pure rules of
`cintui.domain.census` with the year's code lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from cintui.casework.lookup import _date, rows_from
from cintui.domain.census import (
    CensusChild,
    CensusEpisode,
    CensusReturn,
    CensusS47,
    Finding,
    InvalidCensusInput,
    InvalidCensusYear,
    WorkerCompleteness,
    build,
    census_period,
    completeness,
    current_collection,
    la_number,
    return_episodes,
)
from cintui.reference import codes

__all__ = ["Finding", "InvalidCensusInput", "InvalidCensusYear", "WorkerCompleteness",
           "build_return", "census_period", "code_lists", "la_number", "store_la_number",
           "team_completeness"]

_IN_YEAR = "referral_date <= :end AND (closure_date IS NULL OR closure_date >= :start)"
_EPISODES = f"""
SELECT id, child_id, referral_date, referral_source, referral_nfa, primary_need,
       closure_date, closure_reason, assessment_started, assessment_completed,
       assessment_factors, cin_plan_start, cin_plan_end
FROM episode WHERE {_IN_YEAR}
"""
_ENQUIRIES = f"""
SELECT episode_id, s47_started, icpc_target, icpc_held, s47_outcome, s47_concluded
FROM cp_enquiry
WHERE s47_started IS NOT NULL AND episode_id IN (SELECT id FROM episode WHERE {_IN_YEAR})
ORDER BY s47_started, created_at
"""
_CHILDREN = f"""
SELECT c.id, c.reference, c.upn, c.upn_unknown, c.dob, c.expected_dob, c.sex, c.ethnicity,
       c.disabilities, w.name
FROM child c LEFT JOIN worker w ON w.id = c.worker_id
WHERE c.id IN (SELECT child_id FROM episode WHERE {_IN_YEAR})
ORDER BY c.reference
"""


def store_la_number(source) -> str | None:
    """The authority's DfE LA number as set up (`cintui authority set --la`), if it is."""
    found = rows_from(source)("SELECT la_number FROM authority", {})
    return found[0][0] if found else None


def code_lists(year: int) -> Mapping[str, Mapping[str, str]]:
    """The year's census code lists, by name (what the domain rules check codes against)."""
    return codes.year_lists(year)


def _enquiry(row: tuple) -> CensusS47:
    _, started, target, held, outcome, concluded = row
    return CensusS47(start=_date(started), icpc_target=_date(target), icpc_date=_date(held),
                     icpc_not_required=outcome == "no_icpc", concluded=_date(concluded))


def _episode(row: tuple, enquiries: Mapping) -> CensusEpisode:
    (eid, _, referral, source, nfa, need, closed, reason, started, completed, factors,
     plan_start, plan_end) = row
    return CensusEpisode(
        referral_date=_date(referral), referral_source=source or None,
        primary_need=need or None, referral_nfa=bool(nfa), closure_date=_date(closed),
        closure_reason=reason or None, assessment_started=_date(started),
        assessment_completed=_date(completed),
        assessment_factors=tuple(codes.split_multi(factors)), cin_plan_start=_date(plan_start),
        cin_plan_end=_date(plan_end), section47=tuple(enquiries.get(eid, ())))


def build_return(source, year: int | str, *, today: date | None = None) -> CensusReturn:
    """The census return for the collection year ending 31 March `year`, from a store's
    rows (anything `cintui.casework.caseload.rows_from` takes): every child with an episode
    open in the year, split into those that go in the file and those left out with their
    errors, and the queries. With `today`, a year whose collection has not started is
    refused (InvalidCensusYear)."""
    period = census_period(year, today)
    rows = rows_from(source)
    params = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    enquiries: dict = defaultdict(list)
    for row in rows(_ENQUIRIES, params):
        enquiries[row[0]].append(_enquiry(row))
    episodes: dict = defaultdict(list)
    for row in rows(_EPISODES, params):
        episodes[row[1]].append(_episode(row, enquiries))
    children = [
        CensusChild(reference=ref or "", upn=upn or "", upn_unknown=unknown or None,
                    dob=_date(dob), expected_dob=_date(expected), sex=sex or None,
                    ethnicity=ethnicity or None,
                    disabilities=tuple(codes.split_multi(disabilities)),
                    episodes=return_episodes(episodes.get(cid, ()), period),
                    worker=worker or "")
        for cid, ref, upn, unknown, dob, expected, sex, ethnicity, disabilities, worker
        in rows(_CHILDREN, params)]
    return build(children, period, code_lists(period.year))


def team_completeness(source, today: date, workers: set[str]) -> tuple[int, list[WorkerCompleteness]]:
    """The collection year in progress on `today`, and for each of these workers (by name)
    the children who would be left out of its return or queried (the team view)."""
    year = current_collection(today)
    found, _ = completeness(build_return(source, year))
    return year, [w for w in found if w.worker in workers]
