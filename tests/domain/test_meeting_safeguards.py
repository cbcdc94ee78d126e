"""Meeting safeguards (issue 23 item 3): each rule tested against its seed."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from cintui.domain.consent import ConsentFact, WithheldConsentRecord
from cintui.domain.meeting import Invitee
from cintui.domain.meeting_safeguards import (
    NonEngagement,
    absent_parents,
    agreement_problem,
    cancel_problem,
    chair_problem,
    consent_problem,
    invitation_problem,
    left_out,
    non_engagement_missing,
    papers_flag,
    papers_problem,
    reason_but_all_invited,
)
from cintui.domain.policy import MeetingRules, PolicyError, parse_policy
from cintui.reference.policies import load_policy

DAY = date(2026, 11, 2)
MUM = "mum-id"


def fact(decision="given", *, person=MUM, pr=True, child=False, scope="meeting", **kw):
    return ConsentFact(scope=scope, decision=decision, decided_on=kw.pop("on", DAY),
                       person=None if child else person, person_has_pr=pr, is_child=child,
                       person_name="Jo Synthetic (Mother)" if not child else "", **kw)


COMPLETE = WithheldConsentRecord(reasons="Worried about the school hearing", decision=(
    "refusal_accepted"), reflective_discussion_on=DAY, analysis="A benefit, not a need",
    decided_by="Tess Manager")


# ------------------------------------------------------------------ consent: WIR 2.1, 2.3


def test_wir_2_1_2_3_no_meeting_without_a_parents_consent():
    problem = consent_problem([], child_age=9)
    assert problem.startswith("WIR 2.1, 2.3: no meeting without consent")
    assert "parent with parental responsibility" in problem


def test_wir_2_1_2_3_with_no_parent_on_the_record_the_first_step_is_to_add_them():
    """A new team's child, no People yet: a 7-year-old's own "given" does not count, and
    the form once said only "record consent from a parent" with no parent to choose."""
    problem = consent_problem([fact(child=True)], child_age=7, parents_with_pr=0)
    assert problem.startswith("WIR 2.1, 2.3: no meeting without consent from a parent with "
                              "parental responsibility, and none is on the child's record: "
                              "add them (2 for People, then a, PR ticked; `cintui person add "
                              "CHILD --name NAME --pr`)")
    assert "none is on the child's record" not in consent_problem([], child_age=7,
                                                                  parents_with_pr=1)
    assert consent_problem([fact()], child_age=9, parents_with_pr=0) == ""  # recorded before


def test_wir_2_1_2_3_a_parents_consent_to_a_meeting_lets_it_be_booked():
    assert consent_problem([fact()], child_age=9) == ""


def test_wir_2_1_2_3_consent_to_the_service_is_not_consent_to_a_meeting():
    assert consent_problem([fact(scope="service")], child_age=9) != ""


def test_wir_2_1_consent_from_someone_without_pr_is_not_enough():
    assert consent_problem([fact(pr=False)], child_age=9) != ""


def test_wir_2_1_a_young_person_of_16_consents_for_themselves_too():
    problem = consent_problem([fact()], child_age=16)
    assert "the young person's own consent" in problem
    assert consent_problem([fact(), fact(child=True)], child_age=16) == ""


def test_wir_2_3_a_later_withdrawal_stops_a_booking():
    problem = consent_problem([fact(), fact("withdrawn", on=date(2026, 11, 20))], child_age=9)
    assert "Jo Synthetic (Mother) withdrawn" in problem
    assert "withheld-consent path (WIR 2.2)" in problem


def test_wir_2_2_a_refusal_with_its_withheld_path_complete_records_why():
    incomplete = fact("refused", withheld=WithheldConsentRecord(reasons="Worried"))
    assert consent_problem([incomplete], child_age=9) != ""
    assert consent_problem([fact("refused", withheld=COMPLETE)], child_age=9) == ""


def test_wir_2_3_held_without_consent_only_with_the_rationale():
    without = fact(override_without_consent=True)
    assert consent_problem([without], child_age=9) != ""
    assert consent_problem([fact(override_without_consent=True, override_rationale=(
        "Very exceptional: the meeting is needed before the court date"))], child_age=9) == ""


# ------------------------------------------------------------------ chair: BEX 3, TRA, WIR 2.3


def test_bex_3_the_initial_meeting_is_chaired_by_a_manager():
    rules = MeetingRules()
    assert chair_problem("initial", "team_manager", rules) == ""
    problem = chair_problem("initial", "social_worker", rules)
    assert problem.startswith("BEX 3: the initial CIN planning meeting is chaired by a team "
                              "manager or a service manager, not a social worker")


def test_bex_3_a_chair_whose_role_is_unknown_is_asked_for():
    assert "say the chair's role" in chair_problem("initial", "", MeetingRules())


def test_bex_3_a_review_is_chaired_by_a_social_worker_or_a_manager():
    rules = MeetingRules()
    for role in ("social_worker", "senior_practitioner", "team_manager", "service_manager"):
        assert chair_problem("review", role, rules) == ""
    assert chair_problem("review", "business_support", rules) != ""


def test_tra_a_review_in_trafford_is_chaired_by_a_senior_practitioner_or_above():
    rules = load_policy("trafford").meetings
    assert chair_problem("review", "senior_practitioner", rules) == ""
    problem = chair_problem("review", "social_worker", rules)
    assert problem.startswith("TRA (CiN Review chair):")
    assert chair_problem("final", "social_worker", rules) != ""  # the final reviews too


def test_wir_2_3_in_wirral_the_social_worker_chairs():
    rules = load_policy("wirral").meetings
    assert chair_problem("initial", "social_worker", rules) == ""
    assert chair_problem("transfer_in", "social_worker", rules) == ""


def test_policy_chair_roles_are_checked_when_a_profile_is_read():
    base = load_policy("england")
    data = {"name": "x", "title": "X", "authority": "X", "extends": "england",
            "meetings": {"initial_chairs": ["team leader"]}}
    with pytest.raises(PolicyError, match=r"meetings.initial_chairs\[0\]: unknown role"):
        parse_policy(data, origin="x.toml", base=base)


# ------------------------------------------------------------------ invitations: BEX 3, WIR 2.3

MOTHER = Invitee("Jo Synthetic", "Mother", uuid.uuid4(), is_parent=True)
SCHOOL = Invitee("Ms Class", "School DSL", uuid.uuid4())


def test_bex_3_the_child_parents_and_network_invited_or_why_not():
    missing = left_out([MOTHER, SCHOOL], [MOTHER], child_invited=False, child_age=9,
                       child_name="Ava")
    assert missing == ["Ava (the child)", "Ms Class (School DSL)"]
    problem = invitation_problem(missing, "")
    assert problem == ("BEX 3, WIR 2.3: not invited: Ava (the child) and Ms Class (School "
                       "DSL): invite them or record why not")
    assert invitation_problem(missing, "Ava is 9 and said she wants mum to speak for her; "
                              "school is on holiday") == ""


def test_bex_3_a_reason_someone_is_not_invited_names_someone_who_is_not():
    """A reason with everyone invited, the child too, is refused: the booking would list as
    invited the child the reason says was not. With anyone left out it is what it was for."""
    said = "Ava chose not to come"
    assert reason_but_all_invited([MOTHER, SCHOOL], [MOTHER, SCHOOL], True, said, "Ava") == (
        "BEX 3: a reason someone is not invited, but everyone is, Ava too: say who is not "
        "invited, or leave the reason out")
    assert reason_but_all_invited([MOTHER, SCHOOL], [MOTHER, SCHOOL], False, said) == ""
    assert reason_but_all_invited([MOTHER, SCHOOL], [MOTHER], True, said) == ""
    assert reason_but_all_invited([MOTHER], [MOTHER], True, "  ") == ""


def test_bex_3_a_baby_need_not_be_invited():
    assert left_out([MOTHER], [MOTHER], child_invited=False, child_age=1) == []
    assert left_out([MOTHER], [MOTHER], child_invited=False, child_age=None) == []


# ------------------------------------------------------------------ papers: WIR 2.3


def test_wir_2_3_papers_go_out_before_the_meeting():
    meeting = date(2026, 11, 30)
    assert papers_problem(date(2026, 11, 23), meeting, today=date(2026, 11, 24)) == ""
    assert "before the meeting" in papers_problem(date(2026, 12, 1), meeting,
                                                  today=date(2026, 12, 2))
    assert "still to come" in papers_problem(date(2026, 11, 26), meeting,
                                             today=date(2026, 11, 24))


def test_wir_2_3_a_meeting_whose_papers_were_not_circulated_is_flagged():
    assert papers_flag("scheduled", None) == "papers not circulated yet (WIR 2.3)"
    assert papers_flag("held", None) == "papers not circulated before the meeting (WIR 2.3)"
    assert papers_flag("held", date(2026, 11, 20)) == ""
    assert papers_flag("cancelled", None) == ""


# ------------------------------------------------------------------ cancelling: WIR 2.9


def test_wir_2_9_a_cancellation_records_who_was_told():
    invited = [MOTHER, SCHOOL]
    assert cancel_problem([], invited).startswith("WIR 2.9: record who was told")
    assert cancel_problem(["jo  synthetic"], invited) == (
        "WIR 2.9: tell everyone invited: not yet told Ms Class")
    assert cancel_problem(["Jo Synthetic", "Ms Class"], invited) == ""


# ------------------------------------------------------------------ agreement visits: TRA


def test_tra_a_parent_absent_from_a_review_is_visited_for_agreement():
    dad = Invitee("Sam Synthetic", "Father", is_parent=True, attendance="apologies")
    came = Invitee("Jo Synthetic", "Mother", is_parent=True, attendance="present")
    school = Invitee("Ms Class", "School DSL", attendance="absent")
    assert absent_parents("review", [came, dad, school]) == [dad]
    assert absent_parents("initial", [came, dad, school]) == []


def test_tra_the_agreement_visit_is_after_the_review_and_says_what_was_agreed():
    held, today = date(2026, 11, 20), date(2026, 11, 27)
    assert agreement_problem(date(2026, 11, 19), "agreed", "", held, today)[0] == "visited_on"
    assert agreement_problem(date(2026, 11, 24), "", "", held, today)[0] == "outcome"
    assert agreement_problem(date(2026, 11, 24), "not_agreed", "", held, today)[0] == "notes"
    assert agreement_problem(date(2026, 11, 24), "agreed", "", held, today) == ("", "")


# ------------------------------------------------------------------ non-engagement: WIR 2.10


def test_wir_2_10_non_engagement_steps_are_walked_in_order():
    missing = non_engagement_missing(NonEngagement(why="Dad had a bad experience in care"))
    assert [f for f, _ in missing] == ["history", "culture", "requirements", "communication",
                                       "records"]
    assert all(text.startswith("WIR 2.10:") for _, text in missing)
    done = NonEngagement(*("recorded",) * 6)
    assert non_engagement_missing(done) == []


def test_sto_4_4_partners_the_findings_call_to_the_meeting_are_prompted_until_invited():
    """STO 4.4: probation and adult mental health were "often omitted from the list of
    invitees to children's meetings, where they could add significant value", and domestic
    abuse was not shared with GPs. A prompt for each finding, until someone whose role or
    agency names that partner is among the invitees; nothing for findings about the child
    alone."""
    from cintui.domain.meeting_safeguards import partner_prompts

    mum = Invitee("Layla Ward", "Mother", is_parent=True)
    said = partner_prompts(("4B", "3C", "16A"), True, [mum])
    assert [p.split(":")[1].strip() for p in said] == [
        "the assessment found a parent's mental health (4B)",
        "the assessment found domestic abuse (3C)",
        "a parent is in prison"]
    assert all(p.startswith("STO 4.4: ") for p in said)
    network = [mum, Invitee("Sam Okoro", "Care coordinator (CMHT)"),
               Invitee("Dr Patel", "GP (Northgate Surgery)"),
               Invitee("Jo Hart", "Offender manager (Probation Service)")]
    assert partner_prompts(("4B", "3C"), True, network) == []
    assert partner_prompts(("4A", "3A"), False, [mum]) == []  # the child's own: not these
    # "gp" as a word, not inside one ("Gpx"), nor "surgery" missing: still prompted
    assert partner_prompts(("3B",), False, [Invitee("Ann Gpx", "Neighbour")])
