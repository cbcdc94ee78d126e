"""Set-up from an empty store (`cintui db init`, then only what a user can do): the
authority, teams and their managers, workers, leaving, reallocating children (dated,
audited, in the chronology), and the managers' steps refused naming the role needed.
Synthetic people only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from cintui.casework import admin, cases, endings, record
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.conftest import TODAY

ACTOR = "priya.bs"


@pytest.fixture
def store(new_db):
    path = new_db("team.db")
    s = open_store(path, None)
    yield s
    s.close()


def set_up_team(store) -> None:
    """South: Tom manages Amira and Ben; Priya is business support."""
    with store.session(ACTOR) as session:
        admin.set_authority(session, name="Exampleshire County Council", la="820")
        admin.add_team(session, admin.TeamInput("Safeguarding South",
                                                "Safeguarding and Support"))
        admin.add_team(session, admin.TeamInput("Disability North", "Children with Disability"))
        for username, name, role, team in (
                ("tom.hale", "Tom Hale", "TM", "south"),
                ("amira.ashdown", "Amira Ashdown", "social worker", "south"),
                ("ben.cole", "Ben Cole", "social_worker", "south"),
                ("cara.dune", "Cara Dune", "senior practitioner", "north"),
                ("priya.bs", "Priya Bains", "business support", "south")):
            admin.add_worker(session, username, admin.WorkerInput(
                name, role, team, f"{username}@example.org"))
        admin.edit_team(session, "south", admin.TeamInput(manager="tom.hale"))


def add_child(store, first: str, worker: str = "amira.ashdown") -> m.Child:
    with store.session(ACTOR) as session:
        return cases.add_child(session, cases.NewChild(
            first_name=first, last_name="Synthetic", dob=date(2017, 2, 3),
            referral_date=date(2026, 3, 2), worker=worker), TODAY)


def test_an_empty_store_has_no_authority_teams_or_workers(store):
    with store.read() as session:
        info = admin.authority(session)
        assert (info.name, info.la_number, info.policy) == ("", "", "england")
        assert admin.list_teams(session) == [] and admin.list_workers(session) == []


def test_setting_up_the_authority_teams_and_workers(store):
    set_up_team(store)
    with store.session(ACTOR) as session:
        info = admin.set_authority(session, policy="england")
    assert (info.name, info.la_number) == ("Exampleshire County Council", "820")
    with store.read() as session:
        teams = admin.list_teams(session)
        workers = admin.list_workers(session, team="south")
        assert cases.authority_name(session) == "Exampleshire County Council"
    assert [(t.name, t.service, t.manager_username, t.workers) for t in teams] == [
        ("Disability North", "Children with Disability", "", 1),
        ("Safeguarding South", "Safeguarding and Support", "tom.hale", 4)]
    assert [(w.username, w.role, w.role_label) for w in workers] == [
        ("amira.ashdown", "social_worker", "Social worker"),
        ("ben.cole", "social_worker", "Social worker"),
        ("priya.bs", "business_support", "Business support officer"),
        ("tom.hale", "team_manager", "Team manager")]


def test_a_teams_first_team_manager_manages_it(store):
    """Set-up adds a team, then its people: the team manager among them manages it without
    a third step; a second one, or a service manager, leaves the manager as it was."""
    with store.session(ACTOR) as session:
        admin.add_team(session, admin.TeamInput("Safeguarding South"))
        admin.add_team(session, admin.TeamInput("Disability North"))
        for username, role, team in (("amira.ashdown", "social worker", "south"),
                                     ("tom.hale", "team manager", "south"),
                                     ("una.vale", "team manager", "south"),
                                     ("sam.reid", "service manager", "north")):
            admin.add_worker(session, username, admin.WorkerInput(username, role, team))
    with store.read() as session:
        managers = {t.name: t.manager_username for t in admin.list_teams(session)}
        assert admin.managed_teams(session, "tom.hale") == ["Safeguarding South"]
        assert admin.managed_teams(session, "una.vale") == []
    assert managers == {"Safeguarding South": "tom.hale", "Disability North": ""}


def test_every_set_up_change_is_audited_with_who_did_it(store):
    with store.read() as session:
        before = len(session.exec(select(m.AuditEntry)).all())  # the new store's own
    set_up_team(store)
    with store.read() as session:
        entries = session.exec(select(m.AuditEntry).order_by(m.AuditEntry.seq)).all()[before:]
    assert {e.entity for e in entries} == {"authority", "team", "worker"}
    assert {e.actor for e in entries} == {ACTOR}


@pytest.mark.parametrize("call, field, words", [
    (lambda s: admin.set_authority(s, la=" "), "la", "give the DfE LA number"),
    (lambda s: admin.set_authority(s, name="Exampleshire", la="82"), "la", "'82'"),
    (lambda s: admin.set_authority(s), "name", "nothing to set"),
    (lambda s: admin.add_team(s, admin.TeamInput(" ")), "name", "give the team's name"),
    (lambda s: admin.add_team(s, admin.TeamInput("safeguarding south")), "name",
     "already a team called 'Safeguarding South'"),
    (lambda s: admin.add_team(s, admin.TeamInput("East", manager="amira.ashdown")), "manager",
     "managing a team needs a team manager or service manager; amira.ashdown is a social "
     "worker"),
    (lambda s: admin.add_worker(s, "Amira.Ashdown", admin.WorkerInput("A", "sw")), "username",
     "amira.ashdown is already the username of Amira Ashdown"),
    (lambda s: admin.add_worker(s, "dan", admin.WorkerInput("Dan", "boss")), "role",
     "'boss' is not a role: choose one of social worker"),
    (lambda s: admin.add_worker(s, "dan eve", admin.WorkerInput("Dan", "sw")), "username",
     "is not a username"),
    (lambda s: admin.add_worker(s, "dan", admin.WorkerInput("Dan", "sw", email="dan@")),
     "email", ""),
    (lambda s: admin.add_worker(s, "dan", admin.WorkerInput("Dan", "sw", team="west")), "team",
     "no team called 'west'"),
    (lambda s: admin.edit_worker(s, "tom.hale", admin.WorkerInput(role="sw")), "role",
     "tom.hale manages Safeguarding South: choose another manager for the team first"),
    (lambda s: admin.edit_worker(s, "nobody", admin.WorkerInput(name="X")), "worker",
     "no worker called 'nobody'"),
])
def test_bad_set_up_is_refused_and_nothing_is_written(store, call, field, words):
    set_up_team(store)
    with store.read() as session:
        before = session.exec(select(m.AuditEntry)).all()
    with pytest.raises(admin.AdminError) as refused, store.session(ACTOR) as session:
        call(session)
    assert refused.value.field == field and words in refused.value.problem
    with store.read() as session:
        assert len(session.exec(select(m.AuditEntry)).all()) == len(before)


def test_editing_a_worker_moves_them_and_changes_their_role(store):
    set_up_team(store)
    with store.session(ACTOR) as session:
        row = admin.edit_worker(session, "ben.cole", admin.WorkerInput(
            name="Ben Cole-Hart", role="senior practitioner", team="north", email=""))
    assert (row.name, row.role, row.team, row.email) == (
        "Ben Cole-Hart", "senior_practitioner", "Disability North", "")


def test_a_worker_with_open_children_cannot_leave_until_they_are_reallocated(store):
    set_up_team(store)
    nell, otto = add_child(store, "Nell"), add_child(store, "Otto")
    with pytest.raises(admin.AdminError, match="amira.ashdown still holds 2 open children: "
                       "reallocate them first"), store.session(ACTOR) as session:
        admin.leave(session, "amira.ashdown", on=TODAY, today=TODAY)
    with store.session(ACTOR) as session:
        moved = admin.reallocate(session, admin.ReallocationInput(
            (nell.reference, otto.reference), "ben.cole", date(2026, 11, 20), "tom.hale",
            "Amira is leaving"), today=TODAY)
    assert [(x.reference, x.from_worker, x.to_worker, x.team) for x in moved] == [
        (nell.reference, "Amira Ashdown", "Ben Cole", "Safeguarding South"),
        (otto.reference, "Amira Ashdown", "Ben Cole", "Safeguarding South")]
    with store.session(ACTOR) as session:
        left = admin.leave(session, "amira.ashdown", on=TODAY, today=TODAY)
    assert left.worker.left_on == TODAY and not left.worker.active
    with store.read() as session:
        assert "amira.ashdown" not in {w.username for w in admin.list_workers(session)}
        assert "amira.ashdown" not in {w.username for w in cases.list_workers(session)}
        gone = next(w for w in admin.list_workers(session, include_left=True)
                    if w.username == "amira.ashdown")
        assert gone.left_on == TODAY
        # Her history stays hers: the reallocation names her.
        assert [e.summary for e in record.chronology(session, nell.id)
                if e.kind == "allocation"] == ["Reallocated to Ben Cole (from Amira Ashdown)"]
    with pytest.raises(admin.AdminError, match="left on 23 Nov 2026"), \
            store.session(ACTOR) as session:
        admin.leave(session, "amira.ashdown", on=TODAY, today=TODAY)


def test_a_manager_leaving_leaves_their_team_without_a_manager(store):
    set_up_team(store)
    with store.session(ACTOR) as session:
        left = admin.leave(session, "tom.hale", on=TODAY, today=TODAY)
    assert left.teams_without_manager == ("Safeguarding South",)
    with store.read() as session:
        south = next(t for t in admin.list_teams(session) if t.name == "Safeguarding South")
    assert south.manager == ""


def test_a_reallocation_is_dated_audited_and_in_the_chronology(store):
    set_up_team(store)
    nell = add_child(store, "Nell")
    with store.session(ACTOR) as session:
        admin.reallocate(session, admin.ReallocationInput(
            ("Nell Synthetic",), "cara.dune", date(2026, 11, 20), "Tom Hale",
            "Needs the disability team"), today=TODAY)
    with store.read() as session:
        child = session.get(m.Child, nell.id)
        cara = cases.find_worker(session, "cara.dune")
        north = cases.find_team(session, "north")
        row = session.exec(select(m.Reallocation)).one()
        audited = session.exec(select(m.AuditEntry).where(
            m.AuditEntry.entity == "reallocation")).all()
        entry = next(e for e in record.chronology(session, nell.id) if e.kind == "allocation")
    # The child's team (and service) follow the new worker's.
    assert (child.worker_id, child.team_id, child.service) == (
        cara.id, north.id, "Children with Disability")
    assert (row.reallocated_on, row.by, row.reason) == (
        date(2026, 11, 20), "Tom Hale", "Needs the disability team")
    assert [a.actor for a in audited] == [ACTOR]
    assert (entry.when, entry.who, entry.detail) == (
        date(2026, 11, 20), "Tom Hale", "Needs the disability team")


@pytest.mark.parametrize("change, field, words", [
    (dict(by="amira.ashdown"), "by", "reallocating a child needs a team manager or service "
     "manager; amira.ashdown is a social worker"),
    (dict(by="priya.bs"), "by", "priya.bs is a business support officer"),
    (dict(by="someone.else"), "by", "someone.else is not a worker on this store"),
    (dict(to="priya.bs"), "to", "holding a child needs a social worker"),
    (dict(to="nobody"), "to", "no worker called 'nobody'"),
    (dict(to="amira.ashdown"), "to", "already allocated to amira.ashdown"),
    (dict(on=date(2026, 11, 24)), "on", "24 Nov 2026 is in the future"),
    (dict(on=date(2026, 3, 1)), "on", "1 Mar 2026 is before the referral (2 Mar 2026)"),
    (dict(children=("CIN999999",)), "child", "no child with reference or name 'CIN999999'"),
    (dict(children=()), "child", "choose at least one child"),
])
def test_a_reallocation_refused_writes_nothing(store, change, field, words):
    set_up_team(store)
    nell = add_child(store, "Nell")
    base = dict(children=(nell.reference,), to="ben.cole", on=TODAY, by="tom.hale")
    new = admin.ReallocationInput(**(base | change))
    with pytest.raises(cases.CaseworkError) as refused, store.session(ACTOR) as session:
        admin.reallocate(session, new, today=TODAY)
    assert refused.value.field == field and words in refused.value.problem
    with store.read() as session:
        assert session.exec(select(m.Reallocation)).all() == []
        assert session.get(m.Child, nell.id).worker_id == cases.find_worker(
            session, "amira.ashdown").id


def test_one_child_already_with_the_worker_stops_the_whole_batch(store):
    set_up_team(store)
    nell, otto = add_child(store, "Nell"), add_child(store, "Otto", worker="ben.cole")
    with pytest.raises(admin.AdminError, match=f"{otto.reference} Otto Synthetic: already "
                       "allocated to ben.cole"), store.session(ACTOR) as session:
        admin.reallocate(session, admin.ReallocationInput(
            (nell.reference, otto.reference), "ben.cole", TODAY, "tom.hale"), today=TODAY)
    with store.read() as session:
        assert session.exec(select(m.Reallocation)).all() == []


def test_a_closed_child_is_not_reallocated(store):
    set_up_team(store)
    nell = add_child(store, "Nell")
    with store.session(ACTOR) as session:
        session.get(m.Child, nell.id).status = "closed"
    with pytest.raises(admin.AdminError, match="the case is closed"), \
            store.session(ACTOR) as session:
        admin.reallocate(session, admin.ReallocationInput(
            (nell.reference,), "ben.cole", TODAY, "tom.hale"), today=TODAY)


def test_a_closure_decision_by_a_social_worker_names_the_role_needed(store):  # TRA, BEX 3
    set_up_team(store)
    nell = add_child(store, "Nell")
    with store.session(ACTOR) as session:
        endings.recommend_closure(session, nell.id, on=TODAY, by="Amira Ashdown", today=TODAY)
    with pytest.raises(endings.EndingError, match="TRA, BEX 3: deciding a closure needs a team "
                       "manager or service manager; amira.ashdown is a social worker"), \
            store.session(ACTOR) as session:
        endings.decide_closure(session, nell.id, approve=True, rationale="Needs met",
                               on=TODAY, today=TODAY, by="amira.ashdown", actor=ACTOR)
    with store.session(ACTOR) as session:  # the team manager set up here may decide
        ending = endings.decide_closure(session, nell.id, approve=True, rationale="Needs met",
                                        on=TODAY, today=TODAY, by="tom.hale", actor=ACTOR)
    assert ending.decided_by == "Tom Hale"


def test_the_first_time_the_authority_needs_its_name_and_la_number(store):
    with pytest.raises(admin.AdminError, match="not an authority cintui knows: give its DfE LA number"), \
            store.session(ACTOR) as session:
        admin.set_authority(session, name="Exampleshire County Council")
    with store.session(ACTOR) as session:  # the policy profile alone may be chosen first
        info = admin.set_authority(session, policy="england")
    assert (info.name, info.policy) == ("", "england")
