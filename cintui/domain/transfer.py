"""Step-down to early help (WIR 3) and transfer to another authority (BEX 4): pure rules.

Step-down (DOMAIN.md §7, WIR 3): agreed at a final CIN meeting; the step-down form names
the receiving service and the lead professional for the Team Around the Family, says
whether a conversation with that team took place, records the family's consent to the
Level 3 service and which documents go; it is completed within 5 working days of the
decision (the timescale engine's `step_down` clock). The final plan seeds the TAF plan so
the family need not tell their story again (TRA).

Transfer (BEX 4): notify the receiving authority and share the assessment, the CIN plan,
the latest review minutes and a case summary; seek the parents' permission unless seeking
it would increase the risk (record why), and take the Caldicott Guardian's or legal advice
before sharing against a refusal; consider trafficking and modern slavery where the family
has moved repeatedly; assess the move's impact on the child; tell the parents they must
register the child with a school and a GP there; note gaps in the new area's services; ask
the other agencies to pass their records to their counterparts; record every decision with
its rationale.

Everything here works on plain values; `today` is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from cintui.domain.dates import day_words
from cintui.domain.endings import ChecklistItem, Problem
from cintui.domain.meeting import left_booked
from cintui.domain.text import control_problem, counted

# WIR 3: "which documents transfer" — chosen from this list, in this order.
STEP_DOWN_DOCUMENTS = ("assessment", "plan", "minutes", "visits")
DOCUMENT_LABELS = {
    "assessment": "The assessment",
    "plan": "The latest CIN plan (the plan in force)",
    "minutes": "The latest meeting minutes",
    "visits": "A summary of the visits",
}
NO_PLAN = "No CIN plan on record"  # in place of "plan" when there is none (RC9)


def documents_going(documents: Iterable[str], *, has_plan: bool) -> list[str]:
    """WIR 3: the documents that go, in words; with no CIN plan (a step-down from the
    assessment) the plan is said to be missing in its place, never listed as going (a form
    without one cannot choose it: `documents_that_can_go`)."""
    chosen = list(documents)
    if chosen and not has_plan and "plan" not in chosen:
        chosen = [d for d in STEP_DOWN_DOCUMENTS if d in chosen or d == "plan"] + [
            d for d in chosen if d not in STEP_DOWN_DOCUMENTS]
    return [NO_PLAN if d == "plan" and not has_plan else DOCUMENT_LABELS.get(d, d)
            for d in chosen]


# BEX 4: the parents' permission to share with the receiving authority.
CONSENT_TO_SHARE = ("given", "refused", "not_sought")
CONSENT_TO_SHARE_LABELS = {
    "given": "given",
    "refused": "refused",
    "not_sought": "not sought: seeking it would increase the risk to the child",
}
# BEX 4: "consider trafficking/modern slavery where the family has moved repeatedly".
# `moves_count` counts the family's house moves known to us, this one included: two or
# more is "moved repeatedly".
MULTIPLE_MOVES = 2
# BEX 4's principles for the move, as the pack's case summary and the screens name them.
MOVE_WORDS = (
    ("move_impact", "The move's impact on the child"),
    ("responsibilities_told", "Parents told to register the child with a school and a GP"),
    ("service_gaps", "Gaps in the new area's services"),
    ("agencies_asked", "Agencies asked to pass their records on"),
    ("sharing_advice", "Advice before sharing without permission"),
)
# What a closure after a step-down is recorded as (data/census_codes.json): RC9 "Case
# closed after assessment, referred to early help" when no CIN plan was started, else RC7
# "Services ceased for any other reason, including child no longer in need".
STEP_DOWN_REASON_AFTER_ASSESSMENT = "RC9"
STEP_DOWN_REASON_AFTER_PLAN = "RC7"
# RC5 "Transferred to services of another local authority".
TRANSFER_REASON = "RC5"


def _item(key: str, text: str, rule: str, met: bool, problem: str) -> ChecklistItem:
    return ChecklistItem(key, text, rule, met, "" if met else problem)


# ---------------------------------------------------------------- documents (WIR 3)


def documents_that_can_go(*, has_plan: bool) -> tuple[str, ...]:
    """WIR 3: the documents a step-down can send, in the list's order: the CIN plan only
    when there is one (none after an assessment alone: RC9)."""
    return tuple(d for d in STEP_DOWN_DOCUMENTS if has_plan or d != "plan")


def document_problem(part: str, *, has_plan: bool = True) -> str:
    """Why a word typed among the documents cannot go ("" if it can)."""
    key = part.strip().lower()
    if key == "plan" and not has_plan:
        return ("there is no CIN plan on record to send: choose from "
                + ", ".join(documents_that_can_go(has_plan=False)))
    if key not in STEP_DOWN_DOCUMENTS:
        return f"{part!r} is not a document that can go: " + ", ".join(
            documents_that_can_go(has_plan=has_plan))
    return ""


def parse_documents(values: Iterable[str], *, has_plan: bool = True) -> tuple[str, ...]:
    """The documents chosen, in the list's order, each once; an unknown one, or the plan
    when there is none (`has_plan`), is a ValueError naming the choices."""
    chosen = set()
    for raw in values:
        for part in str(raw).replace(",", " ").split():
            if problem := document_problem(part, has_plan=has_plan):
                raise ValueError(problem)
            chosen.add(part.strip().lower())
    return tuple(d for d in STEP_DOWN_DOCUMENTS if d in chosen)


# ---------------------------------------------------------------- step-down (WIR 3)


@dataclass(frozen=True)
class StepDownFacts:
    """What the step-down checklist looks at."""

    receiving_service: str = ""
    lead_professional: str = ""
    conversation_held: bool | None = None
    conversation_notes: str = ""
    family_consent: bool | None = None
    documents: tuple[str, ...] = ()
    approved: bool = False
    decided_on: date | None = None
    completed_on: date | None = None
    final_meeting_on: date | None = None  # the final CIN meeting that recommended it


def check_step_down(f: StepDownFacts) -> list[Problem]:
    """What recording a step-down needs (WIR 3): the receiving early help service it goes
    to; the rest of the form can follow before it is completed."""
    if not f.receiving_service.strip():
        return [Problem("receiving_service", "name the receiving early help service / TAF "
                        "(WIR 3)")]
    return []


def step_down_checklist(f: StepDownFacts, today: date) -> list[ChecklistItem]:
    """WIR 3: every condition for completing a step-down, in the order a worker meets them."""
    when = f.completed_on
    date_problem = ""
    if when is None:
        date_problem = "give the date the step-down was completed"
    elif when > today:
        date_problem = f"{day_words(when)} is in the future"
    elif f.decided_on and when < f.decided_on:
        date_problem = f"{day_words(when)} is before the manager's decision ({day_words(f.decided_on)})"
    return [
        _item("meeting", "Recommended at a final CIN meeting (a multi-agency decision)",
              "WIR 3", f.final_meeting_on is not None,
              "no final CIN meeting recommending the step-down is on record: hold one, "
              "or a review, with the recommendation to step down"),
        _item("approved", "The manager has agreed the step-down, with a rationale",
              "WIR 3; BEX 4", f.approved, "no manager's decision to step down yet"),
        _item("receiving_service", "The receiving early help service is named", "WIR 3",
              bool(f.receiving_service.strip()), "name the receiving service"),
        _item("lead_professional", "A named lead professional for the Team Around the "
              "Family", "WIR 3", bool(f.lead_professional.strip()),
              "name the lead professional"),
        _item("conversation", "Whether a conversation with the receiving team took place "
              "is recorded", "WIR 3", f.conversation_held is not None and (
                  not f.conversation_held or bool(f.conversation_notes.strip())),
              "say whether you spoke with the receiving team" if f.conversation_held is None
              else "note what was said in the conversation with the receiving team"),
        _item("family_consent", "The family consents to the Level 3 service", "WIR 3",
              f.family_consent is True,
              "the family has not consented to the Level 3 service: early help is "
              "voluntary; record their consent, or end differently (closure)"
              if f.family_consent is False else "record the family's consent to the "
              "Level 3 service"),
        _item("documents", "The documents that go are chosen", "WIR 3; TRA",
              bool(f.documents), "choose the documents that go (" +
              ", ".join(STEP_DOWN_DOCUMENTS) + ")"),
        _item("date", "The completion date is not in the future, nor before the decision",
              "WIR 3", not date_problem, date_problem),
    ]


def agreed_before_final_meeting(items: Iterable[ChecklistItem]) -> str | None:
    """WIR 3: a step-down is a multi-agency decision at a final CIN meeting. A manager may
    agree it first (discussed with the line manager first, DOMAIN.md §7), so agreeing is
    warned, not refused; completing it waits for the meeting (`step_down_checklist`). The
    warning when the step-down's checklist has no such meeting yet, else None."""
    missing = next((i for i in items if i.key == "meeting" and not i.met), None)
    if missing is None:
        return None
    return (f"Warning: {missing.problem} ({missing.rule}: a step-down is a multi-agency "
            "decision at a final CIN meeting); agreed now, it cannot be completed until then.")


def step_down_reason(cin_plan_started: bool) -> str:
    """The census reason the closure after a step-down carries (RC9 after the assessment
    alone, RC7 once a CIN plan was in place)."""
    return STEP_DOWN_REASON_AFTER_PLAN if cin_plan_started else STEP_DOWN_REASON_AFTER_ASSESSMENT


def unmet_need_stepped_down(still_in_need: bool | None) -> bool:
    """STO 3.3: a child stepped down to early help while still in need counts as "unmet
    need stepped down"; not known counts as no."""
    return bool(still_in_need)


# ---------------------------------------------------------------- transfer (BEX 4)


def moved_repeatedly(moves_count: int | None) -> bool:
    """BEX 4: the family "has moved repeatedly": two or more moves known, this one too."""
    return moves_count is not None and moves_count >= MULTIPLE_MOVES


def check_consent_to_share(consent: str, reason: str) -> list[Problem]:
    """BEX 4: parental permission is sought unless seeking it would increase the risk; then
    the reason is recorded. Refused permission: the pack goes only with a recorded reason
    to share without it."""
    if consent not in CONSENT_TO_SHARE:
        return [Problem("consent_to_share", "record the parents' permission to share: "
                        + ", ".join(CONSENT_TO_SHARE))]
    if consent == "not_sought" and not reason.strip():
        return [Problem("consent_reason", "BEX 4: permission not sought: record why "
                        "(seeking it would increase the risk to the child)")]
    if consent == "refused" and not reason.strip():
        return [Problem("consent_reason", "BEX 4: permission refused: record why the "
                        "information is shared without it")]
    return []


@dataclass(frozen=True)
class TransferFacts:
    receiving_authority: str = ""
    receiving_contact: str = ""
    move_date: date | None = None
    consent_to_share: str = ""
    consent_reason: str = ""
    moves_count: int | None = None
    trafficking_considered: str = ""
    # BEX 4's principles for a child in need moving away, each recorded in words:
    move_impact: str = ""  # the move's impact on the child, in respect of their vulnerability
    responsibilities_told: str = ""  # the parents told to register with a school and a GP
    service_gaps: str = ""  # deficits in the new area's services ("none known")
    agencies_asked: str = ""  # agencies asked to pass records to their counterparts
    sharing_advice: str = ""  # Caldicott Guardian or legal advice (permission refused)
    approved: bool = False
    decided_on: date | None = None
    sent_on: date | None = None
    drafts: int = 0  # visit and minutes drafts
    draft_plan: bool = False  # a plan version still in draft (it would not travel)
    booked: tuple[tuple[str, datetime], ...] = ()  # meetings still to be held: (kind, start)


def check_transfer(f: TransferFacts, today: date) -> list[Problem]:
    """What recording a transfer needs (BEX 4): the receiving authority, the move date, a
    plausible number of moves."""
    problems = []
    if not f.receiving_authority.strip():
        problems.append(Problem("receiving_authority", "name the receiving authority"))
    if f.move_date is None:
        problems.append(Problem("move_date", "give the date of the move"))
    if f.moves_count is not None and f.moves_count < 1:
        problems.append(Problem("moves", "count the moves, this one included (1 or more)"))
    if f.consent_to_share and f.consent_to_share not in CONSENT_TO_SHARE:
        problems += check_consent_to_share(f.consent_to_share, f.consent_reason)
    return problems


def transfer_checklist(f: TransferFacts, today: date) -> list[ChecklistItem]:
    """BEX 4: every condition for marking the transfer pack sent."""
    consent = check_consent_to_share(f.consent_to_share, f.consent_reason)
    repeated = moved_repeatedly(f.moves_count)
    when = f.sent_on
    date_problem = ""
    if when is None:
        date_problem = "give the date the pack was sent"
    elif when > today:
        date_problem = f"{day_words(when)} is in the future"
    elif f.decided_on and when < f.decided_on:
        date_problem = f"{day_words(when)} is before the manager's decision ({day_words(f.decided_on)})"
    return [
        _item("approved", "The manager has agreed the transfer, with a rationale", "BEX 4",
              f.approved, "no manager's decision on the transfer yet"),
        _item("receiving", "The receiving authority and a contact there are named", "BEX 4",
              bool(f.receiving_authority.strip() and f.receiving_contact.strip()),
              "name the receiving authority and a contact there"),
        _item("move_date", "The date of the move is recorded", "BEX 4",
              f.move_date is not None, "give the date of the move"),
        _item("consent", "Permission to share is recorded, or why it was not sought",
              "BEX 4", not consent, consent[0].message if consent else ""),
        # Only for a family that has moved repeatedly: listed otherwise, it read as done.
        *([_item("trafficking", "Trafficking and modern slavery considered (the family has "
                 "moved repeatedly)", "BEX 4", bool(f.trafficking_considered.strip()),
                 f"the family has moved {f.moves_count} times: record the consideration of "
                 "trafficking and modern slavery")] if repeated else []),
        _item("impact", "The move's impact on the child is assessed (protective factors "
              "changed, risk from people known to us)", "BEX 4", bool(f.move_impact.strip()),
              "record how the move affects the child: the protective factors it changes, "
              "any risk from people known to us"),
        _item("responsibilities", "The parents are told to register the child with a school "
              "and a GP in the new area", "BEX 4", bool(f.responsibilities_told.strip()),
              "record that the parents were told they must arrange the child's school, GP "
              "and any specialist service there (when, and how)"),
        _item("gaps", "Gaps in the new area's services for the child's needs are noted",
              "BEX 4", bool(f.service_gaps.strip()),
              "note any of the child's needs the receiving authority cannot meet "
              "(\"none known\" if none)"),
        _item("agencies", "The other agencies are asked to pass their records to their "
              "counterparts there (school, GP …)", "BEX 4", bool(f.agencies_asked.strip()),
              "record which agencies were asked to pass their records on (the school, the "
              "GP …)"),
        *([_item("advice", "Advice taken before sharing without the parents' permission "
                 "(the Caldicott Guardian or legal services)", "BEX 4",
                 bool(f.sharing_advice.strip()),
                 "the parents refused permission to share: record the Caldicott Guardian's "
                 "or legal services' advice")] if f.consent_to_share == "refused" else []),
        _item("no_drafts", "No visit, minutes or plan drafts left unfinished",
              "TRA; DOMAIN §9", f.drafts == 0 and not f.draft_plan, "; ".join(
                  x for x in (f"{counted(f.drafts, 'visit or minutes draft')} still unfinished: "
                              "finalise or discard (visits on the Visits tab, minutes on the "
                              "Meetings tab)" if f.drafts else "",
                              "a plan version is still a draft: agree or delete it (only the "
                              "plan in force travels)" if f.draft_plan else "") if x)),
        _item("no_meetings_booked", "No meeting left booked: each cancelled, everyone "
              "invited told", "WIR 2.9", not f.booked, left_booked(f.booked, today)),
        _item("date", "The date sent is not in the future, nor before the decision", "BEX 4",
              not date_problem, date_problem),
    ]


# ---------------------------------------------------------------- transfer-in (BEX 4)


def check_pack_child(child: object) -> list[str]:
    """What a transfer pack's child must carry to be recreated (names the missing key)."""
    if not isinstance(child, dict):
        return ["child: missing or not an object"]
    missing = []
    if not (str(child.get("first_name") or "").strip()
            or str(child.get("last_name") or "").strip()):
        missing.append("child.first_name/last_name: a child needs a name")
    if not str(child.get("reference") or "").strip():
        missing.append("child.reference: missing")
    if not (child.get("dob") or child.get("expected_dob")):
        missing.append("child.dob: missing (or expected_dob for an unborn child)")
    missing += [f"child.{key}: {problem}" for key, value in child.items()
                if isinstance(value, str) and (problem := control_problem(value))]
    return missing


__all__ = [
    "CONSENT_TO_SHARE", "CONSENT_TO_SHARE_LABELS", "DOCUMENT_LABELS", "MOVE_WORDS",
    "MULTIPLE_MOVES", "NO_PLAN",
    "STEP_DOWN_DOCUMENTS", "STEP_DOWN_REASON_AFTER_ASSESSMENT", "STEP_DOWN_REASON_AFTER_PLAN",
    "TRANSFER_REASON", "StepDownFacts", "TransferFacts", "check_consent_to_share",
    "check_pack_child", "check_step_down", "check_transfer", "document_problem",
    "documents_going", "documents_that_can_go", "moved_repeatedly", "parse_documents",
    "step_down_checklist", "step_down_reason", "transfer_checklist",
    "unmet_need_stepped_down",
]
