"""Who booked a meeting (`meeting.booked_by`, revision 0033) is, on a team server, the login
that booked it: the server refuses a booking in a colleague's name, with psql, a doctored
client or a laptop's push, and a change of who booked it after. A laptop's own bookings
still arrive, and a meeting a transfer pack carried keeps its booker at the other authority.

A real team server with real logins (tests/store/teams.py); laptops made with `cintui sync
setup` (tests/store/test_sync.py).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import psycopg
import pytest
from sqlmodel import select

from cintui.store import engine
from cintui.store import models as m
from tests.store.teams import (
    Team,
    _ok,
    team,  # noqa: F401 - the fixture
)
from tests.store.test_sync import (
    TODAY,
    _as,
    laptops,  # noqa: F401 - the fixture
    meeting_booked_for_nell,
    open_laptop,
    sync_now,
)

BOOK = ("INSERT INTO meeting (id, created_at, updated_at, child_id, kind, held_on, held, "
        "status, child_invited, booked_by) VALUES (%s, now(), now(), %s, 'initial', "
        "'2026-12-01', false, 'scheduled', false, %s)")


def _child_id(at: Team) -> str:
    with at.psql(at.worker) as conn:
        return str(conn.execute("SELECT id FROM child WHERE reference = %s",
                                (at.child,)).fetchone()[0])


def bookers(at: Team) -> list[str]:
    """Who booked each of the child's meetings, as the server holds it (read as the owner)."""
    server = engine.open_url(at.owner_url)
    try:
        with server.read() as session:
            return sorted(r.booked_by for r in session.exec(select(m.Meeting)).all())
    finally:
        server.close()


def test_a_login_cannot_book_a_meeting_in_a_colleagues_name_with_psql(team):  # noqa: F811
    """Amira's login books in her own name (or none); in Ben's, or Tom (her manager) in hers,
    is refused by the server, and who booked a meeting is not changed after, by anyone's
    login."""
    child_id = _child_id(team)
    mine = str(uuid.uuid4())
    with team.psql(team.worker) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege,
                           match="Amira Ashdown is logged in as .* not as Ben Cole"):
            conn.execute(BOOK, (str(uuid.uuid4()), child_id, "Ben Cole"))
        conn.execute(BOOK, (mine, child_id, "Amira Ashdown"))
        conn.execute(BOOK, (str(uuid.uuid4()), child_id, ""))  # not said: not a claim
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="not changed after"):
            conn.execute("UPDATE meeting SET booked_by = 'Ben Cole' WHERE id = %s", (mine,))
        conn.execute("UPDATE meeting SET venue = 'Family home' WHERE id = %s", (mine,))
    with team.psql(team.manager) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="not as Amira Ashdown"):
            conn.execute(BOOK, (str(uuid.uuid4()), child_id, "Amira Ashdown"))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="not changed after"):
            conn.execute("UPDATE meeting SET booked_by = 'Tom Hale' WHERE id = %s", (mine,))
    assert bookers(team) == ["", "Amira Ashdown"]


def test_a_laptops_own_booking_arrives_and_a_forged_one_is_refused_in_the_sync(
        team, laptops, cli):  # noqa: F811
    """Amira books Nell's first meeting on her laptop, offline: the sync brings it to the
    server as hers. A doctored client on her laptop writing a booking in Ben's name (its own
    audit entry, chained as hers) is refused by the server in the same push, kept on the
    laptop as a conflict for her to see: the server holds no meeting booked by Ben."""
    path = laptops(team.worker)
    meeting_booked_for_nell(team, cli, path)
    first = sync_now(path, team, team.worker)
    assert first.conflicts == 0
    assert bookers(team) == ["Amira Ashdown"]

    laptop = open_laptop(path)
    try:
        with laptop.session(team.worker) as session:  # around the app's own booking
            child = session.exec(select(m.Child)).one()
            session.add(m.Meeting(child_id=child.id, kind="review", held_on=TODAY,
                                  starts_at=datetime(2026, 12, 3, 10, tzinfo=UTC),
                                  status="scheduled", booked_by="Ben Cole"))
    finally:
        laptop.close()
    second = sync_now(path, team, team.worker)
    assert second.conflicts == 1
    [conflict] = json.loads(cli("sync", "conflicts", "--db", path, "--json").out)
    assert conflict["kind"] == "refused" and "not as Ben Cole" in conflict["reason"]
    assert bookers(team) == ["Amira Ashdown"]


def test_a_meeting_a_transfer_pack_carried_keeps_its_booker_there_bex_4(
        team, cli, monkeypatch, tmp_path):  # noqa: F811
    """BEX 4: a manager's login imports a pack on the team server; its meetings, held or
    cancelled at the other authority, say who booked them there, as on a file store."""
    pack = {
        "format": "cintui-transfer-pack", "format_version": 1, "produced": "2026-11-20",
        "from_authority": "Exampleshire County Council",
        "child": {"reference": "EX1", "first_name": "Ola", "last_name": "Moved",
                  "dob": "2017-05-05"},
        "episode": {"referral_source": "10", "primary_need": "N1"},
        "transfer": {"move_date": "2026-11-16"},
        "meetings": [{"kind": "review", "held_on": "2026-10-01", "held": True,
                      "status": "held", "booked_by": "Olu Other",
                      "booked_at": "2026-09-10T09:00:00+00:00", "minutes": None,
                      "invitees": [], "distribution": []}]}
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "transfer-pack.json").write_text(json.dumps(pack))
    monkeypatch.delenv("CINTUI_USER", raising=False)
    with _as(team.url(team.manager)):
        _ok(cli("import", "transfer-pack", tmp_path / "pack", "--worker", team.worker,
                "--today", TODAY.isoformat()))
        listed = cli("meeting", "list", "EX1", "--json", "--today", TODAY.isoformat())
    _ok(listed)
    assert [(r["booked_by"], r["booked_on"]) for r in json.loads(listed.out)] == [
        ("Olu Other", "2026-09-10")]


def test_upgrading_a_team_server_gives_older_bookings_their_booker_and_verify_passes(
        team, cli, monkeypatch):  # noqa: F811
    """A team server from before revision 0033: its meetings kept no booker. `cintui db
    upgrade` by its owner writes each booking's booker from the trail (revision 0034) as an
    audited change under the owner's login, so `cintui audit verify` finds nothing made
    outside cintui; the worker's colleague then reads who booked it."""
    from alembic import command

    from cintui.store import migrate

    monkeypatch.delenv("CINTUI_USER", raising=False)
    with _as(team.url(team.worker)):
        for args in (("person", "add", team.child, "--name", "Rose Quill", "--relationship",
                      "Mother", "--pr", "--lives-with"),
                     ("child", "consent", team.child, "--decision", "given", "--scope",
                      "meeting", "--person", "Rose Quill", "--on", "2026-11-20"),
                     ("meeting", "schedule", team.child, "--kind", "initial", "--at",
                      "2026-12-01 16:00", "--venue", "Family home", "--chair", "Tom Hale")):
            _ok(cli(*args, "--today", "2026-11-24"))
    owner = engine.open_url(team.owner_url)
    try:
        with owner.engine.connect() as conn, conn.begin():  # the store as it was at 0032
            command.downgrade(migrate.alembic_config(conn), "0032")
    finally:
        owner.close()
    with _as(team.owner_url):
        _ok(cli("db", "upgrade", "--backup-taken"))
        verified = cli("audit", "verify")
    assert verified.code == 0, verified.out + verified.err
    assert bookers(team) == ["Amira Ashdown"]
    with _as(team.url(team.other)):
        listed = cli("meeting", "list", team.child, "--json", "--today", "2026-11-24")
    _ok(listed)
    assert [r["booked_by"] for r in json.loads(listed.out)] == ["Amira Ashdown"]
