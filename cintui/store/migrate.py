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


def _current(conn: Connection) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


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
                command.upgrade(alembic_config(conn), revision)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise StoreError("the upgrade would break links between records; "
                                     "nothing was changed")
        finally:
            if sqlite:
                driver_execute(conn, "PRAGMA foreign_keys = ON")
    return before
