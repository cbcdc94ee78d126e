"""A fortnight of twenty laptops working offline against one team server (issue 19, "Done
when"): each working day each worker records on their laptop what they did (visits through
`cintui visit record`, meetings booked and minuted through `cintui meeting`, plan changes,
edits of a child's or a person's details through the casework use cases), and syncs at
random moments over a connection that drops at random steps. Some days a child's detail is
changed on the server and, offline, on two colleagues' laptops at once; one day a manager
reallocates a child to another team while its worker, offline, records a visit. Alongside,
a plain SQLite reference store receives exactly the same records typed directly, in the
same order.

At the end every laptop syncs cleanly; nothing recorded on a laptop is lost or doubled on the
server; every deliberate concurrent edit surfaced as a conflict (never overwritten), was
resolved and synced; every laptop's trail verifies there and on the server; and the server's
due list is the reference store's.

Twenty laptop stores are made by `cintui sync setup`; the empty encrypted store it starts
from is built once and copied (`quick_stores`), as the suite's store templates are.
The random seed is printed: CINTUI_SYNC_SEED=N replays a failure.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import select

from cintui.casework import cases, record
from cintui.casework import plans as plan_cases
from cintui.casework import visits as visit_cases
from cintui.domain.plan import Need, PlanAction
from cintui.domain.visit import VisitContent
from cintui.store import audit, engine, sync
from cintui.store.base import STORE_ID_KEY
from cintui.store.models import Child, Meeting, PlanVersion, SyncConflict, Visit
from tests.conftest import plan_started
from tests.meeting_consent import consent_to_meetings
from tests.store.teams import PASSWORD, drop_roles

SEED = int(os.environ.get("CINTUI_SYNC_SEED", "190219"))
START = date(2026, 11, 23)  # a Monday
DAYS = [START + timedelta(days=d) for d in range(14) if (START + timedelta(days=d)).weekday() < 5]
TEAMS = ("South", "North", "East")
WORKERS = 20
CHILDREN_EACH = 2
CONFLICT_DAYS = (1, 4, 7)  # indexes into DAYS: a deliberate concurrent edit that morning
MOVE_DAY = 5  # a manager reallocates a child to another team that morning
PHASES = ("push", "pushed", "gathered", "server committed", "laptop applied")
LAPTOP_PASSPHRASE = "laptop passphrase, long enough"


class Dropped(ConnectionError):
    """The simulated connection drop."""


@dataclass
class Worker:
    login: str
    name: str
    team: str
    manager: bool
    laptop: Path
    store: object = None  # the laptop's store, open for the whole fortnight
    children: list[str] = field(default_factory=list)  # references of their own cases


@dataclass
class Deliberate:
    """A child's known_as changed on the server and, offline, on two laptops."""

    child: str  # reference
    child_id: uuid.UUID
    server_value: str
    laptops: dict[str, str]  # login -> the value typed there
    surfaced: set[str] = field(default_factory=set)  # logins whose sync showed the conflict


@dataclass
class World:
    owner_url: str
    reference: Path
    workers: list[Worker]
    cli: object
    rng: random.Random
    today: date = START
    recorded: dict[str, set[uuid.UUID]] = field(default_factory=lambda: {
        "visit": set(), "meeting": set(), "plan_version": set()})
    booked: dict[str, tuple[str, str, str, date]] = field(default_factory=dict)
    deliberate: list[Deliberate] = field(default_factory=list)
    moved: tuple[str, str, str] | None = None  # (child, from team, to team)
    servers: dict[str, object] = field(default_factory=dict)
    ref_store: object = None  # the reference store, open for the fortnight

    @property
    def now(self) -> str:
        """The simulated day's evening, as every command is told it (`--today` with a time):
        never the real clock, so the fortnight runs the same at any hour."""
        return f"{self.today.isoformat()} 18:00"
    syncs: int = 0
    drops: int = 0

    # ---------------------------------------------------------------- running things

    def run(self, *args, env: dict | None = None):
        """The CLI in-process, with `env` set (a value None: unset) for the call only."""
        saved = {k: os.environ.get(k) for k in ("CINTUI_USER", "CINTUI_DATABASE_URL",
                                                 "LOGNAME")}
        try:
            for key, value in (env or {}).items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            done = self.cli(*args)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        assert done.code == 0, f"{args}: {done.err}{done.out}"
        return done

    def on_server(self, *args):
        return self.run(*args, env={"CINTUI_DATABASE_URL": self.owner_url,
                                    "CINTUI_USER": make_url(self.owner_url).username})

    def on_reference(self, *args, login: str):
        # As the login (the server's admin is no worker: CINTUI_USER would be refused).
        return self.run(*args, "--db", self.reference,
                        env={"CINTUI_DATABASE_URL": None, "CINTUI_USER": None, "LOGNAME": login})

    def on_laptop(self, w: Worker, *args):
        return self.run(*args, "--db", w.laptop, env={"CINTUI_DATABASE_URL": None,
                                                      "CINTUI_USER": None})

    def both(self, w: Worker, *args) -> tuple[dict, dict]:
        """The same command on the worker's laptop and on the reference store."""
        day = ("--today", self.now)
        mine = json.loads(self.on_laptop(w, *args, *day, "--json").out)
        ref = json.loads(self.on_reference(*args, *day, "--json", login=w.login).out)
        return mine, ref

    def server(self, login: str):
        if login not in self.servers:
            url = make_url(self.owner_url).set(username=login, password=PASSWORD)
            self.servers[login] = engine.open_url(url.render_as_string(hide_password=False))
        return self.servers[login]

    def sync(self, w: Worker, *, drops: bool = True) -> sync.SyncResult | None:
        """One sync; at random the connection drops at a random step (then None)."""
        fault = None
        if drops and self.rng.random() < 0.3:
            at = self.rng.choice(PHASES)

            def fault(phase: str, at: str = at) -> None:
                if phase == at:
                    raise Dropped(f"connection dropped at {phase}")

        self.syncs += 1
        try:
            result = sync.run(w.store, self.server(w.login), today=self.today, fault=fault)
        except Dropped:
            self.drops += 1
            return None
        self._surfaced(w, result)
        return result

    def _surfaced(self, w: Worker, result: sync.SyncResult) -> None:
        """A deliberate edit this laptop had not sent yet: its sync must show the conflict,
        and the server keep its own value (nothing silently overwritten)."""
        with w.store.read() as session:
            mine = {c.entity_id for c in session.exec(select(SyncConflict)).all()
                    if c.field == "known_as"}
        for d in self.deliberate:
            if (w.login in d.laptops and w.login not in d.surfaced
                    and d.child_id.hex in mine):
                d.surfaced.add(w.login)
                with self.server(w.login).read() as session:
                    held = session.get(Child, d.child_id).known_as
                assert held != d.laptops[w.login] or _resolved_mine(w, d), \
                    f"seed {SEED}: {w.login}'s {d.child} known_as overwrote the server's"


def _own(w: Worker) -> list[str]:
    """The worker's own children that their laptop holds (one just reallocated to them
    arrives at their next sync)."""
    with w.store.read() as session:
        held = set(session.exec(select(Child.reference)).all())
    return [c for c in w.children if c in held]


def _resolved_mine(w: Worker, d: Deliberate) -> bool:
    with w.store.read() as session:
        return any(c.chosen == "mine" for c in session.exec(select(SyncConflict)).all()
                   if c.entity_id == d.child_id.hex)


def _child(session, reference: str) -> Child:
    return session.exec(select(Child).where(Child.reference == reference)).one()


# ------------------------------------------------------------------ what a worker does


def visit(world: World, w: Worker, rng: random.Random) -> None:
    """A visit: to one of their own children mostly, else to a team colleague's; a third
    typed at `cintui visit record`, the others through the visit form's use case."""
    with w.store.read() as session:
        held = set(session.exec(select(Child.reference)).all())
    team_children = [c for o in world.workers if o.team == w.team for c in o.children
                     if c in held]
    child = rng.choice(_own(w) if rng.random() < 0.7 else team_children)
    hour, minute = rng.randint(9, 16), rng.choice((0, 30))
    seen = rng.random() < 0.85
    analysis = "Recorded offline" if seen else "Away at school: to be seen on Friday"
    if rng.random() < 0.33:
        mine, _ref = world.both(w, "visit", "record", child, "--at",
                                f"{world.today.isoformat()} {hour:02d}:{minute:02d}",
                                "--purpose", f"Visit by {w.name}", "--analysis", analysis,
                                "--seen" if seen else "--not-seen")
        world.recorded["visit"].add(uuid.UUID(mine["id"]))
        return
    content = VisitContent(
        visited_at=datetime(world.today.year, world.today.month, world.today.day, hour,
                            minute), kind="home", child_seen=seen, seen_alone=seen,
        bedroom_seen=True, purpose=f"Visit by {w.name}", analysis=analysis)
    now = datetime.fromisoformat(world.now)
    made = []
    for store in (w.store, world.ref_store):
        with store.session(w.login) as session:
            made.append(visit_cases.finalise(session, _child(session, child).id, content,
                                             actor=w.login, now=now))
    world.recorded["visit"].add(made[0])


def book_meeting(world: World, w: Worker, rng: random.Random) -> None:
    child = rng.choice([c for c in _own(w) if c not in world.booked] or [None])
    if child is None:
        return
    later = [d for d in DAYS if d > world.today]
    if not later:
        return
    on = rng.choice(later[:3])
    manager = next(o for o in world.workers if o.team == w.team and o.manager)
    mine, ref = world.both(w, "meeting", "schedule", child, "--kind", "initial", "--at",
                           f"{on.isoformat()} 16:00", "--venue", "Family home", "--chair",
                           manager.name, "--chair-role", "Team manager")
    world.booked[child] = (w.login, mine["id"], ref["id"], on)


def hold_meetings(world: World, w: Worker) -> None:
    for child, (login, mine_id, ref_id, on) in list(world.booked.items()):
        if login != w.login or on != world.today:
            continue
        minutes = ("--present", "Sam Synthetic", "--still-in-need", "yes", "--recommendation",
                   "continue", "--next-review", (on + timedelta(days=84)).isoformat(),
                   "--childs-views", "Wants things to stay calm")
        day = ("--today", world.now, "--json")
        world.on_laptop(w, "meeting", "hold", mine_id, *minutes, *day)
        world.on_reference("meeting", "hold", ref_id, *minutes, *day, login=w.login)
        world.recorded["meeting"].add(uuid.UUID(mine_id))
        world.booked[child] = (login, mine_id, ref_id, date.max)  # held


def change_plan(world: World, w: Worker, rng: random.Random) -> None:
    """A new plan version: a need with an action due within the fortnight, agreed."""
    child = rng.choice(_own(w))
    by_when = world.today + timedelta(days=rng.randint(3, 12))
    what = f"Action {rng.randint(1, 999)} agreed by {w.name}"
    made = []
    for store in (w.store, world.ref_store):
        with store.session(w.login) as session:
            child_id = _child(session, child).id
            draft = plan_cases.start_version(session, child_id, world.today, w.name)
            version = plan_cases.load_version(session, draft)
            need = Need(now=f"Worry noted on {world.today}", outcome="Things settle",
                        actions=(PlanAction(what=what, who="Mum", by_when=by_when),))
            plan_cases.save_draft(session, draft, replace(version, needs=(
                *version.needs, need)), world.today, w.name)
            plan_cases.agree_version(session, draft, world.today, agreed_by=w.name)
            made.append(draft)
    world.recorded["plan_version"].add(made[0])


def edit_child(world: World, w: Worker, rng: random.Random) -> None:
    """The worker corrects their own child's first name (no one else edits it)."""
    child = rng.choice(_own(w))
    first = rng.choice(("Ada", "Bea", "Cal", "Dov", "Eli", "Fen", "Gus", "Hal"))
    for store in (w.store, world.ref_store):
        with store.session(w.login) as session:
            found = _child(session, child)
            now = record.child_input(session, found.id)
            record.update_child(session, found.id, replace(now, first_name=first, seen=""),
                                world.today)


def edit_person(world: World, w: Worker, rng: random.Random) -> None:
    """A parent's new phone number, on the worker's own child's record."""
    child = rng.choice(_own(w))
    phone = f"07700 9{rng.randint(0, 99999):05d}"
    for store in (w.store, world.ref_store):
        with store.session(w.login) as session:
            child_id = _child(session, child).id
            [row] = [p for p in record.list_people(session, child_id)
                     if p.parental_responsibility]
            record.update_person(session, child_id, row.person_id, record.PersonInput(
                name=row.name, relationship=row.relationship, phone=phone,
                parental_responsibility=True))


def deliberate_conflict(world: World, rng: random.Random, n: int) -> None:
    """The server and two colleagues' laptops change one child's known_as at once."""
    used = {d.child for d in world.deliberate} | {world.moved[0] if world.moved else ""}
    team = rng.choice(TEAMS)
    members = [w for w in world.workers if w.team == team]
    child = rng.choice([c for w in members for c in w.children if c not in used])
    a, b = rng.sample(members, 2)
    server_value = f"Server{n}"
    owner = engine.open_url(world.owner_url)
    try:
        for store in (owner, world.ref_store):
            with store.session(make_url(world.owner_url).username) as session:
                found = _child(session, child)
                found.known_as = server_value
                session.add(found)
                if store is owner:
                    child_id = found.id
    finally:
        owner.close()
    typed = {}
    for w, value in ((a, f"A{n}"), (b, f"B{n}")):
        with w.store.session(w.login) as session:
            found = _child(session, child)
            found.known_as = value
            session.add(found)
        typed[w.login] = value
    world.deliberate.append(Deliberate(child, child_id, server_value, typed))


def reallocate(world: World, rng: random.Random) -> None:
    """A manager moves a child to a worker in another team, on the server; the child's
    worker, not knowing yet, records a visit to them offline before their next sync."""
    used = {d.child for d in world.deliberate} | set(world.booked)
    old = rng.choice([w for w in world.workers if not w.manager])
    child = rng.choice([c for c in old.children if c not in used])
    new = rng.choice([w for w in world.workers if w.team != old.team and not w.manager])
    manager = next(w for w in world.workers if w.team == old.team and w.manager)
    args = ("child", "reallocate", child, "--to", new.login, "--reason", "Family moved",
            "--today", world.now)
    url = make_url(world.owner_url).set(username=manager.login, password=PASSWORD)
    world.run(*args, env={"CINTUI_DATABASE_URL": url.render_as_string(hide_password=False),
                          "CINTUI_USER": None})
    world.on_reference(*args, login=manager.login)
    old.children.remove(child)
    new.children.append(child)
    world.booked[child] = ("", "", "", date.max)  # no meeting booked for them from now
    world.moved = (child, old.team, new.team)
    mine, _ref = world.both(old, "visit", "record", child, "--at",
                            f"{world.today.isoformat()} 09:00", "--purpose", "Before the move",
                            "--analysis", "Seen alone in her bedroom")
    world.recorded["visit"].add(uuid.UUID(mine["id"]))


def resolve_all(world: World, w: Worker, rng: random.Random) -> int:
    """The worker resolves the conflicts their laptop shows (`cintui sync conflicts`,
    `cintui sync resolve ID mine|theirs`), choosing at random."""
    with w.store.engine.connect() as conn:
        if not sync.standing(conn).conflicts:
            return 0
    shown = json.loads(world.on_laptop(w, "sync", "conflicts", "--json").out)
    for conflict in shown:
        world.on_laptop(w, "sync", "resolve", conflict["id"], rng.choice(("mine", "theirs")))
    return len(shown)


# ------------------------------------------------------------------ the fleet


@pytest.fixture
def quick_stores(tmp_path, monkeypatch):
    """`cintui sync setup` makes each laptop's store as a new encrypted store, whose schema
    takes ~2 s to build under SQLCipher: the first is built, the others are copies of it
    with a store_id of their own (as the suite's store templates are)."""
    real = engine.create_store
    template = tmp_path / "template" / "empty.db"

    def create(path, passphrase, **options):
        if not template.exists():
            real(template, passphrase, **options).close()
        shutil.copy2(template, path)
        path.chmod(0o600)
        store = engine.open_store(path, passphrase)
        store.store_id = uuid.uuid4().hex
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE store_meta SET value = :v WHERE key = :k"),
                         {"v": store.store_id, "k": STORE_ID_KEY})
        return store

    monkeypatch.setattr(engine, "create_store", create)


@pytest.fixture
def world(pg_url, pg_server, cli, tmp_path, monkeypatch, quick_stores):
    suffix = uuid.uuid4().hex[:8]
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD + "\n")
    reference = tmp_path / "reference.db"
    workers = [Worker(f"w{n:02d}.{suffix}", f"Worker{n:02d} Synthetic", TEAMS[n % len(TEAMS)],
                      n < len(TEAMS), tmp_path / f"laptop{n:02d}.db") for n in range(WORKERS)]
    url = make_url(pg_url)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text("".join(f"{url.host}:{url.port}:*:{w.login}:{PASSWORD}\n"
                              for w in workers) + Path(os.environ["PGPASSFILE"]).read_text())
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    passphrase = tmp_path / "passphrase"
    passphrase.write_text(LAPTOP_PASSPHRASE + "\n")
    passphrase.chmod(0o600)
    monkeypatch.setenv("CINTUI_PASSPHRASE_FILE", str(passphrase))
    w = World(pg_url, reference, workers, cli, random.Random(SEED))
    try:
        yield w
    finally:
        for store in [*w.servers.values(), *(x.store for x in workers if x.store)]:
            store.close()
        if w.ref_store is not None:
            w.ref_store.close()
        drop_roles(pg_url, [x.login for x in workers])


def build(world: World) -> None:
    """The server and the reference store: the same teams, workers and children (each with a
    parent who consented to meetings); then each worker's laptop, by `cintui sync setup`."""
    world.on_server("db", "init", "--no-encrypt")
    world.on_server("server", "init")
    world.run("db", "init", "--no-encrypt", "--db", world.reference,
              env={"CINTUI_DATABASE_URL": None})
    password = world.reference.parent / "pw"
    for team in TEAMS:
        world.on_server("team", "add", team, "--service", "Safeguarding")
        world.on_reference("team", "add", team, "--service", "Safeguarding", login="admin")
    for w in world.workers:
        role = ("--role", "team manager" if w.manager else "social worker", "--team", w.team)
        world.on_server("worker", "add", w.login, "--name", w.name, *role,
                        "--password-file", password)
        world.on_reference("worker", "add", w.login, "--name", w.name, *role, login="admin")
    world.ref_store = engine.open_store(world.reference, None)
    owner = engine.open_url(world.owner_url)
    made: dict[str, list[str]] = {}
    try:
        for name, store, actor in (("server", owner, make_url(world.owner_url).username),
                                   ("reference", world.ref_store, "admin")):
            n, made[name] = 0, []
            with store.session(actor) as session:
                for w in world.workers:
                    for _ in range(CHILDREN_EACH):
                        n += 1
                        child = cases.add_child(session, cases.NewChild(
                            first_name=f"Kid{n:02d}", last_name="Synthetic",
                            dob=date(2012 + n % 10, 1 + n % 9, 15),
                            referral_date=START - timedelta(days=20 + n), worker=w.login),
                            START)
                        plan_started(session, child.id)  # TRA: plans are written after it
                        consent_to_meetings(session, child.id, START - timedelta(days=7))
                        made[name].append(child.reference)
    finally:
        owner.close()
    assert made["server"] == made["reference"]
    for n, w in enumerate(world.workers):
        w.children = made["server"][n * CHILDREN_EACH:(n + 1) * CHILDREN_EACH]
    for w in world.workers:
        at = make_url(world.owner_url).set(username=w.login)
        world.run("sync", "setup", at._replace(password=None).render_as_string(
            hide_password=False), "--db", w.laptop, "--label", f"{w.login}'s laptop",
            "--today", START.isoformat(), env={"CINTUI_DATABASE_URL": None, "CINTUI_USER": None})
        w.store = engine.open_store(w.laptop, LAPTOP_PASSPHRASE)


# ------------------------------------------------------------------ the fortnight


@pytest.mark.slow
def test_a_fortnight_of_twenty_laptops_offline_loses_nothing_and_hides_no_conflict(world):
    rng = world.rng
    build(world)
    for index, today in enumerate(DAYS):
        world.today = today
        if index in CONFLICT_DAYS:
            deliberate_conflict(world, rng, index)
        if index == MOVE_DAY:
            reallocate(world, rng)
        for w in rng.sample(world.workers, len(world.workers)):
            hold_meetings(world, w)
            done = [action for action, chance in (
                (visit, 0.6), (change_plan, 0.15), (book_meeting, 0.1), (edit_child, 0.1),
                (edit_person, 0.1)) if rng.random() < chance]
            syncs_at = rng.randint(0, len(done)) if rng.random() < 0.3 else -1
            for n, action in enumerate(done):
                if n == syncs_at:  # a sync at a random moment of the day
                    world.sync(w)
                action(world, w, rng)
            if syncs_at == len(done):
                world.sync(w)
        for w in world.workers:  # in the evening: the conflicts shown are resolved
            resolve_all(world, w, rng)

    # The last day's evening: every laptop syncs until nothing is left to resolve or send,
    # then once more: a clean sync for everyone, nothing sent, no conflict.
    for round_ in range(6):
        results = {}
        for w in world.workers:
            while (result := world.sync(w, drops=round_ == 0)) is None:
                pass
            results[w.login] = result
        if not any(r.pushed or r.conflicts for r in results.values()):
            break
        for w in world.workers:
            resolve_all(world, w, rng)
    else:
        pytest.fail(f"seed {SEED}: the laptops did not settle: {results}")
    for w in world.workers:
        with w.store.engine.connect() as conn:
            where = sync.standing(conn)
        assert (where.waiting, where.conflicts) == (0, 0), (SEED, w.login, where)
    status = json.loads(world.on_laptop(world.workers[0], "sync", "status", "--json").out)
    assert (status["waiting"], status["conflicts"]) == (0, 0)

    owner = engine.open_url(world.owner_url)
    try:
        with owner.read() as session:
            # Nothing lost, nothing doubled: what the laptops recorded is on the server, once.
            for model, name in ((Visit, "visit"), (Meeting, "meeting"),
                                (PlanVersion, "plan_version")):
                ids = [r.id for r in session.exec(select(model)).all()]
                assert len(ids) == len(set(ids))
                assert world.recorded[name] <= set(ids), (SEED, name)
            assert len(session.exec(select(Visit)).all()) == len(world.recorded["visit"])
            minuted = {r.id for r in session.exec(select(Meeting)).all() if r.held_on}
            assert minuted == world.recorded["meeting"], SEED
            # Every deliberate concurrent edit surfaced on both laptops, as a conflict the
            # server kept, and was resolved.
            kept = session.exec(select(SyncConflict)).all()
            for d in world.deliberate:
                assert d.surfaced == set(d.laptops), (SEED, d, [
                    (c.device, c.kind, c.entity, c.field, c.mine, c.theirs, c.status)
                    for c in kept])
                devices = {c.device for c in kept if c.entity_id == d.child_id.hex
                           and c.field == "known_as"}
                laptops = {w.store.store_id for w in world.workers if w.login in d.laptops}
                assert laptops <= devices, (SEED, d)
            assert all(c.status == "resolved" for c in kept), SEED
            # And no other conflict: edits nobody else made, and records that are only ever
            # added, merged without one.
            deliberate = {(d.child_id.hex, "known_as") for d in world.deliberate}
            assert [c for c in kept if (c.entity_id, c.field) not in deliberate] == [], SEED
            final = {d.child: session.get(Child, d.child_id).known_as for d in world.deliberate}
        for d in world.deliberate:
            assert final[d.child] in {d.server_value, *d.laptops.values()}, (SEED, d)
        with owner.engine.connect() as conn:
            chains = sync.verify_devices(conn)
    finally:
        owner.close()
    assert len(chains) == WORKERS and all(c.ok for c in chains), \
        (SEED, [c for c in chains if not c.ok])
    for w in world.workers:
        assert audit.verify(w.store).ok, (SEED, w.login)
        with w.store.read() as session:  # each laptop holds the server's final choice
            for d in world.deliberate:
                here = session.exec(select(Child).where(Child.id == d.child_id)).first()
                if here is not None:
                    assert here.known_as == final[d.child], (SEED, w.login, d.child)

    # The child moved to another team left the old team's laptops and is on the new one's.
    child, was, now = world.moved
    for w in world.workers:
        with w.store.read() as session:
            held = session.exec(select(Child).where(Child.reference == child)).first()
        assert (held is not None) == (w.team == now), (SEED, w.login, child, was)

    # The reference typed the same records; the resolved values are the server's.
    with world.ref_store.session("admin") as session:
        for d in world.deliberate:
            found = _child(session, d.child)
            found.known_as = final[d.child]
            session.add(found)
    last = DAYS[-1].isoformat()
    server_due = world.on_server("due", "--json", "--today", last).out
    reference_due = world.on_reference("due", "--json", "--today", last, login="admin").out
    assert _due(server_due) == _due(reference_due), SEED
    assert len(json.loads(server_due)["items"]) > WORKERS
    print(f"seed {SEED}: {world.syncs} syncs, {world.drops} dropped; recorded "
          + ", ".join(f"{len(v)} {k}s" for k, v in world.recorded.items()))


def _due(text: str) -> list[tuple]:
    """The due list without the stores' own row ids."""
    data = json.loads(text)
    items = []
    for item in data["items"]:
        child = {k: v for k, v in item["child"].items() if k != "id"}
        rest = {k: v for k, v in item.items() if k not in ("child", "key")}
        items.append(json.dumps([child, rest], sort_keys=True))
    return sorted(items)

