"""What is due for a set of children ("My week", `cintui due`, the team view's overdue counts).

The caseload's queries (`caseload.load_facts`) plus one each for the plan actions with a
date, the supervision actions and the agreement visits owed after a review (TRA): a fixed
number of queries whatever the number of children, never one per child. The rules are the
pure ones in `cintui.domain.due` and the timescale engine.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache

from cintui.casework.caseload import (
    consent_for,
    consent_reason_for,
    deadlines_for,
    ids_sql,
    load_facts,
    load_parents,
    service_began_for,
)
from cintui.casework.lookup import (  # noqa: F401 - resolve_scope, UnknownScope: here too
    LATEST_CHANGE,
    OPEN_WORRIES,
    UnknownScope,
    of_earlier_episode,
    resolve_scope,
    rows_from,
    uuid_text,
)
from cintui.domain.calendar import WorkingCalendar, england_calendar
from cintui.domain.dates import day_words
from cintui.domain.due import (
    ActionFact,
    AdultCare,
    ChildRef,
    DueGroups,
    DueItem,
    PackageReview,
    action_items,
    consent_item,
    from_deadline,
    group_items,
    horizon,
    no_change_item,
    package_items,
    turning_18,
)
from cintui.domain.no_change import no_positive_change
from cintui.domain.policy import PolicyProfile
from cintui.domain.text import first_upper

# The actions of the plan in force (the newest agreed version of the current episode: an
# earlier episode's, before a re-referral, is history), still open, dated by `until`.
ACTIONS_SQL = """
WITH ranked AS (
    SELECT id, child_id, ROW_NUMBER() OVER (PARTITION BY child_id ORDER BY number DESC) AS pick
    FROM plan_version AS v WHERE status = 'agreed' AND child_id IN ({ids})
      AND NOT """ + of_earlier_episode("v") + """
)
SELECT r.child_id, a.what, a.who, a.by_when, a.status, n.key, n.now
FROM ranked AS r
JOIN plan_action AS a ON a.version_id = r.id
JOIN plan_need AS n ON n.id = a.need_id
WHERE r.pick = 1 AND a.by_when IS NOT NULL AND a.by_when <= :until
  AND a.status IN ('not_started', 'in_progress')
ORDER BY a.by_when, n.position, a.position
"""


def supervision_due_sql(ids: str) -> str:
    """Per open child in `ids` (a caseload view's id query): the last supervision's date
    and the next date the manager set there (for the team view and the reports)."""
    return f"""
WITH ranked AS (
    SELECT child_id, held_on, next_due,
           ROW_NUMBER() OVER (PARTITION BY child_id ORDER BY held_on DESC, created_at DESC)
               AS pick
    FROM supervision WHERE child_id IN ({ids})
)
SELECT child_id, held_on, next_due FROM ranked WHERE pick = 1
"""


# STO 8.5: the actions agreed in supervision, still open, dated by `until`.
SUPERVISION_ACTIONS_SQL = """
SELECT a.child_id, a.what, a.who, a.by_when, a.status, s.held_on
FROM supervision_action AS a JOIN supervision AS s ON s.id = a.supervision_id
WHERE a.child_id IN ({ids}) AND a.by_when IS NOT NULL AND a.by_when <= :until
  AND a.status IN ('not_started', 'in_progress')
ORDER BY a.by_when, s.held_on, a.position
"""

# WAR 7.2.1: each open short break and direct payment, with the date its review is due.
PACKAGES_SQL = """
SELECT child_id, 'short_break_review', review_due, provider, kind, hours, per
FROM short_break WHERE child_id IN ({ids}) AND ended_on IS NULL AND review_due <= :until
UNION ALL
SELECT child_id, 'direct_payment_review', review_due, managed_by, period, amount_pence, ''
FROM direct_payment WHERE child_id IN ({ids}) AND ended_on IS NULL AND review_due <= :until
"""

# TRA: parents absent from a review, not yet visited to gain their agreement.
AGREEMENTS_SQL = """
SELECT a.child_id, a.name, a.due, m.held_on, m.kind
FROM meeting_agreement AS a JOIN meeting AS m ON m.id = a.meeting_id
WHERE a.child_id IN ({ids}) AND a.visited_on IS NULL AND a.due <= :until
ORDER BY a.due, a.name, a.created_at
"""


# WAR 4.2, for the young people turning 18: their disabilities, and their latest special
# educational needs and adult social care circumstances (`domain.due.turning_18`).
ADULT_CARE_SQL = """
SELECT c.id, c.disabilities, ci.kind, ci.value, ci.recorded_on, ci.contact
FROM child AS c
LEFT JOIN circumstance AS ci ON ci.child_id = c.id AND ci.kind IN ('sen', 'adult_social_care')
WHERE c.id IN ({ids})
ORDER BY ci.recorded_on, ci.created_at
"""


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def child_ref(child: tuple) -> ChildRef:
    (cid, reference, first, last, *_rest, w_name, w_user, team) = child
    return ChildRef(id=uuid_text(cid), reference=reference, name=f"{first} {last}".strip(),
                    worker=w_name or "", worker_username=w_user or "", team=team or "")


def load_actions(source, view: str, params: dict) -> dict:
    """Per child (as the store gives its id): the open, dated actions of its plan in force
    and of its supervisions, due by `params["until"]`."""
    actions: dict = {}
    for cid, what, who, by_when, status, need_key, need in rows_from(source)(
            ACTIONS_SQL.format(ids=ids_sql(view)), params):
        actions.setdefault(cid, []).append(ActionFact(
            what=what or "", who=who or "", by_when=_day(by_when), status=status,
            need_key=uuid_text(need_key), need=need or ""))
    # STO 8.5: actions agreed in supervision join the worker's due list.
    for cid, what, who, by_when, status, _held in rows_from(source)(
            SUPERVISION_ACTIONS_SQL.format(ids=ids_sql(view)), params):
        actions.setdefault(cid, []).append(ActionFact(
            what=what or "", who=who or "", by_when=_day(by_when), status=status,
            need_key="", source="supervision"))
    for cid, name, due, held_on, kind in rows_from(source)(
            AGREEMENTS_SQL.format(ids=ids_sql(view)), params):
        held = _day(held_on)
        actions.setdefault(cid, []).append(ActionFact(
            what=f"Visit {name} to gain agreement to the {kind} of {day_words(held)}",
            who="", by_when=_day(due), status="not_started", need_key="",
            source="agreement_visit"))
    for found in actions.values():
        found.sort(key=lambda a: a.by_when)
    return actions


def load_packages(source, view: str, params: dict, policy: PolicyProfile) -> dict:
    """Per child (as the store gives its id): its open short breaks' and direct payments'
    reviews due by `params["until"]` (WAR 7.2.1)."""
    out: dict = {}
    found = rows_from(source)(PACKAGES_SQL.format(ids=ids_sql(view)), params)
    if not found:  # most caseloads: no rules module to load (~2.5 ms a command)
        return out
    from cintui.domain.short_breaks import KIND_LABELS, direct_payment_words, hours_text

    sb_source = policy.timescale("short_break_review").source
    dp_source = policy.timescale("direct_payment_review").source
    for cid, key, due, who, kind, amount, per in found:
        if key == "short_break_review":
            what = f"{first_upper(KIND_LABELS.get(kind, kind))} short break, " \
                   f"{hours_text(float(amount))} a {per}, {who}"
            found = PackageReview(key, _day(due), what, sb_source)
        else:
            what = direct_payment_words(None if amount is None else int(amount), kind or "",
                                        who or "")
            found = PackageReview(key, _day(due), what, dp_source)
        out.setdefault(cid, []).append(found)
    return out


def load_adult_care(source, view: str, params: dict) -> dict:
    """Per child (as the store gives its id): where their move to adult social care stands
    and whether they are one WAR 4.2 names for lifelong support (disabled, or with special
    educational needs recorded)."""
    latest: dict = {}
    contacts: dict = {}
    disabled: dict = {}
    for cid, disabilities, kind, value, on, contact in rows_from(source)(
            ADULT_CARE_SQL.format(ids=ids_sql(view)), params):
        disabled[cid] = any(code != "NONE" for code in (disabilities or "").split())
        if kind and latest.get((cid, kind), ("",))[0] != value:
            # the first row of an answer: a later one of it changed only the contact
            latest[(cid, kind)] = (value, _day(on) if on else None)
        if kind == "adult_social_care":
            contacts[cid] = contact or ""
    out = {}
    for cid, is_disabled in disabled.items():
        sen = latest.get((cid, "sen"), ("no", None))[0] != "no"
        value, since = latest.get((cid, "adult_social_care"), ("no", None))
        out[cid] = AdultCare(lifelong=is_disabled or sen,
                             value="" if value == "no" else value, since=since,
                             contact=contacts.get(cid, ""))
    return out


def child_items(child: tuple, facts: dict | None, actions, today: date,
                policy: PolicyProfile, cal: WorkingCalendar, packages=(),
                parents: Callable[[], dict] | None = None) -> list[DueItem]:
    """Everything due for one child of `caseload.load_facts`; `parents`, when given, reads
    `caseload.load_parents` (once) for a missing consent to say whose is needed."""
    ref = child_ref(child)
    out = [from_deadline(ref, d) for d in deadlines_for(child, facts, today, policy)]
    out += action_items(ref, actions, today, cal, policy.due_soon_working_days)
    out += package_items(ref, packages, today, cal, policy.due_soon_working_days)
    valid, why = consent_for(child, facts, today)
    if not valid:
        names = parents().get(child[0], []) if parents is not None else []
        out.append(consent_item(ref, (f"{why[0]}: {consent_reason_for(child, facts, today, names)}",),
                                began=service_began_for(facts), parents=tuple(names)))
    return out


def no_change_facts(rows, view: str, params: dict) -> tuple[set, dict]:
    """WIR 2.3, for the open children in `view`: those whose plan in force still has a Red
    or Amber worry, and each child's latest change (a need rated better, a conference
    considered, a strategy discussion). Two queries whatever the number of children."""
    ids = ids_sql(view)
    worried = {cid for (cid,) in rows(OPEN_WORRIES.format(ids=ids), params)}
    changed = {cid: _day(day) for cid, day in rows(LATEST_CHANGE.format(ids=ids), params)
               if day}
    return worried, changed


def no_change_since(child: tuple, facts: dict | None, worried: set, changed: dict,
                    today: date) -> date | None:
    """WIR 2.3: the day since which the plan of one child of `load_facts` has brought no
    positive change, when that is six months or more (`domain.no_change`)."""
    if child[8] != "cin_plan":
        return None
    episode = (facts or {}).get("episode")
    plan_start = _day(episode[6]) if episode and episode[6] else None
    return no_positive_change(child[0] in worried, plan_start, today,
                              [changed[child[0]]] if child[0] in changed else [])


def load_items(source, today: date, *, view: str = "everyone", username: str | None = None,
               team: str | None = None, until: date | None = None,
               policy: PolicyProfile | None = None,
               cal: WorkingCalendar | None = None) -> list[DueItem]:
    """Every item due for the open children in view (plan actions dated by `until` only)."""
    cal = cal or england_calendar()
    policy, children = load_facts(source, view=view, username=username, team=team,
                                  policy=policy, caseload=False)
    until = until or horizon(today, cal, None)
    params = {"username": username or "", "team": team or "", "until": until.isoformat()}
    actions = load_actions(source, view, params)
    packages = load_packages(source, view, params, policy)
    worried, changed = no_change_facts(rows_from(source), view, params)
    out: list[DueItem] = []
    parents = cache(lambda: load_parents(source, view, params))  # WAR 4.2: whose consent
    turning: dict = {}  # a young person's turning-18 item: by their id as the store gives it
    for child, facts in children:
        items = child_items(child, facts, actions.get(child[0], ()), today, policy, cal,
                            packages.get(child[0], ()), parents)
        turning.update((child[0], i) for i in items if i.key == "turns_18")
        out += items
        since = no_change_since(child, facts, worried, changed, today)
        if since is not None:  # WIR 2.3
            out.append(no_change_item(child_ref(child), since, today, cal))
    if turning:  # WAR 4.2: most caseloads have no one turning 18, and no query for it
        care = load_adult_care(source, view, params)
        said = {id(item): turning_18(item, care.get(cid)) for cid, item in turning.items()}
        out = [said.get(id(item), item) for item in out]
    return out


def load_due(source, today: date, *, view: str = "everyone", username: str | None = None,
             team: str | None = None, within: int | None = None,
             policy: PolicyProfile | None = None) -> DueGroups:
    """What is due, grouped: overdue, today, this week, the next two weeks (or, with
    `within`, everything due in that many working days)."""
    cal = england_calendar()
    until = horizon(today, cal, within)
    items = load_items(source, today, view=view, username=username, team=team, until=until,
                       policy=policy, cal=cal)
    return group_items(items, today, until)
