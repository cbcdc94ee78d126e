"""Migrations build exactly the models' tables, and older stores upgrade safely on opening."""

from __future__ import annotations

import re
import sqlite3
import stat
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlcipher3
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel, select

from cintui.store import migrate
from cintui.store.audit import verify
from cintui.store.engine import StoreError, _create_store_at, open_store
from cintui.store.models import Child, Consent, Worker
from tests.store.conftest import PASSPHRASE, add_child, add_old_child, sha256


def schema_differences(engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def test_migrations_build_exactly_the_tables_the_models_describe(encrypted_store):
    assert schema_differences(encrypted_store.engine) == []


def test_a_plain_store_has_the_same_schema(plain_store):
    assert schema_differences(plain_store.engine) == []


def test_a_new_store_is_made_by_the_schema_script_exactly_as_the_revisions_make_it(
        tmp_path):
    """A new SQLite store (`db init`, `sync setup`, `demo`) runs cintui/store/sqlite_schema.sql
    instead of the thirty revisions: it must hold what they leave, statement for statement,
    triggers and the revision included (a stale script: `python scripts/sqlite_schema.py`).
    Character for character: a table the revisions copied (SQLite's way to alter one) lists
    its foreign keys in an order that differs from run to run, and the script has them
    sorted, so writing it again changes nothing."""
    from sqlalchemy import create_engine

    from cintui.store.engine import create_store

    engine = create_engine(f"sqlite:///{tmp_path / 'by-revisions.db'}")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        by_revisions = migrate.sqlite_schema_sql(conn)
    engine.dispose()
    assert "CREATE TRIGGER audit_log_no_update" in by_revisions
    assert migrate.SQLITE_SCHEMA.read_text(encoding="utf-8") == by_revisions, \
        "the schema script is stale: python scripts/sqlite_schema.py"
    store = create_store(tmp_path / "new.db", PASSPHRASE)
    try:
        with store.engine.connect() as conn:
            assert migrate.sqlite_schema_sql(conn) == by_revisions
        assert migrate.current_revision(store.engine) == migrate.head_revision()
    finally:
        store.close()


def test_revisions_are_one_line_named_after_their_files():
    script = ScriptDirectory(str(migrate.SCRIPT_LOCATION))
    walked = [rev.revision for rev in script.walk_revisions()][::-1]
    assert walked == list(migrate.known_revisions()) == [
        "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0012",
        "0014", "0015", "0016", "0017", "0018", "0019", "0020", "0021", "0022", "0023", "0024", "0025",
        "0026", "0027", "0028", "0029", "0030", "0031", "0032", "0033", "0034", "0035"]
    assert script.get_heads() == [migrate.head_revision()]
    for rev in script.walk_revisions():
        assert Path(rev.path).name.startswith(rev.revision + "_")


def test_migration_scripts_ship_inside_the_package():
    location = migrate.SCRIPT_LOCATION
    assert location.parent == Path(migrate.__file__).parent
    assert (location / "env.py").is_file() and (location / "script.py.mako").is_file()


def test_every_revision_can_be_undone(tmp_path):
    store = _create_store_at(tmp_path / "down.db", None, encrypt=False, revision="head")
    try:
        with store.engine.connect() as conn, conn.begin():
            command.downgrade(migrate.alembic_config(conn), "base")
        with store.engine.connect() as conn:
            tables = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')").all()
        assert [t[0] for t in tables] == ["alembic_version"]
    finally:
        store.close()


def test_an_older_store_is_backed_up_then_upgraded_with_its_data_intact(tmp_path):
    path = tmp_path / "cin.db"
    old = _create_store_at(path, PASSPHRASE, encrypt=True, revision="0001")
    child_id = add_old_child(old, first_name="Nell")
    assert migrate.current_revision(old.engine) == "0001"
    old.close()
    before = sha256(path)

    store = open_store(path, PASSPHRASE)
    try:
        assert store.upgraded_from == "0001"
        assert migrate.current_revision(store.engine) == migrate.head_revision()
        assert schema_differences(store.engine) == []
        with store.read() as session:
            assert session.exec(select(Child.first_name)).all() == ["Nell"]
        assert verify(store).ok and verify(store).entries == 1
        add_child(store, 2)  # the new schema takes writes
    finally:
        store.close()

    backup = store.backup_path
    assert backup is not None and backup.parent == path.parent
    assert re.fullmatch(r"cin\.db\.before-0001-\d{14}\.bak", backup.name)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with sqlcipher3.connect(str(backup)) as conn:  # same key; untouched by the upgrade
        conn.execute(f"PRAGMA key = '{PASSPHRASE}'")
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert conn.execute("SELECT id, first_name FROM child").fetchall() == [
            (child_id.hex, "Nell")]
    assert sha256(path) != before

    again = open_store(path, PASSPHRASE)
    try:
        assert again.upgraded_from is None and again.backup_path is None
    finally:
        again.close()


def test_a_store_from_a_newer_cintui_is_refused_untouched(plain_store):
    path = plain_store.path
    with plain_store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    plain_store.close()
    before = sha256(path)
    with pytest.raises(StoreError, match="newer cintui"):
        open_store(path, None)
    assert sha256(path) == before
    assert not list(path.parent.glob("*.bak"))


def test_a_database_without_cintui_tables_has_no_revision(tmp_path):
    from sqlalchemy import create_engine

    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        assert migrate.current_revision(engine) is None
    finally:
        engine.dispose()


def test_opening_the_store_module_stays_cheap():
    code = ("import sys, cintui.store.engine, cintui.store; "
            "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'alembic') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.strip() == "[]"


def test_upgrading_to_0004_moves_monitoring_out_of_the_support_text_wir_2_2(tmp_path):
    """Before 0004, how alternative support is monitored was kept after a marker inside
    `alternative_support`; the upgrade gives it its own column and leaves other rows be."""
    import uuid

    path = tmp_path / "old.db"
    old = _create_store_at(path, None, encrypt=False, revision="0003")
    child_id = add_old_child(old, first_name="Nell")
    ids = [uuid.uuid4(), uuid.uuid4()]
    with old.engine.begin() as conn:
        for cid, support in zip(ids, ("Gran daily\n\nMonitoring: Weekly call", "Aunt"),
                                strict=True):
            now = "2026-11-23 08:00:00.000000"
            conn.exec_driver_sql(
                "INSERT INTO consent (id, created_at, updated_at, child_id, scope, decision, "
                "decided_on, method, notes, override_without_consent, override_rationale, "
                "withheld_reasons, alternative_support, withheld_decision, withheld_analysis) "
                "VALUES (?, ?, ?, ?, 'service', 'refused', '2026-11-01', 'verbal', '', 0, '', "
                "'', ?, '', '')", (cid.hex, now, now, child_id.hex, support))
    old.close()
    store = open_store(path, None)
    try:
        with store.read() as session:
            rows = {c.id: (c.alternative_support, c.alternative_monitoring)
                    for c in session.exec(select(Consent)).all()}
    finally:
        store.close()
    assert rows == {ids[0]: ("Gran daily", "Weekly call"), ids[1]: ("Aunt", "")}


def test_upgrading_to_0014_moves_gender_codes_to_the_census_sex_and_back(tmp_path):
    """DfE 2024-25: Sex M, F, U in place of GenderCurrent 1, 2, 0, 9 (1 M, 2 F; 0 not
    recorded or unborn and 9 indeterminate both U). No gender identity is inferred."""
    path = tmp_path / "old.db"
    old = _create_store_at(path, None, encrypt=False, revision="0009")
    ids = {g: add_old_child(old, first_name=f"G{g}", gender=g) for g in "1209"}
    old.close()
    store = open_store(path, None)
    try:
        with store.read() as session:
            sexes = {c.id: (c.sex, c.gender_identity) for c in session.exec(select(Child))}
        assert {g: sexes[cid] for g, cid in ids.items()} == {
            "1": ("M", ""), "2": ("F", ""), "0": ("U", ""), "9": ("U", "")}
        assert verify(store).ok
        with store.engine.connect() as conn, conn.begin():
            command.downgrade(migrate.alembic_config(conn), "0009")
        with store.engine.connect() as conn:
            back = dict(conn.exec_driver_sql("SELECT first_name, gender FROM child").all())
        assert back == {"G1": "1", "G2": "2", "G0": "0", "G9": "0"}  # 9 was not kept
    finally:
        store.close()


def test_upgrading_to_0024_moves_direct_payments_into_the_one_record_war_7_2_1(new_store):
    """WAR 7.2, 7.2.1: a store whose direct payments were kept on the case steps (a start
    date, a last-review date and review rows) upgrades with each child's direct payment in
    `direct_payment`, its reviews in `support_review`, and its review clock unchanged: 12
    months from the last review (or the start), on a working day. The amount, its period
    and who manages it were never recorded: they say so. One due item each, the moved rows
    audited (verify passes); undone, the old record is back. SQLite and PostgreSQL."""
    import sqlalchemy as sa

    from cintui.casework import cases, due
    from cintui.casework import short_breaks as sb
    from tests.conftest import TODAY

    store = new_store("old.db")
    with store.session("setup") as session:
        cases.set_store_policy(session, "england")
        session.add(Worker(username="amira", name="Amira Khan", role="social_worker"))
    ids = {}
    with store.session("amira") as session:
        for name in ("Ada", "Ben", "Cal", "Dot"):
            ids[name] = cases.add_child(session, cases.NewChild(
                first_name=name, last_name="Old", dob=date(2015, 3, 1), disabilities="MOB",
                referral_date=date(2024, 1, 8), worker="amira"), TODAY).id
    child = sa.table("child", sa.column("id", sa.Uuid()),
                     sa.column("direct_payments_started", sa.Date()),
                     sa.column("last_direct_payment_review", sa.Date()))
    old_review = sa.table("direct_payment_review", sa.column("id", sa.Uuid()),
                          sa.column("created_at", sa.DateTime(timezone=True)),
                          sa.column("updated_at", sa.DateTime(timezone=True)),
                          sa.column("child_id", sa.Uuid()),
                          sa.column("reviewed_on", sa.Date()),
                          sa.column("reviewed_by", sa.String()), sa.column("notes", sa.String()))
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    down_to_0021(store)
    with store.engine.connect() as conn, conn.begin():
        # Ada: started 6 Jan 2025, reviewed Fri 5 Dec 2025 (5 Dec 2026 is a Saturday).
        # Ben: as the demo wrote them, a last review (3 Nov 2025) with no review row.
        # Cal: started Mon 2 Feb 2026, never reviewed. Dot: no direct payments.
        for name, started, last in (("Ada", date(2025, 1, 6), date(2025, 12, 5)),
                                    ("Ben", date(2024, 3, 1), date(2025, 11, 3)),
                                    ("Cal", date(2026, 2, 2), None)):
            conn.execute(child.update().where(child.c.id == ids[name]).values(
                direct_payments_started=started, last_direct_payment_review=last))
        conn.execute(old_review.insert(), [
            {"id": uuid.uuid4(), "created_at": now, "updated_at": now,
             "child_id": ids["Ada"], "reviewed_on": on, "reviewed_by": "Amira Khan",
             "notes": notes}
            for on, notes in ((date(2025, 6, 2), "Early check"),
                              (date(2025, 12, 5), "Working well"))])
    assert migrate.upgrade(store.engine) == "0021"  # as opening the store does

    with store.read() as session:
        moved = {name: sb.direct_payment_facts(session, cid) for name, cid in ids.items()}
    assert {n: [(p.started_on, p.review_due, p.open, p.amount_pence, p.period, p.managed_by)
                for p in found] for n, found in moved.items()} == {
        "Ada": [(date(2025, 1, 6), date(2026, 12, 4), True, None, "", "")],
        "Ben": [(date(2024, 3, 1), date(2026, 11, 3), True, None, "", "")],
        "Cal": [(date(2026, 2, 2), date(2027, 2, 2), True, None, "", "")],
        "Dot": []}
    assert [(r.on, r.by, r.notes, r.next_due) for r in moved["Ada"][0].reviews] == [
        (date(2025, 6, 2), "Amira Khan", "Early check", date(2026, 6, 2)),
        (date(2025, 12, 5), "Amira Khan", "Working well", date(2026, 12, 4))]
    ((ben_review,),) = [p.reviews for p in moved["Ben"]]
    assert (ben_review.on, ben_review.next_due) == (date(2025, 11, 3), date(2026, 11, 3))
    assert "no review notes" in ben_review.notes
    assert moved["Cal"][0].describe() == (
        "Direct payment (amount not recorded), manager not recorded")

    with store.read() as session:
        items = due.load_items(session, TODAY, until=date(2027, 12, 31))
    found = sorted((i.child.name, i.due) for i in items if i.key == "direct_payment_review")
    assert found == [("Ada Old", date(2026, 12, 4)), ("Ben Old", date(2026, 11, 3)),
                     ("Cal Old", date(2027, 2, 2))]  # one each, never two
    assert verify(store).ok
    with store.engine.connect() as conn:  # who moved them: the upgrade, or a server's login
        actors = set(conn.execute(sa.text(
            "SELECT actor FROM audit_log WHERE entity IN ('direct_payment', 'support_review')"
        )).scalars())
    sqlite = store.engine.dialect.name == "sqlite"
    assert actors == {"cintui upgrade 0024" if sqlite else store.engine.url.username}

    down_to_0021(store)
    with store.engine.connect() as conn:
        back = {r[0]: r[1:] for r in conn.execute(sa.text(
            "SELECT first_name, direct_payments_started, last_direct_payment_review "
            "FROM child")).all()}
        reviews = conn.execute(sa.select(sa.func.count()).select_from(old_review)).scalar()
    norm = {n: tuple(str(d)[:10] if d else None for d in v) for n, v in back.items()}
    assert norm == {"Ada": ("2025-01-06", "2025-12-05"), "Ben": ("2024-03-01", "2025-11-03"),
                    "Cal": ("2026-02-02", None), "Dot": (None, None)}
    assert reviews == 2  # Ada's two; Ben's carried-over date was never a review row


def down_to_0021(store) -> None:
    """Back to revision 0021, as `migrate.upgrade` goes forward (SQLite: foreign keys off
    outside the transaction, for batch mode's copy of the child table)."""
    from cintui.store.base import driver_execute

    with store.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            driver_execute(conn, "PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                command.downgrade(migrate.alembic_config(conn), "0021")
        finally:
            if sqlite:
                driver_execute(conn, "PRAGMA foreign_keys = ON")


def test_upgrading_to_0034_gives_meetings_booked_before_0033_their_booker_from_the_trail(
        new_store):
    """A store from before revision 0033 kept no booker on its meetings; the audit trail's
    insert entry of each meeting made as a booking names the login that booked it. The
    upgrade writes the worker's name there (the login, for one with no worker), as an
    audited change: verify still passes. A meeting not made as a booking (a caseload
    import's, held there) stays not known. SQLite and PostgreSQL."""
    from cintui.casework import cases, meetings
    from cintui.store import models as m
    from tests.conftest import TODAY

    store = new_store("old.db")
    with store.session("setup") as session:
        cases.set_store_policy(session, "england")
        session.add(Worker(username="amira", name="Amira Khan", role="social_worker"))
    with store.session("amira") as session:
        child_id = cases.add_child(session, cases.NewChild(
            first_name="Ada", last_name="Old", dob=date(2015, 3, 1),
            referral_date=date(2026, 10, 1), worker="amira"), TODAY).id
    at = datetime(2026, 12, 1, 10, tzinfo=UTC)
    booked = {}
    for actor, kind, status in (("amira", "initial", "scheduled"),
                                ("ola.admin", "review", "scheduled"),  # a login, no worker
                                ("amira", "final", "held")):  # as a caseload import makes one
        with store.session(actor) as session:  # as cintui before 0033 wrote them: no booker
            row = m.Meeting(child_id=child_id, kind=kind, held_on=at.date(), starts_at=at,
                            status=status, held=status == "held")
            session.add(row)
            booked[kind] = row.id
    with store.engine.connect() as conn, conn.begin():
        command.downgrade(migrate.alembic_config(conn), "0032")
    assert migrate.upgrade(store.engine) == "0032"  # as opening the store does

    with store.read() as session:
        rows = {r.kind: r for r in meetings.list_meetings(session, child_id,
                                                          cases.store_policy(session))}
    assert {k: (r.booked_by, r.booked_on is not None) for k, r in rows.items()} == {
        "initial": ("Amira Khan", True), "review": ("ola.admin", True), "final": ("", False)}
    report = verify(store)
    assert report.ok, (report.problem, report.unaudited)
    with store.read() as session:
        entries = session.exec(select(m.AuditEntry).where(
            m.AuditEntry.entity == "meeting", m.AuditEntry.action == "update")).all()
    assert sorted(e.entity_id for e in entries) == sorted(
        booked[k].hex for k in ("initial", "review"))
