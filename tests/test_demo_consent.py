"""`cintui demo` records consent as a team that follows WIR 2.1 would: a young person of 16
or 17 consents for themselves as well as a parent, so most of them have (to the CIN
service, to sharing information, to CIN meetings) and a few are still to be asked, which the
consent tab shows as "needs Alfie (16) too". The same seed gives the same consents: the
demo's digests (tests/test_demo_content.py) pin them."""

from __future__ import annotations

from collections import Counter

from sqlmodel import select

from cintui.casework import record
from cintui.domain.child import age_years
from cintui.domain.consent import ConsentStatus, own_needed, scope_word
from cintui.store.engine import open_store
from cintui.store.models import Child
from tests.conftest import TODAY

ARGS = ("--children", "200", "--seed", "5", "--today", TODAY.isoformat())


def _young_people(location):
    """(child, age, consent summary) for each open case of a 16- or 17-year-old whose parent
    has consented to the CIN service."""
    store = open_store(location, None)
    try:
        with store.read() as session:
            out = []
            for child in session.exec(select(Child).where(Child.status != "closed")).all():
                age = age_years(child.dob, TODAY) if child.dob else None
                if age is None or age < 16:
                    continue
                summary = record.consent_status(session, child, TODAY)
                if any(f.scope == "service" and f.decision == "given" and f.person_has_pr
                       and not f.is_child for f in summary.current):
                    out.append((child, age, summary))
            return out
    finally:
        store.close()


def test_most_young_people_of_16_or_17_have_given_their_own_consent_a_few_are_still_asked(
        make_demo):
    """WIR 2.1: "Consent is also required from the young person of age of understanding,
    particularly those aged 16 or 17" to share information or hold a CIN meeting; the demo
    gave them their own consent to meetings only, so every one showed "needs ... too" for
    the service and information sharing, a team that never asks young people."""
    young = _young_people(make_demo(*ARGS))
    kinds: Counter = Counter()
    for child, age, summary in young:
        service = own_needed(summary.current, "service", age)
        sharing = own_needed(summary.current, "information_sharing", age)
        assert summary.status["meeting"] is ConsentStatus.GIVEN  # asked for every meeting
        if service is None and sharing is None:
            kinds["asked"] += 1
            assert summary.status["service"] is ConsentStatus.GIVEN
        elif service is None:
            kinds["sharing outstanding"] += 1
            assert summary.status["service"] is ConsentStatus.GIVEN
            # as the consent tab says it beside "Information sharing"
            assert scope_word(summary, "information_sharing", child.first_name, age) == \
                f"needs {child.first_name} ({age}) too"
        else:
            kinds["service outstanding"] += 1
            # not valid: missing, or refused where a father with PR refused (WIR 2.2)
            assert summary.status["service"] is not ConsentStatus.GIVEN
            assert not summary.valid_for_service
    assert len(young) >= 20, kinds
    assert kinds["asked"] >= 0.75 * len(young), kinds
    assert kinds["sharing outstanding"] >= 1 and kinds["service outstanding"] >= 1, kinds


def test_a_young_persons_own_consent_is_dated_no_earlier_than_their_sixteenth_birthday(
        make_demo):
    """WIR 2.1 asks young people "particularly those aged 16 or 17": the demo records their
    own consent as given at 16 or 17 (on the day a parent's was, or on the birthday if that
    came after), so the consent tab names them "the young person", not "the child"."""
    young = _young_people(make_demo(*ARGS))
    own = [(child, f) for child, _, summary in young for f in summary.current if f.is_child]
    assert own
    for child, fact in own:
        assert age_years(child.dob, fact.decided_on) >= 16, (child.reference, fact)
        assert fact.who == "the young person"
