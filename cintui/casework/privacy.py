"""Keeping the data safe (issue 24): subject access, retention and erasure.

- **Subject access** (UK GDPR Art. 15; WIR 2.10 "the family may see what is recorded about
  them"): everything held about a child and their family members: every record linked to
  the child, the people around them and the household, and the audit entries about each,
  with who asked and when (a `disclosure` row, audited).
- **Retention** (UK GDPR Art. 5(1)(e), storage limitation): closed records past the policy's
  retention (domain.retention) are listed for a manager's review.
- **Erasure**, a team or service manager's decision: every row of the child's record goes
  (people and the household too, unless another child's record holds them), the recorded
  values of the audit entries about them are blanked (their hashes kept, so the chain still
  verifies), each row's going is an audited delete, and the decision is kept (`erasure`:
  the case reference, when, by whom, why; no personal data).

The child's rows are found from the tables' foreign keys, not a list: a table added later
that points at the child (or at one of its rows) is covered without a change here.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, SQLModel, col
from sqlmodel import select as orm_select

from cintui.casework import cases
from cintui.domain import retention as rules
from cintui.domain.retention import RetentionFact
from cintui.domain.workforce import needs_role
from cintui.store import audit
from cintui.store import models as m

# Never part of a child's record: set-up, the trail itself, erasure decisions.
KEPT = frozenset({"authority", "team", "worker", "store_meta", "audit_log", "data_change",
                  "erasure", "disclosure", "alembic_version"})
FAMILY = ("person", "family")  # held for the child, possibly shared with a sibling's record
SUBJECT_ACCESS = "subject_access"  # disclosure.kind
ORDER = ("child", "family", "person", "child_person", "consent", "episode", "circumstance",
         "direct_payment_review", "visit", "visit_present", "visit_action", "visit_addendum",
         "plan", "plan_version", "plan_need", "plan_service", "plan_action", "rag_change",
         "meeting", "meeting_invitee", "meeting_distribution", "supervision",
         "supervision_action", "family_group_conference", "cp_enquiry", "ending", "decision",
         "reallocation", "quality_check", "child_access", "draft")


class PrivacyError(cases.CaseworkError):
    """A subject access or erasure that cannot be done, in words (field, problem)."""


# ------------------------------------------------------------------ the child's rows


def _tables() -> dict[str, Any]:
    return {name: t for name, t in SQLModel.metadata.tables.items()
            if name not in KEPT and "id" in t.c}


def _links(table) -> list[tuple[Any, str]]:
    """(column, the table it points at) for each foreign key of `table`."""
    return [(c, fk.column.table.name) for c in table.columns for fk in c.foreign_keys]


def _ids(conn, query, chunk_of: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    values = list(chunk_of)
    for start in range(0, len(values), 500):
        found.update(conn.execute(query(values[start:start + 500])).scalars())
    return found


def own_rows(conn, child_id: uuid.UUID) -> dict[str, set[uuid.UUID]]:
    """Every row of the child's record held now: the child, each row pointing at it, each row
    pointing at one of those, and so on (not the people or the household: `family_rows`)."""
    tables = _tables()
    found: dict[str, set[uuid.UUID]] = {"child": {child_id}}
    grown = True
    while grown:
        grown = False
        for name, table in tables.items():
            if name in FAMILY or name == "child":
                continue
            for column, target in _links(table):
                if target in FAMILY or not found.get(target):
                    continue
                new = _ids(conn, lambda chunk, t=table, c=column: select(t.c.id).where(
                    c.in_(chunk)), found[target]) - found.get(name, set())
                if new:
                    found.setdefault(name, set()).update(new)
                    grown = True
    return found


def family_rows(conn, own: dict[str, set[uuid.UUID]]) -> dict[str, set[uuid.UUID]]:
    """The people and the household the child's rows point at."""
    tables = _tables()
    found: dict[str, set[uuid.UUID]] = {}
    for name, ids in own.items():
        table = tables.get(name)
        if table is None or not ids:
            continue
        for column, target in _links(table):
            if target in FAMILY:
                values = _ids(conn, lambda chunk, t=table, c=column: select(c).where(
                    t.c.id.in_(chunk) & c.is_not(None)), ids)
                found.setdefault(target, set()).update(values)
    return found


def _shared(conn, target: str, ids: set[uuid.UUID],
            own: dict[str, set[uuid.UUID]]) -> set[uuid.UUID]:
    """Those of `ids` (people, households) that a row outside the child's record points at."""
    shared: set[uuid.UUID] = set()
    for name, table in _tables().items():
        for column, points_at in _links(table):
            if points_at != target:
                continue
            mine = own.get(name, set())
            for start in range(0, len(list(ids)), 500):
                chunk = list(ids)[start:start + 500]
                rows = conn.execute(select(table.c.id, column).where(column.in_(chunk)))
                shared.update(value for row_id, value in rows if row_id not in mine)
    return shared


def _subject_access_disclosures(conn, reference: str) -> set[uuid.UUID]:
    t = m.Disclosure.__table__
    return set(conn.execute(select(t.c.id).where(
        (t.c.kind == SUBJECT_ACCESS) & (t.c.refs == reference))).scalars())


def _history(conn, own: dict[str, set[uuid.UUID]]) -> dict[str, set[str]]:
    """Rows of the child's record the audit trail shows, deleted since (a discarded draft, a
    withdrawn restriction): ids (hex) by table, found from the values the entries recorded."""
    tables = _tables()
    links = {name: [(c.name, target) for c, target in _links(t) if target not in FAMILY]
             for name, t in tables.items()}
    known = {name: {i.hex for i in ids} for name, ids in own.items()}
    entries = []
    a = m.AuditEntry.__table__
    for entity, entity_id, changes in conn.execute(select(a.c.entity, a.c.entity_id,
                                                          a.c.changes).order_by(a.c.seq)):
        fks = links.get(entity)
        if not fks or changes == audit.ERASED or entity in FAMILY:
            continue
        values = json.loads(changes)
        pointers = [(target, pair[1] or pair[0]) for column, target in fks
                    if isinstance(pair := values.get(column), list) and (pair[1] or pair[0])]
        if pointers:
            entries.append((entity, entity_id, pointers))
    grown = True
    while grown:
        grown = False
        for entity, entity_id, pointers in entries:
            if entity_id in known.get(entity, ()):
                continue
            if any(value in known.get(target, ()) for target, value in pointers):
                known.setdefault(entity, set()).add(entity_id)
                grown = True
    return known


def _can_read_trail(session: Session) -> bool:
    """False on a team server for a login without the audit role (no SELECT on the trail)."""
    if not session.info.get("login"):
        return True
    return bool(session.connection().exec_driver_sql(
        "SELECT has_table_privilege(current_user, 'audit_log', 'SELECT')").scalar())


# ------------------------------------------------------------------ subject access


@dataclass(frozen=True)
class SubjectAccess:
    reference: str
    child: str
    requested_by: str
    requested_on: date
    produced_by: str
    produced_at: datetime
    authority: str
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # table -> rows
    history: list[dict[str, Any]] = field(default_factory=list)  # audit entries, oldest first
    shared: tuple[str, ...] = ()  # people also on another child's record (their names)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _sort_key(name: str) -> tuple[int, str]:
    return (ORDER.index(name) if name in ORDER else len(ORDER), name)


def subject_access(session: Session, child_id: uuid.UUID, *, requested_by: str, by: str,
                   on: date, now: datetime, file: str = "") -> SubjectAccess:
    """Everything held about the child and their family members, and the record that it was
    asked for (by whom, when) and produced (by whom): a `disclosure` row, audited."""
    requested_by = requested_by.strip()
    if not requested_by:
        raise PrivacyError("requested-by", "say who asked for the records (the child, a "
                           "parent, their representative)")
    child = cases.require_child(session, child_id, PrivacyError)
    if not _can_read_trail(session):
        raise PrivacyError("", "a subject access request includes the audit trail: on a team "
                           "server it needs the audit role")
    conn = session.connection()
    own = own_rows(conn, child_id)
    family = family_rows(conn, own)
    held = {**own, **{k: v for k, v in family.items() if v}}
    tables = _tables()
    records: dict[str, list[dict[str, Any]]] = {}
    for name in sorted(held, key=_sort_key):
        table = tables[name]
        rows = []
        ids = sorted(held[name])
        for start in range(0, len(ids), 500):
            rows += [{k: _plain(v) for k, v in row._mapping.items()}
                     for row in conn.execute(select(table).where(
                         table.c.id.in_(ids[start:start + 500])))]
        records[name] = sorted(rows, key=lambda r: str(r.get("created_at")))
    about = {i.hex for ids in held.values() for i in ids}
    for ids in _history(conn, own).values():
        about |= ids
    a = m.AuditEntry.__table__
    history = []
    ordered = sorted(about)
    for start in range(0, len(ordered), 500):
        for row in conn.execute(select(a).where(a.c.entity_id.in_(ordered[start:start + 500]))):
            history.append({"seq": row.seq, "at": _plain(row.at), "actor": row.actor,
                            "action": row.action, "entity": row.entity,
                            "entity_id": row.entity_id, "changes": json.loads(row.changes)})
    history.sort(key=lambda e: e["seq"])
    shared_ids = _shared(conn, "person", family.get("person", set()), own)
    shared = tuple(sorted(r["name"] for r in records.get("person", [])
                          if uuid.UUID(r["id"]) in shared_ids))
    session.add(m.Disclosure(kind=SUBJECT_ACCESS, exported_on=on, exported_by=by,
                             recipient=requested_by[:200],
                             purpose="subject access request (UK GDPR Art. 15)",
                             children=1, refs=child.reference, file=file[:400]))
    session.flush()
    return SubjectAccess(reference=child.reference, child=child.full_name,
                         requested_by=requested_by, requested_on=on, produced_by=by,
                         produced_at=now, authority=cases.authority_name(session),
                         records=records, history=history, shared=shared)


# ------------------------------------------------------------------ retention


def _closed(session: Session) -> list[tuple[m.Child, date | None, str]]:
    children = session.exec(orm_select(m.Child).where(m.Child.status == "closed")).all()
    closed: dict[uuid.UUID, date] = {}
    for child_id, day in session.exec(orm_select(m.Episode.child_id, m.Episode.closure_date).where(
            col(m.Episode.child_id).in_([c.id for c in children])
            & col(m.Episode.closure_date).is_not(None))).all() if children else ():
        if child_id not in closed or day > closed[child_id]:
            closed[child_id] = day
    workers = {w.id: w.name for w in session.exec(orm_select(m.Worker)).all()}
    return [(c, closed.get(c.id), workers.get(c.worker_id, "")) for c in children]


def retention(session: Session, today: date, *, due_only: bool = True) -> list[RetentionFact]:
    """Closed records and when their retention ends, soonest first; by default only those
    whose retention has ended (due for a manager's review)."""
    policy = cases.store_policy(session).privacy
    facts = []
    for child, closed_on, worker in _closed(session):
        born = child.dob or child.expected_dob
        fact = RetentionFact(child.id, child.reference, child.full_name, born, closed_on,
                             rules.keep_until(born, closed_on, policy), worker)
        if fact.due(today) or not due_only:
            facts.append(fact)
    return sorted(facts, key=lambda f: (f.keep_until or date.max, f.reference))


def retention_rule(session: Session) -> tuple[str, str]:
    """The policy's retention in words, and where it comes from."""
    policy = cases.store_policy(session).privacy
    return rules.describe(policy), policy.retention_source


# ------------------------------------------------------------------ erasure


@dataclass(frozen=True)
class Erased:
    reference: str
    records: int
    entries: int
    kept: tuple[str, ...]  # people kept because another child's record holds them


def _actor_role(session: Session, actor: str) -> tuple[str, str]:
    worker = session.exec(orm_select(m.Worker).where(m.Worker.username == actor)).first()
    return (worker.name, worker.role) if worker else (actor, "")


def erase(session: Session, child_id: uuid.UUID, *, reason: str, actor: str,
          today: date) -> Erased:
    """Erase a closed record past its retention, on a team or service manager's decision."""
    name, role = _actor_role(session, actor)
    if (refusal := needs_role(actor, role)) is not None:
        raise PrivacyError("", f"erasing a record {refusal}")
    child = cases.require_child(session, child_id, PrivacyError)
    facts = {f.child_id: f for f in retention(session, today, due_only=False)}
    fact = facts.get(child_id)
    keep = fact.keep_until if fact else None
    if (problem := rules.check_erasure(reason, status=child.status, keep=keep,
                                       today=today)) is not None:
        raise PrivacyError("reason" if not reason.strip() else "", problem)
    reference = child.reference
    conn = session.connection()
    own = own_rows(conn, child_id)
    family = family_rows(conn, own)
    kept_people: set[uuid.UUID] = set()
    for target in FAMILY:
        ids = family.get(target, set())
        shared = _shared(conn, target, ids, own) if ids else set()
        if target == "person":
            kept_people = shared
        if ids - shared:
            own[target] = ids - shared
    if disclosures := _subject_access_disclosures(conn, reference):
        own["disclosure"] = disclosures
    history = _history(conn, own) if _can_read_trail(session) else {}
    session.flush()
    entity_ids = {i.hex for ids in own.values() for i in ids}
    for ids in history.values():
        entity_ids |= ids
    blanked = audit.blank_entries(session, entity_ids)
    _delete_rows(session, own)
    audit.record_erased_rows(session, ((name_, i.hex) for name_, ids in own.items()
                                       for i in sorted(ids)))
    records = sum(len(ids) for ids in own.values())
    session.add(m.Erasure(reference=reference, erased_on=today, erased_by=name,
                          erased_by_role=role, reason=reason.strip(),
                          closed_on=fact.closed_on if fact else None, kept_until=keep,
                          records=records,
                          entries="\n".join(f"{seq} {digest}" for seq, digest in blanked)))
    session.flush()
    kept_names = []
    if kept_people:
        p = m.Person.__table__
        kept_names = sorted(conn.execute(select(p.c.name).where(
            p.c.id.in_(list(kept_people)))).scalars())
    return Erased(reference, records, len(blanked), tuple(kept_names))


def _delete_rows(session: Session, rows: dict[str, set[uuid.UUID]]) -> None:
    """Delete the rows without the ORM's audited delete (which would record every value):
    `erase` records each row's going itself, with no values. On SQLite the freed pages are
    overwritten (secure_delete), so the file keeps nothing of them."""
    session.expunge_all()
    conn = session.connection()
    server = bool(session.info.get("login"))
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete = ON")
    tables = SQLModel.metadata.tables
    for name, ids in rows.items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start:start + 500]
            if server:
                conn.exec_driver_sql("SELECT cintui_erase_rows(%(t)s, %(ids)s)",
                                     {"t": name, "ids": chunk})
            else:
                conn.execute(tables[name].delete().where(tables[name].c.id.in_(chunk)))


def erasures(session: Session) -> list[m.Erasure]:
    """Every erasure decision, newest first."""
    return list(session.exec(orm_select(m.Erasure).order_by(
        col(m.Erasure.erased_on).desc(), col(m.Erasure.created_at).desc())).all())
