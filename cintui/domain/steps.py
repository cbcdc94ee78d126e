"""The case's steps (DOMAIN.md §11 "The case's steps"; WAR 4.4, TRA, WIR 1.1, BEX 1):
referral → decision → assessment (record, factors, outcome) → completion → the line
manager's authorisation → CIN plan (authorised) → initial home visit → support started;
with the child's circumstances (WAR 2.2.2) and direct payments (WAR 7.2).

Pure rules over plain values: the order of the steps and what each needs, dates in order
and not in the future, the status that follows from the facts (never typed by hand), the
assessment record's headings, the circumstances that feed census assessment factors, and
finding a census code by words. `today` is always passed in.

Words used here: the worker *completes* the assessment (sends it for authorisation, TRA);
the manager *authorises* it, which is the date the census returns as the assessment's
authorisation date and the one that stops the assessment clock (DOMAIN.md §6).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from cintui.domain.child import ADULT_AGE, age_years
from cintui.domain.dates import day_words
from cintui.domain.endings import ACTIVE_ENDINGS
from cintui.domain.workforce import MANAGER_ROLES, needs_role

# ---------------------------------------------------------------- referral (WAR 2.4, 4.4)

ROUTES = ("mash", "marat", "self_referral", "early_help_step_up")
ROUTE_LABELS = {
    "mash": "MASH (multi-agency safeguarding hub)",
    "marat": "MARAT (multi-agency referral and assessment team)",
    "self_referral": "Self-referral (a parent, carer or the child)",
    "early_help_step_up": "Step-up from early help",
}
EARLY_HELP_SOURCE = "5D"  # census referral source: LA services - early help


def referral_came(source: str, source_label: str, route: str,
                  plan_on: date | None = None) -> str:
    """How a referral came, to follow its date: " from Schools via MASH (...)"; a step-up
    says so once (": a step-up from early help"), not "from LA services - early help via
    Step-up from early help"."""
    if route == "early_help_step_up":
        where = "" if source == EARLY_HELP_SOURCE or not source_label else \
            f" (from {source_label})"
        plan = f", its plan {day_words(plan_on)}" if plan_on else ""
        return f": a step-up from early help{plan}{where}"
    came = f" from {source_label}" if source_label else ""
    return came + (f" via {ROUTE_LABELS[route]}" if route in ROUTE_LABELS else "")


REFERRAL_DECISIONS = ("assessment", "strategy_discussion", "early_help", "nfa")
REFERRAL_DECISION_LABELS = {
    "assessment": "Single assessment (s17)",
    "strategy_discussion": "Strategy discussion (s47), with an assessment",
    "early_help": "No further action by social care: referred to early help",
    "nfa": "No further action",
}
# Decisions that end the episode at the referral (census ReferralNFA).
NFA_DECISIONS = ("early_help", "nfa")
NFA_CLOSURE_REASON = "RC8"  # closed the day it was decided, as the demo store does

# ---------------------------------------------------------------- assessment (WIR 1.1, TRA)


@dataclass(frozen=True)
class Heading:
    key: str
    title: str
    prompt: str
    source: str


HEADINGS: tuple[Heading, ...] = (
    Heading("developmental_needs", "The child's developmental needs",
            "Health, education, emotional and behavioural development, identity, family "
            "and social relationships, social presentation, self-care skills.",
            "WIR 1.1; TRA (Assessment Framework)"),
    Heading("parenting_capacity", "Parenting capacity",
            "Basic care, ensuring safety, emotional warmth, stimulation, guidance and "
            "boundaries, stability; protective factors.", "TRA (Appendix 2)"),
    Heading("family_environment", "Family and environment",
            "Family history and functioning, wider family, housing, employment, income, "
            "the family's social integration, community resources.",
            "TRA (Assessment Framework)"),
    Heading("childs_voice", "The child's voice and lived experience",
            "What the child says, shows and feels; the daily lived experience of the child "
            "and of the parent or carer.", "WIR 1.2, 2.3"),
    Heading("risks_strengths", "Risks and strengths",
            "What is going well? What are we worried about? Evidence, quantified.",
            "WIR 2.4 (SFEF)"),
    Heading("analysis", "Analysis",
            "Is the child in need and what are the needs; which come first; what happens to "
            "the child, short and long term, if the identified needs are not met.",
            "WIR 1.1; TRA"),
    Heading("how_needs_met", "How the needs will be met",
            "Which services or resources; clear outcomes for the child; timescales; when "
            "the plan is reviewed.", "TRA"),
)
HEADING_KEYS = tuple(h.key for h in HEADINGS)
OUTCOMES = ("cin_plan", "nfa", "early_help", "escalate")
OUTCOME_LABELS = {
    "cin_plan": "a CIN plan",
    "nfa": "no further action",
    "early_help": "step down to early help",
    "escalate": "escalate to a strategy discussion / s47 enquiry",
}
# The census reason an outcome closes the episode with, on the authorisation date.
OUTCOME_CLOSURE = {"nfa": "RC8", "early_help": "RC9"}
NO_FACTORS = "21"  # census: "no factors identified", never with another (8869)

# ---------------------------------------------------------------- circumstances (WAR 2.2.2)


@dataclass(frozen=True)
class Circumstance:
    key: str
    label: str
    # value -> (words after the label, the census assessment factor it feeds or None)
    values: Mapping[str, tuple[str, str | None]]
    ended: str = "no longer"  # the words after the label once "no" replaces it
    blank: str = "No"  # the form's choice for none
    keys: Mapping[str, str] = field(default_factory=dict)  # value -> the key choosing it


CIRCUMSTANCES: tuple[Circumstance, ...] = (
    Circumstance("young_carer", "Young carer", {"yes": ("", "7A")}),
    Circumstance("private_fostering", "Privately fostered", {
        "overseas_return": ("from overseas, intends to return", "8B"),
        "overseas_stay": ("from overseas, intends to stay", "8C"),
        "education": ("UK child in an educational placement", "8D"),
        "family_arrangement": ("UK child, alternative family arrangement", "8E"),
        "other": ("other", "8F"),
    }),
    Circumstance("asylum", "Asylum seeking", {
        "unaccompanied": ("unaccompanied", "9A"),
        "accompanied": ("with their family", "20"),
    }),
    Circumstance("no_recourse", "No recourse to public funds",
                 {"yes": ("", "20")}),
    Circumstance("parent_in_prison", "Parent in prison", {"yes": ("", "20")}),
    Circumstance("sen", "Special educational needs", {
        "sen_support": ("SEN support", None),
        "ehcp": ("an education, health and care plan (EHCP)", None),
    }),
    # WAR 4.2: "smooth transitional arrangements where lifelong support is required": a
    # young person whose support must go on after 18 (s17(10)) is referred to adult social
    # care in good time, and the case then closes on to it (RC6). No census factor.
    Circumstance("adult_social_care", "Adult social care", {
        "referred": ("referred, for support after 18", None),
        "accepted": ("accepted, supports them from 18", None),
        "declined": ("referral declined", None),
        "not_needed": ("support not needed after 18", None),
    }, ended="no referral", blank="None recorded",
        keys={"referred": "r", "accepted": "a", "declined": "d", "not_needed": "s"}),
)
ADULT_SOCIAL_CARE = "adult_social_care"
CIRCUMSTANCE_KEYS = tuple(c.key for c in CIRCUMSTANCES)
NOT_APPLICABLE = "no"


def circumstance(key: str) -> Circumstance:
    return next(c for c in CIRCUMSTANCES if c.key == key)


def circumstance_words(key: str, value: str, contact: str = "") -> str:
    """"Adult social care: accepted, supports them from 18 (contact: Ana Petrov, Transitions
    Team, 0151 606 2000)"; the contact only where one is held (WAR 4.2)."""
    c = circumstance(key)
    if value == NOT_APPLICABLE:
        return f"{c.label}: {c.ended}"
    words = c.values[value][0]
    said = f"{c.label}: {words}" if words else c.label
    return f"{said} (contact: {contact})" if contact else said


def circumstance_history(rows: Iterable[tuple[str, str, str]]) -> list[str]:
    """Each dated fact of the child's circumstances in words, oldest first (`rows`: kind,
    value, contact), as the chronology lists them. A row that only changes adult social
    care's contact (the same answer again, WAR 4.2) reads as the contact changed: it read
    as a second referral or acceptance, dated the day of the change."""
    held: dict[str, str] = {}
    out = []
    for key, value, contact in rows:
        if key == ADULT_SOCIAL_CARE and value != NOT_APPLICABLE and held.get(key) == value:
            c = circumstance(key)
            change = f"contact changed to {contact}" if contact else "contact cleared"
            out.append(f"{c.label}: {change} (still {c.values[value][0]})")
        else:
            out.append(circumstance_words(key, value, contact))
        held[key] = value
    return out


def circumstances_held(rows: Iterable[tuple[str, str, date, str]]) -> list[str]:
    """The child's circumstances held now, in the order listed, each with the day its answer
    was first recorded (`rows`: kind, value, recorded_on, contact, oldest first), as a
    document read by someone new to the child says them (BEX 4: the transfer pack): "Adult
    social care: accepted, supports them from 18, since 2 Nov 2026 (contact: Ana Petrov,
    Transitions Team, 01926 410500)". A contact changed alone keeps the answer's date
    (WAR 4.2); an answer of "no" is not held."""
    held: dict[str, tuple[str, date, str]] = {}
    for key, value, on, contact in rows:
        same = held.get(key)
        held[key] = (value, same[1] if same and same[0] == value else on, contact)
    out = []
    for c in CIRCUMSTANCES:
        if c.key not in held or held[c.key][0] not in c.values:
            continue
        value, since, contact = held[c.key]
        out.append(f"{circumstance_words(c.key, value)}, since {day_words(since)}"
                   + (f" (contact: {contact})" if contact else ""))
    return out


ADULT_CONTACT_MAX = 300


def circumstance_first(birth: date | None, today: date) -> str:
    """The circumstance the form opens at: from the 17th birthday, Adult social care (WAR
    4.2: the year to refer in good time, as My week prompts it; it was six Tabs down),
    else the first."""
    if birth is not None and birth <= today and age_years(birth, today) >= ADULT_AGE - 1:
        return ADULT_SOCIAL_CARE
    return CIRCUMSTANCES[0].key


def check_adult_contact(contact: str, value: str) -> str:
    """Adult social care's contact (WAR 4.2), for the closure letters (RC6): one line of
    at most 300 characters, held only with a referral or its answer (`value`, the adult
    social care circumstance it goes with). Returns the problem, "" none."""
    if "\n" in contact or "\r" in contact:
        return "the contact is one line: the team, the worker, the phone"
    if len(contact.strip()) > ADULT_CONTACT_MAX:
        return f"the contact is at most {ADULT_CONTACT_MAX} characters"
    if contact.strip() and value in ("", NOT_APPLICABLE):
        return ("a contact goes with a referral to adult social care, and none is "
                "recorded: record the referral too")
    return ""


# WAR 4.2 names no age; preparing for adulthood starts at the Year 9 review of an EHCP at
# the latest (a Year 9 pupil is 13 or 14: 13 so that none is refused), and
# a Care Act s58 transition assessment is for a young person "likely to have needs for
# care and support after becoming 18": a 4-year-old was referred without a word.
TRANSITION_AGE = 13


def check_adult_care_age(value: str, dob: date | None, on: date) -> str:
    """Adult social care (referred, accepted, declined, not needed) is recorded for a young
    person preparing for adulthood, from `TRANSITION_AGE` on the day recorded (`on`); none
    before birth (`dob` None). Returns the problem, "" none; "no" (clearing it) always may."""
    if value in ("", NOT_APPLICABLE):
        return ""
    why = (f"adult social care is for a young person preparing for adulthood, from "
           f"Year 9, {TRANSITION_AGE} (WAR 4.2; a Care Act s58 transition assessment)")
    if dob is None or dob > on:
        return f"the child is not born yet: {why}"
    age = age_years(dob, on)
    if age < TRANSITION_AGE:
        return f"the child is {age} on {day_words(on)}: {why}: is this the right child?"
    return ""


def circumstance_factors(current: Mapping[str, str]) -> tuple[str, ...]:
    """The census assessment factors the child's circumstances feed (WAR 2.2.2 → DfE
    factors: young carer 7A, privately fostered 8B-8F, unaccompanied asylum-seeking 9A;
    others with no factor of their own 20 "other"), once each, in the order listed."""
    out: list[str] = []
    for c in CIRCUMSTANCES:
        value = current.get(c.key, NOT_APPLICABLE)
        code = c.values[value][1] if value in c.values else None
        if code and code not in out:
            out.append(code)
    return tuple(out)


def census_factors(chosen: Iterable[str], current: Mapping[str, str]) -> tuple[str, ...]:
    """The factors the census returns for the assessment: those the worker chose and those
    the circumstances feed; "21 no factors" only when there is nothing else (8869)."""
    out = list(dict.fromkeys([*chosen, *circumstance_factors(current)]))
    if len(out) > 1 and NO_FACTORS in out:
        out.remove(NO_FACTORS)
    return tuple(out)


# ---------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def check_date(name: str, value: date | None, today: date,
               after: Iterable[tuple[date | None, str]] = (), *, what: str = "the date"
               ) -> list[Problem]:
    """Given, not in the future, and not before any of `after` ((date, words) pairs)."""
    if value is None:
        return [Problem(name, f"give {what}")]
    if value > today:
        return [Problem(name, f"{day_words(value)} is in the future")]
    for earlier, words in after:
        if earlier is not None and value < earlier:
            return [Problem(name, f"{day_words(value)} is before {words} ({day_words(earlier)})")]
    return []


def may_authorise(role: str) -> bool:
    """TRA: the line manager authorises the assessment and the CIN plan."""
    return role in MANAGER_ROLES


def manager_problem(role: str, name: str, what: str) -> list[Problem]:
    """TRA: the line manager authorises; refused naming the role needed and theirs."""
    refusal = needs_role(name, role)
    if refusal is None:
        return []
    return [Problem("by", f"TRA: authorising {what} {refusal}")]


# ---------------------------------------------------------------- the facts


@dataclass(frozen=True)
class StepFacts:
    """One episode's steps as recorded (a store Episode row, with the child's birth)."""

    referral: date
    birth: date | None = None  # date of birth, or expected date of birth if unborn
    referral_route: str = ""
    early_help_plan_on: date | None = None
    referral_decision: str = ""
    referral_decided_on: date | None = None
    referral_decided_by: str = ""
    assessment_started: date | None = None
    record: Mapping[str, str] = field(default_factory=dict)
    factors: tuple[str, ...] = ()  # chosen by the worker
    level: str = ""
    outcome: str = ""
    assessment_submitted: date | None = None  # completed by the worker, sent for authorisation
    assessment_authorised: date | None = None  # by the line manager (census date)
    assessment_authorised_by: str = ""
    cin_plan_start: date | None = None
    cin_plan_authorised_by: str = ""
    initial_home_visit: date | None = None
    support_started: date | None = None
    closed: date | None = None
    closure_reason: str | None = None
    # An imported episode (`cintui import caseload`): what came before this day is the old
    # system's record, and the steps its file did not give were taken there.
    recorded_from: date | None = None
    # A transferred-in episode (`cintui import transfer-pack`, BEX 4): it starts with the
    # move, the assessment and plan came with the child; what was done before was done in
    # the authority the child came from.
    moved_in: date | None = None
    reference: str = ""  # the child's, for the command a refusal names (`command`)
    # The episode's ending under way, if any (DOMAIN.md §7): a closure or step-down
    # recommended, approved or disputed, which a plan not yet started gives way to.
    ending_kind: str = ""  # closure | step_down
    ending_status: str = ""  # recommended | approved | disputed


# What comes next instead of the plan's start while an ending is under way (TRA, BEX 3,
# WIR 3): the ending's words, and where it is taken in the app and from the shell.
_ENDINGS_NEXT = {
    "closure": ("Closure", "C on the record, or cintui close"),
    "step_down": ("Step-down to early help", "S on the record, or cintui stepdown"),
}


def _ending_next(f: StepFacts) -> str:
    if f.ending_kind not in _ENDINGS_NEXT or f.ending_status not in ACTIVE_ENDINGS:
        return ""
    what, where = _ENDINGS_NEXT[f.ending_kind]
    if f.ending_status == "recommended":
        return (f"{what} recommended: the team manager decides it ({where} decide); the plan "
                "does not start meanwhile (TRA, BEX 3).")
    if f.ending_status == "disputed":
        return f"{what} disputed: the team manager settles the dispute ({where} settle; BEX 3)."
    return f"{what} approved: the plan does not start; complete it ({where} complete)."


def status_of(f: StepFacts) -> str:
    """The child's status follows the steps: referral → assessment → CIN plan → closed."""
    if f.closed is not None:
        return "closed"
    if f.cin_plan_start is not None:
        return "cin_plan"
    if f.assessment_started is not None:
        return "assessment"
    return "referral"


def command(f: StepFacts, words: str, options: str = "") -> str:
    """The command that records a step, for the child (`cintui assessment start CIN000001`):
    a refusal that names one names it whole, not for some child to be named."""
    return " ".join(x for x in ("cintui", words, f.reference, options) if x)


def _open(f: StepFacts) -> list[Problem]:
    if f.closed is not None:
        return [Problem("child", f"the episode closed on {day_words(f.closed)}: a new referral "
                        f"opens a new one ({command(f, 'child rerefer', '--date DATE --source SOURCE')})")]
    return []


def _earliest_referral(birth: date | None) -> date | None:
    # Census 8606: a referral may come up to 40 weeks before the (expected) birth.
    return birth - timedelta(days=280) if birth else None


# ---------------------------------------------------------------- referral


@dataclass(frozen=True)
class Referral:
    """What a worker records about the referral; None keeps what is recorded."""

    on: date | None = None
    source: str | None = None  # census 1A-10
    need: str | None = None  # census N0-N9
    route: str | None = None
    early_help_plan_on: date | None = None
    decision: str | None = None
    decided_on: date | None = None
    decided_by: str | None = None


def check_referral(r: Referral, f: StepFacts, today: date) -> list[Problem]:
    """WAR 4.4, TRA: the referral and how it came; the decision, when and by whom. Changed
    only before the assessment starts."""
    problems = _open(f)
    if f.assessment_started is not None:
        problems.append(Problem("child", "the assessment started on "
                                f"{day_words(f.assessment_started)}: the referral can no longer "
                                "be changed"))
    if problems:
        return problems
    on = r.on or f.referral
    problems += check_date("on", on, today, [(_earliest_referral(f.birth),
                                              "40 weeks before the birth (census 8606)")],
                           what="the referral date")
    route = f.referral_route if r.route is None else r.route
    if route and route not in ROUTES:
        problems.append(Problem("route", f"{route!r} is not a route: "
                                + ", ".join(ROUTES)))
    plan_on = r.early_help_plan_on or (f.early_help_plan_on if route == f.referral_route
                                       else None)
    if route == "early_help_step_up":
        if plan_on is None:
            problems.append(Problem("early_help_plan", "a step-up from early help: give the "
                                    "date of the early help plan"))
        else:
            problems += check_date("early_help_plan", plan_on, today,
                                   what="the early help plan's date")
            if plan_on > on:
                problems.append(Problem("early_help_plan", f"the early help plan "
                                        f"({day_words(plan_on)}) is after the referral "
                                        f"({day_words(on)})"))
    elif r.early_help_plan_on is not None:
        problems.append(Problem("early_help_plan", "an early help plan's date goes with a "
                                "step-up from early help (--route early_help_step_up)"))
    decision = r.decision if r.decision is not None else f.referral_decision
    if decision and decision not in REFERRAL_DECISIONS:
        problems.append(Problem("decision", f"{decision!r} is not a decision: "
                                + ", ".join(REFERRAL_DECISIONS)))
    if decision:
        decided_on = r.decided_on or f.referral_decided_on or today
        problems += check_date("decided_on", decided_on, today,
                               [(on, "the referral")], what="the date of the decision")
        if not (r.decided_by if r.decided_by is not None else f.referral_decided_by).strip():
            problems.append(Problem("by", "say who made the decision on the referral"))
    elif r.decided_by or r.decided_on:
        problems.append(Problem("decision", "say what was decided"))
    return problems


def decision_timeliness(referral: date, decided_on: date, due: date, rule: str) -> str:
    """"in time: 1 working day, Working Together 2023" or "late: due by 3 Mar 2026, …"."""
    if decided_on <= due:
        return f"in time: {rule}"
    return f"late: due by {day_words(due)}, {rule}"


# ---------------------------------------------------------------- assessment


def check_assessment_start(on: date | None, f: StepFacts, today: date) -> list[Problem]:
    problems = _open(f)
    if problems:
        return problems
    if f.referral_decision not in ("assessment", "strategy_discussion"):
        now = (f"the decision was {REFERRAL_DECISION_LABELS[f.referral_decision].lower()}"
               if f.referral_decision else "no decision on the referral is recorded")
        return [Problem("child", f"an assessment follows a decision to assess ({now}): "
                        f"record it first ({command(f, 'referral record', '--decision assessment')})")]
    if f.assessment_submitted is not None:
        return [Problem("child", "the assessment was completed on "
                        f"{day_words(f.assessment_submitted)}: its start can no longer change")]
    # Census 1103: not before the referral.
    return check_date("on", on, today, [(f.referral, "the referral"),
                                        (f.referral_decided_on, "the decision to assess")],
                      what="the date the assessment started")


def _editable(f: StepFacts) -> list[Problem]:
    problems = _open(f)
    if problems:
        return problems
    if f.assessment_started is None:
        return [Problem("child", "the assessment has not started: "
                        + command(f, "assessment start"))]
    if f.assessment_authorised is not None:
        return [Problem("child", "the assessment was authorised on "
                        f"{day_words(f.assessment_authorised)}: it is final")]
    return []


def check_record(record: Mapping[str, str], f: StepFacts) -> list[Problem]:
    problems = _editable(f)
    unknown = [k for k in record if k not in HEADING_KEYS]
    if unknown:
        problems.append(Problem("heading", f"{unknown[0]!r} is not a heading of the "
                                "assessment record: " + ", ".join(HEADING_KEYS)))
    return problems


def level_meant(text: str, levels: Iterable[str]) -> str:
    """The policy's name of the level `text` means: itself in any case, or the one level
    holding every word typed ("child in need" for "Child in need (s17)", as census codes are
    taken by words); else `text` as typed, for `check_level` to name the levels."""
    text = " ".join(text.split())
    levels = list(levels)
    exact = [lv for lv in levels if lv.casefold() == text.casefold()]
    words = text.casefold().split()
    found = exact or [lv for lv in levels
                      if words and all(w in lv.casefold() for w in words)]
    return found[0] if len(found) == 1 else text


def check_level(level: str, f: StepFacts, levels: tuple[str, ...]) -> list[Problem]:
    problems = _editable(f)
    if level and levels and level not in levels:
        problems.append(Problem("level", f"{level!r} is not a level in this store's policy: "
                                + ", ".join(levels)))
    return problems


def check_factors(chosen: Iterable[str], f: StepFacts, current: Mapping[str, str],
                  labels: Mapping[str, str]) -> list[Problem]:
    """Census codes, once each; 21 "no factors" alone, and not when the child's
    circumstances feed a factor (8869)."""
    problems = _editable(f)
    chosen = list(chosen)
    bad = [c for c in chosen if c not in labels]
    if bad:
        problems.append(Problem("factor", f"{bad[0]!r} is not a census assessment factor"))
    if NO_FACTORS in chosen:
        fed = circumstance_factors(current)
        if len(set(chosen)) > 1:
            problems.append(Problem("factor", "21 (no factors identified) cannot go with "
                                    "other factors (census 8869)"))
        elif fed:
            problems.append(Problem("factor", "21 (no factors identified) cannot be chosen: "
                                    "the child's circumstances feed " + ", ".join(fed)))
    return problems


def check_outcome(outcome: str, f: StepFacts) -> list[Problem]:
    problems = _editable(f)
    if outcome not in OUTCOMES:
        problems.append(Problem("outcome", f"{outcome!r} is not an outcome: "
                                + ", ".join(OUTCOMES)))
    return problems


def missing_for_completion(f: StepFacts, current: Mapping[str, str],
                           levels: tuple[str, ...]) -> list[Problem]:
    """What the assessment record lacks before it can be completed (WIR 1.1, TRA)."""
    problems = []
    empty = [h.title for h in HEADINGS if not (f.record.get(h.key) or "").strip()]
    if empty:
        problems.append(Problem("record", "write the assessment under every heading; still "
                                "empty: " + "; ".join(empty) + " (WIR 1.1, TRA)"))
    if not census_factors(f.factors, current):
        problems.append(Problem("factors", "choose the assessment factors (census; "
                                "\"no factors identified\" when there are none)"))
    if levels and not f.level:
        problems.append(Problem("level", "choose the level of need (TRA: level of "
                                "vulnerability): " + ", ".join(levels)))
    if not f.outcome:
        problems.append(Problem("outcome", "choose the outcome: " + ", ".join(
            f"{OUTCOME_LABELS[o]} ({o})" for o in OUTCOMES)))
    elif f.outcome != "nfa" and NO_FACTORS in census_factors(f.factors, current):
        problems.append(Problem("outcome", "with no factors identified (21) the outcome is "
                                "no further action (census 8873)"))
    return problems


def missing_briefly(f: StepFacts, current: Mapping[str, str],
                    levels: tuple[str, ...]) -> str:
    """What completing the assessment still needs, in one sentence, for the form that writes
    it: its headings and choices are on view there, so they are counted or named, not each
    explained as `missing_for_completion` does (at 80x24 that took ten of the form's lines).
    Empty when nothing is missing."""
    missing = {p.field: p for p in missing_for_completion(f, current, levels)}
    if not missing:
        return ""
    parts = []
    empty = [h.title for h in HEADINGS if not (f.record.get(h.key) or "").strip()]
    if len(empty) == len(HEADINGS):
        parts.append(f"write under all {len(HEADINGS)} headings")
    elif len(empty) > 2:
        parts.append(f"write under {len(empty)} more headings")
    elif empty:
        parts.append("write " + " and ".join(f"“{t}”" for t in empty))
    choose = [what for field, what in (("factors", "the factors"),
                                        ("level", "the level of need"),
                                        ("outcome", "the outcome")) if field in missing]
    if "outcome" in missing and f.outcome:  # chosen, but not with "no factors identified"
        choose.remove("the outcome")
        parts.append(missing["outcome"].message)
    if choose:
        parts.append("choose " + (", ".join(choose[:-1]) + " and " if len(choose) > 1 else "")
                     + choose[-1])
    return "; ".join(parts)


def check_completion(on: date | None, f: StepFacts, current: Mapping[str, str],
                     levels: tuple[str, ...], today: date) -> list[Problem]:
    problems = _editable(f)
    if problems:
        return problems
    if f.assessment_submitted is not None:
        return [Problem("child", "the assessment was completed on "
                        f"{day_words(f.assessment_submitted)}; it waits for authorisation")]
    return [*missing_for_completion(f, current, levels),
            *check_date("on", on, today, [(f.assessment_started, "the assessment's start")],
                        what="the date the assessment was completed")]


def check_authorisation(on: date | None, f: StepFacts, role: str, name: str,
                        today: date) -> list[Problem]:
    """TRA: the assessment goes to the line manager for authorisation, after completion."""
    problems = _editable(f)
    if problems:
        return problems
    if f.assessment_submitted is None:
        return [Problem("child", "the assessment is not completed yet: the worker completes "
                        "it, then the line manager authorises it (TRA)")]
    return [*manager_problem(role, name, "the assessment"),
            *check_date("on", on, today, [(f.assessment_submitted, "its completion")],
                        what="the date of the authorisation")]


# ---------------------------------------------------------------- plan and support


def check_plan_start(on: date | None, f: StepFacts, role: str, name: str,
                     today: date) -> list[Problem]:
    """TRA: the CIN plan, authorised by the line manager, after an authorised assessment
    whose outcome is a CIN plan. Starts the initial meeting and visit clocks (§6)."""
    problems = _open(f)
    if problems:
        return problems
    if f.cin_plan_start is not None:
        return [Problem("child", f"the CIN plan started on {day_words(f.cin_plan_start)}")]
    if f.assessment_authorised is None:
        return [Problem("child", "a CIN plan follows an assessment authorised by the line "
                        "manager (TRA): none yet")]
    if f.outcome != "cin_plan":
        return [Problem("child", "the assessment's outcome is "
                        f"{OUTCOME_LABELS.get(f.outcome) or 'not chosen'}, not a CIN plan")]
    return [*manager_problem(role, name, "the CIN plan"),
            *check_date("on", on, today, [(f.assessment_authorised,
                                           "the assessment's authorisation")],
                        what="the date the plan started")]


def check_home_visit(on: date | None, f: StepFacts, today: date) -> list[Problem]:
    """WAR 4.4.2: the initial home visit starts the clock for support to begin."""
    problems = _open(f)
    if problems:
        return problems
    if f.support_started is not None:
        return [Problem("child", f"support started on {day_words(f.support_started)}: the "
                        "initial home visit can no longer change")]
    return check_date("on", on, today, [(f.referral, "the referral")],
                      what="the date of the initial home visit")


def check_support_start(on: date | None, f: StepFacts, today: date) -> list[Problem]:
    """WAR 4.4.2: once the assessment agrees a child in need service, support starts
    within 20 working days of the initial home visit (stops that clock)."""
    problems = _open(f)
    if problems:
        return problems
    if f.initial_home_visit is None:
        return [Problem("child", "record the initial home visit first (WAR 4.4.2)")]
    if f.assessment_authorised is None or f.outcome != "cin_plan":
        return [Problem("child", "support follows an authorised assessment agreeing a child "
                        "in need service (WAR 4.4.2)")]
    return check_date("on", on, today, [(f.initial_home_visit, "the initial home visit"),
                                        (f.assessment_authorised,
                                         "the assessment's authorisation")],
                      what="the date support started")


# Direct payments (WAR 7.2, 7.2.1) are recorded and checked in domain.short_breaks.


# ---------------------------------------------------------------- where the case stands


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done_on: date | None
    who: str = ""
    detail: str = ""
    written: bool = False  # done without a date of its own (the record under every heading)
    # Taken in the old system before the case was imported, its date not in the file.
    before_import: bool = False

    @property
    def done(self) -> bool:
        return self.done_on is not None or self.written or self.before_import


def steps(f: StepFacts) -> list[Step]:
    """Each step in order, done (with its date) or not yet."""
    decision = REFERRAL_DECISION_LABELS.get(f.referral_decision, "")
    route = ROUTE_LABELS.get(f.referral_route, "")
    if f.early_help_plan_on:
        route += f", early help plan of {day_words(f.early_help_plan_on)}"
    written = sum(1 for k in HEADING_KEYS if (f.record.get(k) or "").strip())
    return _before_import(f, [
        Step("referral", "Referral received", f.referral, detail=route),
        Step("decision", "Decision on the referral", f.referral_decided_on,
             f.referral_decided_by, decision),
        Step("assessment_start", "Assessment started", f.assessment_started),
        Step("assessment_record", "Assessment record written",
             None, detail=f"{written} of {len(HEADINGS)} headings"
             + (f"; outcome: {OUTCOME_LABELS[f.outcome]}" if f.outcome else ""),
             written=written == len(HEADINGS)),
        Step("assessment_complete", "Assessment completed (sent for authorisation)",
             f.assessment_submitted),
        Step("assessment_authorise", "Assessment authorised by the line manager",
             f.assessment_authorised, f.assessment_authorised_by),
        Step("plan_start", "CIN plan started, authorised by the line manager",
             f.cin_plan_start, f.cin_plan_authorised_by),
        Step("home_visit", "Initial home visit", f.initial_home_visit),
        Step("support_start", "CIN support started", f.support_started),
    ])


def record_in_old_system(f: StepFacts) -> bool:
    """An imported episode's assessment, authorised before the import (or a transferred-in
    one's, authorised where the child came from) with nothing written under its headings
    here: its record is the old system's, or the pack's."""
    return ((_imported_before(f, f.assessment_authorised)
             or (f.moved_in is not None and f.assessment_authorised is not None))
            and not any((f.record.get(k) or "").strip() for k in HEADING_KEYS))


IMPORTED_DETAIL = "before the import; its date not in the file"
TRANSFERRED_DETAIL = "in the authority the child came from: see the transfer pack, BEX 4"


def _imported_before(f: StepFacts, day: date | None) -> bool:
    return f.recorded_from is not None and day is not None and day < f.recorded_from


def _plan_came_in_force(f: StepFacts) -> bool:
    """The plan began before this store held the case: before the import, or with the
    move of a transferred-in child (its plan in force from the move, BEX 4)."""
    return _imported_before(f, f.cin_plan_start) or (
        f.moved_in is not None and f.cin_plan_start is not None
        and f.cin_plan_start <= f.moved_in)


def _before_import(f: StepFacts, found: list[Step]) -> list[Step]:
    """On an imported or transferred-in episode, a step not recorded but followed by one
    that is was taken in the old system or the authority the child came from (an
    assessment authorised was completed; a decision led to it); and a CIN plan that came
    in force had its initial home visit and its support started there too (WAR 4.4.2).
    Such steps are shown as taken, never as to do."""
    if f.recorded_from is None and f.moved_in is None:
        return found
    detail = IMPORTED_DETAIL if f.recorded_from is not None else TRANSFERRED_DETAIL
    last = max((i for i, st in enumerate(found) if st.done), default=-1)
    plan_before = _plan_came_in_force(f)
    return [replace(st, before_import=True, detail=detail)
            if not st.done and (i < last or (plan_before and st.key in WAR_442)) else st
            for i, st in enumerate(found)]


WAR_442 = frozenset({"home_visit", "support_start"})


ALL_RECORDED = "All the steps are recorded: the plan, visits and meetings carry the case on."


def disability_assessment_prompt(f: StepFacts, disabilities: str, service: str,
                                 disability_service: str) -> str:
    """WAR 4.4.1: "If a child has a disability the assessment will be completed by the
    CwDT." Where the policy names that service (`disability_service`), a disabled child
    (census disability codes other than NONE) whose assessment is still to be authorised,
    and who is with another service, is prompted to it; "" otherwise. Never a refusal."""
    disabled = any(code != "NONE" for code in disabilities.split())
    if not (disability_service and disabled) or f.closed or f.assessment_authorised:
        return ""
    if service.strip().casefold() == disability_service.strip().casefold():
        return ""
    return (f"The child has a disability: their assessment is completed by the "
            f"{disability_service} (WAR 4.4.1); their service is "
            f"{service.strip() or 'not recorded'}")


@dataclass(frozen=True)
class Prompt:
    """Something the record should say and does not yet: never a refusal. `app` and
    `shell` say how to act on it from each (`{ref}`: the child's reference)."""

    text: str
    app: str
    shell: str

    def for_shell(self, reference: str) -> str:
        return f"⚠ {self.text} ({self.shell.format(ref=reference)})"


def case_prompts(f: StepFacts, source: str, disabilities: str, service: str,
                 disability_service: str) -> tuple[Prompt, ...]:
    """What the case steps prompt: who assesses a disabled child (WAR 4.4.1); a referral
    from early help not yet recorded as a step-up, which the month's audit of step-ups
    would then miss (STO 7.13)."""
    out = []
    if text := disability_assessment_prompt(f, disabilities, service, disability_service):
        out.append(Prompt(text, "u on the record changes it",
                          "cintui child edit {ref} --service … changes it"))
    if source == EARLY_HELP_SOURCE and not f.referral_route and f.closed is None \
            and f.assessment_started is None:  # how it came is kept from then on
        out.append(Prompt(
            "The referral came from early help: if it is a step-up, record it, with the "
            "early help plan's date, before the assessment starts, so the month's audit of "
            "step-ups lists it (STO 7.13)",
            "r, then e and the plan's date", "cintui referral record {ref} --route "
            "early-help-step-up --early-help-plan YYYY-MM-DD"))
    return tuple(out)


def _assessment_next(f: StepFacts, level_needed: bool) -> str:
    """What the assessment under way still lacks, then completing it: it said "Write the
    assessment under its headings, ..." with every heading written. `level_needed`: the
    policy has levels of need to choose from."""
    empty = sum(not (f.record.get(key) or "").strip() for key in HEADING_KEYS)
    left = [f"write it under its headings ({empty} of {len(HEADING_KEYS)} still empty)"
            if empty else "",
            "" if f.factors else "choose the factors",
            "" if f.level or not level_needed else "the level of need",
            "" if f.outcome else "the outcome"]
    left = [x for x in left if x]
    if not left:
        return "Complete the assessment: the date it was completed (TRA)."
    words = left[0] if len(left) == 1 else ", ".join(left[:-1]) + " and " + left[-1]
    return f"The assessment: {words}, then complete it."


def next_step(f: StepFacts, *, level_needed: bool = True) -> str:
    """What comes next, in words (the Case steps screen and `cintui child steps`);
    `level_needed`: the store's policy names levels of need (England's and Bexley's do not)."""
    if f.closed is not None:
        return f"The episode is closed ({day_words(f.closed)})."
    if _plan_came_in_force(f):  # whatever the file or the pack left out: taken before
        return ALL_RECORDED
    if f.assessment_authorised is None:
        if f.assessment_started is None:
            if not f.referral_decision:
                return "Record the decision on the referral, and who made it."
            return "Start the assessment."
        if f.assessment_submitted is None:
            return _assessment_next(f, level_needed)
        return "The line manager authorises the assessment (TRA)."
    if f.outcome == "escalate":
        return ("Escalated: record the strategy discussion and any s47 enquiry (x on the "
                "case steps, or cintui cp strategy).")
    if f.cin_plan_start is None and (ending := _ending_next(f)):
        return ending
    if f.cin_plan_start is None:
        return "Start the CIN plan with the line manager's authorisation (TRA)."
    if f.initial_home_visit is None:
        return "Record the initial home visit and the day CIN support started (WAR 4.4.2)."
    if f.support_started is None:
        return "Record the day CIN support started (WAR 4.4.2: within 20 working days of the visit)."
    return ALL_RECORDED


# ---------------------------------------------------------------- the record as text


def record_from_text(text: str) -> dict[str, str]:
    """An assessment record written as Markdown: a heading line ("## Parenting capacity",
    "# analysis") starts the text under that heading, named by a few of its words or its
    key. Raises `NoSuchCode` for a heading that is not one of HEADINGS, or text before the
    first heading."""
    names = {h.key: f"{h.title} {h.key.replace('_', ' ')}" for h in HEADINGS}
    out: dict[str, list[str]] = {}
    key = None
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            title = line.strip().lstrip("#").strip()
            key = pick_code(title, names, "heading of the assessment record", "heading")
            out.setdefault(key, [])
        elif key is None:
            if line.strip():
                raise NoSuchCode("heading", "start with a heading (## The child's "
                                 "developmental needs, ## Parenting capacity, …)")
        else:
            out[key].append(line)
    return {k: "\n".join(lines).strip() for k, lines in out.items()}


# ---------------------------------------------------------------- codes by words


_SMALL_WORDS = frozenset({"a", "an", "and", "or", "the", "of", "to", "in", "on", "by", "for"})


def _words(text: str) -> list[str]:
    """The words that name something: "abuse or neglect" is ["abuse", "neglect"]."""
    words = re.findall(r"[a-z0-9]+", text.casefold().replace("’", "'").replace("'s", ""))
    return [w for w in words if w not in _SMALL_WORDS]


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") \
        else word


def match_codes(query: str, names: Mapping[str, str]) -> list[str]:
    """Codes whose name has every word of `query` (each word may be the start of one):
    "domestic violence child", "neglect", "mental health parent". A code itself matches
    too. An exact name, or an exact code, wins outright; so does the one name that is the
    words given in the singular or plural ("school": Schools, not "school nurse" too)."""
    wanted = _words(query)
    if not wanted:
        return []
    by_code = {c.casefold(): c for c in names}
    if query.strip().casefold() in by_code:
        return [by_code[query.strip().casefold()]]
    exact = [c for c, name in names.items() if _words(name) == wanted]
    if exact:
        return exact
    # The name in the singular or plural: "school" is Schools, not also "school nurse".
    one = [_singular(w) for w in wanted]
    exact = [c for c, name in names.items() if [_singular(w) for w in _words(name)] == one]
    if len(exact) == 1:
        return exact
    found = []
    for code, name in names.items():
        have = _words(name)
        if all(any(h.startswith(w) for h in have) for w in wanted):
            found.append(code)
    return found


class NoSuchCode(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


def pick_code(query: str, names: Mapping[str, str], what: str, field: str) -> str:
    """The one code `query` names, by words or by code; else `NoSuchCode` naming the
    candidates, or the closest names when nothing matches."""
    found = match_codes(query, names)
    if len(found) == 1:
        return found[0]
    if found:
        listed = "; ".join(names[c] for c in found[:6]) + (" …" if len(found) > 6 else "")
        raise NoSuchCode(field, f"{query!r} matches {len(found)} {what}s: {listed}; "
                         "add a word")
    close = difflib.get_close_matches(query.casefold(), [n.casefold() for n in names.values()],
                                      n=3, cutoff=0.5)
    hint = ("; did you mean: " + "; ".join(close)) if close else ""
    raise NoSuchCode(field, f"no {what} matches {query!r}{hint}")


__all__ = [
    "ADULT_SOCIAL_CARE", "ALL_RECORDED", "CIRCUMSTANCES",
    "CIRCUMSTANCE_KEYS", "Circumstance", "HEADINGS",
    "HEADING_KEYS", "Heading", "MANAGER_ROLES", "NFA_CLOSURE_REASON", "NFA_DECISIONS",
    "NOT_APPLICABLE", "NO_FACTORS", "NoSuchCode", "OUTCOMES", "OUTCOME_CLOSURE",
    "EARLY_HELP_SOURCE", "OUTCOME_LABELS", "Problem", "Prompt", "REFERRAL_DECISIONS",
    "REFERRAL_DECISION_LABELS", "ROUTES", "ROUTE_LABELS", "Referral", "Step", "StepFacts",
    "case_prompts", "census_factors", "referral_came",
    "check_assessment_start", "check_authorisation", "check_completion", "check_date",
    "check_factors",
    "check_home_visit", "check_level", "level_meant", "check_outcome", "check_plan_start", "check_record",
    "check_referral", "check_support_start", "circumstance", "circumstance_factors",
    "TRANSITION_AGE", "check_adult_care_age", "circumstances_held", "check_adult_contact", "circumstance_first", "circumstance_history", "circumstance_words", "decision_timeliness", "disability_assessment_prompt",
    "manager_problem", "match_codes",
    "may_authorise", "missing_briefly", "missing_for_completion", "next_step", "pick_code", "record_from_text",
    "status_of", "steps",
]
