"""Someone else changed this record since you opened it (issue 18, item 3): a person, a
withheld-consent record, a plan draft. The save is refused with one line naming who and when;
nothing is written; the stamp the error carries lets a form save over it knowingly. A clash
the use case did not foresee (a duplicate) is one line too (`WriteConflict`), never a
traceback, on a SQLite file and on PostgreSQL. Synthetic people only.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import select

from cintui.casework import cases, conflicts, plans, record
from cintui.domain.plan import Need
from cintui.store import models as m
from cintui.store.base import WriteConflict
from cintui.store.engine import create_store, open_url
from tests.conftest import TODAY, plan_started

ME, OTHER = "mia.me", "olu.other"


@pytest.fixture
def store(tmp_path):
    s = create_store(tmp_path / "c.db", None, encrypt=False)
    with s.session(ME) as session:
        session.add(m.Worker(username=OTHER, name="Olu Other", role="social_worker",
                             email="olu@example.org"))
    yield s
    s.close()


def _child(store) -> object:
    with store.session(ME) as session:
        child = cases.add_child(session, cases.NewChild(
            first_name="Kit", last_name="Clashtest", dob=date(2019, 1, 2),
            referral_date=date(2026, 5, 1), primary_need="N1"), TODAY)
        return child.id


def test_a_person_changed_in_two_places_is_a_conflict_naming_who(store):
    child_id = _child(store)
    with store.session(ME) as session:
        added = record.add_person(session, child_id, record.PersonInput("Ada Clashtest",
                                                                        relationship="Mother"))
    with store.read() as session:
        mine = record.list_people(session, child_id)[0]  # the form opens
    with store.session(OTHER) as session:  # someone else saves first
        record.update_person(session, child_id, added.person_id,
                             record.PersonInput("Ada Clashtest", relationship="Mother",
                                                phone="07700 900123"), seen=mine.stamp)
    new = record.PersonInput("Ada Clashtest", relationship="Mum", email="ada@example.org")
    with pytest.raises(conflicts.EditConflict) as err, store.session(ME) as session:
        record.update_person(session, child_id, added.person_id, new, seen=mine.stamp)
    assert err.value.problem.startswith("Olu Other (olu.other) changed Ada Clashtest's "
                                        "details at ")
    with store.read() as session:
        now = record.list_people(session, child_id)[0]
    assert (now.relationship, now.phone, now.email) == ("Mother", "07700 900123", "")
    with store.session(ME) as session:  # saved again, knowingly
        record.update_person(session, child_id, added.person_id, new, seen=err.value.current)
    with store.read() as session:
        assert record.list_people(session, child_id)[0].relationship == "Mum"


def test_a_withheld_consent_record_changed_elsewhere_is_a_conflict(store):
    """WIR 2.2: the withheld-consent path, walked by two people at once."""
    child_id = _child(store)
    with store.session(ME) as session:
        person = record.add_person(session, child_id, record.PersonInput(
            "Ben Clashtest", relationship="Father", parental_responsibility=True))
        row = record.record_consent(session, child_id, record.ConsentInput(
            "service", "refused", date(2026, 5, 3), person_id=person.person_id), TODAY)
    seen = row.stamp
    with store.session(OTHER) as session:
        record.record_withheld_path(session, child_id, row.id, record.WithheldInput(
            reasons="Discussed at home"), TODAY, seen=seen)
    with pytest.raises(conflicts.EditConflict, match="changed this withheld-consent record"), \
            store.session(ME) as session:
        record.record_withheld_path(session, child_id, row.id, record.WithheldInput(
            reasons="Phoned"), TODAY, seen=seen)
    with store.read() as session:
        assert record.list_consents(session, child_id)[0].withheld.reasons == "Discussed at home"


def test_a_plan_draft_edited_in_two_places_is_a_conflict(store):
    child_id = _child(store)
    with store.session(ME) as session:
        plan_started(session, child_id)
        vid = plans.start_version(session, child_id, TODAY)
    with store.read() as session:
        mine = plans.load_version(session, vid)
        theirs = plans.load_version(session, vid)
    need = Need(now="Kit is often late", outcome="Kit is on time", evidence="", rag="A")
    with store.session(OTHER) as session:
        plans.save_draft(session, vid, replace(theirs, needs=(need,)), TODAY)
    with pytest.raises(plans.PlanError, match="changed this plan draft") as err, \
            store.session(ME) as session:
        plans.save_draft(session, vid, replace(mine, objectives="Kit is safe"), TODAY)
    assert isinstance(err.value, conflicts.EditConflict)
    with store.read() as session:
        stored = plans.load_version(session, vid)
    assert stored.objectives == "" and [n.now for n in stored.needs] == ["Kit is often late"]
    with store.session(ME) as session:  # from what is stored now, it saves
        saved = plans.save_draft(session, vid, replace(stored, objectives="Kit is safe"), TODAY)
    assert saved.objectives == "Kit is safe" and saved.stamp != stored.stamp


def _duplicate_worker(s) -> str:
    with pytest.raises(WriteConflict) as err, s.session(ME) as session:
        session.add(m.Worker(username="dup.worker", name="A", role="social_worker",
                             email="a@example.org"))
        session.flush()
        session.add(m.Worker(username="dup.worker", name="B", role="social_worker",
                             email="b@example.org"))
    with s.read() as session:
        assert session.exec(select(m.Worker).where(m.Worker.username == "dup.worker")).all() == []
    return str(err.value)


def test_a_duplicate_that_reaches_the_store_is_one_line_on_a_sqlite_file(store):
    said = _duplicate_worker(store)
    assert said.startswith("not saved: a record like it was saved at the same moment")
    assert "\n" not in said and "worker.username" in said


def test_a_duplicate_that_reaches_the_store_is_one_line_on_postgresql(pg_url):
    s = open_url(pg_url)
    try:
        said = _duplicate_worker(s)
    finally:
        s.close()
    assert said.startswith("not saved: a record like it was saved at the same moment")
    assert "\n" not in said and "dup.worker" not in said  # the constraint, never the values
