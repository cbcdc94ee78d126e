"""Step-down (WIR 3) and transfer (BEX 4) rules, worked by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cintui.domain import transfer as rules
from cintui.domain.endings import blockers

TODAY = date(2026, 11, 23)  # a Monday

READY = rules.StepDownFacts(
    receiving_service="Exampleton Early Help Hub", lead_professional="Ms Hill (DSL)",
    conversation_held=True, conversation_notes="Spoke with the hub on 17 Nov",
    family_consent=True, documents=("plan", "minutes"), approved=True,
    decided_on=date(2026, 11, 16), completed_on=date(2026, 11, 20),
    final_meeting_on=date(2026, 11, 13))


def keys(items) -> list[str]:
    return [i.key for i in blockers(items)]


# ---------------------------------------------------------------- documents (WIR 3)


def test_documents_are_chosen_from_the_list_in_its_order_once_each():
    # WIR 3: "which documents transfer": assessment, latest plan, latest minutes, visits.
    assert rules.parse_documents(["visits, plan", "PLAN", "assessment"]) == (
        "assessment", "plan", "visits")
    assert rules.parse_documents([]) == ()


def test_an_unknown_document_is_named_with_the_choices():
    with pytest.raises(ValueError, match="'letters' is not a document.*assessment, plan"):
        rules.parse_documents(["plan letters"])


# ---------------------------------------------------------------- step-down (WIR 3)


def test_a_complete_step_down_meets_every_item():
    assert keys(rules.step_down_checklist(READY, TODAY)) == []


def test_agreeing_before_any_final_meeting_is_a_warning_naming_the_rule_wir_3():
    # WIR 3: a multi-agency decision at a final CIN meeting; the manager may agree first
    # (discussed with the line manager first), so it is said, not refused.
    early = rules.agreed_before_final_meeting(rules.step_down_checklist(
        replace(READY, final_meeting_on=None), TODAY))
    assert early is not None and early.startswith("Warning: no final CIN meeting")
    assert "(WIR 3: a step-down is a multi-agency decision at a final CIN meeting)" in early
    assert rules.agreed_before_final_meeting(rules.step_down_checklist(READY, TODAY)) is None
    # Only the meeting: other items missing (consent, the service) are the checklist's.
    assert rules.agreed_before_final_meeting(rules.step_down_checklist(
        replace(READY, family_consent=None), TODAY)) is None


def test_an_empty_step_down_lists_every_missing_item_in_order():
    items = rules.step_down_checklist(rules.StepDownFacts(), TODAY)
    assert keys(items) == ["meeting", "approved", "receiving_service", "lead_professional",
                           "conversation", "family_consent", "documents", "date"]
    assert all("WIR 3" in i.rule for i in items)


def test_recording_a_step_down_needs_only_the_receiving_service_wir_3():
    """WIR 3: the form names where the child steps down to; the rest can follow."""
    assert rules.check_step_down(rules.StepDownFacts(receiving_service="Hub")) == []
    for blank in ("", "   "):
        [problem] = rules.check_step_down(rules.StepDownFacts(receiving_service=blank))
        assert (problem.field, problem.message) == (
            "receiving_service", "name the receiving early help service / TAF (WIR 3)")


def test_the_documents_that_go_never_name_a_plan_that_does_not_exist_wir_3():
    chosen = ("assessment", "plan", "visits")
    assert rules.documents_going(chosen, has_plan=True) == [
        "The assessment", "The latest CIN plan (the plan in force)", "A summary of the visits"]
    assert rules.documents_going(chosen, has_plan=False) == [
        "The assessment", "No CIN plan on record", "A summary of the visits"]


def test_without_a_cin_plan_none_can_be_chosen_to_go_wir_3():
    """WIR 3: a step-down from the assessment has no CIN plan to send (RC9): the plan is
    not offered, is refused with the choices when named, and the documents that go still
    say in its place that there is none on record."""
    assert rules.documents_that_can_go(has_plan=True) == (
        "assessment", "plan", "minutes", "visits")
    assert rules.documents_that_can_go(has_plan=False) == ("assessment", "minutes", "visits")
    with pytest.raises(ValueError, match="^there is no CIN plan on record to send: choose "
                                         "from assessment, minutes, visits$"):
        rules.parse_documents(["assessment, plan"], has_plan=False)
    assert rules.parse_documents(["Minutes assessment"], has_plan=False) == (
        "assessment", "minutes")
    assert rules.documents_going(("assessment", "minutes"), has_plan=False) == [
        "The assessment", "No CIN plan on record", "The latest meeting minutes"]
    assert rules.documents_going((), has_plan=False) == []


def test_family_refusing_level_3_blocks_the_step_down_and_says_why():
    # WIR 3: family consent for the Level 3 service; early help is voluntary.
    from dataclasses import replace

    items = rules.step_down_checklist(replace(READY, family_consent=False), TODAY)
    (item,) = blockers(items)
    assert item.key == "family_consent" and "voluntary" in item.problem


def test_a_conversation_held_needs_its_notes_but_none_held_is_an_answer():
    from dataclasses import replace

    assert keys(rules.step_down_checklist(replace(READY, conversation_notes=""), TODAY)) == [
        "conversation"]
    assert keys(rules.step_down_checklist(
        replace(READY, conversation_held=False, conversation_notes=""), TODAY)) == []


def test_completion_date_not_before_the_decision_nor_in_the_future():
    from dataclasses import replace

    early = rules.step_down_checklist(replace(READY, completed_on=date(2026, 11, 13)), TODAY)
    assert blockers(early)[0].problem == "13 Nov 2026 is before the manager's decision (16 Nov 2026)"
    late = rules.step_down_checklist(replace(READY, completed_on=date(2026, 11, 24)), TODAY)
    assert blockers(late)[0].problem == "24 Nov 2026 is in the future"


def test_the_closure_reason_after_a_step_down():
    # data/census_codes.json: RC9 "closed after assessment, referred to early help";
    # RC7 "services ceased ... including child no longer in need" once a plan was in place.
    assert rules.step_down_reason(cin_plan_started=False) == "RC9"
    assert rules.step_down_reason(cin_plan_started=True) == "RC7"
    # STO 3.3: still in need at the final meeting = unmet need stepped down.
    assert rules.unmet_need_stepped_down(True) is True
    assert rules.unmet_need_stepped_down(None) is False


# ---------------------------------------------------------------- transfer (BEX 4)


SENDABLE = rules.TransferFacts(
    receiving_authority="Exampleshire County Council", receiving_contact="Duty team",
    move_date=date(2026, 11, 16), consent_to_share="given", moves_count=1, approved=True,
    decided_on=date(2026, 11, 17), sent_on=date(2026, 11, 20),
    move_impact="Gran's help stops", responsibilities_told="Told Mum on 12 Nov",
    service_gaps="None known", agencies_asked="School and GP")


def test_bex_4s_principles_for_the_move_each_block_sending_until_recorded():
    """BEX 4: the move's impact on the child, the parents told to register with a school
    and a GP, gaps in the new area's services, the agencies asked to pass records on; and
    only where the parents refused permission to share, the advice taken."""
    from dataclasses import replace

    assert keys(rules.transfer_checklist(SENDABLE, TODAY)) == []
    # Not applicable is not listed: a ✓ read as considered, or as advice taken.
    listed = [i.key for i in rules.transfer_checklist(SENDABLE, TODAY)]
    assert "trafficking" not in listed and "advice" not in listed
    words = ("move_impact", "responsibilities_told", "service_gaps", "agencies_asked")
    bare = replace(SENDABLE, **{w: " " for w in words})
    assert keys(rules.transfer_checklist(bare, TODAY)) == [
        "impact", "responsibilities", "gaps", "agencies"]
    refused = replace(SENDABLE, consent_to_share="refused", consent_reason="Risk to Sam")
    assert keys(rules.transfer_checklist(refused, TODAY)) == ["advice"]
    advised = replace(refused, sharing_advice="Caldicott Guardian: share")
    assert keys(rules.transfer_checklist(advised, TODAY)) == []


def test_moved_repeatedly_is_two_moves_or_more():
    # BEX 4: "consider trafficking/modern slavery where the family has moved repeatedly".
    assert [rules.moved_repeatedly(n) for n in (None, 1, 2, 5)] == [False, False, True, True]


def test_multiple_moves_block_sending_until_the_consideration_is_recorded():
    from dataclasses import replace

    moved = replace(SENDABLE, moves_count=3)
    (item,) = blockers(rules.transfer_checklist(moved, TODAY))
    assert item.key == "trafficking" and item.rule == "BEX 4"
    assert item.problem == ("the family has moved 3 times: record the consideration of "
                            "trafficking and modern slavery")
    considered = replace(moved, trafficking_considered="Discussed with the MASH; no "
                         "indicators; NRM not needed")
    assert keys(rules.transfer_checklist(considered, TODAY)) == []


def test_consent_to_share_given_or_not_sought_with_a_reason():
    # BEX 4: permission sought unless seeking it would increase risk (record why).
    assert rules.check_consent_to_share("given", "") == []
    assert rules.check_consent_to_share("not_sought", "Father's violence: the move is to "
                                        "a refuge") == []
    (p,) = rules.check_consent_to_share("not_sought", " ")
    assert p.field == "consent_reason" and "increase the risk" in p.message
    (p,) = rules.check_consent_to_share("refused", "")
    assert "shared without it" in p.message
    (p,) = rules.check_consent_to_share("", "")
    assert p.field == "consent_to_share"


def test_a_transfer_needs_the_authority_and_the_move_date_to_be_recorded():
    problems = rules.check_transfer(rules.TransferFacts(moves_count=0), TODAY)
    assert [p.field for p in problems] == ["receiving_authority", "move_date", "moves"]


def test_drafts_and_no_decision_block_sending():
    from dataclasses import replace

    facts = replace(SENDABLE, approved=False, drafts=2)
    assert keys(rules.transfer_checklist(facts, TODAY)) == ["approved", "no_drafts"]
    (item,) = blockers(rules.transfer_checklist(replace(SENDABLE, draft_plan=True), TODAY))
    assert item.problem.startswith("a plan version is still a draft")


def test_a_pack_child_must_carry_a_name_a_reference_and_a_birth_date():
    assert rules.check_pack_child({"first_name": "A", "reference": "R1",
                                   "dob": "2019-01-01"}) == []
    assert rules.check_pack_child({"expected_dob": "2027-01-01", "last_name": "B",
                                   "reference": "R2"}) == []
    missing = rules.check_pack_child({"first_name": " "})
    assert [m.split(":")[0] for m in missing] == ["child.first_name/last_name",
                                                  "child.reference", "child.dob"]
    assert rules.check_pack_child(None) == ["child: missing or not an object"]
