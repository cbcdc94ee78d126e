"""Endings (DOMAIN.md §7): management decisions (BEX 4), closure (TRA, BEX 3), letters to
the family, the child and the professionals, and re-referral (WAR 3.4).

Pure rules over plain values: who may decide, what a decision needs, the checklist that
blocks closing until the record is complete, who gets a closure letter and in which words,
and whether a re-referral can open a new episode. `today` is always passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from cintui.domain.calendar import add_months
from cintui.domain.dates import day_words
from cintui.domain.meeting import left_booked
from cintui.domain.text import counted
from cintui.domain.workforce import MANAGER_ROLES, ROLE_LABELS, needs_role

DECISION_KINDS = ("closure", "step_down", "transfer", "dispute", "case_direction",
                  "cp_conference", "other")
DECISION_KIND_LABELS = {
    "closure": "Closure",
    "step_down": "Step-down",
    "transfer": "Transfer to another authority",
    "dispute": "Dispute",
    "case_direction": "Case direction",
    "cp_conference": "Child protection conference considered",  # WIR 2.3
    "other": "Other",
}
# TRA, BEX 3: "the team manager decides"; disputes go on to the service manager.
DECIDER_ROLES = MANAGER_ROLES
ENDING_STATUS_LABELS = {
    "recommended": "recommended, waiting for the manager's decision",
    "approved": "approved by the manager",
    "declined": "declined by the manager",
    "disputed": "disputed",
    "completed": "completed: the case is closed",
    "withdrawn": "withdrawn",
}
# An ending under way: one at a time, of a kind (the store's ACTIVE_ENDINGS).
ACTIVE_ENDINGS = ("recommended", "approved", "disputed")
# The endings a CIN plan not yet started gives way to (TRA, BEX 3, WIR 3): its start is
# not asked for while one of these is under way.
ENDINGS_BEFORE_A_PLAN = ("closure", "step_down")
# What the recommendation of a final meeting means for a closure (domain.meeting).
CLOSING_RECOMMENDATIONS = ("close", "step_down")
DISPUTE_OUTCOMES = ("upheld", "overturned", "escalated")
DISPUTE_OUTCOME_LABELS = {
    "upheld": "closure decision upheld",
    "overturned": "closure decision overturned: the case stays open",
    "escalated": "referred on to the service manager",
}


def settling_referred(waits_on: str, who: str, role: str) -> str | None:
    """BEX 3 (DOMAIN.md §7: the team manager, then the service manager): a dispute the team
    manager has referred on is the service manager's alone to settle. The refusal for
    someone else recording its outcome (`who`, with `role`; "" for someone not on the
    store), naming who it waits on; None for a service manager."""
    refusal = needs_role(who, role, ("service_manager",))
    if refusal is None:
        return None
    named = f" ({waits_on})" if waits_on else ""
    return f"BEX 3: the dispute waits on the service manager{named}: settling it {refusal}"


def closure_follows(kind: str, status: str, where: str = "") -> str:
    """WIR 3, BEX 4: while a step-down or a transfer out is under way the closure is its
    last step, approved with it, not a recommendation of its own (one recommended beside
    it waited for a second decision of the manager's): in words, the ending under way and
    what closes the case."""
    what = {"step_down": "step-down", "transfer_out": "transfer"}[kind]
    to = f" to {where}" if where.strip() else ""
    then = ("completing it approves the closure" if kind == "step_down"
            else "marking its pack sent closes the case")
    return f"the {what}{to} is {ENDING_STATUS_LABELS[status]}, and {then}"


@dataclass(frozen=True)
class UnderWay:
    """A step-down or transfer out under way (recommended or agreed) whose last step the
    closure is (WIR 3, BEX 4): its kind, status and where the child goes."""

    kind: str  # step_down | transfer_out
    status: str  # recommended | approved
    where: str = ""

    def next_step(self, reference: str = "") -> str:
        """What approves the closure now, by key and by command: the manager's agreement
        while it is recommended; then completing the step-down or sending the pack."""
        key, group = ("S", "stepdown") if self.kind == "step_down" else ("T", "transfer")
        child = f" {reference}" if reference else ""
        if self.status == "recommended":
            return f"{key} on the record, then a; `cintui {group} decide{child} --approve`"
        if self.kind == "step_down":
            return f"{key} on the record, then x; `cintui stepdown complete{child}`"
        return f"{key} on the record, then x; `cintui transfer sent{child}`"

    def words(self, reference: str = "") -> str:
        """The closure checklist's first item while it is under way: it said "no manager's
        decision to close yet", as though a closure were to be recommended and decided."""
        return (closure_follows(self.kind, self.status, self.where)
                + f" ({self.next_step(reference)})")


# The census reasons for closure (RC1-RC9, data/census_codes.json) in words a family reads.
PLAIN_REASONS = {
    "RC1": "the child has been adopted",
    "RC2": "of the sad death of the child",
    "RC3": "a child arrangements order now decides where the child lives",
    "RC4": "a special guardianship order is now in place",
    "RC5": "the family has moved and another local authority now supports the child",
    "RC6": "support now comes from adult social care services",
    "RC7": "the help from children's social care has finished: the family is no longer "
           "in need of it",
    "RC8": "after the assessment, no further help from children's social care is needed",
    "RC9": "after the assessment, support is coming from early help instead",
}


def lead_parts(lead: str) -> tuple[str, str]:
    """A lead professional as typed on the step-down form: their name and what they are
    ("Chris Demo, family support worker" or "Ms Hill (DSL)"), so that a letter to them
    opens "Dear Chris Demo", not "Dear Chris Demo, family support worker"."""
    text = " ".join(lead.split())
    bracketed = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", text)
    if bracketed and bracketed.group(1).strip(" ,"):
        return bracketed.group(1).strip(" ,"), bracketed.group(2).strip()
    name, _, what = text.partition(",")
    if len(name.split()) < 2 and len(what.split()) < 2:  # "Smith, Jane": kept as typed
        return text, ""
    return name.strip(), what.strip()


def next_help(audience: str, service: str, lead: str, contact: str,
              child_first_name: str) -> str:
    """Who helps the family now, in a closure letter after a step-down to early help (WIR
    3, TRA: the family need not tell their story again), in the words of its reader; ""
    when nobody takes over."""
    if not service:
        return ""
    name, what = lead_parts(lead)
    by = f"{name}{f' ({what})' if what else ''} from {service}" if name else service
    reach = f" You can reach them on {contact}." if contact else ""
    if audience in ("child", "young_person"):
        return f"From now on, {by} will help you and your family.{reach}"
    if audience == "professional":
        return (f"The case steps down to {service}; the lead professional for the Team "
                f"Around the Family is {lead or 'to be named'}{f' ({contact})' if contact else ''}.")
    return f"From now on, {by} will support you and {child_first_name}.{reach}"


def adult_help(audience: str, contact: str, child_first_name: str) -> str:
    """Who helps now, in a closure letter on to adult social care (RC6; WAR 4.2 "smooth
    transitional arrangements"): its contact as recorded with the referral, so the family
    know whom to call; "" when none was recorded."""
    if not contact:
        return ""
    if audience in ("child", "young_person"):
        return f"From now on, adult social care services support you. Who to contact there: " \
               f"{contact}."
    if audience == "professional":
        return f"Adult social care services now support {child_first_name}; their contact: " \
               f"{contact}."
    return f"From now on, adult social care services support {child_first_name}. Who to " \
           f"contact there: {contact}."


def adult_contact_missing(reason_code: str, contact: str, reference: str) -> str:
    """What letters closing on to adult social care (RC6) lack with no contact recorded:
    whom the family call there (WAR 4.2); "" nothing."""
    if reason_code != "RC6" or contact:
        return ""
    return ("no adult social care contact is recorded, so the letters do not say whom to "
            "call there: record it (Adult care contact, i on the case steps; `cintui child "
            f"circumstances {reference} --adult-contact`) and write them again")


@dataclass(frozen=True)
class Problem:
    """Something wrong or missing; `message` names the rule."""

    field: str
    message: str


# ---------------------------------------------------------------- decisions (BEX 4)


def check_decision(kind: str, decision: str, rationale: str, made_by: str,
                   made_on: date | None, today: date) -> list[Problem]:
    """BEX 4: every decision recorded with what was decided, its rationale, who and when."""
    problems = []
    if kind not in DECISION_KINDS:
        problems.append(Problem("kind", f"{kind!r} is not a kind of decision: "
                                + ", ".join(DECISION_KINDS)))
    if not decision.strip():
        problems.append(Problem("decision", "say what was decided"))
    if not rationale.strip():
        problems.append(Problem("rationale", "BEX 4: a decision is recorded with its "
                                "rationale; say why"))
    if not made_by.strip():
        problems.append(Problem("made_by", "say who made the decision"))
    if made_on is None:
        problems.append(Problem("made_on", "give the date of the decision"))
    elif made_on > today:
        problems.append(Problem("made_on", f"{day_words(made_on)} is in the future"))
    return problems


# ---------------------------------------------------------------- closure (TRA, BEX 3)


@dataclass(frozen=True)
class DecisionFact:
    """A decision as the chronology shows it (a store `decision` row)."""

    made_on: date
    kind: str
    decision: str
    rationale: str
    made_by: str
    made_by_role: str = ""
    ref: str = ""

    @property
    def who(self) -> str:
        return f"{self.made_by} ({self.made_by_role})" if self.made_by_role else self.made_by


@dataclass(frozen=True)
class ClosureFacts:
    """What the closure checklist looks at, read from the record."""

    approved: bool  # the manager's decision to close (TRA; BEX 3 "manager sign-off")
    disputed: bool = False  # a dispute not yet settled (BEX 3)
    visit_drafts: int = 0
    minutes_drafts: int = 0
    draft_plan: bool = False  # a plan version still in draft
    consent_recorded: bool = False  # a decision on consent to the service (WAR 4.2)
    # Why it is not, and whose is needed (`domain.consent.service_reason`).
    consent_missing: str = ""
    # WAR 4.2, 4.4.2: CIN support began (started, or a CIN plan) in the episode closing. A
    # case closed at the referral or after the assessment (RC8, RC9) had no service to
    # consent to, and its closure needs no consent decision.
    service_began: bool = True
    family_told_on: date | None = None
    summary: str = ""
    reason: str | None = None  # RC1-RC9
    unmet_need: bool | None = None  # STO 3.3: answered yes or no
    closure_date: date | None = None
    decided_on: date | None = None
    booked: tuple[tuple[str, datetime], ...] = ()  # meetings still to be held: (kind, start)
    # WAR 7.2.1: the short breaks and direct payments not ended, each in words.
    running: tuple[str, ...] = ()
    # WIR 3, BEX 4: a step-down or transfer out under way, whose last step the closure is.
    under_way: UnderWay | None = None
    reference: str = ""  # the child's, for the commands the items name


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    text: str  # what must be true, in words
    rule: str  # where the rule comes from
    met: bool
    problem: str = ""  # what is wrong now, when not met


def _item(key: str, text: str, rule: str, met: bool, problem: str) -> ChecklistItem:
    return ChecklistItem(key, text, rule, met, "" if met else problem)


def closure_checklist(f: ClosureFacts, today: date,
                      reasons: Iterable[str] = PLAIN_REASONS) -> list[ChecklistItem]:
    """Every condition for closing (DOMAIN.md §7, §9: "case records must be accurate before
    closure", TRA), in the order a worker meets them. Closing needs every one met."""
    drafts = f.visit_drafts + f.minutes_drafts
    when = f.closure_date
    date_problem = ""
    if when is None:
        date_problem = "give the closure date"
    elif when > today:
        date_problem = f"the closure date {day_words(when)} is in the future"
    elif f.decided_on and when < f.decided_on:
        date_problem = (f"the closure date {day_words(when)} is before the manager's decision "
                        f"({day_words(f.decided_on)})")
    elif f.family_told_on and when < f.family_told_on:
        date_problem = (f"the closure date {day_words(when)} is before the family was told "
                        f"({day_words(f.family_told_on)})")
    return [
        _item("approved", "The team manager has approved the closure, with a rationale",
              "TRA; BEX 3; BEX 4", f.approved and not f.disputed,
              "a dispute of the decision is still open: the team manager, then the service "
              "manager, settles it first" if f.disputed else
              f.under_way.words(f.reference) if f.under_way and not f.approved else
              "no manager's decision to close yet"),
        _item("no_drafts", "No visit or minutes drafts left unfinished", "TRA; DOMAIN §9",
              drafts == 0, " and ".join(
                  counted(n, what) for n, what in ((f.visit_drafts, "visit draft"),
                                                  (f.minutes_drafts, "minutes draft")) if n)
              + " still unfinished: finalise or discard "
              + ("them" if f.visit_drafts + f.minutes_drafts > 1 else "it")
              + " (" + " and ".join(where for n, where in (
                  (f.visit_drafts, "a visit on the Visits tab"),
                  (f.minutes_drafts, "the minutes on the Meetings tab")) if n) + ")"),
        _item("no_meetings_booked", "No meeting left booked: each cancelled, everyone "
              "invited told", "WIR 2.9", not f.booked, left_booked(f.booked, today)),
        _item("no_packages", "No short break or direct payment left running: each ended",
              "WAR 7.2.1; TRA", not f.running, still_running(f.running)),
        _item("plan_final", "The plan is final: no plan version left in draft",
              "TRA; DOMAIN §9", not f.draft_plan,
              "a plan version is still a draft: agree or delete it"),
        _item("consent", "Consent to the CIN service recorded" if f.service_began else
              "No CIN service began: no consent to one needed", "WAR 4.2; WIR 2.1",
              f.consent_recorded or not f.service_began,
              f.consent_missing or "no decision on consent to the service is recorded"),
        _item("family_told", "The family has been told of the closure decision", "BEX 3",
              f.family_told_on is not None, "record the date the family was told"),
        _item("summary", "A closure summary is written", "TRA; BEX 3",
              bool(f.summary.strip()), "write the closure summary"),
        _item("reason", "A reason for closure is chosen (census RC1-RC9)", "DfE CIN census",
              f.reason in set(reasons), "choose a reason for closure, RC1 to RC9"),
        _item("unmet_need", "\"Unmet need stepped down to early help\" is answered", "STO 3.3",
              f.unmet_need is not None,
              "answer \"unmet need stepped down to early help\": yes or no"),
        _item("date", "The closure date is not in the future, nor before the decision",
              "TRA", not date_problem, date_problem),
    ]


def still_running(running: Iterable[str]) -> str:
    """WAR 7.2.1 at a closure: a short break or direct payment still running is paid, and
    its review due, for a case that has gone (and nobody's due list shows it). "" when none
    is; else the first and how many more, and how to end them."""
    running = list(running)
    if not running:
        return ""
    more = f" (and {len(running) - 1} more)" if len(running) > 1 else ""
    return (f"{running[0]} is still running{more}: end it (x on the child's short breaks "
            "and direct payments, H; or cintui direct-payment end / short-break end)")


def blockers(items: Iterable[ChecklistItem]) -> list[ChecklistItem]:
    return [i for i in items if not i.met]


def describe_blockers(items: Iterable[ChecklistItem]) -> str:
    """One line: each unmet item, its problem and rule ("…; …")."""
    return "; ".join(f"{i.problem} ({i.rule})" for i in blockers(items))


def check_closure_decision(approve: bool, rationale: str, role: str, decided_on: date | None,
                           recommended_on: date, today: date, who: str = "") -> list[Problem]:
    """TRA, BEX 3-4: the team manager decides, with a rationale, on or after the
    recommendation and not in the future. `who` decides, with `role` ("" if not a worker)."""
    problems = []
    if (refusal := needs_role(who, role, DECIDER_ROLES)) is not None:
        problems.append(Problem("by", f"TRA, BEX 3: deciding a closure {refusal}"))
    if not rationale.strip():
        problems.append(Problem("rationale", "BEX 4: give the rationale for the decision"))
    if decided_on is None:
        problems.append(Problem("on", "give the date of the decision"))
    elif decided_on > today:
        problems.append(Problem("on", f"{day_words(decided_on)} is in the future"))
    elif decided_on < recommended_on:
        problems.append(Problem("on", f"{day_words(decided_on)} is before the recommendation "
                                f"({day_words(recommended_on)})"))
    return problems


def check_family_told(told_on: date | None, decided_on: date | None, today: date) -> list[Problem]:
    """BEX 3: the family is told of the decision (within 5 working days: the engine's
    closure_notification clock); the date is on or after the decision, not in the future."""
    if decided_on is None:
        return [Problem("on", "the manager has not approved the closure yet")]
    if told_on is None:
        return [Problem("on", "give the date the family was told")]
    if told_on > today:
        return [Problem("on", f"{day_words(told_on)} is in the future")]
    if told_on < decided_on:
        return [Problem("on", f"{day_words(told_on)} is before the decision ({day_words(decided_on)})")]
    return []


# ---------------------------------------------------------------- letters (TRA)


LETTER_AUDIENCES = ("parent", "child", "young_person", "professional")


def child_letter_audience(age: int | None, unborn: bool) -> str | None:
    """TRA: letters go to the child "where appropriate", in words for their age: none for an
    unborn child or one under 5; simple words from 5 to 11; a young person's letter at 12+.
    An unknown age gets none (the worker writes by hand)."""
    if unborn or age is None or age < 5:
        return None
    return "child" if age <= 11 else "young_person"


@dataclass(frozen=True)
class PersonFact:
    """One of the child's People, as the letters need them."""

    name: str
    kind: str  # family | professional
    relationship: str = ""
    parental_responsibility: bool = False
    lives_with_child: bool = False
    agency: str = ""
    role: str = ""
    address: str = ""
    email: str = ""


@dataclass(frozen=True)
class Recipient:
    name: str
    audience: str  # LETTER_AUDIENCES
    role: str = ""  # Mother; Class teacher (Hill School)
    address: str = ""


def letter_recipients(child_name: str, age: int | None, unborn: bool,
                      people: Iterable[PersonFact], child_address: str = "", *,
                      lead: str = "", lead_service: str = "") -> list[Recipient]:
    """TRA (DOMAIN.md §7): closure letters to each parent or carer (parental responsibility,
    or living with the child), to the child where appropriate, and to each professional;
    after a step-down (WIR 3) to its lead professional too (`lead`, at `lead_service`),
    who is seldom among the child's People yet is the one taking the family on."""
    people = list(people)
    out = [Recipient(p.name, "parent", p.relationship, p.address or child_address)
           for p in people if p.kind == "family"
           and (p.parental_responsibility or p.lives_with_child)]
    audience = child_letter_audience(age, unborn)
    if audience:
        out.append(Recipient(child_name, audience, "", child_address))
    out += [Recipient(p.name, "professional",
                      " ".join(x for x in (p.role, f"({p.agency})" if p.agency else "") if x),
                      p.address) for p in people if p.kind == "professional"]
    named = {_bare_name(r.name) for r in out}
    name, what = lead_parts(lead)
    if name and _bare_name(name) not in named:  # "Ms Hill (DSL)" is Ms Hill
        role = "Lead professional" + (f", {what}" if what else "") + (
            f" ({lead_service})" if lead_service else "")
        out.append(Recipient(name, "professional", role))
    return out


def closure_words(reason: str | None, label: str, referral_nfa: bool) -> str:
    """How an episode's closure reads on the record: its census code and label; for a
    referral closed the day it was decided with no assessment (ReferralNFA), that, not the
    census label "Case closed after assessment", which read as an assessment made."""
    if referral_nfa:
        return f"{reason or 'RC8'}: closed at the referral, no assessment (no further action)"
    return f"{reason} {label}".strip()


def _bare_name(name: str) -> str:
    """A name to compare: without what is in brackets (a role), in any case or spacing."""
    return " ".join(re.sub(r"\([^)]*\)", " ", name).lower().split())


# ---------------------------------------------------------------- re-referral (WAR 3.4)
# Here rather than in `reports` (which counts them for the committee, WAR 3.2-3.4): a
# closure or transfer needs the rule without the reports' modules (~8 ms a command).

REREFERRAL_BANDS = ("within 1 month", "1 to 3 months", "3 to 6 months", "6 to 12 months",
                    "over 12 months")


def rereferral_band(closed: date, referral: date) -> str:
    """WAR 3.4: the interval from the previous closure to the new referral; "within N months"
    includes the day N calendar months after the closure."""
    for months, band in zip((1, 3, 6, 12), REREFERRAL_BANDS, strict=False):
        if referral <= add_months(closed, months):
            return band
    return REREFERRAL_BANDS[-1]


def describe_interval(closed: date, referral: date) -> str:
    days = (referral - closed).days
    return f"{days} day{'s' if days != 1 else ''} after the last closure ({rereferral_band(closed, referral)})"


def check_rereferral(status: str, last_closure: date | None, referral: date | None,
                     today: date) -> list[Problem]:
    """§7: only a closed child can be re-referred; the new episode's referral is not before
    the last closure, nor in the future."""
    if status != "closed" or last_closure is None:
        return [Problem("child", "the child's case is open: a re-referral opens a new episode "
                        "of a closed case")]
    if referral is None:
        return [Problem("date", "give the date of the new referral")]
    if referral > today:
        return [Problem("date", f"{day_words(referral)} is in the future")]
    if referral < last_closure:
        return [Problem("date", f"{day_words(referral)} is before the last closure "
                        f"({day_words(last_closure)})")]
    return []


# ---------------------------------------------------------------- words


__all__ = [
    "CLOSING_RECOMMENDATIONS", "DECIDER_ROLES", "DECISION_KINDS", "DECISION_KIND_LABELS",
    "DISPUTE_OUTCOMES", "DISPUTE_OUTCOME_LABELS", "settling_referred", "ENDING_STATUS_LABELS", "LETTER_AUDIENCES",
    "PLAIN_REASONS", "REREFERRAL_BANDS", "adult_contact_missing", "adult_help", "next_help", "ROLE_LABELS", "ChecklistItem", "ClosureFacts",
    "DecisionFact", "PersonFact", "Problem", "Recipient", "blockers", "check_closure_decision",
    "check_decision", "check_family_told", "check_rereferral", "child_letter_audience",
    "closure_checklist", "closure_follows", "closure_words", "lead_parts", "describe_blockers", "describe_interval", "letter_recipients",
    "rereferral_band", "still_running",
]


# ---------------------------------------------------------------- after the closure

# TRA, BEX 3: a closed case has no casework: a visit, a meeting held, a supervision of the
# case, a GCP2 or a map dated after the closure needs the case open again (a re-referral,
# WAR 3.4). Late recording of what was done by the closure day stays allowed, as do case
# notes, letters, decisions and addenda (the closure letters go out after the decision).
REREFER_WAY = "R on the record, or Ctrl+P → re-refer"


@dataclass(frozen=True)
class ClosedOn:
    """The case was closed on the day asked about: closed on `closed`, re-referred on
    `reopened` (None: closed still)."""

    closed: date
    reopened: date | None = None


def closed_on(episodes: Iterable[tuple[date, date | None]], day: date) -> ClosedOn | None:
    """Whether the case stood closed on `day`, from its episodes (referral day, closure
    day or None): the episode in force that day (the latest referred on or before it) was
    closed before it. None when it was open that day, or before its first referral (the
    referral rules judge that). A re-referral opens the case again from its own day."""
    ordered = sorted(episodes, key=lambda e: e[0])
    before = [e for e in ordered if e[0] <= day]
    if not before:
        return None
    closed = before[-1][1]
    if closed is None or day <= closed:
        return None
    later = [e[0] for e in ordered if e[0] > day]
    return ClosedOn(closed, later[0] if later else None)


def closed_without_plan(name: str, reference: str, closed: date) -> str:
    """A closed case with no CIN plan: nothing to start on it (TRA, BEX 3); a re-referral
    opens a new episode, whose plan the manager's authorisation then starts (WAR 3.4)."""
    return (f"{name} ({reference}) has no plan: the case closed on {day_words(closed)} "
            f"without one; a re-referral opens it again (`cintui child rerefer {reference} "
            f"--date DATE --source SOURCE`, or {REREFER_WAY})")


def closed_by_transfer(reference: str, on: date, authority: str = "",
                       letters: bool = False) -> str:
    """A case closed by a transfer out (BEX 4, RC5) has no closure record of its own, so no
    closure summary (its case summary went in the transfer pack) and no closure letters
    (`letters`: said of those). One line saying so."""
    to = f" to {authority}" if authority else ""
    what = "no closure letters; " if letters else ""
    return (f"{reference}'s case was closed by a transfer out{to} on {day_words(on)} (RC5), "
            f"not by a closure: {what}its case summary is in the transfer pack (`cintui "
            f"export transfer-pack {reference} -o FOLDER`, or T then o on the record)")


def after_closure(reference: str, what: str, day: date, closed: ClosedOn) -> str:
    """The one line refusing casework dated after the case closed (TRA, BEX 3): "DEMO00070's
    case closed on 18 Sep 2026: a visit on 1 Dec 2026 needs the case open again
    (re-referral: …)". `what` is the record with its article ("a visit")."""
    if closed.reopened is not None:
        return (f"{reference}'s case was closed from {day_words(closed.closed)} until its "
                f"re-referral on {day_words(closed.reopened)}: {what} on {day_words(day)} "
                f"falls between (date it on or before {day_words(closed.closed)}, or from "
                f"{day_words(closed.reopened)})")
    return (f"{reference}'s case closed on {day_words(closed.closed)}: {what} on "
            f"{day_words(day)} needs the case open again (re-referral: `cintui child rerefer "
            f"{reference} --date DATE --source SOURCE`, or {REREFER_WAY})")


@dataclass(frozen=True)
class Kept:
    """A kind of casework a laptop may record offline on a case the team server closed
    meanwhile (TRA, BEX 3), in words: kept at the sync (it merges by id, never lost), said
    there, and waiting for the manager's decision (BEX 4) or a re-referral (WAR 3.4)."""

    what: str  # for the sync's line, without its article: "meeting held"
    a: str  # with it, for the manager's list: "a meeting held"
    since: str  # the list's word for its day: "held 1 Dec by …"
    short: str  # in a laptop's 80 columns (20 at most): "booked after closure"
    on: str = "on"  # its day's word in the sync's line: "for" a meeting booked


# Every kind, in the order a list names them (a visit first, as it always was). The short
# words fit the list's 20 columns at 80: "… after closure" where that fits, else "…, closed".
KEPT = {
    "visit": Kept("visit", "a visit", "visited", "visit after closure"),
    "meeting_held": Kept("meeting held", "a meeting held", "held", "meeting held, closed"),
    "meeting_booked": Kept("meeting booked", "a meeting booked", "booked for",
                           "booked after closure", on="for"),
    "supervision": Kept("supervision", "a supervision", "held", "supervision, closed"),
    "gcp2": Kept("GCP2 assessment", "a GCP2 assessment", "assessed", "GCP2 after closure"),
    "danger_statement": Kept("danger statement", "a danger statement", "written",
                             "statement, closed"),
    "safety_goal": Kept("safety goal", "a safety goal", "written", "goal after closure"),
    "scaling": Kept("Signs of Safety scaling", "a scaling", "scaled", "scaling, closed"),
    "fgc_referral": Kept("referral to a Family Group Conference", "an FGC referral",
                         "referred", "FGC after closure"),
    "fgc_held": Kept("Family Group Conference held", "an FGC held", "held",
                     "FGC held, closed"),
    "short_break": Kept("short break starting", "a short break", "starting",
                        "short break, closed"),
    "direct_payment": Kept("direct payment starting", "a direct payment", "starting",
                           "direct pay, closed"),
}


def arrived_after_closure(reference: str, what: str, day: date, closed: ClosedOn,
                          on: str = "on") -> str:
    """A record a laptop made offline, dated after a closure the team server made meanwhile:
    kept (what is never edited merges by id, never lost) and said, once, at the sync: "Visit
    on 1 Dec 2026 for DEMO00070 arrived after the case closed on 18 Sep 2026: kept; re-refer
    if the case is open again". `what` without its article ("visit"); `on`: its day's word
    ("Meeting booked for 3 Dec 2026 …")."""
    then = (f"the case was re-referred on {day_words(closed.reopened)}" if closed.reopened
            else "re-refer if the case is open again")
    return (f"{what[:1].upper()}{what[1:]} {on} {day_words(day)} for {reference} arrived "
            f"after the case closed on {day_words(closed.closed)}: kept; {then}")


def kept_arrived(reference: str, record: str, day: date, closed: ClosedOn) -> str:
    """The sync's line for a record of a `KEPT` kind (`arrived_after_closure`)."""
    kept = KEPT[record]
    return arrived_after_closure(reference, kept.what, day, closed, kept.on)


def decided_since(closed: date, recorded: datetime,
                  decisions: Iterable[tuple[date, datetime | bool]]) -> bool:
    """BEX 4: whether a decision on the child (its day, when it was recorded) answers a record
    kept after the closure of `closed`, seen from `recorded` (when it reached the team
    server, if a laptop's sync brought it later: `store.kept.reached`): one recorded after it and
    made after the closure day (the closure's own decision, made by then, does not; a
    meeting booked for a day still to come is answered before that day). A decision a
    manager's laptop made offline gives, for its when, whether that laptop held the record
    then (`store.kept.offline`): offline, a manager decides on what their laptop holds, and
    the laptop's clock is not the server's."""
    return any(made_on > closed and (at if isinstance(at, bool) else at >= recorded)
               for made_on, at in decisions)
