"""Consent: who agreed to what, what is missing, and the withheld-consent path (DOMAIN.md §2).

The rules, from the seeds:
- WAR 4.2: "Parents must consent to receive a children in need service".
- WIR 2.1: consent of parents and of young people of sufficient age and understanding
  ("particularly those aged 16 or 17") is required to share information or hold a CIN
  meeting; "Consent is also required from the young person of age of understanding,
  particularly those aged 16 or 17".
- WIR 2.2: when consent to a s17 service is withheld: discuss the reasons; consider an
  alternative source of support and how it will be monitored; if there is none, the SW and
  team manager hold a reflective case discussion and decide: benefit (refusal accepted and
  recorded) or need likely to be significantly impaired (consider s47). The decision and its
  analysis are recorded.
- WIR 2.3: "Unless there are very exceptional circumstances, meetings should not take place
  without the consent of parents and children of sufficient age and understanding."
- BEX 4: information may be shared without consent where seeking it would place the child
  at risk; the override and its rationale are recorded (all decisions with their rationale).

Decisions where the seeds are silent (tests pin each one):
- Any one person with parental responsibility can consent (s2(7) Children Act 1989: each
  PR holder may act alone). Another PR holder's refusal does not undo that consent, but it
  is flagged and starts the withheld-consent path.
- A young person aged 16 or 17 must give their own consent as well as a parent; their own
  refusal or withdrawal means there is no valid consent. Under 16, a child's recorded
  decision is shown (and a refusal starts the withheld-consent path) but the parents'
  consent decides validity, since age and understanding under 16 is the worker's judgment,
  not a date rule.
- Consent from someone without parental responsibility (a grandparent, a father without PR)
  never makes consent valid; their refusal is still shown.
- An override is valid only with a rationale and only for sharing information, transfer or
  a meeting (BEX 4, WIR 2.3). A s17 service is voluntary: it cannot be overridden.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum

from cintui.domain.child import age_years
from cintui.domain.dates import day_words
from cintui.domain.records import Record
from cintui.domain.text import shell_word

# As cintui.store.models (the store builds `ConsentFact`s from its Consent rows).
CONSENT_SCOPES = ("service", "information_sharing", "meeting", "transfer")
CONSENT_DECISIONS = ("given", "refused", "withdrawn")
CONSENT_METHODS = ("written", "verbal")

# WIR 2.1-2.2: young people "particularly those aged 16 or 17" consent for themselves too.
OWN_NOT_GIVEN = "has not given their own consent to a CIN service"  # the flag's words
YOUNG_PERSON_AGE = 16
NO_VALID_SERVICE = "No valid consent to a CIN service"  # the first flag, while it is so
# WAR 4.2 "before support is given": before a CIN service began, consent is still to get.
BEFORE_SUPPORT = "needed before support starts"

SCOPE_LABELS = {
    "service": "CIN service",
    "information_sharing": "Information sharing",
    "meeting": "CIN meeting",
    "transfer": "Transfer to another authority",
}
# "Consent to …"
_SCOPE_PHRASES = {
    "service": "a CIN service",
    "information_sharing": "share information",
    "meeting": "hold a CIN meeting",
    "transfer": "share records with another authority",
}
_OVERRIDE_DONE = {
    "service": "CIN service recorded",
    "information_sharing": "Information shared",
    "meeting": "CIN meeting held",
    "transfer": "Records shared with another authority",
}
# BEX 4 (information, transfer) and WIR 2.3 (meetings, "very exceptional circumstances").
OVERRIDE_SCOPES = ("information_sharing", "transfer", "meeting")

WITHHELD_DECISIONS = ("refusal_accepted", "consider_s47")
WITHHELD_LABELS = {
    "refusal_accepted": "Refusal accepted: benefit, not need — recorded",
    "consider_s47": "Need likely to significantly impair health or development: "
    "consider s47 assessment",
}
_WITHHELD_SHORT = {"refusal_accepted": "refusal accepted", "consider_s47": "consider s47 assessment"}


class ConsentStatus(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    MISSING = "missing"
    OVERRIDDEN = "overridden"  # BEX 4: shared without consent, rationale recorded


class Problem(Record):
    """Something still missing or wrong; `message` names the rule ("WIR 2.2: …")."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


class WithheldConsentRecord(Record):
    """WIR 2.2, as recorded on the refusal (the store's `withheld_*` consent columns)."""

    reasons: str = ""  # the family's concerns and reasons, as discussed with them
    alternative_support: str = ""  # a suitable alternative source proposed by the family
    alternative_monitoring: str = ""  # how that alternative will be monitored
    reflective_discussion_on: date | None = None  # SW and team manager, if no alternative
    decision: str = ""  # one of WITHHELD_DECISIONS
    analysis: str = ""  # the analysis behind the decision
    decided_by: str = ""


class ConsentFact(Record):
    """One recorded decision (a store Consent row). `person` None is the child."""

    scope: str  # CONSENT_SCOPES
    decision: str  # CONSENT_DECISIONS
    decided_on: date
    person: str | None  # the person's id; None: the child
    person_has_pr: bool  # ChildPerson.parental_responsibility
    is_child: bool = False  # the child's (young person's) own decision
    override_without_consent: bool = False  # BEX 4
    override_rationale: str = ""
    method: str = "written"  # CONSENT_METHODS
    notes: str = ""
    person_name: str = ""  # for display: "Jo Smith (Mother)"
    withheld: WithheldConsentRecord | None = None  # WIR 2.2, on a refusal or withdrawal
    ref: str = ""  # the store row's id, for links back

    @property
    def who(self) -> str:
        if self.person_name:
            return self.person_name
        if self.is_child:
            return "the young person"
        return self.person or "someone unnamed"

    @property
    def has_standing(self) -> bool:
        """Whose decision counts (WAR 4.2, WIR 2.1): a PR holder or the child themself."""
        return self.is_child or self.person_has_pr


def service_began(support_started: date | None, cin_plan_start: date | None) -> bool:
    """WAR 4.2, 4.4.2: a CIN service began in an episode: support started, or a CIN plan.
    Before it, at the referral or the assessment, consent to it is needed before support
    starts (the due list), and a closure then needs no decision on it (the checklist)."""
    return support_started is not None or cin_plan_start is not None


def service_flags_said(flags: Iterable[str], began: bool) -> tuple[str, ...]:
    """The flags on consent to the service as a worker reads them (WAR 4.2, "before support
    is given"): once a CIN service began (`service_began`), "No valid consent to a CIN
    service"; before it, at the referral or the assessment, "Consent to a CIN service needed
    before support starts". The due list and the consent tab say it alike, as the caseload's
    "Consent before support" does."""
    if began:
        return tuple(flags)
    return tuple(f.replace(NO_VALID_SERVICE, f"Consent to a CIN service {BEFORE_SUPPORT}", 1)
                 for f in flags)


def day_label(d: date) -> str:
    return day_words(d)  # "3 Mar 2026"


# ---------------------------------------------------------------------- current decisions


def current_consents(facts: Iterable[ConsentFact]) -> dict[tuple[str, str | None], ConsentFact]:
    """The decision in force per (scope, person): the latest by `decided_on` wins, so a later
    "withdrawn" cancels an earlier "given" (WAR 4.2). On the same day, the one listed later
    wins: pass rows in the order they were recorded."""
    current: dict[tuple[str, str | None], ConsentFact] = {}
    for fact in sorted(facts, key=lambda f: f.decided_on):  # stable: ties keep input order
        current[(fact.scope, fact.person)] = fact
    return current


def _is_given(fact: ConsentFact) -> bool:
    return fact.decision == "given" and not fact.override_without_consent


def _is_against(fact: ConsentFact) -> bool:
    return fact.decision in ("refused", "withdrawn") and not fact.override_without_consent


def is_young_person(child_age: int | None) -> bool:
    return child_age is not None and child_age >= YOUNG_PERSON_AGE


def own_words(child_age: int | None) -> str:
    """Whose own decision it is, in the words the due list and the consent flag use for one
    of 16 or 17 (WIR 2.1): "the young person"; younger, "the child"."""
    return "the young person" if is_young_person(child_age) else "the child"


def own_words_on(dob: date | None, on: date) -> str:
    """`own_words` for a child's own decision made on `on`, by their age that day (WIR 2.1):
    the consent tab, the chronology and the meeting safeguards say it alike."""
    return own_words(age_years(dob, on) if dob is not None and dob <= on else None)


def _consented(facts: list[ConsentFact], young_person: bool) -> bool:
    """A PR holder has given consent, and a young person of 16-17 has too (module docstring)."""
    parent = any(_is_given(f) and f.person_has_pr and not f.is_child for f in facts)
    own = any(_is_given(f) and f.is_child for f in facts)
    return parent and (own or not young_person)


def scope_status(facts: list[ConsentFact], young_person: bool) -> ConsentStatus:
    """One scope's status from the decisions in force for it."""
    if _consented(facts, young_person):
        return ConsentStatus.GIVEN
    if any(f.override_without_consent and not check_override(f) for f in facts):
        return ConsentStatus.OVERRIDDEN
    standing = [f for f in facts if f.has_standing]
    if any(f.decision == "withdrawn" and _is_against(f) for f in standing):
        return ConsentStatus.WITHDRAWN
    if any(f.decision == "refused" and _is_against(f) for f in standing):
        return ConsentStatus.REFUSED
    return ConsentStatus.MISSING


# ---------------------------------------------------------------------- checks


def check_override(fact: ConsentFact) -> list[Problem]:
    """BEX 4: sharing without consent is recorded with its rationale; a service can't be."""
    if not fact.override_without_consent:
        return []
    problems = []
    if fact.scope not in OVERRIDE_SCOPES:
        problems.append(Problem(
            "override_without_consent",
            "WAR 4.2: a CIN service needs consent and cannot be given without it; "
            "if the need is significant, consider s47 (WIR 2.2)",
        ))
    if not fact.override_rationale.strip():
        problems.append(Problem(
            "override_rationale",
            "BEX 4: record why consent was not sought (seeking it would place the child at risk)",
        ))
    return problems


def check_fact(fact: ConsentFact, today: date) -> list[Problem]:
    """Everything wrong with one decision before it is saved."""
    problems = []
    if fact.scope not in CONSENT_SCOPES:
        problems.append(Problem("scope", f"{fact.scope!r} is not one of: {', '.join(CONSENT_SCOPES)}"))
    if fact.decision not in CONSENT_DECISIONS:
        problems.append(
            Problem("decision", f"{fact.decision!r} is not one of: {', '.join(CONSENT_DECISIONS)}")
        )
    if fact.method not in CONSENT_METHODS:
        problems.append(Problem("method", f"{fact.method!r} is not one of: {', '.join(CONSENT_METHODS)}"))
    if fact.decided_on > today:
        problems.append(Problem("decided_on", f"{day_label(fact.decided_on)} is in the future"))
    return problems + check_override(fact)


def check_withheld(record: WithheldConsentRecord, today: date | None = None) -> list[Problem]:
    """What the WIR 2.2 withheld-consent path still lacks, in the order it is walked.

    1. the reasons for refusal discussed with the family;
    2. an alternative source of support and how it will be monitored — or, if there is
       none, a reflective case discussion between SW and team manager (not in the future);
    3. the decision (WITHHELD_DECISIONS); 4. the analysis behind it; 5. who decided.
    `today` is needed only to reject a discussion dated in the future.
    """
    problems = []
    if not record.reasons.strip():
        problems.append(Problem(
            "reasons", "WIR 2.2: discuss the family's reasons for refusal with them and record them",
        ))
    problems += _alternative_or_discussion(record, today)
    if not record.decision.strip():
        problems.append(Problem(
            "decision",
            "WIR 2.2: record the decision: refusal accepted (a benefit, not a need) "
            "or consider a s47 assessment (need likely to be significantly impaired)",
        ))
    elif record.decision not in WITHHELD_DECISIONS:
        problems.append(Problem(
            "decision", f"WIR 2.2: {record.decision!r} is not one of: {', '.join(WITHHELD_DECISIONS)}",
        ))
    if not record.analysis.strip():
        problems.append(Problem("analysis", "WIR 2.2: record the analysis behind the decision"))
    if not record.decided_by.strip():
        problems.append(Problem("decided_by", "WIR 2.2: record who made the decision"))
    return problems


def _alternative_or_discussion(record: WithheldConsentRecord, today: date | None) -> list[Problem]:
    if record.alternative_support.strip():
        if record.alternative_monitoring.strip():
            return []
        return [Problem(
            "alternative_monitoring",
            "WIR 2.2: record how the alternative support will be monitored, and by whom",
        )]
    if record.reflective_discussion_on is None:
        return [Problem(
            "reflective_discussion_on",
            "WIR 2.2: record an alternative source of support offered by the family and how "
            "it will be monitored, or, if there is none, the date of the reflective case "
            "discussion with the team manager",
        )]
    if today is not None and record.reflective_discussion_on > today:
        return [Problem(
            "reflective_discussion_on",
            f"WIR 2.2: the reflective case discussion date "
            f"{day_label(record.reflective_discussion_on)} is in the future",
        )]
    return []


def is_complete(record: WithheldConsentRecord, today: date | None = None) -> bool:
    return not check_withheld(record, today)


# ---------------------------------------------------------------------- the summary


class ConsentSummary(Record):
    status: dict[str, ConsentStatus]  # every scope in CONSENT_SCOPES
    valid_for_service: bool
    flags: tuple[str, ...]  # plain-language problems, most important first
    current: tuple[ConsentFact, ...]  # the decisions in force, oldest first


# BEX 4: "Parent / carer's permission should be sought to share this information with the
# receiving local authority" when a child in need moves: not a consent every child needs,
# as the service, information sharing and the CIN meeting are (WAR 4.2, WIR 2.1, 2.3).
ALWAYS_NEEDED = ("service", "information_sharing", "meeting")
ONLY_WHEN_MOVING = "sought when the child moves to another authority (BEX 4)"
# The transfer's own record of the permission (domain.transfer.CONSENT_TO_SHARE), as a status
_TRANSFER_PERMISSION = {"given": ConsentStatus.GIVEN, "refused": ConsentStatus.REFUSED,
                        "not_sought": ConsentStatus.OVERRIDDEN}


def scopes_shown(summary: ConsentSummary, child_name: str, child_age: int | None,
                 transfer: str | None = None) -> list[tuple[str, str, ConsentStatus]]:
    """The consent tab's status line: (scope, word, status) for each scope a worker needs to
    see. The service, information sharing and the CIN meeting always; consent to share
    records with another authority only while a transfer is recorded for the child or a
    decision on it is (BEX 4), otherwise it read "Transfer to another authority MISSING"
    for every child. `transfer`: None with no transfer recorded, else the permission to
    share the transfer records ("given", "refused", "not_sought"; "" not yet): with no
    decision on the tab, that is the status shown, as `cintui transfer status` says it."""
    shown = [(scope, scope_word(summary, scope, child_name, child_age), summary.status[scope])
             for scope in ALWAYS_NEEDED]
    decided = any(f.scope == "transfer" for f in summary.current)
    if decided:
        shown.append(("transfer", scope_word(summary, "transfer", child_name, child_age),
                      summary.status["transfer"]))
    elif transfer is not None:
        state = _TRANSFER_PERMISSION.get(transfer, ConsentStatus.MISSING)
        word = "NOT SOUGHT (BEX 4)" if transfer == "not_sought" else str(state).upper()
        shown.append(("transfer", word, state))
    return shown


def scope_to_record(summary: ConsentSummary) -> str:
    """The scope a new consent decision is most likely for: the first still missing, in
    the order a case needs them (the service, information sharing, the CIN meeting); a
    transfer's only when one is under way, so it is chosen, never offered first."""
    return next((scope for scope in CONSENT_SCOPES[:3]
                 if summary.status.get(scope) is ConsentStatus.MISSING), "service")


def consent_summary(
    facts: Iterable[ConsentFact], child_age: int | None, today: date | None = None
) -> ConsentSummary:
    """Where consent stands for one child (unborn or age unknown: `child_age` None)."""
    current = sorted(current_consents(facts).values(), key=lambda f: f.decided_on)
    young_person = is_young_person(child_age)
    status = {
        scope: scope_status([f for f in current if f.scope == scope], young_person)
        for scope in CONSENT_SCOPES
    }
    valid = status["service"] is ConsentStatus.GIVEN
    flags = _service_flags(current, valid, young_person, child_age)
    for scope in CONSENT_SCOPES:
        for fact in (f for f in current if f.scope == scope):
            flags += _fact_flags(fact, today)
    return ConsentSummary(status, valid, tuple(flags), tuple(current))


def service_consent(facts: Iterable[ConsentFact], child_age: int | None) -> tuple[bool, tuple[str, ...]]:
    """Only whether a CIN service has valid consent, and why not (the first flags of
    `consent_summary`): what the caseload and the due list need, for thousands of children."""
    service = [f for f in current_consents(f for f in facts if f.scope == "service").values()]
    young_person = is_young_person(child_age)
    valid = scope_status(service, young_person) is ConsentStatus.GIVEN
    return valid, tuple(_service_flags(service, valid, young_person, child_age))


def _service_flags(
    current: list[ConsentFact], valid: bool, young_person: bool, child_age: int | None
) -> list[str]:
    if valid:
        return []
    flags = [NO_VALID_SERVICE]
    service = [f for f in current if f.scope == "service"]
    parent = any(_is_given(f) and f.person_has_pr and not f.is_child for f in service)
    decided_self = any(f.is_child for f in service)
    if young_person and parent and not decided_self:
        flags.append(
            f"The young person ({child_age}) {OWN_NOT_GIVEN} (WIR 2.1)"
        )
    return flags


def service_reason(facts: Iterable[ConsentFact], child_name: str, child_age: int | None,
                   parents: Sequence[str] = ()) -> str:
    """Why consent to a CIN service is not valid, and whose is needed, in a worker's words
    (WAR 4.2, WIR 2.1-2.2); "" when it is valid. The due list, the consent tab and the closure
    checklist all say this one sentence. `parents`: the names of those on the child's People
    with parental responsibility ("Sam Smith"), whose consent would make it valid.

    "Jude (11) consented on 3 Dec 2026, but at 11 a parent's consent is needed: record Sam
    Smith's or another parent's" (under 16 the child's own decision is shown, a parent's
    decides: module docstring); "no one's consent is recorded: …"."""
    service = list(current_consents(f for f in facts if f.scope == "service").values())
    young = is_young_person(child_age)
    if scope_status(service, young) is ConsentStatus.GIVEN:
        return ""
    child = _child_words(child_name, child_age)
    at = f"at {child_age} " if child_age is not None else ""
    whose = _whose(parents)
    parent = [f for f in service if _is_given(f) and f.person_has_pr and not f.is_child]
    own = next((f for f in service if f.is_child), None)
    if parent:  # WIR 2.1: a young person of 16-17 consents as well
        p = parent[-1]
        if own is not None and _is_against(own):
            return (f"{child} {own.decision} their own consent on {day_label(own.decided_on)}:"
                    f" {at}it is needed as well as the consent {p.who} gave on "
                    f"{day_label(p.decided_on)} (WIR 2.1); the withheld-consent path follows "
                    "(WIR 2.2)")
        return f"{p.who} consented on {day_label(p.decided_on)}, but {child} {OWN_NOT_GIVEN} (WIR 2.1)"
    against = [f for f in service if f.has_standing and _is_against(f)]
    if against:
        f = against[-1]
        by = child if f.is_child else f.who
        return (f"consent was {f.decision} by {by} on {day_label(f.decided_on)}: the "
                f"withheld-consent path follows (WIR 2.2), or {whose}")
    overridden = [f for f in service if f.override_without_consent]
    if overridden:
        return (f"a CIN service was recorded without consent on "
                f"{day_label(overridden[-1].decided_on)}, which a service cannot be "
                f"(WAR 4.2): {whose}")
    if own is not None and _is_given(own):
        return (f"{child} consented on {day_label(own.decided_on)}, but {at}a parent's consent"
                f" is needed{' too' if young else ''} (WAR 4.2): {whose}")
    no_pr = [f for f in service if _is_given(f) and not f.has_standing]
    if no_pr:
        return (f"{no_pr[-1].who} consented on {day_label(no_pr[-1].decided_on)}, but without "
                f"parental responsibility that does not count (WAR 4.2): {whose}")
    return f"no one's consent is recorded (WAR 4.2): {_whose(parents, said=False)}"


def _whose(parents: Sequence[str], said: bool = True) -> str:
    """Whose consent to record: the parents on the record by name, else who to add (saying
    whose is needed, unless the sentence has: `said`)."""
    names = [f"{n}'s" for n in dict.fromkeys(p.strip() for p in parents) if n]
    if not names:
        return ("no one on the child's People has parental responsibility yet: add them "
                "first" if said else "a parent's or carer's with parental responsibility is "
                "needed, and no one on the child's People has it yet: add them first")
    if len(names) == 1:
        return f"record {names[0]} or another parent's"
    return f"record {', '.join(names[:-1])} or {names[-1]}"


def consent_command(reference: str, parents: Sequence[str] = (), own: bool = False) -> str:
    """The command that records the consent to the service that is missing (WAR 4.2): with
    exactly one person with parental responsibility on the child's People, by their name as
    typed at a shell (`--person "Sam Smith"`), else `--person NAME`; the young person's own
    (`own`, WIR 2.1): no --person, the command's default."""
    names = list(dict.fromkeys(n.strip() for n in parents if n.strip()))
    person = "" if own else f" --person {shell_word(names[0]) if len(names) == 1 else 'NAME'}"
    return f"cintui child consent {reference} --decision given{person}"


def own_needed(current: Iterable[ConsentFact], scope: str,
               child_age: int | None) -> ConsentFact | None:
    """The parent's consent in force to `scope` when, at 16 or 17, the young person's own is
    what is missing: a parent with parental responsibility has given it and the young person
    has no decision of their own recorded (WIR 2.1: "the consent of parents and young people
    of sufficient age and understanding is therefore required for agencies to share
    information or to hold a Child in Need meeting"). None otherwise."""
    facts = [f for f in current if f.scope == scope]
    if not is_young_person(child_age) or any(f.is_child for f in facts):
        return None
    return next((f for f in reversed(facts)
                 if _is_given(f) and f.person_has_pr and not f.is_child), None)


def _child_words(child_name: str, child_age: int | None) -> str:
    name = child_name or own_words(child_age)
    return f"{name} ({child_age})" if child_age is not None else name


def scope_word(summary: ConsentSummary, scope: str, child_name: str,
               child_age: int | None) -> str:
    """One scope's state as the consent tab says it beside its label: GIVEN, MISSING,
    REFUSED...; a parent's given and the young person's own not recorded, who is still to
    consent, "needs Alfie (16) too" (WIR 2.1), not a bare MISSING."""
    state = summary.status[scope]
    if state is ConsentStatus.MISSING and own_needed(summary.current, scope, child_age):
        return f"needs {_child_words(child_name, child_age)} too"
    return str(state).upper()


def own_needed_reason(summary: ConsentSummary, scope: str, child_name: str,
                      child_age: int | None) -> str:
    """Whose consent is given and whose is still needed, when a parent has consented to
    `scope` and a young person of 16 or 17 has not (`own_needed`, WIR 2.1), "" otherwise:
    "Jo Smith (Mother) consented on 3 Mar 2026, but Alfie (16) has not given their own
    consent to share information (WIR 2.1)", as `service_reason` says it of the service."""
    parent = own_needed(summary.current, scope, child_age)
    if parent is None or summary.status[scope] is not ConsentStatus.MISSING:
        return ""  # a refusal or an override is said as it is (`_fact_flags`)
    return (f"{parent.who} consented on {day_label(parent.decided_on)}, but "
            f"{_child_words(child_name, child_age)} {_own_not_given(scope)} (WIR 2.1)")


def _own_not_given(scope: str) -> str:
    return f"has not given their own consent to {_SCOPE_PHRASES.get(scope, scope)}"


def missing_service_hint(summary: ConsentSummary, pr_people: int) -> str:
    """The keys that record consent to the service while it is missing, "" when it is not
    (or when a parent has and the young person's own is what is missing: a opens on it, WIR
    2.1). Why it is missing and whose is needed is `service_reason`'s, shown above it."""
    service = [f for f in summary.current if f.scope == "service"]
    if summary.status.get("service") is not ConsentStatus.MISSING or any(
            _is_given(f) and f.person_has_pr and not f.is_child for f in service):
        return ""
    if pr_people:
        return "Press a to record a parent's decision."
    return "Add them on People (2, then a), then record their decision here (3, then a)."


def _fact_flags(fact: ConsentFact, today: date | None) -> list[str]:
    if fact.override_without_consent:
        return _override_flags(fact)
    if not _is_against(fact):
        return []
    who = fact.who if fact.has_standing else f"{fact.who} (no parental responsibility)"
    text = (f"Consent to {_SCOPE_PHRASES.get(fact.scope, fact.scope)} {fact.decision} by {who} "
            f"on {day_label(fact.decided_on)}")
    if fact.scope == "service" and fact.has_standing:
        text += " — " + _withheld_state(fact.withheld, today)
    return [text]


def _override_flags(fact: ConsentFact) -> list[str]:
    done = _OVERRIDE_DONE.get(fact.scope, fact.scope)
    when = day_label(fact.decided_on)
    flags = []
    for problem in check_override(fact):
        if problem.field == "override_without_consent":
            flags.append(f"{done} without consent on {when} — not allowed: a CIN service "
                         "needs consent (WAR 4.2)")
        else:
            flags.append(f"{done} without consent on {when} — no rationale recorded (BEX 4)")
    return flags


def _withheld_state(record: WithheldConsentRecord | None, today: date | None) -> str:
    if record is None or not is_complete(record, today):
        return "withheld-consent path incomplete (WIR 2.2)"
    return _WITHHELD_SHORT[record.decision]
