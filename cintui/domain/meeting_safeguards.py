"""Meeting safeguards: what must be true before a CIN meeting is booked, cancelled or closed
off, and the non-engagement path (DOMAIN.md §5, §11; issue 23 item 3).

The rules, from the seeds:
- WIR 2.1, 2.3: "The consent of parents and young people of sufficient age and
  understanding is therefore required ... to hold a Child in Need meeting"; "Unless there
  are very exceptional circumstances, meetings should not take place without the consent
  of parents and children of sufficient age and understanding." (`consent_problem`)
- BEX 3: "The initial child in need planning meeting should be chaired by a manager";
  reviews by "a qualified and experienced social worker, or a manager"; TRA: reviews by
  "the relevant Senior Practitioner, Area Team Leader or Operational Manager"; WIR 2.3: the
  social worker chairs. Which roles may chair is the policy's (`MeetingRules`).
  (`chair_problem`)
- BEX 3: meetings "should be attended by the child (depending on age and understanding),
  parents/carers, the family network and those agencies who can support the family";
  WIR 2.3 lists the same. (`invitation_problem`)
- WIR 2.3: the social worker ensures "that relevant information is circulated
  beforehand": the papers. (`papers_problem`, `papers_flag`)
- WIR 2.9: "the Social Worker must let the family and all agencies know" of a
  cancellation. (`cancel_problem`)
- TRA: "If parent(s) were unable to attend the meeting the allocated worker should visit
  as soon as possible after the review meeting to gain their agreement to the review
  decisions". (`absent_parents`, `agreement_problem`)
- WIR 2.10: non-engagement by the family, as a guided path. (`NonEngagement`,
  `non_engagement_missing`)
- STO 4.4: inspectors found probation and adult mental health "often omitted from the list
  of invitees to children's meetings, where they could add significant value", and "no
  current systematic information-sharing about domestic abuse incidents with key health
  providers, such as GPs". (`partner_prompts`: a prompt, never a refusal)

Decisions where the seeds are silent (tests pin each one):
- Consent to a meeting is the `meeting` scope of `domain.consent` (a parent with parental
  responsibility, and a young person of 16 or 17 for themselves). Without it, a booking is
  allowed only when the record says why: the meeting recorded as held without consent with
  its rationale (WIR 2.3 "very exceptional circumstances"; the consent form's "without
  consent"), or the refusal's WIR 2.2 withheld-consent path complete.
- A child under `CHILD_INVITE_AGE`, or unborn, need not be invited (age and understanding);
  from that age a child not invited needs the reason.
- Everyone of the child's People not invited is named in the refusal, and one reason covers
  them all.
- The initial and transfer-in meetings follow the initial meeting's chair rule; reviews and
  the final meeting the review's.
- Every invitee is told of a cancellation (WIR 2.9 "the family and all agencies").
- The agreement visit follows a review (and a final meeting, which reviews the plan too).

Pure: no Textual, no SQL, no clock reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date

from cintui.domain.consent import (
    ConsentFact,
    ConsentStatus,
    check_override,
    check_withheld,
    current_consents,
    is_young_person,
    scope_status,
)
from cintui.domain.dates import day_words
from cintui.domain.meeting import KIND_LABELS, Invitee
from cintui.domain.policy import MeetingRules
from cintui.domain.text import in_sentence
from cintui.domain.workforce import a_role

CHILD_INVITE_AGE = 5  # under this (or unborn) a child need not be invited
PLANNING = ("initial", "transfer_in")  # chaired under the initial meeting's rule
AGREEMENT_KINDS = ("review", "final")  # TRA: a parent absent is visited for agreement
AGREEMENT_OUTCOMES = ("agreed", "not_agreed")
AGREEMENT_LABELS = {"agreed": "Agreed the review's decisions",
                    "not_agreed": "Did not agree (what and why recorded)"}


def _names(people: Iterable[str]) -> str:
    people = list(people)
    return people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]


# ------------------------------------------------------------------ consent (WIR 2.1, 2.3)


# STO 4.4: who the assessment's findings call to a child's meeting, and the words that name
# them in an invitee's role or agency ("Care coordinator (CMHT)", "GP (Northgate Surgery)").
_PARTNERS = (
    (("4B", "4C"), "a parent's mental health", "adult mental health services (the parent's "
     "care coordinator or mental health worker)",
     re.compile(r"mental health|\bcmht\b|\bamhs\b|psychiatr|care co-?ordinator", re.I)),
    (("3B", "3C"), "domestic abuse", "the GP and community health (invite them, or send them "
     "the minutes)", re.compile(r"\bgp\b|general practi|surgery|community health", re.I)),
)
_PROBATION = re.compile(r"probation|\bnps\b|\bcrc\b|offender manager", re.I)


def partner_prompts(factors: Iterable[str], parent_in_prison: bool,
                    invitees: Iterable[Invitee]) -> list[str]:
    """STO 4.4: the partners a child's meeting should hear from, given the assessment's
    factors (a parent's mental health 4B/4C, domestic abuse 3B/3C) and a parent in prison,
    who are not among `invitees` (matched by the words of their role and agency)."""
    found = set(factors)
    said = " · ".join(f"{i.role} {i.name}" for i in invitees)
    out = []
    for codes, finding, whom, words in _PARTNERS:
        hit = sorted(found & set(codes))
        if hit and not words.search(said):
            out.append(f"STO 4.4: the assessment found {finding} ({', '.join(hit)}): invite "
                       f"{whom}; add them on People first")
    if parent_in_prison and not _PROBATION.search(said):
        out.append("STO 4.4: a parent is in prison: invite probation (the parent's offender "
                   "manager); add them on People first")
    return out


def consent_problem(facts: Iterable[ConsentFact], child_age: int | None,
                    parents_with_pr: int | None = None, reference: str = "CHILD") -> str:
    """Why a meeting may not be booked for want of consent ("" when it may): consent to a
    CIN meeting from a parent with parental responsibility and, at 16 or 17, the young
    person too (WIR 2.1, 2.3); or the record of why it goes ahead without (module doc).
    `parents_with_pr`: how many the child's People have (None: not known); with none, the
    first thing to do is to add them. `reference`: the child's, in the commands it names."""
    current = [f for f in current_consents(facts).values() if f.scope == "meeting"]
    young = is_young_person(child_age)
    status = scope_status(current, young)
    if status is ConsentStatus.GIVEN:
        return ""
    if any(f.override_without_consent and not check_override(f) for f in current):
        return ""  # WIR 2.3: very exceptional circumstances, the rationale recorded
    against = [f for f in current if f.has_standing and f.decision in ("refused", "withdrawn")
               and not f.override_without_consent]
    if against and all(f.withheld is not None and not check_withheld(f.withheld)
                       for f in against):
        return ""  # WIR 2.2: the withheld-consent path records why
    if against:
        who = _names(f"{f.who} {f.decision}" for f in against)
        return (f"WIR 2.1, 2.3: consent to the meeting {who}: complete the withheld-consent "
                "path (WIR 2.2) or record the meeting as held without consent, with why")
    parent = any(f.decision == "given" and f.person_has_pr and not f.is_child
                 and not f.override_without_consent for f in current)
    if parents_with_pr == 0 and not parent:
        return ("WIR 2.1, 2.3: no meeting without consent from a parent with parental "
                "responsibility, and none is on the child's record: add them (2 for People, "
                f"then a, PR ticked; `cintui person add {reference} --name NAME --pr`), then "
                "record their consent to a CIN meeting, or why it goes ahead without")
    needed = ("the young person's own consent" if parent and young else
              "consent from a parent with parental responsibility"
              + (" and the young person" if young else ""))
    return (f"WIR 2.1, 2.3: no meeting without consent: record {needed} to a CIN meeting "
            f"(the record's Consent tab, or `cintui child consent {reference} --scope meeting`), "
            "or why it goes ahead without")


# ------------------------------------------------------------------ the chair (BEX 3, TRA)


def chair_rule(kind: str, rules: MeetingRules) -> tuple[tuple[str, ...], str]:
    """The roles that may chair a meeting of `kind`, and the rule's source."""
    if kind in PLANNING:
        return rules.initial_chairs, rules.initial_source
    return rules.review_chairs, rules.review_source


def chair_problem(kind: str, role: str, rules: MeetingRules) -> str:
    """Why the chair may not chair this meeting ("" when they may). `role` is a worker role
    (`domain.workforce.ROLES`), "" when unknown."""
    allowed, source = chair_rule(kind, rules)
    label = in_sentence(KIND_LABELS.get(kind, "Meeting"))
    roles = _names([a_role(r) for r in allowed]).replace(" and ", " or ")
    if not role:
        return (f"{source}: the {label} is chaired by {roles}: say the chair's role "
                "(or choose a worker of this store as chair)")
    if role in allowed:
        return ""
    return (f"{source}: the {label} is chaired by {roles}, not {a_role(role)}: "
            "choose another chair")


# ------------------------------------------------------------------ invitations (BEX 3)


def left_out(choices: Iterable[Invitee], invited: Iterable[Invitee], child_invited: bool,
             child_age: int | None, child_name: str = "the child") -> list[str]:
    """Who of the child, the parents and the network is not invited (BEX 3, WIR 2.3)."""
    invited = list(invited)
    out = []
    if not child_invited and child_age is not None and child_age >= CHILD_INVITE_AGE:
        out.append(f"{child_name} (the child)")
    for c in choices:
        if not any(_same(c, i) for i in invited):
            out.append(f"{c.name} ({c.role})" if c.role else c.name)
    return out


def _same(a: Invitee, b: Invitee) -> bool:
    """The same person: by their id where both have one, else by name."""
    if a.person_id is not None and b.person_id is not None:
        return a.person_id == b.person_id
    return " ".join(a.name.split()).casefold() == " ".join(b.name.split()).casefold()


def invitation_problem(missing: list[str], reason: str) -> str:
    """The child, the parents and the network are invited, or why not is recorded."""
    if not missing or reason.strip():
        return ""
    return (f"BEX 3, WIR 2.3: not invited: {_names(missing)}: invite them or record why "
            "not")


def reason_but_all_invited(choices: Iterable[Invitee], invited: Iterable[Invitee],
                           child_invited: bool, reason: str,
                           child_name: str = "the child") -> str:
    """A reason someone is not invited, given when everyone is, the child too: the reason
    says who is not (often the child: "Anya chose not to come"), so the booking would list
    them as invited while its record says why they were not. Say who is not invited, or
    leave the reason out."""
    invited = list(invited)
    if not reason.strip() or not child_invited or any(
            not any(_same(c, i) for i in invited) for c in choices):
        return ""
    return (f"BEX 3: a reason someone is not invited, but everyone is, {child_name} too: "
            "say who is not invited, or leave the reason out")


# ------------------------------------------------------------------ papers (WIR 2.3)


def papers_problem(sent_on: date | None, meeting_on: date, today: date) -> str:
    """When the papers went out: known, not in the future, not after the meeting."""
    if sent_on is None:
        return "WIR 2.3: say when the papers were sent out"
    if sent_on > today:
        return f"{day_words(sent_on)} is still to come: record the papers when they go out"
    if sent_on > meeting_on:
        return (f"WIR 2.3: papers go out before the meeting ({day_words(meeting_on)}); after "
                "it, record who the minutes went to")
    return ""


def papers_flag(status: str, sent_on: date | None) -> str:
    """A meeting whose papers were not circulated before it (WIR 2.3), "" otherwise."""
    if sent_on is not None or status == "cancelled":
        return ""
    if status == "held":
        return "papers not circulated before the meeting (WIR 2.3)"
    return "papers not circulated yet (WIR 2.3)"


# ------------------------------------------------------------------ cancelling (WIR 2.9)


def cancel_problem(told: Iterable[str], invitees: Iterable[Invitee]) -> str:
    """WIR 2.9: the family and every agency invited are told of a cancellation."""
    told_keys = {" ".join(t.split()).casefold() for t in told if t.strip()}
    if not told_keys:
        return "WIR 2.9: record who was told the meeting is cancelled (the family and all " \
               "agencies)"
    missing = [i.name for i in invitees
               if " ".join(i.name.split()).casefold() not in told_keys]
    if missing:
        return f"WIR 2.9: tell everyone invited: not yet told {_names(missing)}"
    return ""


# ------------------------------------------------------------------ agreement visits (TRA)


def absent_parents(kind: str, attendance: Iterable[Invitee]) -> list[Invitee]:
    """TRA: parents who did not attend a review, to be visited to gain their agreement."""
    if kind not in AGREEMENT_KINDS:
        return []
    return [p for p in attendance if p.is_parent and p.attendance != "present"]


def agreement_problem(visited_on: date | None, outcome: str, notes: str, held_on: date,
                      today: date) -> tuple[str, str]:
    """(field, problem) with an agreement visit as recorded, ("", "") when none."""
    if visited_on is None:
        return "visited_on", "TRA: say when the parent was visited"
    if visited_on > today:
        return "visited_on", f"{day_words(visited_on)} is still to come"
    if visited_on < held_on:
        return "visited_on", (f"TRA: the visit is after the review ({day_words(held_on)}), "
                              "to gain agreement to its decisions")
    if outcome not in AGREEMENT_OUTCOMES:
        return "outcome", "TRA: did the parent agree to the review's decisions?"
    if outcome == "not_agreed" and not notes.strip():
        return "notes", "TRA: record what the parent does not agree to, and why"
    return "", ""


# ------------------------------------------------------------------ non-engagement (WIR 2.10)


@dataclass(frozen=True)
class NonEngagement:
    """WIR 2.10, the steps a worker takes with a family who is uncooperative or hostile."""

    why: str = ""  # 1. why the family may be uncooperative: trauma, past services
    history: str = ""  # 2. all available information: previous assessments (EHAT), TAF
    culture: str = ""  # 3. cultural factors: expert advice sought, or why not relevant
    requirements: str = ""  # 4. what is required of the parents and the consequences
    communication: str = ""  # 5. literacy, interpretation, a summary at each contact
    records: str = ""  # 6. told what is recorded and that they can access it


NON_ENGAGEMENT_STEPS: dict[str, tuple[str, str]] = {
    "why": ("1. Why uncooperative",
            "WIR 2.10: record why the family may be uncooperative or hostile, considering "
            "the parents' previous experiences of trauma and of services"),
    "history": ("2. What is known",
                "WIR 2.10: record the information considered: previous assessments such as "
                "an EHAT, and whether the family co-operated with the TAF lead professional"),
    "culture": ("3. Cultural factors",
                "WIR 2.10: record the expert help and advice sought where cultural factors "
                "may make the family resistant (religious events, gender, taboos), or why "
                "none is needed"),
    "requirements": ("4. What is required",
                     "WIR 2.10: record what the parents were told is required of them and "
                     "the consequences of not doing it"),
    "communication": ("5. How we communicate",
                      "WIR 2.10: record the parents' communication needs: literacy (verbal, "
                      "not written), translation or interpretation, a summary at the end of "
                      "each contact"),
    "records": ("6. Records explained",
                "WIR 2.10: record that the parents know what is recorded and that they can "
                "access written records about them"),
}


def non_engagement_missing(path: NonEngagement) -> list[tuple[str, str]]:
    """The WIR 2.10 steps still to record, as (field, what to do), in order."""
    return [(f.name, NON_ENGAGEMENT_STEPS[f.name][1]) for f in fields(path)
            if not getattr(path, f.name).strip()]


__all__ = [
    "AGREEMENT_KINDS", "AGREEMENT_LABELS", "AGREEMENT_OUTCOMES", "CHILD_INVITE_AGE",
    "NON_ENGAGEMENT_STEPS", "NonEngagement", "absent_parents", "agreement_problem",
    "cancel_problem", "chair_problem", "chair_rule", "consent_problem",
    "invitation_problem", "left_out", "non_engagement_missing", "papers_flag",
    "papers_problem",
]
