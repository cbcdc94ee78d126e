"""A laptop that works offline (issue 19), in the app: where it stands in the header on every
screen (last sync, changes waiting, conflicts; overdue after the policy's working days), F5
to sync with the team server, F6 for the conflicts, field by field.

The header cases use an encrypted store that `sync.mark_replica` made a replica (its
store_meta says so, with a fixed last sync); the sync cases a real one: a PostgreSQL team
server (tests/store/teams.py) and a laptop made with `cintui sync setup`.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import select
from textual.widgets import DataTable, Input

from cintui.app import CintuiApp
from cintui.store import access, engine, sync
from cintui.store import models as m
from cintui.store.models import Child, Visit
from tests.conftest import PASSPHRASE, TODAY
from tests.screens.test_lock import shown
from tests.screens.test_shell import press_to, settle, type_text, until
from tests.store.teams import (
    PASSWORD,
    team,  # noqa: F401 - the fixture
)
from tests.store.test_sync import TODAY as SYNC_DAY
from tests.store.test_sync import (
    _pw,
    clash,
    laptops,  # noqa: F401 - the fixture
    open_laptop,
    open_server,
    out_of_reach,
)

LOGIN = "amira.ashdown"
URL = f"postgresql+psycopg://{LOGIN}@team-server/cintui"
MORNING = datetime(2026, 11, 23, 9, 14, tzinfo=UTC)  # TODAY, a Monday
THURSDAY = datetime(2026, 11, 19, 16, 2, tzinfo=UTC)  # 2 working days before TODAY
FRIDAY = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # the conflicting changes
SERVER_EDIT = datetime(2026, 11, 20, 14, 42, tzinfo=UTC)  # Ben's, on the team server


def _ok(result) -> None:
    assert result.code == 0, result.err


def replica_file(tmp_path: Path, cli, monkeypatch, *, last_sync: datetime, waiting: int = 3,
                 conflicts: bool = False, url: str = URL,
                 failed_at: datetime | None = None) -> Path:
    """An encrypted store with one team, Amira and her child Nell, that store_meta makes
    Amira's laptop replica: last synced at `last_sync`, `waiting` changes not yet sent; a
    sync tried since at `failed_at` that could not reach the team server."""
    monkeypatch.setenv("CINTUI_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "laptop.db"
    _ok(cli("db", "init", "--db", path))
    _ok(cli("team", "add", "South", "--service", "Safeguarding", "--db", path))
    _ok(cli("worker", "add", LOGIN, "--name", "Amira Ashdown", "--role", "social worker",
            "--team", "South", "--db", path))
    _ok(cli("worker", "add", "ben.cole", "--name", "Ben Cole", "--role", "social worker",
            "--team", "South", "--db", path))
    made = cli("child", "add", "--first-name", "Nell", "--last-name", "Quill", "--dob",
               "2018-04-01", "--referral-date", "2026-11-02", "--worker", LOGIN, "--db", path,
               "--json")
    _ok(made)
    store = engine.open_store(path, PASSPHRASE)
    try:
        sync.mark_replica(store, url, LOGIN)
        with store.session(sync.SYNC_ACTOR) as session:
            seqs = [e.seq for e in session.exec(select(m.AuditEntry).order_by(m.AuditEntry.seq))
                    if e.actor != sync.SYNC_ACTOR]
            sync._set_meta(session, {sync.META_AT: last_sync.isoformat(),
                                     sync.META_PUSHED: str(seqs[-waiting - 1])})
            if failed_at is not None:
                sync._set_meta(session, {sync.META_FAILED_AT: failed_at.isoformat(),
                                         sync.META_FAILED: "cannot reach the team server"})
            if conflicts:
                _conflicts(session, store.store_id)
    finally:
        store.close()
    monkeypatch.setenv("CINTUI_USER", LOGIN)
    return path


def _conflicts(session, device: str) -> None:
    child = session.exec(select(Child)).one()
    common = {"device": device, "child_id": child.id, "entity_id": child.id.hex}
    session.add(m.SyncConflict(**common, kind="both_changed", entity="child",
                               field="first_name", base='"Nell"', mine='"Nelly"',
                               theirs='"Eleanor"', recorded_at=FRIDAY, theirs_by="ben.cole",
                               theirs_at=SERVER_EDIT))
    # recorded before revision 0031: who changed the server's copy is not known
    session.add(m.SyncConflict(**common, kind="both_changed", entity="child", field="dob",
                               base='"2018-04-01"', mine='"2018-04-01"',
                               theirs='"2018-04-10"', recorded_at=FRIDAY.replace(minute=1)))
    visit = {"action": "insert", "values": {"purpose": "After school", "child_id": child.id.hex,
                                            "visited_at": "2026-11-20T15:30:00+00:00"}}
    session.add(m.SyncConflict(
        device=device, child_id=child.id, kind="refused", entity="visit",
        entity_id="0" * 32, mine=json.dumps(visit), theirs="null",
        reason="it refers to a meeting that is not on the server",
        recorded_at=FRIDAY.replace(minute=2)))


def header(app) -> str:
    """The header line as it is on screen (after the icon; ellipsis where it was cut)."""
    return shown(app).split("⭘", 1)[1][:app.size.width]


async def ready(pilot) -> None:
    """The caseload up, the full store open, the header read."""
    await settle(pilot)
    app = pilot.app
    assert app.store is not None
    app.laptop_status.check()
    await pilot.pause()


# ------------------------------------------------------------------ the header


async def test_the_header_says_when_the_laptop_last_synced_and_what_waits(
        tmp_path, cli, monkeypatch):
    path = replica_file(tmp_path, cli, monkeypatch, last_sync=MORNING)
    app = CintuiApp(access.locate(path), today=TODAY, worker=LOGIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert type(app.screen).__name__ == "CaseloadScreen"
        top = header(app)
        assert "Synced today 09:14 · 3 changes waiting to send · no conflicts · F5 sync" in top
        app.open_child(next(c for c in app.child_index())[0])  # on every screen
        await settle(pilot)
        assert "Synced today 09:14" in header(app)
        await pilot.resize_terminal(80, 24)
        app.laptop_status.check()
        await pilot.pause()
        top = header(app)
        # Who you are, at 80 columns too (the login was left out: no room for "cintui · ")
        assert "Synced today 09:14 · 3 to send · no conflicts — amira.ashdown" in top


async def test_at_80_columns_conflicts_keep_their_key_and_the_login_stays(
        tmp_path, cli, monkeypatch):
    """Synced this morning with conflicts to resolve: at 80x24 the header said "Synced
    today 09:14 · 3 to send · 3 conflicts (F6)" and left the login out (65 characters with
    it, 62 of room). The clock alone says today: the login, the conflicts and F6 all show;
    at 120 columns "today" and the rest are still there."""
    path = replica_file(tmp_path, cli, monkeypatch, last_sync=MORNING, conflicts=True)
    app = CintuiApp(access.locate(path), today=TODAY, worker=LOGIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        top = header(app)
        assert "Synced 09:14 · 3 to send · 3 conflicts (F6) — amira.ashdown" in top, top
        await pilot.resize_terminal(120, 40)
        app.laptop_status.check()
        await pilot.pause()
        assert "Synced today 09:14 · 3 changes to send · 3 conflicts to resolve (F6)" \
            in header(app), header(app)


async def test_a_laptop_not_synced_for_two_working_days_says_so(tmp_path, cli, monkeypatch):
    """The England profile's limit: 2 working days (`[sync] overdue_after_working_days`).
    Synced on Thursday: on Monday, Friday and Monday have passed without a sync."""
    path = replica_file(tmp_path, cli, monkeypatch, last_sync=THURSDAY, waiting=1,
                        conflicts=True)
    app = CintuiApp(access.locate(path), today=TODAY, worker=LOGIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        top = header(app)
        assert "NOT SYNCED FOR 2 WORKING DAYS · 1 to send · 3 conflicts (F6)" in top
    friday = CintuiApp(access.locate(path), today=TODAY.replace(day=20), worker=LOGIN)
    async with friday.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        top = header(friday)
        assert "Synced yesterday 16:02 · 1 change to send · 3 conflicts to resolve (F6)" in top
        assert "NOT SYNCED" not in top


async def test_an_authority_with_a_longer_limit_is_not_overdue_yet(tmp_path, cli, monkeypatch):
    from cintui.reference.config import user_policies_dir

    folder = user_policies_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "slow.toml").write_text('name = "slow"\ntitle = "Slow"\nauthority = "Slow"\n'
                                      'extends = "england"\n[sync]\n'
                                      'overdue_after_working_days = 3\n')
    path = replica_file(tmp_path, cli, monkeypatch, last_sync=THURSDAY)
    store = engine.open_store(path, PASSPHRASE)
    with store.session(sync.SYNC_ACTOR) as session:
        sync._set_meta(session, {"policy": "slow"})
    store.close()
    app = CintuiApp(access.locate(path), today=TODAY, worker=LOGIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert "Synced 19 Nov 16:02" in header(app)


async def test_a_store_that_is_not_a_replica_shows_nothing_of_it_and_f5_says_so(demo_store):
    app = CintuiApp(access.locate(demo_store), today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.title.startswith("cintui · ")
        assert "Synced" not in shown(app) and "to send" not in shown(app)
        await pilot.press("f5")
        await settle(pilot)
        notes = [str(n.message) for n in app._notifications]
        assert "This store is not a laptop replica (cintui sync setup)" in notes
        await press_to(pilot, "f6", screen="CaseloadScreen")
        assert type(app.screen).__name__ == "CaseloadScreen"


def nobody_listening() -> str:
    """The laptop's team server stopped (or the laptop offline): a port on this machine
    that nothing listens on, so connecting is refused at once."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql+psycopg://{LOGIN}@127.0.0.1:{port}/cintui"


ELEVEN_FORTY = datetime(2026, 11, 23, 11, 40, tzinfo=UTC)  # F5 at the family's home
UNREACHABLE = "Not synced: cannot reach the team server. Your work stays here."


@pytest.mark.parametrize(("size", "top"), [
    ((80, 24), "Sync failed 11:40 · 3 to send · no conflicts — amira.ashdown"),
    ((120, 40), "Sync failed today 11:40 (last sync 09:14) · 3 changes to send · no "
                "conflicts — cintui · amira.ashdown")], ids=["80x24", "120x40"])
async def test_f5_offline_is_a_short_notice_and_the_header_keeps_saying_it(
        tmp_path, cli, monkeypatch, size, top):
    """Synced at 09:14, F5 at 11:40 with no connection: the notice covered half the record
    at 80x24 for 12 seconds, then the header said "Synced today 09:14" as if nothing had
    been tried. Now: a notice of two lines that goes as others do, and the header says the
    sync failed, and when, with the login still named."""
    path = replica_file(tmp_path, cli, monkeypatch, last_sync=MORNING,
                        url=nobody_listening())
    monkeypatch.setattr(m, "utcnow", lambda: ELEVEN_FORTY)
    app = CintuiApp(access.locate(path), today=TODAY, worker=LOGIN)
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await until(pilot, lambda: not app.laptop_status.running and app.screen.query("Toast"))
        [note] = [n for n in app._notifications if "team server" in str(n.message)]
        assert note.message == UNREACHABLE
        assert note.timeout <= app.NOTIFICATION_TIMEOUT  # no longer than any other notice
        [toast] = app.screen.query("Toast")
        assert toast.size.height <= 4, toast.size  # two lines and its padding: the record stays in view
        assert top in header(app)
        app.clear_notifications()  # the notice gone, the header still says it
        app.laptop_status.commits = -1
        app.laptop_status.check()
        await pilot.pause()
        assert top in header(app)
        with app.store.engine.connect() as conn:  # `cintui sync status` keeps libpq's reason
            assert sync.standing(conn).failed.endswith("Connection refused)")


# ------------------------------------------------------------------ the conflicts screen


async def test_the_conflicts_screen_shows_both_versions_and_takes_the_servers(
        tmp_path, cli, monkeypatch):
    path = replica_file(tmp_path, cli, monkeypatch, last_sync=MORNING, conflicts=True)
    app = CintuiApp(access.locate(path), today=TODAY, worker=LOGIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await press_to(pilot, "f6", screen="SyncConflictsScreen")
        assert type(app.screen).__name__ == "SyncConflictsScreen"
        text = shown(app)
        for words in ("3 conflicts to resolve", "CIN", "Nell Quill",
                      "Child's details: first name", "Child's details: date of birth",
                      "Visit", "On this laptop", "On the team server", "Nelly", "Eleanor",
                      "changed on both, from Nell", "Changed here on 20 Nov 2026 at 10:00",
                      # who changed the server's copy, and when, in England's time
                      "Changed by Ben Cole (ben.cole) on 20 Nov 2026 at 14:42"):
            assert words in text, words
        await pilot.press("down")  # the date of birth
        await pilot.pause()
        text = shown(app)
        assert "1 Apr 2018" in text and "10 Apr 2018" in text
        assert "Who changed it there, and when: not known" in text  # an older conflict
        assert "Ben Cole" not in text
        await pilot.press("down")  # the visit the server refused
        await pilot.pause()
        text = shown(app)
        assert "purpose: After school" in text and "(not on the team server)" in text
        assert "refers to a meeting that is not on the server" in text
        assert "not known" not in text and "Changed by" not in text  # never on the server
        await pilot.press("up", "up", "t")  # the server's first name
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 2
        assert "2 conflicts to resolve" in shown(app)
        assert ("Child's details: first name: Took the team server's version (changed by "
                "Ben Cole on 20 Nov 2026 at 14:42).") in notes(app)
    store = engine.open_store(path, PASSPHRASE)
    with store.read() as session:
        assert session.exec(select(Child)).one().first_name == "Eleanor"
    store.close()


def _refused_closure(path: Path) -> None:
    """A closure recommended offline, refused: the whole record, two dozen fields of it
    blank, and a visit with long texts, refused too."""
    store = engine.open_store(path, PASSPHRASE)
    try:
        with store.session(sync.SYNC_ACTOR) as session:
            child = session.exec(select(Child)).one()
            blank = {name: "" for name in ("agencies_asked", "closure_summary", "decided_by",
                                           "dispute_details", "dispute_outcome",
                                           "dispute_raised_by", "lead_contact",
                                           "receiving_service", "rationale")}
            ending = {**blank, "child_id": child.id.hex, "episode_id": "e" * 32,
                      "kind": "closure", "status": "recommended",
                      "recommended_on": "2026-11-20", "recommended_by": "Ben Cole",
                      "closure_reason": "RC8", "documents": "[]", "decided_on": None}
            visit = {"child_id": child.id.hex, "purpose": "After school",
                     **{f"note_{n:02d}": f"Line {n} of what was seen" for n in range(1, 25)}}
            for n, values in enumerate((ending, visit)):
                session.add(m.SyncConflict(
                    device=store.store_id, child_id=child.id, kind="refused",
                    entity=("ending", "visit")[n], entity_id=uuid.uuid4().hex,
                    mine=json.dumps({"action": "insert", "values": values}), theirs="null",
                    reason="a closure for this child is already recommended on the team "
                           "server", recorded_at=FRIDAY.replace(hour=11 + n)))
    finally:
        store.close()


async def test_a_whole_record_shows_what_it_holds_and_scrolls_at_80x24(
        tmp_path, cli, monkeypatch):
    """A refused closure listed its two dozen blank fields, alphabetically, and the ids of
    the child and the episode: at 80x24 the reason and who recommended it were below the
    box, out of reach (the sides did not scroll). Now a new record shows only what it holds,
    no ids; and Tab takes the worker into a side, where the arrows scroll a long one."""
    path = replica_file(tmp_path, cli, monkeypatch, last_sync=MORNING)
    _refused_closure(path)
    app = CintuiApp(access.locate(path), today=TODAY, worker=LOGIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_conflicts(pilot)
        text = shown(app)
        assert "Ending" in text and "already recommended" in text
        for words in ("closure reason: RC8", "kind: closure", "recommended by: Ben Cole",
                      "recommended on: 20 Nov 2026", "status: recommended"):
            assert words in text, words
        assert "(blank)" not in text and "(none)" not in text and "e" * 32 not in text
        assert "episode:" not in text and "child:" not in text and "documents" not in text
        await pilot.press("down")  # the visit: 25 lines, in a box of 8
        await pilot.pause()
        assert "note 01: Line 1 of what was seen" in shown(app)
        assert "note 24: Line 24" not in shown(app)
        await pilot.press("tab")  # into this laptop's side
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "mine-side"
        for _ in range(30):
            await pilot.press("down")
        await pilot.pause()
        text = shown(app)
        assert "note 24: Line 24 of what was seen" in text
        assert "Visit" in text and "refused by server" in text  # still on the visit
        await pilot.press("tab", "tab")  # the other side, then back to the list
        await pilot.pause()
        assert isinstance(app.focused, DataTable)
        await pilot.press("up")
        await pilot.pause()
        assert "kind: closure" in shown(app)  # a new row: its sides from the top


async def test_f6_shows_the_closure_the_server_holds_beside_the_refused_one(
        tmp_path, cli, monkeypatch):
    """TRA, BEX 3: a closure recommended on two laptops is one on the team server; the
    second laptop's was refused, and F6's "On the team server" side said only "(not on the
    team server)". Now it shows Ben's recommendation, which the sync brought down, whose it
    is and when, beside Amira's, so she can choose there (at 80x24)."""
    from datetime import date

    path = replica_file(tmp_path, cli, monkeypatch, last_sync=MORNING)
    store = engine.open_store(path, PASSPHRASE)
    try:
        with store.session(sync.SYNC_ACTOR) as session:
            child = session.exec(select(Child)).one()
            episode = session.exec(select(m.Episode)).one()
            session.add(m.Ending(child_id=child.id, episode_id=episode.id, kind="closure",
                                 status="recommended", recommended_on=date(2026, 11, 20),
                                 recommended_by="Ben Cole", closure_reason="RC8"))
            mine = {"child_id": child.id.hex, "episode_id": episode.id.hex, "kind": "closure",
                    "status": "recommended", "recommended_on": "2026-11-21",
                    "recommended_by": "Amira Ashdown", "closure_reason": "RC7"}
            session.add(m.SyncConflict(
                device=store.store_id, child_id=child.id, kind="refused", entity="ending",
                entity_id=uuid.uuid4().hex,
                mine=json.dumps({"action": "insert", "values": mine}), theirs="null",
                reason="a closure for this child is already recommended on the team server "
                       "(recommended by Ben Cole on 20 Nov 2026)", recorded_at=FRIDAY))
    finally:
        store.close()
    app = CintuiApp(access.locate(path), today=TODAY, worker=LOGIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_conflicts(pilot)
        theirs = str(app.screen.query_one("#theirs").render())
        mine = str(app.screen.query_one("#mine").render())
    assert "closure reason: RC7" in mine and "recommended by: Amira Ashdown" in mine
    assert "(not on the team server)" not in theirs
    assert theirs.startswith("The closure it holds for the child instead: recommended by "
                             "Ben Cole on 20 Nov 2026")
    for words in ("closure reason: RC8", "recommended by: Ben Cole",
                  "recommended on: 20 Nov 2026", "status: recommended"):
        assert words in theirs, words


async def test_a_relationship_deleted_on_the_server_names_its_child_and_person(
        tmp_path, cli, monkeypatch):
    """Rosa's relationship to Nell, changed here, deleted on the team server: the conflict
    held no child ("No child", "-") and said only "Person's relationship to the child";
    the laptop's own copy says whose it is: Nell's, and Rosa's (the list stays 80 wide)."""
    path = replica_file(tmp_path, cli, monkeypatch, last_sync=MORNING)
    _ok(cli("person", "add", "CIN000001", "--name", "Rosa Quill", "--relationship",
            "birth mother", "--db", path))
    store = engine.open_store(path, PASSPHRASE)
    with store.session(sync.SYNC_ACTOR) as session:
        link = session.exec(select(m.ChildPerson)).one()
        session.add(m.SyncConflict(
            device=store.store_id, kind="deleted_on_server", entity="child_person",
            entity_id=link.id.hex, mine='{"action":"update","values":{"notes":"Visits '
            'on Fridays"}}', theirs="null", theirs_by="ben.cole", theirs_at=SERVER_EDIT,
            reason="the record was deleted on the server, or is hidden from you",
            recorded_at=FRIDAY))
    store.close()
    app = CintuiApp(access.locate(path), today=TODAY, worker=LOGIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_conflicts(pilot)
        text = shown(app)
        assert "CIN000001 Nell Quill · Person's relationship to the child (Rosa Quill)" in text
        assert "No child" not in text and "deleted on server" in text  # the list fits
        # at 80 columns the day wraps: "... on 20" / "Nov 2026 at 14:42"
        assert "Deleted by Ben Cole (ben.cole) on 20" in text and "Nov 2026 at 14:42" in text


async def test_the_conflicts_screens_help_lists_its_keys(tmp_path, cli, monkeypatch):
    path = replica_file(tmp_path, cli, monkeypatch, last_sync=MORNING, conflicts=True)
    app = CintuiApp(access.locate(path), today=TODAY, worker=LOGIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = shown(app)
        for words in ("Keep mine", "Take theirs", "Sync this laptop with the team server",
                      "Sync conflicts to resolve", "Next box", "whose it is and when",
                      "Tab moves into a side"):
            assert words in text, words


async def test_the_conflicts_are_in_the_command_palette(tmp_path, cli, monkeypatch):
    path = replica_file(tmp_path, cli, monkeypatch, last_sync=MORNING, conflicts=True)
    app = CintuiApp(access.locate(path), today=TODAY, worker=LOGIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "sync conflicts")
        await settle(pilot)
        await press_to(pilot, "enter", screen="SyncConflictsScreen")
        assert type(app.screen).__name__ == "SyncConflictsScreen"


@pytest.mark.parametrize(("size", "last_sync"), [((120, 40), MORNING), ((80, 24), THURSDAY)],
                         ids=["120x40", "80x24-overdue"])
def test_replica_header_snapshot(tmp_path, cli, monkeypatch, snap_compare, size, last_sync):
    """The caseload on a laptop replica: where it stands, in the header (at 80x24,
    overdue: the warning and the counts still fit)."""
    path = replica_file(tmp_path, cli, monkeypatch, last_sync=last_sync, conflicts=True)
    app = CintuiApp(access.locate(path), today=TODAY, worker=LOGIN)
    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_replica_header_after_a_failed_sync_snapshot(tmp_path, cli, monkeypatch, snap_compare,
                                                     size):
    """The caseload on a laptop whose last sync failed: said in the header, with when, and
    the login beside it at both sizes."""
    path = replica_file(tmp_path, cli, monkeypatch, last_sync=MORNING, failed_at=ELEVEN_FORTY)
    app = CintuiApp(access.locate(path), today=TODAY, worker=LOGIN)
    assert snap_compare(app, terminal_size=size, run_before=ready)


async def _on_conflicts(pilot) -> None:
    """The app ready, then F6: the sync conflicts screen, drawn."""
    await ready(pilot)
    await pilot.press("f6")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "SyncConflictsScreen")
    await settle(pilot)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_conflicts_screen_snapshot(tmp_path, cli, monkeypatch, snap_compare, size):
    path = replica_file(tmp_path, cli, monkeypatch, last_sync=MORNING, conflicts=True)
    app = CintuiApp(access.locate(path), today=TODAY, worker=LOGIN)
    assert snap_compare(app, terminal_size=size, run_before=_on_conflicts)


# ------------------------------------------------------------------ F5: a sync, for real


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_a_conflict_resolved_on_the_screen_reaches_the_team_server(
        team, laptops, monkeypatch):  # noqa: F811
    path = laptops(team.worker)
    clash(team, path)  # Nelly on the laptop, Eleanor on the server
    app = CintuiApp(access.locate(path), today=SYNC_DAY, worker=team.worker)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert "1 change waiting to send · no conflicts" in header(app)
        steps = []
        status = app.laptop_status
        show = status.show
        status.show = lambda: (show(), steps.append(app.title))  # what the header said
        await pilot.press("f5")
        await settle(pilot)
        for step in ("Connecting to the team server", "Sending what this laptop recorded",
                     "Fetching what changed on the server",
                     "Bringing the changes onto this laptop"):
            assert f"Syncing: {step}…" in steps, steps
        # The one change sent became the conflict: said so, not "0 changes sent".
        assert "Synced: 1 change not taken: a conflict to resolve (F6); 2 records brought " \
            "down." in notes(app), notes(app)
        top = header(app)
        # The sync's time is the real clock's (store/sync.py), the app's day a fixed one.
        assert top.startswith("Synced ") and "1 conflict to resolve (F6)" in top
        await pilot.press("f6")
        await settle(pilot)
        text = shown(app)
        assert f"{team.child} Nelly Quill" in text and "Child's details: first name" in text
        assert "Nelly" in text and "Eleanor" in text
        # Ben renamed her on the team server: the server said so as the laptop synced
        assert f"Changed by Ben Cole ({team.other}) on " in text
        await pilot.press("m")
        await settle(pilot)
        assert any(n.startswith("Child's details: first name: Kept your version over the "
                                "team server's (changed by Ben Cole on ") for n in notes(app))
        assert "No conflicts to resolve." in shown(app)
        await pilot.press("f5")
        await settle(pilot)
        assert sum(n.startswith("Synced: ") for n in notes(app)) == 2
        assert "nothing waiting to send · no conflicts" in header(app)
    server = open_server(team, team.other)
    with server.read() as session:
        assert session.exec(select(Child)).one().first_name == "Nelly"
    server.close()


async def test_a_dropped_connection_is_one_line_and_the_next_sync_finishes(
        team, laptops, cli, monkeypatch):  # noqa: F811
    path = laptops(team.worker)
    assert cli("visit", "record", team.child, "--at", "2026-11-25 15:30", "--purpose",
               "After school", "--analysis", "Settled", "--db", path,
               "--today", SYNC_DAY.isoformat()).code == 0
    real = sync.run

    def dropping(*args, **kwargs):
        def drop(phase: str) -> None:
            if phase == "gathered":
                raise OperationalError("SELECT", {}, ConnectionError(
                    "server closed the connection unexpectedly"))
        return real(*args, **kwargs, fault=drop)

    monkeypatch.setattr(sync, "run", dropping)
    app = CintuiApp(access.locate(path), today=SYNC_DAY, worker=team.worker)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await settle(pilot)
        [line] = [n for n in notes(app) if "did not finish" in n]
        assert line.startswith("the sync did not finish (server closed the connection "
                               "unexpectedly); nothing was half-done")
        assert "\n" not in line
        assert header(app).startswith("Sync failed ")  # the notice gone, it says so still
        assert "1 change to send" in header(app)  # still waiting
        await pilot.press("f3")  # the app goes on
        await until(pilot, lambda: type(app.screen).__name__ == "MyWeekScreen")
        assert type(app.screen).__name__ == "MyWeekScreen"
        monkeypatch.setattr(sync, "run", real)
        await pilot.press("f5")
        await settle(pilot)
        assert any(n.startswith("Synced: ") for n in notes(app)), notes(app)
        assert header(app).startswith("Synced ")  # until a sync finishes
    server = open_server(team, team.worker)
    with server.read() as session:
        assert [v.purpose for v in session.exec(select(Visit)).all()] == ["After school"]
    server.close()


async def test_f5_offline_says_the_visit_stays_on_the_laptop(team, laptops, cli):  # noqa: F811
    """Monday 11:00, at a family's home with no connection: F5 says the team server cannot be
    reached and the visit is still on the laptop, in two lines; the header says the sync
    failed; `cintui sync status` has libpq's reason."""
    path = laptops(team.worker)
    assert cli("visit", "record", team.child, "--at", "2026-11-25 15:30", "--purpose",
               "After school", "--analysis", "Settled", "--db", path,
               "--today", SYNC_DAY.isoformat()).code == 0
    out_of_reach(path)
    app = CintuiApp(access.locate(path), today=SYNC_DAY, worker=team.worker)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert [n for n in notes(app) if "cannot reach" in n] == [UNREACHABLE]
        assert header(app).startswith("Sync failed ") and "1 change to send" in header(app)
        with app.store.engine.connect() as conn:  # for `cintui sync status`: tried, and why
            why = sync.standing(conn).failed
        assert why.startswith("cannot reach the team server (connection to server at ")
        assert why.endswith("Connection refused)"), why


async def test_a_password_libpq_cannot_find_is_asked_for_and_never_kept(
        team, laptops, tmp_path, monkeypatch):  # noqa: F811
    path = laptops(team.worker)
    empty = tmp_path / "no-pgpass"
    empty.write_text("")
    empty.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(empty))
    app = CintuiApp(access.locate(path), today=SYNC_DAY, worker=team.worker)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await press_to(pilot, "f5", screen="PasswordScreen")
        assert type(app.screen).__name__ == "PasswordScreen"
        assert f"Password for {team.worker} on the team server" in shown(app)
        await type_text(pilot, "not the password")
        await press_to(pilot, "enter", screen="PasswordScreen")
        assert type(app.screen).__name__ == "PasswordScreen"  # asked again, said why
        assert "That password was not accepted" in shown(app)
        box = app.screen.query_one(Input)
        box.value = ""
        await type_text(pilot, PASSWORD)
        await press_to(pilot, "enter", screen="CaseloadScreen")
        assert type(app.screen).__name__ == "CaseloadScreen"
        assert any(n.startswith("Synced: ") for n in notes(app)), notes(app)
        await pilot.press("f5")  # asked again: nothing was kept
        await until(pilot, lambda: type(app.screen).__name__ == "PasswordScreen")
        assert type(app.screen).__name__ == "PasswordScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert "No sync: nothing was sent or brought down." in notes(app)
    laptop = open_laptop(path)
    with laptop.engine.connect() as conn:
        values = sync.meta(conn)
    laptop.close()
    assert all(PASSWORD not in v for v in values.values())
    assert make_url(values[sync.META_SERVER]).password is None


async def test_a_case_that_left_takes_its_open_record_with_it(
        team, laptops, cli, monkeypatch):  # noqa: F811
    """Reallocated to another team on the server: after F5 the laptop no longer holds it, the
    message names it, and its record, open on screen, gives way to the caseload."""
    path = laptops(team.worker)
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.owner_url)
    _ok(cli("team", "add", "North", "--service", "Safeguarding"))
    _ok(cli("worker", "add", f"zed.{team.suffix}", "--name", "Zed North", "--role",
            "social worker", "--team", "North", "--password-file", _pw(path.parent)))
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.manager))
    _ok(cli("child", "reallocate", team.child, "--to", f"zed.{team.suffix}", "--reason",
            "Moved to the north of the borough"))
    monkeypatch.delenv("CINTUI_DATABASE_URL")
    app = CintuiApp(access.locate(path), today=SYNC_DAY, worker=team.worker)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        [(child_id, _label, _mine)] = app.child_index()
        app.open_child(child_id)
        await until(pilot, lambda: type(app.screen).__name__ == "ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
        await pilot.press("f5")
        await settle(pilot)
        assert any(f"Left this laptop (no longer your case or your team's): {team.child}."
                   in n for n in notes(app)), notes(app)
        assert type(app.screen).__name__ == "CaseloadScreen"
        assert "Nell" not in shown(app)


async def test_a_laptop_opens_as_the_login_it_syncs_as_without_asking_who(
        tmp_path, cli, monkeypatch):
    """Changes on a laptop arrive on the team server under the worker's login: the app does
    not ask "who are you" there, and records what is done as that login."""
    path = replica_file(tmp_path, cli, monkeypatch, last_sync=MORNING)
    monkeypatch.delenv("CINTUI_USER", raising=False)
    app = CintuiApp(access.locate(path), today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert type(app.screen).__name__ == "CaseloadScreen"
        assert app.worker == LOGIN and access.current_actor() == LOGIN


async def test_f5_says_the_casework_recorded_after_a_closure_on_the_server(
        team, laptops, cli):  # noqa: F811
    """TRA, BEX 3: Amira, offline on 1 Dec, records a GCP2 and refers Nell's family to a
    Family Group Conference; meanwhile the case was closed on the team server as of 27 Nov.
    F5 keeps both and says each in one line, as for a visit (it said nothing of them)."""
    from datetime import date

    from cintui.casework import cases

    path = laptops(team.worker)
    on = ("--on", "2026-12-01", "--db", path, "--today", SYNC_DAY.isoformat())
    _ok(cli("gcp2", "record", team.child, "--assessor", "Amira", "--physical", "2",
            "--safety", "2", "--love", "2", "--esteem", "2", "--summary", "Good enough", *on))
    _ok(cli("fgc", "refer", team.child, "--coordinator", "Jo Bright", *on))
    server = engine.open_url(team.owner_url)
    try:
        with server.session(server.server.login) as session:
            child = cases.find_child(session, team.child)
            episode = session.get(m.Episode, cases.current_episode(session, child.id).id)
            episode.closure_date, episode.closure_reason = date(2026, 11, 27), "RC1"
            child.status = "closed"
    finally:
        server.close()
    app = CintuiApp(access.locate(path), today=SYNC_DAY, worker=team.worker)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await settle(pilot)
        [said] = [" ".join(n.split()) for n in notes(app) if n.startswith("Synced: ")]
        for what in ("GCP2 assessment on", "Referral to a Family Group Conference on"):
            assert (f"{what} 1 Dec 2026 for {team.child} arrived after the case closed on "
                    "27 Nov 2026: kept; re-refer if the case is open again.") in said, said
