"""Consent (DOMAIN.md §2): WAR 4.2 (parents must consent to a CIN service), WIR 2.1 (and
young people of age and understanding, particularly 16-17; consent to share information
and to hold a meeting), WIR 2.2 (the withheld-consent path), WIR 2.3 (no meeting without
consent save in very exceptional circumstances), BEX 4 (sharing without consent where
seeking it would place the child at risk, with the rationale recorded)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cintui.domain.consent import (
    CONSENT_DECISIONS,
    CONSENT_METHODS,
    CONSENT_SCOPES,
    WITHHELD_DECISIONS,
    WITHHELD_LABELS,
    ConsentFact,
    ConsentStatus,
    WithheldConsentRecord,
    check_fact,
    check_override,
    check_withheld,
    consent_command,
    consent_summary,
    current_consents,
    is_complete,
    missing_service_hint,
    scope_to_record,
    scopes_shown,
    service_began,
    service_flags_said,
    service_reason,
)
from cintui.domain.records import replace
from cintui.store import models

TODAY = date(2026, 11, 23)
MAR3 = date(2026, 3, 3)


def mum(scope="service", decision="given", on=MAR3, **kw) -> ConsentFact:
    return ConsentFact(scope, decision, on, "p-mum", True, person_name="Jo Smith (Mother)", **kw)


def dad(scope="service", decision="given", on=MAR3, pr=True, **kw) -> ConsentFact:
    return ConsentFact(scope, decision, on, "p-dad", pr, person_name="Lee Smith (Father)", **kw)


def gran(scope="service", decision="given", on=MAR3, **kw) -> ConsentFact:
    return ConsentFact(scope, decision, on, "p-gran", False, person_name="Ann Jones", **kw)


def child(scope="service", decision="given", on=MAR3, **kw) -> ConsentFact:
    return ConsentFact(scope, decision, on, None, False, is_child=True, **kw)


COMPLETE_ACCEPTED = WithheldConsentRecord(
    reasons="Father says the family can manage with grandmother's help.",
    reflective_discussion_on=date(2026, 3, 10),
    decision="refusal_accepted",
    analysis="Support would help but its absence will not significantly impair Leo.",
    decided_by="Tom Hughes (Team Manager)",
)


# ---------------------------------------------------------------------- alignment


def test_scopes_decisions_and_methods_match_the_store():
    """The store builds ConsentFact from its Consent rows with these exact words."""
    assert CONSENT_SCOPES == models.CONSENT_SCOPES
    assert CONSENT_DECISIONS == models.CONSENT_DECISIONS
    assert CONSENT_METHODS == models.CONSENT_METHODS


def test_consent_fact_fields_match_the_consent_row():
    """Fields the store copies across keep the Consent row's names."""
    row_fields = set(models.Consent.model_fields)
    for name in ("scope", "decision", "decided_on", "method", "notes",
                 "override_without_consent", "override_rationale"):
        assert name in row_fields
        assert name in ConsentFact.__struct_fields__


# ---------------------------------------------------------------------- current decisions


def test_latest_decision_per_scope_and_person_wins():
    """WAR 4.2: a later "withdrawn" cancels an earlier "given"."""
    given_ = mum("information_sharing", "given", date(2026, 1, 5))
    withdrawn = mum("information_sharing", "withdrawn", MAR3)
    current = current_consents([withdrawn, given_])  # input order does not matter
    assert current == {("information_sharing", "p-mum"): withdrawn}


def test_consent_given_again_after_withdrawal_is_in_force():
    facts = [mum("service", "given", date(2026, 1, 5)), mum("service", "withdrawn", MAR3),
             mum("service", "given", date(2026, 4, 1))]
    assert current_consents(facts)[("service", "p-mum")].decided_on == date(2026, 4, 1)


def test_each_person_and_scope_is_kept_apart():
    facts = [mum("service"), mum("meeting", "refused"), dad("service", "refused"), child()]
    current = current_consents(facts)
    assert set(current) == {("service", "p-mum"), ("meeting", "p-mum"),
                            ("service", "p-dad"), ("service", None)}


def test_same_day_the_later_recorded_wins():
    """Decision: on one date, the row recorded later is the correction that stands."""
    first, second = mum(decision="given"), mum(decision="withdrawn")
    assert current_consents([first, second])[("service", "p-mum")] is second
    assert current_consents([second, first])[("service", "p-mum")] is first


# ---------------------------------------------------------------------- service validity


def test_no_facts_means_consent_missing_everywhere():
    summary = consent_summary([], child_age=9)
    assert summary.status == {scope: ConsentStatus.MISSING for scope in CONSENT_SCOPES}
    assert not summary.valid_for_service
    assert summary.flags == ("No valid consent to a CIN service",)


def test_parent_with_pr_gives_valid_service_consent():
    """WAR 4.2: "Parents must consent to receive a children in need service"."""
    summary = consent_summary([mum()], child_age=9)
    assert summary.valid_for_service
    assert summary.status["service"] is ConsentStatus.GIVEN
    assert summary.flags == ()


def test_consent_without_parental_responsibility_is_not_enough():
    """WAR 4.2 + DOMAIN.md §2: a parent/carer *with parental responsibility* consents; a
    grandmother or a father without PR cannot make the service valid."""
    summary = consent_summary([gran(), dad(pr=False)], child_age=9)
    assert not summary.valid_for_service
    assert summary.status["service"] is ConsentStatus.MISSING


def test_the_keys_to_record_service_consent_are_said_where_it_is_missing():
    """WAR 4.2: while consent to the service is missing the tab says how to record it, and
    whether anyone on the child's People can give it yet; it is silent once consent is
    given, and when a parent has and the young person's own consent is what is missing
    (WIR 2.1: `service_reason` says that, and a opens on their own decision)."""
    own = consent_summary([child()], child_age=7)
    nobody = missing_service_hint(own, pr_people=0)
    assert nobody == ("Add them on People (2, then a), then record their decision here (3, "
                      "then a).")
    listed = missing_service_hint(consent_summary([gran()], child_age=7), pr_people=1)
    assert listed == "Press a to record a parent's decision."
    assert missing_service_hint(consent_summary([mum()], child_age=7), pr_people=1) == ""
    assert missing_service_hint(consent_summary([mum()], child_age=16), pr_people=1) == ""


DEC3 = date(2026, 12, 3)


def test_a_childs_own_consent_under_16_says_a_parents_is_needed_and_whose():
    """WAR 4.2 "Parents must consent to receive a children in need service"; WIR 2.1 asks
    young people "particularly those aged 16 or 17" as well. Jude, 11, consented himself
    on 3 Dec; the closure said "no decision on consent to the service is recorded" and the
    due list "No valid consent to a CIN service", neither saying why nor whose."""
    assert service_reason([child(on=DEC3)], "Jude", 11, ["Sam Smith"]) == (
        "Jude (11) consented on 3 Dec 2026, but at 11 a parent's consent is needed "
        "(WAR 4.2): record Sam Smith's or another parent's")
    # two parents on the record: both named; none: add one first
    assert service_reason([child(on=DEC3)], "Jude", 11, ["Sam Smith", "Lee Smith"]).endswith(
        "record Sam Smith's or Lee Smith's")
    assert service_reason([child(on=DEC3)], "Jude", 11, []) == (
        "Jude (11) consented on 3 Dec 2026, but at 11 a parent's consent is needed (WAR 4.2): "
        "no one on the child's People has parental responsibility yet: add them first")
    assert service_reason([], "Jude", 11, []) == (
        "no one's consent is recorded (WAR 4.2): a parent's or carer's with parental "
        "responsibility is needed, and no one on the child's People has it yet: add them first")
    assert service_reason([child(on=DEC3), mum()], "Jude", 11, ["Jo Smith"]) == ""


def test_the_reason_names_what_was_recorded_and_whose_consent_counts():
    """WAR 4.2, WIR 2.1-2.2, one case each: nothing recorded; a grandmother without PR;
    a young person of 16 whose own consent is missing, or whose parent's is; a parent's
    refusal (the withheld-consent path follows); a service recorded without consent."""
    assert service_reason([], "Mia", 9, ["Jo Smith"]) == (
        "no one's consent is recorded (WAR 4.2): record Jo Smith's or another parent's")
    assert service_reason([gran()], "Mia", 9, ["Jo Smith"]) == (
        "Ann Jones consented on 3 Mar 2026, but without parental responsibility that does "
        "not count (WAR 4.2): record Jo Smith's or another parent's")
    assert service_reason([mum()], "Amira", 16, ["Jo Smith"]) == (
        "Jo Smith (Mother) consented on 3 Mar 2026, but Amira (16) has not given their own "
        "consent to a CIN service (WIR 2.1)")
    assert service_reason([child()], "Amira", 16, ["Jo Smith"]) == (
        "Amira (16) consented on 3 Mar 2026, but at 16 a parent's consent is needed too "
        "(WAR 4.2): record Jo Smith's or another parent's")
    assert service_reason([mum(), child(decision="refused", on=DEC3)], "Amira", 17, []) == (
        "Amira (17) refused their own consent on 3 Dec 2026: at 17 it is needed as well as "
        "the consent Jo Smith (Mother) gave on 3 Mar 2026 (WIR 2.1); the withheld-consent "
        "path follows (WIR 2.2)")
    assert service_reason([mum(decision="refused")], "Mia", 9, ["Jo Smith"]) == (
        "consent was refused by Jo Smith (Mother) on 3 Mar 2026: the withheld-consent path "
        "follows (WIR 2.2), or record Jo Smith's or another parent's")
    assert service_reason([mum(override_without_consent=True, override_rationale="risk")],
                          "Mia", 9, ["Jo Smith"]) == (
        "a CIN service was recorded without consent on 3 Mar 2026, which a service cannot "
        "be (WAR 4.2): record Jo Smith's or another parent's")
    # age unknown (unborn): no age is claimed
    assert service_reason([], "", None, []).startswith("no one's consent is recorded")


def test_withdrawn_service_consent_is_no_longer_valid():
    """WAR 4.2: consent withdrawn later cancels it."""
    facts = [mum(on=date(2026, 1, 5)), mum(decision="withdrawn", on=MAR3)]
    summary = consent_summary(facts, child_age=9)
    assert not summary.valid_for_service
    assert summary.status["service"] is ConsentStatus.WITHDRAWN
    assert summary.flags == (
        "No valid consent to a CIN service",
        "Consent to a CIN service withdrawn by Jo Smith (Mother) on 3 Mar 2026 — "
        "withheld-consent path incomplete (WIR 2.2)",
    )


def test_one_pr_holder_consenting_is_enough_but_the_other_refusing_is_flagged():
    """s2(7) Children Act 1989: each PR holder may act alone. WIR 2.2: "If parents … refuse
    the support" the withheld-consent path still applies, so the refusal is shown."""
    summary = consent_summary([mum(), dad(decision="refused")], child_age=9)
    assert summary.valid_for_service
    assert summary.status["service"] is ConsentStatus.GIVEN
    assert summary.flags == (
        "Consent to a CIN service refused by Lee Smith (Father) on 3 Mar 2026 — "
        "withheld-consent path incomplete (WIR 2.2)",
    )


def test_refusal_by_the_only_parent_is_refused():
    summary = consent_summary([mum(decision="refused")], child_age=9)
    assert summary.status["service"] is ConsentStatus.REFUSED
    assert summary.flags[0] == "No valid consent to a CIN service"


def test_refusal_without_pr_is_shown_without_the_withheld_path():
    """Decision: WIR 2.2's path follows a refusal by those whose consent counts; a refusal by
    someone without PR is shown so the worker knows, but starts no path."""
    summary = consent_summary([mum(), dad(decision="refused", pr=False)], child_age=9)
    assert summary.valid_for_service
    assert summary.flags == (
        "Consent to a CIN service refused by Lee Smith (Father) (no parental responsibility) "
        "on 3 Mar 2026",
    )


def test_completed_withheld_path_shows_its_decision():
    """WIR 2.2: the refusal "accepted and recorded properly" once the path is complete."""
    facts = [mum(decision="refused", withheld=COMPLETE_ACCEPTED)]
    summary = consent_summary(facts, child_age=9, today=TODAY)
    assert summary.flags[1] == (
        "Consent to a CIN service refused by Jo Smith (Mother) on 3 Mar 2026 — refusal accepted"
    )
    s47 = replace(COMPLETE_ACCEPTED, decision="consider_s47")
    summary = consent_summary([mum(decision="refused", withheld=s47)], child_age=9, today=TODAY)
    assert summary.flags[1].endswith("— consider s47 assessment")


# ---------------------------------------------------------------------- young people


@pytest.mark.parametrize("age", [16, 17])
def test_young_person_16_17_must_consent_as_well_as_a_parent(age):
    """WIR 2.1: "Consent is also required from the young person of age of understanding,
    particularly those aged 16 or 17" (WAR 4.2 likewise)."""
    summary = consent_summary([mum()], child_age=age)
    assert not summary.valid_for_service
    assert summary.status["service"] is ConsentStatus.MISSING
    assert summary.flags == (
        "No valid consent to a CIN service",
        f"The young person ({age}) has not given their own consent to a CIN service (WIR 2.1)",
    )
    assert consent_summary([mum(), child()], child_age=age).valid_for_service


def test_young_person_alone_is_not_enough():
    """WAR 4.2: parents must consent; a 16-17 year old's consent is *as well* (WIR 2.1)."""
    summary = consent_summary([child()], child_age=17)
    assert not summary.valid_for_service
    assert summary.flags == ("No valid consent to a CIN service",)


def test_young_person_refusing_makes_consent_invalid_and_starts_the_path():
    """WIR 2.2: "If parents or a young person of age of understanding, (particularly those
    aged 16 or 17) refuse the support offered" — the withheld-consent path."""
    summary = consent_summary([mum(), child(decision="refused")], child_age=16)
    assert not summary.valid_for_service
    assert summary.status["service"] is ConsentStatus.REFUSED
    assert summary.flags == (
        "No valid consent to a CIN service",
        "Consent to a CIN service refused by the young person on 3 Mar 2026 — "
        "withheld-consent path incomplete (WIR 2.2)",
    )


@pytest.mark.parametrize("age", [None, 0, 9, 15])
def test_under_16_the_parents_consent_decides(age):
    """Decision: under 16 (or unborn, age None), age and understanding is the worker's
    judgment, not a date rule: the child's refusal is shown and starts the WIR 2.2 path,
    but the parent's consent makes the service valid."""
    assert consent_summary([mum()], child_age=age).valid_for_service
    summary = consent_summary([mum(), child(decision="refused")], child_age=age)
    assert summary.valid_for_service
    assert summary.flags == (
        "Consent to a CIN service refused by the young person on 3 Mar 2026 — "
        "withheld-consent path incomplete (WIR 2.2)",
    )


def test_young_persons_own_consent_covers_other_scopes_too():
    """WIR 2.1: young people's consent is required "to share information or to hold a Child
    in Need meeting"."""
    summary = consent_summary([mum("meeting"), mum("information_sharing")], child_age=16)
    assert summary.status["meeting"] is ConsentStatus.MISSING
    assert summary.status["information_sharing"] is ConsentStatus.MISSING
    both = [mum("meeting"), child("meeting")]
    assert consent_summary(both, child_age=16).status["meeting"] is ConsentStatus.GIVEN


# ---------------------------------------------------------------------- other scopes


def test_information_sharing_withdrawn_is_flagged_with_its_date():
    """WIR 2.1: consent to share information; a withdrawal is what a caseload must show."""
    facts = [mum(), mum("information_sharing", on=date(2026, 1, 5)),
             mum("information_sharing", "withdrawn", MAR3)]
    summary = consent_summary(facts, child_age=9)
    assert summary.valid_for_service
    assert summary.status["information_sharing"] is ConsentStatus.WITHDRAWN
    assert summary.flags == (
        "Consent to share information withdrawn by Jo Smith (Mother) on 3 Mar 2026",
    )


def test_refused_meeting_consent_is_flagged_without_the_service_path():
    """WIR 2.2's path is about a s17 service; a refused meeting is shown as it is."""
    summary = consent_summary([mum(), mum("meeting", "refused")], child_age=9)
    assert summary.status["meeting"] is ConsentStatus.REFUSED
    assert summary.flags == ("Consent to hold a CIN meeting refused by Jo Smith (Mother) on 3 Mar 2026",)


def test_missing_consent_to_other_scopes_is_status_only():
    """Decision: only the service raises a "missing" flag; missing consent to share or to
    meet shows in `status`, for the screens that share or schedule to check."""
    summary = consent_summary([mum()], child_age=9)
    assert summary.status["information_sharing"] is ConsentStatus.MISSING
    assert summary.flags == ()


# ---------------------------------------------------------------------- BEX 4 overrides

RATIONALE = "Mother's partner is the alleged risk; asking would alert him (strategy discussion)."


def override(scope="information_sharing", rationale=RATIONALE, **kw) -> ConsentFact:
    return mum(scope, "refused", override_without_consent=True, override_rationale=rationale, **kw)


def test_sharing_without_consent_with_rationale_is_overridden():
    """BEX 4: information may be shared without consent where seeking it would place the
    child at risk; the override and its rationale are recorded."""
    summary = consent_summary([mum(), override()], child_age=9)
    assert summary.status["information_sharing"] is ConsentStatus.OVERRIDDEN
    assert summary.flags == ()
    assert check_override(override()) == []


def test_override_without_rationale_is_invalid():
    """BEX 4: an override without its rationale is not a valid override."""
    fact = override(rationale="  ")
    assert [p.field for p in check_override(fact)] == ["override_rationale"]
    assert check_override(fact)[0].message.startswith("BEX 4:")
    summary = consent_summary([mum(), fact], child_age=9)
    assert summary.status["information_sharing"] is ConsentStatus.MISSING
    assert summary.flags == (
        "Information shared without consent on 3 Mar 2026 — no rationale recorded (BEX 4)",
    )


def test_a_meeting_may_go_ahead_without_consent_only_with_a_rationale():
    """WIR 2.3: "Unless there are very exceptional circumstances, meetings should not take
    place without the consent of parents"."""
    assert check_override(override("meeting")) == []
    assert consent_summary([override("meeting")], 9).status["meeting"] is ConsentStatus.OVERRIDDEN


def test_a_service_cannot_be_overridden():
    """WAR 4.2: parents must consent to a CIN service; without it, WIR 2.2 (consider s47)."""
    fact = override("service")
    assert [p.field for p in check_override(fact)] == ["override_without_consent"]
    summary = consent_summary([fact], child_age=9)
    assert not summary.valid_for_service
    assert summary.status["service"] is ConsentStatus.MISSING
    assert summary.flags == (
        "No valid consent to a CIN service",
        "CIN service recorded without consent on 3 Mar 2026 — not allowed: a CIN service "
        "needs consent (WAR 4.2)",
    )


def test_consent_given_after_an_override_replaces_it():
    later = mum("information_sharing", "given", date(2026, 5, 1))
    status = consent_summary([override(), later], child_age=9).status["information_sharing"]
    assert status is ConsentStatus.GIVEN


# ---------------------------------------------------------------------- check_fact


def test_check_fact_names_each_wrong_field():
    fact = ConsentFact("housing", "maybe", date(2026, 12, 1), "p", True, method="email")
    assert [p.field for p in check_fact(fact, TODAY)] == ["scope", "decision", "method", "decided_on"]
    assert check_fact(mum(), TODAY) == []


# ---------------------------------------------------------------------- WIR 2.2 path


def test_withheld_decisions_and_their_labels():
    """WIR 2.2: "benefit" (refusal accepted and recorded) or "need" (consider s47)."""
    assert WITHHELD_DECISIONS == ("refusal_accepted", "consider_s47")
    assert WITHHELD_LABELS["refusal_accepted"] == "Refusal accepted: benefit, not need — recorded"
    assert WITHHELD_LABELS["consider_s47"] == (
        "Need likely to significantly impair health or development: consider s47 assessment"
    )


def test_an_empty_record_lists_every_step_in_order():
    """WIR 2.2 in its order: reasons; alternative support or reflective discussion;
    decision; analysis; who decided."""
    problems = check_withheld(WithheldConsentRecord(), TODAY)
    assert [p.field for p in problems] == [
        "reasons", "reflective_discussion_on", "decision", "analysis", "decided_by",
    ]
    assert all(p.message.startswith("WIR 2.2: ") for p in problems)
    assert str(problems[0]) == problems[0].message


def test_no_alternative_and_a_reflective_discussion_completes_the_path():
    """WIR 2.2: "If there is no suitable alternative support identified … the Social Worker
    and Team Manager will need to hold a reflective case discussion"."""
    assert check_withheld(COMPLETE_ACCEPTED, TODAY) == []
    assert is_complete(COMPLETE_ACCEPTED)


def test_an_alternative_needs_its_monitoring_not_a_discussion():
    """WIR 2.2: a suitable alternative source of support "should be given due consideration"
    and the SW "will need to identify how this will be monitored"."""
    record = replace(COMPLETE_ACCEPTED, reflective_discussion_on=None,
                     alternative_support="Maternal grandmother offers daily support.")
    assert [p.field for p in check_withheld(record, TODAY)] == ["alternative_monitoring"]
    monitored = replace(record, alternative_monitoring="School DSL reports attendance weekly.")
    assert is_complete(monitored, TODAY)


def test_reflective_discussion_cannot_be_in_the_future():
    record = replace(COMPLETE_ACCEPTED, reflective_discussion_on=date(2026, 11, 24))
    (problem,) = check_withheld(record, TODAY)
    assert problem.field == "reflective_discussion_on"
    assert "24 Nov 2026 is in the future" in problem.message
    assert is_complete(replace(record, reflective_discussion_on=TODAY), TODAY)


def test_unknown_decision_is_named():
    record = replace(COMPLETE_ACCEPTED, decision="ignore")
    (problem,) = check_withheld(record, TODAY)
    assert problem.field == "decision" and "'ignore'" in problem.message


@pytest.mark.parametrize("field", ["reasons", "analysis", "decided_by", "decision"])
def test_each_recorded_part_is_needed(field):
    """WIR 2.2: "Decisions should be clearly recorded … including the analysis behind the
    decision"."""
    record = replace(COMPLETE_ACCEPTED, **{field: "   "})
    assert [p.field for p in check_withheld(record, TODAY)] == [field]
    assert not is_complete(record)


_text = st.sampled_from(["", "  ", "recorded"])


@given(
    st.builds(
        WithheldConsentRecord,
        reasons=_text, alternative_support=_text, alternative_monitoring=_text,
        reflective_discussion_on=st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2027, 1, 1))),
        decision=st.sampled_from(["", "refusal_accepted", "consider_s47", "other"]),
        analysis=_text, decided_by=_text,
    )
)
def test_complete_means_no_problems_and_fields_are_real(record):
    problems = check_withheld(record, TODAY)
    assert is_complete(record, TODAY) == (problems == [])
    assert {p.field for p in problems} <= set(WithheldConsentRecord.__struct_fields__)
    assert len({p.field for p in problems}) == len(problems)  # each gap named once


_people = st.sampled_from([mum, dad, gran, child])
_fact = st.builds(lambda who, scope, decision, day: who(scope, decision,
                                                      date(2026, 1, 1 + day)),
                  _people, st.sampled_from(CONSENT_SCOPES), st.sampled_from(CONSENT_DECISIONS),
                  st.integers(0, 27))


@given(st.lists(_fact, max_size=8), st.one_of(st.none(), st.integers(0, 17)))
def test_the_quick_service_check_agrees_with_the_full_summary(facts, age):
    """The caseload and due list (thousands of children) ask only "is a CIN service
    consented, and if not why" (WAR 4.2, WIR 2.1): the same answer and first flags."""
    from cintui.domain.consent import service_consent

    summary = consent_summary(facts, age, TODAY)
    valid, flags = service_consent(facts, age)
    assert valid == summary.valid_for_service
    assert flags == summary.flags[:len(flags)]
    assert (not flags) == valid


def test_a_new_decision_is_offered_for_the_first_scope_still_missing_war_4_2_wir_2_1():
    """The service first (WAR 4.2), then information sharing, then the CIN meeting (WIR
    2.1); a transfer's is chosen when one is under way, never offered first."""
    def offered(*facts):
        return scope_to_record(consent_summary(facts, 9, TODAY))

    on = date(2026, 11, 2)
    assert offered() == "service"
    assert offered(mum("service", "given", on)) == "information_sharing"
    assert offered(mum("service", "given", on), mum("information_sharing", "given", on)) \
        == "meeting"
    # A refusal is a decision recorded: the next scope is offered, not the refused one.
    assert offered(mum("service", "refused", on)) == "information_sharing"
    everything = [mum(scope, "given", on) for scope in ("service", "information_sharing",
                                                        "meeting")]
    assert offered(*everything) == "service"  # all recorded: the service, to record again


def test_a_young_persons_own_decision_is_the_young_persons_from_16_wir_2_1():
    """WIR 2.1: from 16 the due list asks for "the young person"'s own consent; their
    decision recorded read "the child". Younger, and with no age known, "the child"."""
    from cintui.domain.consent import own_words

    assert own_words(16) == own_words(17) == "the young person"
    assert own_words(15) == own_words(None) == "the child"


def test_the_young_persons_own_consent_is_what_to_record_next_wir_2_1():
    """WIR 2.1: a parent's consent given and a 17-year-old's own not: the consent form
    opens on the young person's own decision (it opened on the parent), for sharing
    information as for the service."""
    from cintui.domain.consent import own_needed

    assert own_needed([mum()], "service", 17) == mum()
    assert own_needed([mum("information_sharing")], "information_sharing", 16)
    assert not own_needed([mum()], "information_sharing", 17)  # a parent's first
    assert not own_needed([mum(), child()], "service", 17)
    assert not own_needed([mum(), child(decision="refused")], "service", 17)  # decided
    assert not own_needed([mum()], "service", 12)  # a parent's decides
    assert not own_needed([gran()], "service", 17)  # no parental responsibility
    assert not own_needed([], "service", 17)  # no one's yet: a parent's first


def test_a_parents_consent_to_share_without_the_young_persons_own_says_whose_is_needed_wir_2_1():
    """WIR 2.1: "the consent of parents and young people of sufficient age and understanding
    is therefore required for agencies to share information or to hold a Child in Need
    meeting". Alfie (16), his mother's consent to all three, his own to the meeting alone:
    sharing information read a bare MISSING, as if no one had consented. It says whose
    consent is given and whose is still needed."""
    from cintui.domain.consent import own_needed_reason, scope_word

    facts = [mum(), mum("information_sharing"), mum("meeting"), child("meeting")]
    summary = consent_summary(facts, 16)
    assert summary.status["information_sharing"] is ConsentStatus.MISSING  # not valid
    assert scope_word(summary, "information_sharing", "Alfie", 16) == "needs Alfie (16) too"
    assert own_needed_reason(summary, "information_sharing", "Alfie", 16) == (
        "Jo Smith (Mother) consented on 3 Mar 2026, but Alfie (16) has not given their own "
        "consent to share information (WIR 2.1)")
    assert scope_word(summary, "meeting", "Alfie", 16) == "GIVEN"
    assert own_needed_reason(summary, "meeting", "Alfie", 16) == ""
    # The service's words are service_reason's, which the due list and the caseload say.
    assert scope_word(summary, "service", "Alfie", 16) == "needs Alfie (16) too"
    assert own_needed_reason(summary, "service", "Alfie", 16) == service_reason(
        facts, "Alfie", 16, ["Jo Smith"])
    # No one's consent, or a refusal, is still said as the state it is.
    assert scope_word(summary, "transfer", "Alfie", 16) == "MISSING"
    refused = consent_summary([mum("information_sharing"),
                               child("information_sharing", "refused")], 16)
    assert scope_word(refused, "information_sharing", "Alfie", 16) == "REFUSED"
    by_dad = consent_summary([mum("information_sharing"), dad("information_sharing", "refused")], 16)
    assert scope_word(by_dad, "information_sharing", "Alfie", 16) == "REFUSED"
    assert own_needed_reason(by_dad, "information_sharing", "Alfie", 16) == ""  # as it is
    # Under 16 a parent's consent decides: GIVEN, nothing more is needed.
    under = consent_summary([mum("information_sharing")], 15)
    assert scope_word(under, "information_sharing", "Alfie", 15) == "GIVEN"


def test_a_young_persons_refusal_names_the_parents_consent_in_a_sentence_wir_2_1():
    """WIR 2.1: a young person of 16 or 17 consents as well as a parent. Their refusal
    read "it is needed as well as Jo Smith (Mother)'s": a name and a relationship in
    brackets with a possessive after them. It says whose consent was given, and when."""
    said = service_reason([mum(), child(decision="refused", on=DEC3)], "Amira", 17, [])
    assert "(Mother)'s" not in said
    assert "as well as the consent Jo Smith (Mother) gave on 3 Mar 2026 (WIR 2.1)" in said


def test_a_cin_service_began_when_support_started_or_a_plan_did_war_4_2_4_4_2():
    """WAR 4.2 "Parents must consent to receive a children in need service" (before support
    is given); WAR 4.4.2: support starts, or a CIN plan does. The closure and the due list
    ask this one question."""
    assert not service_began(None, None)  # the referral, the assessment
    assert service_began(date(2026, 11, 2), None)
    assert service_began(None, date(2026, 11, 9))


def test_before_a_service_began_consent_is_said_needed_before_support_war_4_2():
    """WAR 4.2 ("before support is given"): before a CIN service began, the first flag says
    consent is needed before support starts (the due list and the consent tab alike);
    once it began, "No valid consent to a CIN service". A young person's own missing
    consent (WIR 2.1) reads the same either way."""
    mum = ConsentFact(scope="service", decision="given", decided_on=MAR3, person="p-mum",
                      person_has_pr=True)
    flags = consent_summary([mum], 16, TODAY).flags
    assert service_flags_said(flags, began=True) == flags
    before = service_flags_said(flags, began=False)
    assert before[0] == "Consent to a CIN service needed before support starts"
    assert before[1:] == flags[1:] and "has not given their own consent" in before[1]
    assert service_flags_said((), began=False) == ()


def test_the_command_for_a_missing_consent_names_the_one_parent_war_4_2():
    """WAR 4.2: a parent with parental responsibility consents. With exactly one on the
    child's People, the command names them as a worker types it at a shell; with none or
    two, NAME to fill in; the young person's own (WIR 2.1): the command's default person."""
    assert consent_command("CIN000004", ["Sam Smith"]) == (
        'cintui child consent CIN000004 --decision given --person "Sam Smith"')
    assert consent_command("CIN000004", ["Layla"]) == (
        "cintui child consent CIN000004 --decision given --person Layla")
    assert consent_command("CIN000004", ["Siobhan O'Neill"]).endswith(
        '--person "Siobhan O\'Neill"')
    assert consent_command("CIN000004", ['Jo "JJ" Smith']).endswith(
        "--person 'Jo \"JJ\" Smith'")
    assert consent_command("CIN000004", []).endswith("--person NAME")
    assert consent_command("CIN000004", ["Sam Smith", "Lee Smith"]).endswith("--person NAME")
    assert consent_command("CIN000004", ["Sam Smith"], own=True) == (
        "cintui child consent CIN000004 --decision given")


# ---------------------------------------------------------------------- the tab's scopes


def _shown(facts, transfer=None, age=11):
    return [(scope, word) for scope, word, _ in
            scopes_shown(consent_summary(facts, age, TODAY), "Jude", age, transfer)]


def test_consent_to_share_with_another_authority_is_shown_only_when_the_child_moves_bex_4():
    """BEX 4: "Parent / carer's permission should be sought to share this information with
    the receiving local authority" when a child in need moves: with no transfer recorded it
    is not a consent the child lacks (the tab read "Transfer to another authority MISSING"
    for every child); the service, information sharing and the CIN meeting always show
    (WAR 4.2, WIR 2.1, 2.3)."""
    facts = [mum(s) for s in ("service", "information_sharing", "meeting")]
    assert _shown(facts) == [("service", "GIVEN"), ("information_sharing", "GIVEN"),
                             ("meeting", "GIVEN")]
    assert _shown([]) == [("service", "MISSING"), ("information_sharing", "MISSING"),
                          ("meeting", "MISSING")]
    # a transfer recorded, its permission not yet: then it is missing
    assert _shown(facts, transfer="")[-1] == ("transfer", "MISSING")


def test_with_a_transfer_recorded_its_permission_to_share_is_the_consent_shown_bex_4():
    """The transfer form records the parents' permission to share (BEX 4: given, refused,
    or not sought because seeking it would increase the risk): the tab says what it says,
    as `cintui transfer status` does, until a decision is recorded on the tab itself."""
    assert _shown([], transfer="given")[-1] == ("transfer", "GIVEN")
    assert _shown([], transfer="refused")[-1] == ("transfer", "REFUSED")
    assert _shown([], transfer="not_sought")[-1] == ("transfer", "NOT SOUGHT (BEX 4)")
    states = {scope: state for scope, _, state in scopes_shown(
        consent_summary([], 11, TODAY), "Jude", 11, "not_sought")}
    assert states["transfer"] is ConsentStatus.OVERRIDDEN
    # a decision recorded on the tab is the one in force
    assert _shown([mum("transfer", "refused")], transfer="given")[-1] == ("transfer", "REFUSED")


def test_a_decision_on_sharing_with_another_authority_stays_shown_without_a_transfer_bex_4():
    """Recorded is on the record (DOMAIN.md §9): a decision taken before any transfer is
    recorded, or after one was withdrawn, is shown; at 16 or 17 it says whose is still
    needed, as the other scopes do (WIR 2.1)."""
    assert _shown([mum("transfer")])[-1] == ("transfer", "GIVEN")
    assert _shown([mum("transfer")], age=16)[-1] == ("transfer", "needs Jude (16) too")
