"""cintui.record: the child's record use cases, on the demo store (synthetic people)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from cintui.casework import cases, plans, record
from cintui.domain.child import InvalidChildDetails
from cintui.domain.people import InvalidContact
from cintui.store.engine import open_store
from cintui.store.models import AuditEntry, ChildPerson, Consent, Person
from tests.conftest import TODAY

ACTOR = "test.worker"


@pytest.fixture
def store(demo_store):
    s = open_store(demo_store, None)
    yield s
    s.close()


def child(store, reference="DEMO00001"):
    with store.read() as session:
        return cases.find_child(session, reference)


def last_audit(store, n=1):
    with store.read() as session:
        rows = session.exec(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(n)).all()
    return [(r.action, r.entity, json.loads(r.changes), r.actor) for r in rows]


def test_header_and_summary(store):
    c = child(store)
    with store.read() as session:
        header = record.child_header(session, c.id, TODAY)
        summary = record.child_summary(session, c.id, TODAY)
    assert (header.name, header.age, header.born) == ("Priya Kenyon", "19 months", "DOB 13 Apr 2025")
    assert header.status == "CIN plan" and header.worker == "Poppy Jessop"
    assert dict(summary.details)["Primary need"] == "N5 Family dysfunction"
    with store.read() as session:
        plan = plans.current_plan(session, c.id)
    # The plan in force, in one line: version, state, R/A/G counts (WIR 2.3), next review.
    assert summary.plan_headline.startswith(plan.headline)
    assert f"R{plan.rag_counts()['R']} A{plan.rag_counts()['A']}" in summary.plan_headline
    # The timescale engine's deadlines come with the summary (and so with load_record).
    with store.read() as session:
        expected = cases.child_deadlines(session, record.get_child(session, c.id), TODAY)
        loaded = record.load_record(session, c.id, TODAY)
    assert list(summary.deadlines) == expected and summary.deadlines
    assert loaded.summary.deadlines == summary.deadlines
    assert [d.due for d in summary.deadlines] == sorted(d.due for d in summary.deadlines)


def test_record_errors_are_casework_errors(store):
    import uuid

    with pytest.raises(cases.CaseworkError) as err, store.read() as session:
        record.child_summary(session, uuid.uuid4(), TODAY)
    assert isinstance(err.value, record.RecordError)
    assert (err.value.field, err.value.problem) == ("child", "no such child on this store")


def test_people_contact_list_wir_2_9(store):
    c = child(store)
    with store.read() as session:
        people = record.list_people(session, c.id)
    assert [p.relationship for p in people] == ["Father", "Mother", "GP", "Health visitor"]
    assert people[1].needs == "Interpreter: Arabic"


def test_add_update_remove_person_audited(store):
    c = child(store)
    new = record.PersonInput(name="Alex Test", kind="family", relationship="Aunt",
                             phone="0044 7700 900 456", email="alex@EXAMPLE.org")
    with store.session(ACTOR) as session:
        row = record.add_person(session, c.id, new)
    assert (row.phone, row.email) == ("07700 900456", "alex@example.org")
    assert {e[1] for e in last_audit(store, 2)} == {"person", "child_person"}
    with store.session(ACTOR) as session:
        record.update_person(session, c.id, row.person_id,
                             record.PersonInput(name="Alex Test", relationship="Aunt",
                                                interpreter_language="Polish"))
    action, entity, changes, actor = last_audit(store)[0]
    assert (action, entity, actor) == ("update", "person", ACTOR) and "interpreter_language" in changes
    with store.session(ACTOR) as session:
        assert record.remove_person(session, c.id, row.person_id) is True
    with store.read() as session:
        assert session.get(Person, row.person_id) is None


def test_bad_contact_details_save_nothing(store):
    c = child(store)
    for bad, field in ((record.PersonInput(name="X", phone="12345"), "phone"),
                       (record.PersonInput(name="X", email="x@y"), "email"),
                       (record.PersonInput(name="", phone="07700 900123"), "name"),
                       (record.PersonInput(name="Dr X", kind="professional"), "agency"),
                       (record.PersonInput(name="Dr X", kind="professional", agency="GP",
                                           parental_responsibility=True),
                        "parental_responsibility")):
        with pytest.raises(InvalidContact) as err, store.session(ACTOR) as session:
            record.add_person(session, c.id, bad)
        assert err.value.field == field
    with store.read() as session:
        assert len(record.list_people(session, c.id)) == 4


def test_removing_a_person_named_on_consent_keeps_them(store):
    c = child(store)
    with store.read() as session:
        mother = next(p for p in record.list_people(session, c.id) if p.relationship == "Mother")
    with store.session(ACTOR) as session:
        assert record.remove_person(session, c.id, mother.person_id) is False
    with store.read() as session:
        assert session.get(Person, mother.person_id) is not None  # her consent stays on record
        assert not session.exec(select(ChildPerson).where(
            ChildPerson.person_id == mother.person_id)).all()


def test_record_consent_and_status(store):
    c = child(store)
    with store.session(ACTOR) as session:
        row = record.record_consent(session, c.id, record.ConsentInput(
            scope="transfer", decision="given", decided_on=TODAY), TODAY)
    assert row.who == "the child"
    with store.read() as session:
        status = record.consent_status(session, c.id, TODAY)
    assert status.valid_for_service and str(status.status["service"]) == "given"
    with pytest.raises(record.RecordError) as err, store.session(ACTOR) as session:
        record.record_consent(session, c.id, record.ConsentInput(
            scope="service", decision="given", decided_on=date(2027, 1, 1)), TODAY)
    assert err.value.field == "decided_on"
    with pytest.raises(record.RecordError) as err, store.session(ACTOR) as session:
        # WAR 4.2: a CIN service cannot go ahead without consent (BEX 4 overrides sharing only)
        record.record_consent(session, c.id, record.ConsentInput(
            scope="service", decision="refused", decided_on=TODAY,
            override_without_consent=True, override_rationale="risk"), TODAY)
    assert err.value.field == "override_without_consent"


def test_withheld_path_wir_2_2_incomplete_then_complete(store):
    c = child(store, "DEMO00024")
    with store.read() as session:
        refused = next(r for r in record.list_consents(session, c.id, TODAY) if r.against)
        manager = next(w for w in record.list_workers(session) if w.role == "team_manager")
    assert [p.field for p in refused.missing] == [
        "alternative_monitoring", "decision", "analysis", "decided_by"]
    path = record.WithheldInput(
        reasons=refused.withheld.reasons, alternative_support="Grandmother daily",
        alternative_monitoring="Fortnightly call", decision="refusal_accepted",
        analysis="Need met by family support")
    with store.session(ACTOR) as session:
        row = record.record_withheld_path(session, c.id, refused.id, path, TODAY)
    assert [p.field for p in row.missing] == ["decided_by"]
    with store.session(ACTOR) as session:
        row = record.record_withheld_path(
            session, c.id, refused.id,
            record.WithheldInput(**{**path.__dict__, "decided_by_id": manager.id}), TODAY)
    assert row.missing == () and row.withheld.alternative_monitoring == "Fortnightly call"
    with store.read() as session:
        stored = session.get(Consent, refused.id)
        entries = record.chronology(session, c.id, TODAY)
    # WIR 2.2: the support and how it is monitored, each in its own column.
    assert (stored.alternative_support, stored.alternative_monitoring) == (
        "Grandmother daily", "Fortnightly call")
    assert any(e.kind == "decision" and "Refusal accepted" in e.summary and e.who == manager.name
               for e in entries)
    with pytest.raises(record.RecordError) as err, store.session(ACTOR) as session:
        record.record_withheld_path(session, c.id, refused.id, record.WithheldInput(
            reflective_discussion_on=date(2027, 1, 1)), TODAY)
    assert err.value.field == "reflective_discussion_on"


def test_chronology_in_order_with_sources(store):
    c = child(store)
    with store.read() as session:
        entries = record.chronology(session, c.id, TODAY)
    assert [e.when for e in entries] == sorted(e.when for e in entries)
    assert {e.kind for e in entries} >= {"consent", "referral", "assessment", "plan"}


def test_update_child_validates_like_add_child(store):
    c = child(store)
    with store.read() as session:
        current = record.child_input(session, c.id)
    future = record.ChildInput(**{**current.__dict__, "dob": date(2027, 1, 1)})
    with pytest.raises(InvalidChildDetails) as err, store.session(ACTOR) as session:
        record.update_child(session, c.id, future, TODAY)
    assert err.value.field == "dob"
    both = record.ChildInput(**{**current.__dict__, "expected_dob": date(2027, 1, 1)})
    with pytest.raises(InvalidChildDetails), store.session(ACTOR) as session:
        record.update_child(session, c.id, both, TODAY)
    with pytest.raises(record.RecordError) as err:  # a policy with levels: one of them
        record.check_child_input(record.ChildInput(**{**current.__dict__, "level": "Tier 9"}),
                                 TODAY, ("Tier 1", "Tier 2"))
    assert err.value.field == "level"
    with store.session(ACTOR) as session:
        record.update_child(session, c.id, record.ChildInput(
            **{**current.__dict__, "known_as": "Pri"}), TODAY)
    action, entity, changes, _ = last_audit(store)[0]
    assert (action, entity) == ("update", "child") and changes["known_as"] == ["", "Pri"]
    assert "level" not in changes  # an edit keeps what it did not touch


def test_a_childs_own_consent_reads_in_the_chronology_as_on_the_consent_tab_wir_2_1(store):
    """WIR 2.1: a child's own consent decision is "the young person"'s from 16, "the
    child"'s younger, on the consent tab and in the chronology alike; the chronology said
    "the young person" for a child of any age."""
    from cintui.domain.child import age_years
    from cintui.store.models import Child

    with store.read() as session:
        kids = [c for c in session.exec(select(Child).where(Child.status != "closed")).all()
                if c.dob and c.dob <= TODAY]
    young = next(c for c in kids if 5 <= age_years(c.dob, TODAY) < 16)
    older = next(c for c in kids if 16 <= age_years(c.dob, TODAY) < 18)
    for c, words in ((young, "the child"), (older, "the young person")):
        with store.session(ACTOR) as session:
            row = record.record_consent(session, c.id, record.ConsentInput(
                scope="transfer", decision="given", decided_on=TODAY,
                notes="own decision"), TODAY)
        with store.read() as session:
            (entry,) = [e for e in record.chronology(session, c.id, TODAY)
                        if e.ref == str(row.id)]
        assert (row.who, entry.who) == (words, words)
