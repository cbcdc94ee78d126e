"""Lists in a fixed order on both stores (issue 18): where the order a user sees can tie
(two workers with the same name, two visits at the same minute), the tie is broken the same
way on a SQLite file and on PostgreSQL (by username; by when each was recorded).
Without it PostgreSQL hands back tied rows as they lie in the table, and a row that was
updated moves to the end. Synthetic people only."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from cintui.casework import cases, visits
from cintui.store import models as m
from tests.conftest import TODAY

AT = datetime(2026, 11, 20, 10, 30)


def _workers_named_alike(store) -> None:
    # Their ids in the other order to their usernames: a list that grouped or scanned by
    # id, then sorted by name alone, would give sam.lee2 first.
    with store.session("setup") as session:
        session.add(m.Worker(id=uuid.UUID(int=1), username="sam.lee2", name="Sam Lee",
                             role="social_worker"))
    with store.session("setup") as session:
        session.add(m.Worker(id=uuid.UUID(int=2), username="sam.lee1", name="Sam Lee",
                             role="social_worker"))
    with store.session("setup") as session:  # an update: on PostgreSQL the row moves
        worker = session.get(m.Worker, uuid.UUID(int=1))
        worker.email = "sam.lee2@example.org"
        session.add(worker)


def test_workers_with_the_same_name_come_in_username_order(new_store):
    store = new_store()
    _workers_named_alike(store)
    with store.read() as session:  # the sign-in list and the app's worker picker
        listed = [w.username for w in cases.list_workers(session) if w.name == "Sam Lee"]
    assert listed == ["sam.lee1", "sam.lee2"]


def test_visits_at_the_same_minute_come_in_the_order_they_were_recorded(new_store):
    """WIR 2.11: the visits list and the record's history, oldest first."""
    store = new_store()
    with store.session("setup") as session:
        session.add(m.Worker(username="amira", name="Amira Khan", role="social_worker"))
    with store.session("amira") as session:
        child = cases.add_child(session, cases.NewChild(
            first_name="Leo", last_name="Ties", dob=date(2017, 5, 2),
            referral_date=date(2026, 8, 3), worker="amira"), TODAY)
    ids = []
    for purpose in ("First visit", "Second visit"):
        with store.session("amira") as session:
            content = visits.with_facts(visits.new_content(AT), purpose=purpose,
                                        analysis="Seen alone in his bedroom.",
                                        seen_alone=True, bedroom_seen=True)
            ids.append(visits.finalise(session, child.id, content, actor="amira",
                                       now=AT + timedelta(hours=1)))
    with store.session("setup") as session:  # an update: on PostgreSQL the row moves
        first = session.get(m.Visit, ids[0])
        first.finalised_at = first.finalised_at + timedelta(seconds=1)
        session.add(first)
    with store.read() as session:
        listed = [v.content.purpose for v in visits.child_visits(session, child.id)]
    assert listed == ["First visit", "Second visit"]
