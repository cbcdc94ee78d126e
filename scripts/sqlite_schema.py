"""Write cintui/store/sqlite_schema.sql: a new SQLite store's schema at head, as the revisions
make it (cintui.store.migrate.create runs it instead of the thirty revisions). Run after
adding a revision; tests/store/test_migrations.py fails until it is.

    .venv/bin/python scripts/sqlite_schema.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import create_engine

from cintui.store import migrate


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'schema.db'}")
        migrate.upgrade(engine)
        with engine.connect() as conn:
            script = migrate.sqlite_schema_sql(conn)
        engine.dispose()
    migrate.SQLITE_SCHEMA.write_text(script, encoding="utf-8")
    print(f"wrote {migrate.SQLITE_SCHEMA} ({len(script):,} characters)")


if __name__ == "__main__":
    main()
