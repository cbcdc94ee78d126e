"""Benchmark: what an open app reads when others changed the store under it (screens/live.py,
`casework.changes.changed`): the line that says who changed what, naming an open form's own
child's change, and whose records they were (a form's note shows only for its own child).
Asked every few seconds while a form is open and others write, over up to `MOST_READ` (200)
entries of the audit trail.

    .venv/bin/python bench/live_changes.py [--children 20] [--runs 31] [--store sqlite]
    .venv/bin/python tests/pgserver.py run -- .venv/bin/python bench/live_changes.py \
        --store postgresql

The store: `cintui demo` (a plain file, or a PostgreSQL database on $CINTUI_TEST_PG), then
another process's worker changes `--children` children's records until the window holds 200
entries, a few kinds to each child in turn: their details, someone added to their People
and renamed (a person: the children they are held for), an addendum under a visit (the
visit's child), a worker's name (no child's). Prints the median of `--runs` looks at that
window, and the statements each sends, against a floor: the trail's read alone (the
entries, which every look reads first). Synthetic people only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _demo import plain_demo_store  # noqa: E402
from _timing import median_of  # noqa: E402

OTHER = "sw.other"  # the other process's worker


def _postgres_store(folder: Path) -> tuple[str, Callable[[], None]]:
    """A demo in a new database on $CINTUI_TEST_PG; its URL and how to drop it."""
    import subprocess

    import psycopg
    from sqlalchemy.engine import make_url

    superuser = os.environ.get("CINTUI_TEST_PG")
    if not superuser:
        sys.exit("--store postgresql needs $CINTUI_TEST_PG: run it under tests/pgserver.py")
    name = f"bench_live_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(superuser, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(superuser).set(drivername="postgresql+psycopg", database=name) \
        .render_as_string(hide_password=False)
    env = {**os.environ, "CINTUI_DATABASE_URL": url, "CINTUI_CONFIG_DIR": str(folder / "cfg")}
    subprocess.run([sys.executable, "-m", "cintui", "demo", "--seed", "7", "--no-encrypt"],
                   check=True, env=env, stdout=subprocess.DEVNULL)

    def drop() -> None:
        with psycopg.connect(superuser, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


def changes_by_another(location, children: int) -> tuple[int, int, uuid.UUID]:
    """Another process's changes to `children` children until the window holds MOST_READ
    entries: (after, upto, the last child changed)."""
    from sqlmodel import select

    from cintui.casework import cases, changes, record, visits
    from cintui.store.engine import open_store
    from cintui.store.models import Child, Person, Visit

    other = open_store(location, None)
    try:
        with other.read() as session:
            final = session.exec(select(Visit.child_id, Visit.id)
                                 .where(Visit.status == "final")).all()
            visit_of = dict(final)
            chosen = list(visit_of)[:children]
            worker = cases.list_workers(session)[0].username
        after = other.newest_entry()
        turn = 0
        while other.newest_entry() - after < changes.MOST_READ:
            child = chosen[turn % len(chosen)]
            with other.session(OTHER) as session:
                session.get(Child, child).known_as = f"Known {turn}"
            with other.session(OTHER) as session:
                added = record.add_person(session, child, record.PersonInput(
                    name=f"Rosa Quill {turn}", relationship="Aunt"))
            with other.session(OTHER) as session:
                session.get(Person, added.person_id).phone = "01632 960000"
            with other.session(OTHER) as session:
                visits.add_addendum(session, visit_of[child], f"Seen again ({turn}).",
                                    actor=OTHER, now=datetime(2026, 12, 1, 9, tzinfo=UTC))
            if turn % 5 == 0:
                with other.session(OTHER) as session:
                    cases.find_worker(session, worker).email = f"w{turn}@example.org"
            turn += 1
        return after, after + changes.MOST_READ, child
    finally:
        other.close()


def _statements(store, run: Callable[[], object]) -> int:
    from sqlalchemy import event

    sent = []

    def count(*_args) -> None:
        sent.append(1)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    return len(sent)


def measure(location, children: int, runs: int) -> None:
    from cintui.casework import changes
    from cintui.store.engine import open_store

    after, upto, child = changes_by_another(location, children)
    store = open_store(location, None)  # the app's: none of these entries are its own
    try:
        said, whose = changes.changed(store, after, upto, child)
        print(f"{upto - after} entries by another worker over {children} children: "
              f"{said!r}, {len(whose or ())} children's records")

        def floor() -> None:
            with store.read() as session:
                changes._theirs(session, [], after, upto)

        base = median_of(floor, runs)
        print(f"floor, the trail's read alone: {base * 1000:.2f} ms "
              f"({_statements(store, floor)} statement(s); median of {runs})")
        for name, run in (
                ("a look (changes.changed: the line and whose)",
                 lambda: changes.changed(store, after, upto, child)),
                ("the line alone (changes.said, for a form on a child)",
                 lambda: changes.said(store, after, upto, child)),
                ("whose alone (changes.children_changed)",
                 lambda: changes.children_changed(store, after, upto))):
            took = median_of(run, runs)
            print(f"  {name}: {took * 1000:.2f} ms ({took / base:.1f}x the floor, "
                  f"{_statements(store, run)} statements)")
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=20)
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-live-changes-"))
    drop = None
    try:
        if args.store == "postgresql":
            location, drop = _postgres_store(folder)
        else:
            location = plain_demo_store(folder, 120, seed=7)
        measure(location, args.children, args.runs)
    finally:
        if drop is not None:
            drop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
