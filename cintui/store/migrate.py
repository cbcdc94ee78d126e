"""Schema migrations: Alembic, run on the store's own connection, no alembic.ini.

Revisions live in `migrations/versions/NNNN_name.py` with `revision = "NNNN"`, one after
another (tests check the ids against the file names). Knowing them from the file names keeps
Alembic (~75 ms to import) off the path of opening an up-to-date store.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cintui.store.base import WRITE, StoreError, driver_execute

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

SCRIPT_LOCATION = Path(__file__).with_name("migrations")
VERSIONS = SCRIPT_LOCATION / "versions"


def known_revisions() -> tuple[str, ...]:
    """Every revision this cintui knows, oldest first."""
    return tuple(sorted(p.name.split("_", 1)[0] for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py")))


def head_revision() -> str:
    return known_revisions()[-1]


def current_revision(engine: Engine) -> str | None:
    """The store's schema revision; None for a database without cintui's tables."""
    with engine.connect() as conn:
        return _current(conn)


def current_on(conn: Connection) -> str | None:
    """`current_revision` on a connection already open."""
    return _current(conn)


def _current(conn: Connection) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


# A new SQLite store's tables at head, as the revisions leave them: one script run instead of
# thirty revisions (0.66 s of Alembic and SQLite copying tables, more with SQLCipher's
# wiping on), as Alembic's own advice for building a database from scratch has it. Written
# from the revisions by `python scripts/sqlite_schema.py`; tests/store/test_migrations.py
# checks it is exactly what they make. A script behind head (a revision added, the script
# not written again) is not used: the revisions are.
SQLITE_SCHEMA = Path(__file__).with_name("sqlite_schema.sql")
_SCHEMA_HEAD = "-- cintui's SQLite schema at revision "


def sqlite_schema_sql(conn: Connection) -> str:
    """The script that makes this SQLite store's schema (tables, indexes, triggers, and the
    revision), from what SQLite holds (`sqlite_master`): each statement as it was made."""
    revision = _current(conn)
    rows = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name").all()
    return "\n".join([
        f"{_SCHEMA_HEAD}{revision}: written by scripts/sqlite_schema.py, never by hand.",
        "BEGIN IMMEDIATE;", *(f"{_foreign_keys_sorted(sql)};" for (sql,) in rows),
        f"INSERT INTO alembic_version (version_num) VALUES ('{revision}');", "COMMIT;", ""])


def _foreign_keys_sorted(sql: str) -> str:
    """A CREATE TABLE statement with its FOREIGN KEY clauses in order of their text, where
    they stood: a table the revisions copied (SQLite's way to alter one) has them in an
    order that differs from run to run, so the script written from it did too (the same
    schema, a different file). Any other statement as it is."""
    lines = sql.split("\n")
    if not sql.startswith("CREATE TABLE") or len(lines) < 3 or lines[-1] != ")":
        return sql
    clauses = [line.removesuffix(", ") for line in lines[1:-1]]
    if not all(c.startswith("\t") for c in clauses):
        return sql  # not SQLAlchemy's one clause a line: left as SQLite holds it
    keys = iter(sorted(c for c in clauses if c.startswith("\tFOREIGN KEY")))
    clauses = [next(keys) if c.startswith("\tFOREIGN KEY") else c for c in clauses]
    return "\n".join([lines[0], *(f"{c}, " for c in clauses[:-1]), clauses[-1], lines[-1]])


def create(engine: Engine, revision: str = "head") -> None:
    """A new, empty store's schema at `revision`: a SQLite file at head from the script
    (`SQLITE_SCHEMA`), anything else by the revisions."""
    head = head_revision()
    if engine.dialect.name == "sqlite" and revision in ("head", head):
        script = SQLITE_SCHEMA.read_text(encoding="utf-8") if SQLITE_SCHEMA.exists() else ""
        if script.startswith(f"{_SCHEMA_HEAD}{head}:"):
            with engine.connect() as conn:
                conn.connection.driver_connection.executescript(script)
            return
    upgrade(engine, revision)


def alembic_config(connection: Connection):
    """An Alembic Config for this package's scripts, bound to `connection`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Upgrade to `revision` in one transaction; return the revision before."""
    from alembic import command

    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # SQLite's recipe for changing tables (and Alembic's batch mode): foreign keys
            # off outside the transaction (inside one SQLite ignores the PRAGMA), checked
            # before commit, back on afterwards.
            driver_execute(conn, "PRAGMA foreign_keys = OFF")
        try:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                before = _current(conn)
                if before is not None and before == head_revision() and revision in (
                        "head", before):
                    return before  # nothing to do: Alembic's start (~0.1 s) not paid
                command.upgrade(alembic_config(conn), revision)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise StoreError("the upgrade would break links between records; "
                                     "nothing was changed")
        finally:
            if sqlite:
                driver_execute(conn, "PRAGMA foreign_keys = ON")
    return before
