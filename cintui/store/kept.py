"""Casework dated after its case closed, as the store holds it (TRA, BEX 3): what a laptop
recorded offline while the team server closed the case meanwhile. The sync keeps it (it
merges by id, never lost) and says so; it then waits for the manager's decision (BEX 4) or
a re-referral (WAR 3.4). The kinds and their words are `domain.endings.KEPT`; here, where
each lives and its day, read the same way by the sync's report (`sync._after_closure`) and
the manager's waiting list (`casework.team`), each in a fixed handful of queries.

Read coarsely in SQL (a day after the child's first closure), then judged exactly in Python
with the child's episodes (`domain.endings.closed_on`, a visit's day in England's time).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from cintui.domain.calendar import england_time
from cintui.domain.endings import KEPT, ClosedOn, closed_on
from cintui.store.base import SYNC_ACTOR

Rows = Callable[[str, dict], list]


@dataclass(frozen=True)
class _Source:
    """One table's records of `KEPT` kinds: the kind (SQL), its day, who, which rows."""

    table: str
    record: str
    day: str
    by: str
    only: str = "1 = 1"
    fields: tuple[str, ...] = ()  # an update touching one of these brings it anew
    instant: bool = False  # `day` is a moment (a visit's): its day is England's
    first: _First | None = None  # a kind it may be created as, then changed from


@dataclass(frozen=True)
class _First:
    """What a record of a table was when created, if not what it is now (an FGC referred,
    later held; a meeting booked, later held): the kind, the column of its day, the value
    of `column` that says it, and the column naming who made it (as the insert gave it)."""

    record: str
    day: str
    column: str
    value: str
    by: str = ""


SOURCES = (
    _Source("visit", "'visit'", "r.visited_at", "r.author_name", "r.status = 'final'",
            ("status", "visited_at"), instant=True),
    _Source("meeting", "CASE WHEN r.held THEN 'meeting_held' ELSE 'meeting_booked' END",
            "r.held_on", "CASE WHEN r.held THEN r.chair ELSE r.booked_by END",
            "(r.held OR r.status = 'scheduled')", ("held", "held_on", "status", "starts_at"),
            first=_First("meeting_booked", "held_on", "status", "scheduled", by="booked_by")),
    _Source("supervision", "'supervision'", "r.held_on", "r.manager", fields=("held_on",)),
    _Source("gcp2_assessment", "'gcp2'", "r.assessed_on", "r.recorded_by",
            fields=("assessed_on",)),
    _Source("safety_statement",
            "CASE WHEN r.kind = 'danger' THEN 'danger_statement' ELSE 'safety_goal' END",
            "r.written_on", 'r."by"', fields=("written_on",)),
    _Source("safety_scaling", "'scaling'", "r.scaled_on", "r.recorded_by",
            fields=("scaled_on",)),
    _Source("family_group_conference",
            "CASE WHEN r.status = 'held' THEN 'fgc_held' ELSE 'fgc_referral' END",
            "CASE WHEN r.status = 'held' THEN r.held_on ELSE r.referred_on END",
            "r.referred_by", "r.status IN ('referred', 'held')",
            ("status", "held_on", "referred_on"),
            first=_First("fgc_referral", "referred_on", "status", "referred",
                         by="referred_by")),
    _Source("short_break", "'short_break'", "r.started_on", "r.recorded_by",
            fields=("started_on",)),
    _Source("direct_payment", "'direct_payment'", "r.started_on", "r.recorded_by",
            fields=("started_on",)),
)
TABLES = {s.table: s for s in SOURCES}
_INSTANTS = {s.record.strip("'") for s in SOURCES if s.instant}


@dataclass(frozen=True)
class Found:
    """One record kept after its case closed, judged: the child (as the store gives its id),
    its kind (`KEPT`), its day, who made it, when it was recorded, and the closure; `since`:
    the day, in England, it was recorded as it now stands (a meeting held: when the holding
    was), which is what its wait counts from, not its own day (a meeting booked for a day
    to come waited from that day)."""

    child_id: Any
    record: str
    day: date
    by: str
    recorded: datetime
    closed: ClosedOn
    since: date
    extra: tuple = ()  # what the reader asked for besides (the child's name, its team)


def _branches(where: Callable[[_Source], str], tables: Iterable[str] | None = None) -> str:
    """Each table's records as (id, child, kind, day, at, who, recorded, changed), one
    UNION ALL: a
    day in `day`, a moment (a visit's) in `at`, so that no dialect turns either into the
    other."""
    chosen = [s for s in SOURCES if tables is None or s.table in set(tables)]
    return "\nUNION ALL\n".join(
        f"SELECT r.id AS id, r.child_id AS child_id, {s.record} AS record, "
        f"{'NULL' if s.instant else s.day} AS day, {s.day if s.instant else 'NULL'} AS at, "
        f"{s.by} AS who, r.created_at AS recorded, r.updated_at AS changed "
        f"FROM {s.table} AS r "
        f"{where(s)}" for s in chosen)


def on_server(rows: Rows) -> bool:
    """Whether the store is a team server (`cintui server init`): PostgreSQL, with the
    functions that answer what a manager's login may not read (`seen`, `reached`,
    `offline`), and sent a list as one array (`_listed`)."""
    return bool(rows("SELECT 1 FROM store_meta WHERE key = 'team_server'", {}))


def _listed(name: str, values: Iterable[Any], server: bool, of: str = "text"
           ) -> tuple[str, dict]:
    """A list of values (each once) as SQL and its parameters: on a team server one array,
    `CAST(:name AS text[])` (`of`: its type), one parameter however many (not thousands,
    each named, sent and matched on its own); elsewhere one parameter each, `:name0, :name1,
    …` (SQLite binds no arrays; a store file is read in-process)."""
    values = list(dict.fromkeys(values))
    if server:
        return f"CAST(:{name} AS {of}[])", {name: [str(v) for v in values]}
    return (", ".join(f":{name}{i}" for i in range(len(values))) or "NULL",
            {f"{name}{i}": v for i, v in enumerate(values)})


def _among(name: str, values: Iterable[Any], server: bool, of: str = "text"
          ) -> tuple[str, dict]:
    """An operand for a column (`c.id {operand}`) and its parameters: the column among
    `values`, `= ANY(…)` of one array on a team server, `IN (…)` elsewhere (`_listed`)."""
    sql, params = _listed(name, values, server, of)
    return (f"= ANY({sql})" if server else f"IN ({sql})"), params


# The manager's list: each table's records dated after a closed episode of their child and
# before the re-referral that followed it, if any (a visit's moment against those days: its
# day in England is judged in Python). Driven from the closed episodes, read once with their
# re-referral, so each table is read by its child index for those children only.
_CLOSED = ("closed AS MATERIALIZED (SELECT e.child_id, e.closure_date, (SELECT MIN(x.referral_date) "
           "FROM episode AS x WHERE x.child_id = e.child_id "
           "AND x.referral_date > e.referral_date) AS reopened "
           "FROM episode AS e WHERE e.closure_date IS NOT NULL)")


def _after(s: _Source) -> str:
    return (f"JOIN closed AS k ON k.child_id = r.child_id WHERE {s.only} "
            f"AND {s.day} > k.closure_date AND (k.reopened IS NULL OR {s.day} < k.reopened)")


def waiting_sql(columns: str, joins: str, where: str) -> str:
    """The records kept after a closure with the record's id and the child's `columns`
    (alias c, `joins` beside it), of the children `where` says."""
    kept = _branches(_after)
    return (f"WITH {_CLOSED},\nkept AS (\n{kept}\n)\n"
            f"SELECT kept.child_id, kept.record, kept.day, kept.at, kept.who, kept.recorded, "
            f"kept.changed, kept.id, "
            f"{columns} "
            f"FROM kept JOIN child AS c ON c.id = kept.child_id {joins} WHERE {where}")


def _day(record: str, value: Any) -> date:
    if record in _INSTANTS:
        return england_time(_instant(value)).date()
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _instant(value: Any) -> datetime:
    """A stored instant as read (SQLite: text without its UTC zone)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def judged(rows: Rows, found: list[tuple], server: bool | None = None) -> list[Found]:
    """The records read (child, kind, day, at, who, recorded, changed, *extra) that stood after their
    case's closure that day, each (child, kind, day) once, oldest first. One query for the
    episodes of every child among them (`server`: whether the store is a team server, as
    `on_server` says; None: it is asked)."""
    if not found:
        return []
    server = on_server(rows) if server is None else server
    ids, params = _among("c", (r[0] for r in found), server, "uuid")
    episodes: dict[str, list] = {}
    for cid, referral, closure in rows(
            f"SELECT child_id, referral_date, closure_date FROM episode "
            f"WHERE child_id {ids}", params):
        episodes.setdefault(str(cid), []).append(
            (_day("", referral), None if closure is None else _day("", closure)))
    out: dict[tuple, Found] = {}
    for cid, record, on, at, who, recorded, changed, *extra in found:
        day = _day(record, at if on is None else on)
        closed = closed_on(episodes.get(str(cid), []), day)
        if closed is not None and (str(cid), record, day) not in out:
            since = england_time(_instant(changed or recorded)).date()
            out[(str(cid), record, day)] = Found(cid, record, day, who or "",
                                                 _instant(recorded), closed, since,
                                                 tuple(extra))
    order = list(KEPT)
    return sorted(out.values(), key=lambda f: (f.day, order.index(f.record)))


def decisions(rows: Rows, found: list[Found], server: bool | None = None
              ) -> dict[str, list[tuple[str, date, datetime]]]:
    """Each child's decisions (its id as `uuid_hex`, made on, recorded at): one query for all
    of them (BEX 4), the children's ids one array on a team server (`server`, as `judged`)."""
    if not found:
        return {}
    server = on_server(rows) if server is None else server
    ids, params = _among("c", (f.child_id for f in found), server, "uuid")
    out: dict[str, list] = {}
    for did, cid, made_on, at in rows(f"SELECT id, child_id, made_on, created_at FROM decision "
                                      f"WHERE child_id {ids}", params):
        out.setdefault(str(cid), []).append((uuid_hex(did), _day("", made_on), _instant(at)))
    return out


def held_sql(decisions: str, records: str,
             seen: Callable[[str], str] = lambda _e: "1 = 1") -> str:
    """Portable SQL: the decisions a laptop's sync brought whose id (as `device_entry` holds
    it) is `decisions` (an operand: "IN (…)", "= ANY(…)"), each with the records whose id is
    `records` that laptop's own chain brought before it (`brought`: made there, or pulled),
    in the order of its entries, not by its clock; none: NULL. `seen(alias)`: what the
    entries `d` and `r` must also pass (on the server, row security). A decision another
    laptop pulled is in its chain too, as the sync's: not made there."""

    # Each side read once by its ids (an index on `entity_id`, revision 0035), then joined:
    # not the records' entries looked up again for each decision.
    return (f"WITH d AS MATERIALIZED (SELECT d.entity_id, d.device, d.seq "
            f"FROM device_entry AS d "
            f"WHERE d.entity = 'decision' AND d.action = 'insert' AND d.actor <> '{SYNC_ACTOR}' "
            f"AND d.entity_id {decisions} AND ({seen('d')})), "
            f"r AS MATERIALIZED (SELECT r.entity_id, r.device, r.seq FROM device_entry AS r "
            f"WHERE r.entity_id {records} AND r.device IN (SELECT d.device FROM d) "
            f"AND {brought('r')} AND ({seen('r')})) "
            f"SELECT CAST(d.entity_id AS TEXT), CAST(r.entity_id AS TEXT) FROM d "
            f"LEFT JOIN r ON r.device = d.device AND r.seq < d.seq")


def offline(rows: Rows, decided: dict[str, list], found: list[Found],
            server: bool | None = None) -> tuple[set[str], set[tuple[str, str]]] | None:
    """Which of the decisions (`decided`, as `decisions` gives them) a manager's laptop made
    offline, and which of the records (`Found`, id first of `extra`) that laptop held when
    it made each (BEX 4): a decision made offline answers only what the laptop held then,
    judged by the order of its own chain as the server keeps it (`device_entry`), not by
    its clock. Three queries at most, however many (as `reached`); on a team server through
    `cintui_held` (its logins may not read `device_entry`), None on one set up before it
    (until `cintui server init` runs again: each decision's `created_at` stands, as
    before)."""
    made = sorted({d for found in decided.values() for d, *_ in found})
    if not made or not found:
        return set(), set()
    records = sorted({uuid_hex(f.extra[0]) for f in found})
    server = on_server(rows) if server is None else server
    if server and not rows("SELECT to_regprocedure('cintui_held(text[], text[])') IS NOT NULL",
                           {})[0][0]:
        return None
    ids, params = _listed("d", made, server)
    named, more = _listed("r", records, server)
    params.update(more)
    sql = (f"SELECT decision_id, entity_id FROM cintui_held({ids}, {named})" if server
           else held_sql(f"IN ({ids})", f"IN ({named})"))
    laptop, held = set(), set()
    for did, rid in rows(sql, params):
        laptop.add(str(did))
        if rid is not None:
            held.add((str(did), str(rid)))
    return laptop, held


def seen(rows: Rows, decided: dict[str, list], found: list[Found],
         server: bool | None = None) -> dict[tuple[str, str], bool] | None:
    """Whether each decision (`decided`, as `decisions` gives them) saw each record of its
    child (`Found`, id first of `extra`), by (decision, record) id (BEX 4), where a team server can tell by
    its own transactions (store/server.py `cintui_seen`), not by any computer's clock: a
    decision saved on the server saw what had committed when it was saved (not a laptop's
    push still arriving, nor a change made on the server after it); one a manager's laptop
    made offline, what that laptop held then, in the order of its chain, and not a change
    another laptop brought, or one made on the server itself, that it had not pulled. A pair it cannot tell (a record made on the server, before `cintui server
    init` ran again) is not there: its times stand. None where the store cannot tell at all
    (a store file, a plain PostgreSQL store, a server set up before it): `reached` and
    `offline` judge. One query elsewhere, three on a team server, however many."""
    pairs = sorted({(did, uuid_hex(f.extra[0])) for f in found
                    for did, *_ in decided.get(str(f.child_id), ())})
    if not pairs:
        return {}
    if not (on_server(rows) if server is None else server):
        return None
    if not rows("SELECT to_regprocedure('cintui_seen(text[], text[])') IS NOT NULL",
                {})[0][0]:
        return None
    # Two arrays, each one parameter, pair by pair (not `_listed`: an id comes again, in
    # another pair): not one parameter per id (thousands of them).
    params = {"d": [did for did, _ in pairs], "r": [rid for _, rid in pairs]}
    return {(str(did), str(rid)): bool(answer) for did, rid, answer in rows(
        "SELECT decision_id, entity_id, seen FROM cintui_seen(CAST(:d AS text[]), "
        "CAST(:r AS text[]))", params)
        if answer is not None}


def brought(alias: str) -> str:
    """Portable SQL: an entry of `alias` (a `device_entry`) that brought its record as it
    stands (its insert, or an update touching `_Source.fields`: a meeting's holding, not
    its minutes typed later), as the sync's report judges a push (`pushed`)."""
    def one(s: _Source) -> str:
        keys = "".join(f" OR {alias}.changes LIKE '%\"{f}\":%'" for f in s.fields)
        return f"({alias}.entity = '{s.table}' AND ({alias}.action = 'insert'{keys}))"

    return "(" + " OR ".join(one(s) for s in SOURCES) + ")"


def arrival(records: str, seen: Callable[[str], str] = lambda _e: "1 = 1") -> str:
    """Portable SQL: (id, arrived) of the records whose id (as `device_entry` holds it) is
    `records` (an operand: "IN (…)", "= ANY(…)"), where a laptop's sync brought them: the
    newest arrival of the entries that brought each as it stands (`brought`: a meeting
    held after it was booked arrived when its holding did), each the laptop's own change,
    never a copy another laptop pulled and pushed back with its chain (the sync's entries,
    `SYNC_ACTOR`): a visit arrived when its own laptop's push did, however late another
    laptop next synced. `seen(alias)`: what the entries must also pass (as `held_sql`)."""

    return (f"SELECT CAST(e.entity_id AS TEXT), MAX(e.arrived_at) FROM device_entry AS e "
            f"WHERE e.entity_id {records} AND e.actor <> '{SYNC_ACTOR}' AND {brought('e')} "
            f"AND ({seen('e')}) GROUP BY e.entity_id")


def reached(rows: Rows, found: list[Found], server: bool | None = None
            ) -> dict[str, datetime]:
    """When each record (its id, first of `Found.extra`) reached the team server, where a
    laptop's sync brought it (`arrival`; on a team server by the server's clock, whatever
    the laptop's: store/server.py `_arrivals`), so a decision saved while the laptop was
    still offline does not answer casework the manager had not seen (BEX 4). A record made
    on the server itself, or in a store file, has none: its `recorded` stands. Three
    queries at most, however many records: whether
    the store is a team server (its logins may not read `device_entry`: a function answers,
    store/server.py `cintui_arrived`) and has that function (a server set up before it has
    not, until `cintui server init` runs again: `recorded` stands), then the arrivals."""
    if not found:
        return {}
    records = sorted({_uuid(f.extra[0]).hex for f in found})
    server = on_server(rows) if server is None else server
    if server and not rows("SELECT to_regprocedure('cintui_arrived(text[])') IS NOT NULL",
                           {})[0][0]:
        return {}  # a server set up before it: `cintui server init` again makes it
    named, params = _listed("r", records, server)
    sql = (f"SELECT entity_id, arrived_at FROM cintui_arrived({named})" if server
           else arrival(f"IN ({named})"))
    return {str(rid): _instant(at) for rid, at in rows(sql, params) if at is not None}


def pushed(rows: Rows, entries: list[dict[str, Any]], actor_skipped: str) -> list[Found]:
    """The records a push brought (inserted, or changed in their day or whether held) that
    stand after their case's closure: two queries, however many the push held. A record
    created and changed in the same push is said as both (an FGC referred and held: the
    referral and the conference), each judged by its own day."""
    ids: dict[str, set] = {}
    created: dict[uuid.UUID, tuple[_First, Any, str]] = {}  # made as another: day, maker
    for e in entries:
        source = TABLES.get(e["entity"])
        if source is None or e["actor"] == actor_skipped:
            continue
        if e["action"] == "insert" and source.first is not None:
            values = dict(_keys(e["changes"]))
            first = source.first
            if _after_value(values.get(first.column)) == first.value:
                created[uuid.UUID(e["entity_id"])] = (
                    first, _after_value(values.get(first.day)),
                    str(_after_value(values.get(first.by)) or "") if first.by else "")
        if e["action"] == "update" and not set(_keys(e["changes"])) & set(source.fields):
            continue
        if e["action"] in ("insert", "update"):
            ids.setdefault(source.table, set()).add(uuid.UUID(e["entity_id"]))
    if not ids:
        return []
    server = on_server(rows)
    named, params = _among("r", sorted({i for found in ids.values() for i in found}, key=str),
                           server, "uuid")
    sql = _branches(lambda s: f"WHERE {s.only} AND r.id {named}", ids)
    found = []
    for rid, *row in rows(sql, params):
        found.append(tuple(row))
        first, day, maker = created.get(_uuid(rid), (None, None, ""))
        if first is not None and day is not None and row[1] != first.record:
            cid, _record, _on, _at, _who, *rest = row
            found.append((cid, first.record, day, None, maker, *rest))
    return judged(rows, found, server)


def _after_value(change: Any) -> Any:
    """A change's new value ([before, after]), or the value itself."""
    return change[1] if isinstance(change, list | tuple) and len(change) == 2 else change


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _keys(changes: Any) -> Iterable[str]:
    try:
        found = json.loads(changes) if isinstance(changes, str) else changes
    except ValueError:
        return ()
    return found if isinstance(found, dict) else ()


def uuid_hex(value: Any) -> str:
    """A record's id as `device_entry.entity_id` holds it (32 hex digits)."""
    return _uuid(value).hex
