"""What a seeded demo holds, pinned: every table's rows and the audit trail's entries, as
digests taken on the code before issue 21's speed work on the demo of 7 December. Making
the demo faster must not change what it contains; a change to the demo's content is made
on purpose, and its new digests are written here in the same commit."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid

from cintui import demo
from tests.conftest import TODAY, run_subprocess
from tests.test_demo_processes import _tables

ARGS = ("--children", "200", "--seed", "5", "--today", TODAY.isoformat())

# sha256 of each table's rows (ids named by where their rows are, audit hashes and times
# left out: `_tables`), first 16 hex digits; taken on commit ae54131, then on purpose for
# the family's days written in full (day_long: `ending`, `decision` and their audit entries),
# checked the same on that branch alone and with the speed work; then for no plan before the
# manager starts it (TRA: children at referral or assessment have none; the rows after them
# are where they were, so ids named by position move in `meeting` and `visit_action`); then
# for no draft left in a plan that ended (WIR 3: the final meeting of a child stepping down,
# or a closed case): three drafts' rows gone from `plan_version`, `plan_need`, `plan_action`,
# `plan_service` and `audit_log`, every other row the same; ids named by position move in
# `rag_change`, `meeting` and `visit_action` (equal with the ids left out); then for closed
# cases that stop at their closure (DOMAIN.md §7, WIR 3): the held meetings, plan versions
# (their needs, actions, services and ratings), visits (their people present and addenda)
# made after a closure gone, the plan before it agreed again, its minutes on the last meeting
# held, the visits made again up to the closure, consents given after it dated the referral,
# the review booked after it dated by the last meeting; `meeting`, `meeting_distribution`,
# `plan_*`, `rag_change`, `visit`, `visit_present`, `visit_addendum`, `consent`, `audit_log`
# change; ids named by position move in `ending`, `meeting_invitee` and `visit_action`
# (equal with the ids left out); every child not closed has the rows it had; then for who
# booked a meeting (revision 0033, `meeting.booked_by`): a column more in `meeting` and in
# its audit entries, the reviews the demo books booked by the child's worker; then for a
# young person's own consent (WIR 2.1): 16-17-year-olds consent to the service and to
# sharing information too, 13 in 16 of them (`consent` and its audit entries gain rows; an own
# consent given before the sixteenth birthday is dated it), every other row the same: the
# need keys named by position (`key#N`, after every row id) move in `meeting`, `plan_need`,
# `plan_action`, `rag_change` and `visit_action` (equal with those names left out).
DIGESTS = {
    "audit_log": "4a4e6e15688e5bf1",
    "authority": "63bf03fe5c8650ac",
    "child": "9da20bfa8cf755f6",
    "child_person": "89d274feb83e989f",
    "consent": "974d84062a3b6046",
    "decision": "d03280a95bf5b2ef",
    "direct_payment": "2d1b2b4a66706cef",
    "draft": "f038d4c15adfd369",
    "ending": "6e09408d43d8f271",
    "episode": "a53547146595bb2e",
    "family": "be15ce90227b7b1d",
    "meeting": "89dcb11fdacf8326",
    "meeting_distribution": "c62f7107fd2e1dbb",
    "meeting_invitee": "b2e7bca84542e2e9",
    "person": "a9f46aefe66a36d9",
    "plan": "7915629c6204c78b",
    "plan_action": "f6efc689249f7581",
    "plan_need": "75491a87c6e65950",
    "plan_service": "e8bc7dc282a8848e",
    "plan_version": "d5ff7d51723bfc4b",
    "quality_check": "2ff32eb6e773ea64",
    "rag_change": "eeabd218ad0ebdf2",
    "store_meta": "a94124f8de13e463",
    "supervision": "52b3e1df22d0f650",
    "support_review": "9449149eb97c2cd3",
    "team": "8e1ffca9a8c7f4a9",
    "visit": "4ce58bac3fcb0507",
    "visit_action": "3b085e2aee9fa7b4",
    "visit_addendum": "0d1b77f71f383792",
    "visit_present": "6b09f01602a48109",
    "worker": "c35344bf62de2c14",
}


def _digests(path) -> dict[str, str]:
    """Each table's digest; a table the demo leaves empty (or one a later revision adds)
    is not part of the demo's content."""
    return {name: hashlib.sha256("\n".join(map(repr, rows)).encode()).hexdigest()[:16]
            for name, rows in _tables(path).items() if rows}


def test_a_seeded_demo_holds_what_it_held_before_it_was_made_faster(tmp_path):
    path = tmp_path / "demo.db"
    made = run_subprocess("demo", *ARGS, "--db", path, "--no-encrypt")
    assert made.returncode == 0, made.stderr
    got = _digests(path)
    assert got == DIGESTS, [name for name in got.keys() | DIGESTS.keys()
                            if got.get(name) != DIGESTS.get(name)]


def _schema(path) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                          "ORDER BY type, name").fetchall()
    finally:
        db.close()


def test_the_demo_store_has_every_index_a_new_store_has(tmp_path):
    """The demo makes its tables' indexes after their rows are in (issue 21); the store it
    leaves has the very indexes, by the very statements, of a store made empty."""
    demo_path, empty = tmp_path / "demo.db", tmp_path / "empty.db"
    assert run_subprocess("demo", *ARGS, "--db", demo_path, "--no-encrypt").returncode == 0
    assert run_subprocess("db", "init", "--db", empty, "--no-encrypt").returncode == 0
    made = _schema(demo_path)
    assert made == _schema(empty)
    assert sum(kind == "index" for kind, *_ in made) > 100


def test_demo_ids_are_random_version_4_uuids_as_uuid_makes_them():
    """The demo makes its ids without uuid.UUID's __init__ (issue 21): each is the UUID its
    text reads back as, version 4 of the RFC's variant, and none repeats."""
    ids = [demo._new_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for made in ids:
        again = uuid.UUID(str(made))
        assert (made, hash(made), made.version, made.variant, made.is_safe) == \
            (again, hash(again), 4, uuid.RFC_4122, uuid.SafeUUID.unknown)
