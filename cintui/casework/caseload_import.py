"""Import an existing caseload (from LCS, Mosaic or a spreadsheet, as CSV): plan, then apply.

`plan` reads the file (`cintui.domain.caseload_import`) and checks what only the store
knows: workers, teams, the policy's levels and the references already here. `apply` plans
again inside the caller's write transaction and, only if no row has a problem, writes every
child in it: all or nothing. Each child gets their episode's dates, the meetings held (the
last one carrying the next review date), the last visit where they were seen and their
people, so every clock runs from the imported dates on the first day; and a decision on
their record saying the case was imported (BEX 4: the chronology shows it).
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from time import monotonic

from sqlmodel import Session, select

from cintui.casework import cases, endings, record
from cintui.domain import caseload_import as rules
from cintui.domain.calendar import from_england_time
from cintui.domain.caseload_import import CaseRow, Problem
from cintui.domain.steps import census_factors
from cintui.domain.text import counted
from cintui.reference import codes
from cintui.store import models as m

CODE_LISTS = ("sex", "ethnicity", "disability", "primary_need", "referral_source")
NOT_ALLOCATED = "not allocated"


class CaseloadImportError(cases.CaseworkError):
    """A caseload file or mapping file that cannot be read: one line saying why."""


class ImportRefused(CaseloadImportError):
    """The file has bad rows: every problem is in `plan.problems`; nothing was written."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        rows = len({p.line for p in plan.problems})
        what = f"{len(plan.problems)} problem{'s' if len(plan.problems) != 1 else ''}"
        if any(p.line for p in plan.problems):
            what += f" on {rows} line{'s' if rows != 1 else ''}"
        super().__init__("", f"{plan.file} refused, nothing imported: {what}")


@dataclass(frozen=True)
class ImportPlan:
    """What importing the file would create (a dry run), or the problems that stop it."""

    file: str
    rows: tuple[CaseRow, ...]
    problems: tuple[Problem, ...]
    ignored: tuple[str, ...]  # the file's columns not imported
    people: int  # people records that would be created
    workers: tuple[tuple[str, int], ...]  # (worker, children), most first; NOT_ALLOCATED too
    columns: dict[str, str] = field(default_factory=dict)  # ours -> the file's header

    def named_again(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """People named in more than one row with no household ID in common: each row's is
        a person of its own (a name alone does not say two are the same person), so a
        mother named under two siblings is two records unless the rows share a household."""
        keys: dict[str, set[tuple]] = {}
        lines: dict[str, set[int]] = {}
        shown: dict[str, str] = {}
        for row in self.rows:
            for person, key in zip(row.people, _people_keys(row), strict=True):
                name = person.name.casefold()
                shown.setdefault(name, person.name)
                keys.setdefault(name, set()).add(key)
                lines.setdefault(name, set()).add(row.line)
        return tuple((shown[n], tuple(sorted(lines[n]))) for n in shown if len(keys[n]) > 1)

    def notes(self) -> list[str]:
        """What the worker may want to put right before importing, though nothing stops it."""
        out = []
        unknown = sum(1 for row in self.rows if row.consent is None)
        if unknown:
            out.append(f"{counted(unknown, 'child', 'children')} with no consent date will "
                       "show \"No valid consent\" until it is recorded: a consent column "
                       "gives the date the parents consented, as the old system has it "
                       "(WAR 4.2).")
        nowhere = [row.line for row in self.rows if not row.worker.strip()
                   and not row.team.strip()]
        if nowhere:
            out.append(f"{counted(len(nowhere), 'child', 'children')} with no worker and no "
                       f"team ({rules.lines_text(nowhere)}) will be on no team's list (the team view, "
                       "the team's week, a manager's caseload): a team column puts them in "
                       "one, or a manager allocates them once imported (u on the record).")
        for name, lines in self.named_again():
            on = ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"
            out.append(f"{name} is named on lines {on} with no household ID in common: "
                       f"{len(lines)} people records. If they are one person, give those "
                       "rows the same household ID (column household) to record them once.")
        return out

    def as_json(self) -> dict:
        return {
            "file": self.file, "ok": not self.problems, "children": len(self.rows),
            "people": self.people, "workers": dict(self.workers),
            "named_again": [{"name": n, "lines": list(lines)} for n, lines in self.named_again()],
            "ignored_columns": list(self.ignored),
            "references": [r.reference for r in self.rows],
            "problems": [p.as_json() for p in self.problems],
        }


# ---------------------------------------------------------------- the files


def read_file(path: Path) -> bytes:
    path = Path(path).expanduser()
    if not path.is_file():
        raise CaseloadImportError("file", f"{path}: no such file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CaseloadImportError("file", f"{path}: cannot be read ({exc.strerror})") from None


def read_mapping(path: Path) -> tuple[dict[str, str], tuple[str, ...]]:
    """A mapping file (.toml or .csv): our column -> theirs, and their columns to ignore."""
    path = Path(path).expanduser()
    raw = read_file(path)
    try:
        return rules.parse_mapping(raw.decode("utf-8-sig"), path.suffix.lower().lstrip("."))
    except UnicodeDecodeError:
        raise CaseloadImportError("mapping", f"{path.name}: save it as UTF-8 text") from None
    except rules.MappingError as exc:
        raise CaseloadImportError("mapping", f"{path.name}: {exc.problem}") from None


# ---------------------------------------------------------------- planning


def plan(session: Session, data: bytes, *, today: date, file: str = "caseload.csv",
         mapping: dict[str, str] | None = None, ignore: tuple[str, ...] = (),
         ours: frozenset[str] = frozenset()) -> ImportPlan:
    """Every row checked against the rules and the store; nothing written. `ours`: the
    references this very import wrote before it was stopped (not a clash)."""
    existing = [ref for ref in session.exec(select(m.Child.reference)).all()
                if ref not in ours]
    upns = {upn: ref for upn, ref in session.exec(
        select(m.Child.upn, m.Child.reference).where(m.Child.upn != "")).all()
        if ref not in ours}
    read = rules.read_caseload(data, today=today, mapping=mapping, ignore=ignore,
                               code_lists={n: codes.codes(n) for n in CODE_LISTS}
                               | {"assessment_factor": codes.short_names("assessment_factor")},
                               existing=existing, existing_upns=upns,
                               former_labels={n: codes.former_labels(n) for n in CODE_LISTS})
    problems = list(read.problems)
    rows: list[CaseRow] = []
    names: dict[str, str] = {}  # username -> "Name (username)"
    levels = cases.store_policy(session).levels
    for row in read.rows:
        found: list[Problem] = []
        worker, team, level = _store_checks(session, row.line, row.worker, row.team, row.level,
                                            read.columns, found, names, levels)
        problems += found
        if not found:
            rows.append(replace(row, worker=worker, team=team, level=level))
    for line, worker, team, level in read.refused:  # every problem of a row in one pass
        _store_checks(session, line, worker, team, level, read.columns, problems, names,
                      levels)
    counts = Counter(names[r.worker] if r.worker else NOT_ALLOCATED for r in rows)
    return ImportPlan(
        file=file, rows=tuple(rows),
        problems=tuple(sorted(problems, key=lambda p: p.line)), ignored=read.ignored,
        people=len({key for r in rows for key in _people_keys(r)}),
        workers=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        columns=dict(read.columns))


def _store_checks(session: Session, line: int, worker: str, team: str, level: str,
                  columns: dict[str, str], found: list[Problem], names: dict[str, str],
                  levels: tuple[str, ...]) -> tuple[str, str, str]:
    """A row's worker as a username, its team and level as the store names them; what the
    store does not know goes in `found`."""
    def bad(column: str, exc: cases.CaseworkError, named: str = "") -> None:
        problem, unknown = exc.problem, None
        if isinstance(exc, cases.NotOnStore) and not exc.meant:  # new to cintui: set-up first
            problem += f": add the {column} in set-up first (or `cintui {column} add`)"
            unknown = (column, named)
        found.append(Problem(line, columns.get(column, column), problem, unknown))

    username, team_name, level_name = "", team, level
    if worker:
        try:
            w = cases.find_worker(session, worker)
            username, names[w.username] = w.username, f"{w.name} ({w.username})"
        except cases.CaseworkError as exc:
            bad("worker", exc, worker)
    if team:
        try:
            team_name = cases.find_team(session, team).name
        except cases.CaseworkError as exc:
            bad("team", exc, team)
    if level and levels:
        level_name = next((lv for lv in levels if lv.casefold() == level.casefold()), "")
        if not level_name:
            bad("level", cases.CaseworkError("level", f"{level!r} is not a level of this "
                                             f"store's policy: {', '.join(levels)}"))
    return username, team_name, level_name


def _people_keys(row: CaseRow) -> list[tuple]:
    """One key per person to create: siblings' rows (one household) share theirs."""
    return [(row.household.casefold(), p.name.casefold()) if row.household
            else (row.line, i) for i, p in enumerate(row.people)]


# ---------------------------------------------------------------- applying


def apply(session: Session, data: bytes, *, today: date, actor: str,
          file: str = "caseload.csv", mapping: dict[str, str] | None = None,
          ignore: tuple[str, ...] = ()) -> ImportPlan:
    """Import every child in the file in the caller's transaction, or none: `ImportRefused`
    (listing every problem) if any row is bad, and the caller's session rolls back."""
    checked = plan(session, data, today=today, file=file, mapping=mapping, ignore=ignore)
    if checked.problems:
        raise ImportRefused(checked)
    people: dict[tuple, object] = {}
    for row in checked.rows:
        try:
            _write(session, row, people, today=today, actor=actor, file=file)
        except ValueError as exc:  # the use cases' own checks: a rule the plan missed
            name = getattr(exc, "field", "")
            problem = Problem(row.line, checked.columns.get(name, name),
                              getattr(exc, "problem", str(exc)))
            raise ImportRefused(replace(checked, problems=(problem,))) from None
    return checked


# ---------------------------------------------------------------- in batches

# A write transaction ends after this long (or this many rows), whichever comes first:
# short enough that no other writer waits for long (a visit saved in the app meanwhile),
# long enough to cost little.
BATCH_SECONDS = 0.25
BATCH_ROWS = 50


@dataclass(frozen=True)
class Batched:
    """What `apply_in_batches` did: the plan, the batches it wrote now, and how many rows an
    earlier run of the same import had already written (it was stopped)."""

    plan: ImportPlan
    batches: int
    resumed: int


def _units(rows: tuple[CaseRow, ...]) -> list[list[CaseRow]]:
    """Rows in file order, siblings (one household) together: a batch never splits them,
    since they share their people records."""
    units: list[list[CaseRow]] = []
    households: dict[str, list[CaseRow]] = {}
    for row in rows:
        key = row.household.casefold()
        if key and key in households:
            households[key].append(row)
            continue
        unit = [row]
        units.append(unit)
        if key:
            households[key] = unit
    return units


def apply_in_batches(store, data: bytes, request, *, today: date, actor: str,
                     file: str = "caseload.csv", mapping: dict[str, str] | None = None,
                     ignore: tuple[str, ...] = (), batch_rows: int | None = None,
                     batch_seconds: float | None = None) -> Batched:
    """Import every child in the file, or none that the file gets wrong, in batches.

    All of it is checked first (`plan`): one bad row and nothing is written, as `apply`.
    Then the children go in batches (a quarter of a second's worth, at most `batch_rows`),
    each its own write transaction, so the store's write lock is never held for long. Each
    batch records the file's lines it wrote in the request's row (`store.requests`, in the
    same transaction); the last batch marks the request done. Stopped part-way (killed, the
    power cut), the same import run again (the same file: the same request) checks the
    file again, leaves the lines already written, and writes the rest. `request` is the
    store's request (`Store.request`)."""
    from cintui.store import requests

    batch_rows = batch_rows or BATCH_ROWS
    batch_seconds = batch_seconds or BATCH_SECONDS
    with store.read() as session:
        progress = requests.progress(session.connection(), actor, request) or {
            "lines": [], "references": []}
        done = set(progress["lines"])
        checked = plan(session, data, today=today, file=file, mapping=mapping, ignore=ignore,
                       ours=frozenset(progress["references"]))
    if checked.problems:
        raise ImportRefused(checked)
    queue = deque(u for u in _units(checked.rows) if u[0].line not in done)
    batches = 0
    while True:
        with store.session(actor, request) as session:
            began, lines, written = monotonic(), [], []
            while queue and (not lines or (len(lines) < batch_rows and
                                           monotonic() - began < batch_seconds)):
                unit = queue.popleft()
                written += _write_batch(session, checked, unit, today=today, actor=actor,
                                        file=file)
                lines += [r.line for r in unit]
            # The last batch marks the request done (store/requests.claim), the others
            # record their lines; each in the same transaction as its rows.
            last = not queue
            request.extra["batching"], request.extra["finishing"] = not last, last
            if not last:
                requests.mark_progress(session, actor, request, lines, written)
        batches += bool(lines)
        if last:
            break
    for key in ("batching", "finishing"):
        request.extra.pop(key, None)
    return Batched(checked, batches, len(done))


def _write_batch(session: Session, checked: ImportPlan, batch: list[CaseRow], *,
                 today: date, actor: str, file: str) -> list[str]:
    """Write the rows (siblings: one household); the references they were given."""
    people: dict[tuple, object] = {}
    written = []
    for row in batch:
        try:
            written.append(_write(session, row, people, today=today, actor=actor,
                                  file=file))
        except ValueError as exc:  # the store changed since the check: a rule it now breaks
            name = getattr(exc, "field", "")
            problem = Problem(row.line, checked.columns.get(name, name),
                              getattr(exc, "problem", str(exc)))
            raise ImportRefused(replace(checked, problems=(problem,))) from None
    return written


def _write(session: Session, row: CaseRow, people: dict, *, today: date, actor: str,
           file: str) -> str:
    child = cases.add_child(session, cases.NewChild(
        first_name=row.first_name, last_name=row.last_name, referral_date=row.referral_date,
        dob=row.dob, expected_dob=row.expected_dob, reference=row.reference,
        sex=row.sex, ethnicity=row.ethnicity, disabilities=row.disabilities,
        primary_need=row.primary_need, referral_source=row.referral_source, level=row.level,
        team=row.team or None, worker=row.worker or None, upn=row.upn,
        upn_unknown=row.upn_unknown), today)
    child.status = row.status
    episode = cases.current_episode(session, child.id)
    for name in ("assessment_started", "assessment_completed", "initial_home_visit",
                 "support_started", "cin_plan_start"):
        setattr(episode, name, getattr(row, name))
    episode.recorded_from = today  # what came before is the old system's (reports judge after)
    if row.factors:  # the assessment's; the census's once it was completed (authorised)
        episode.factors_chosen = " ".join(row.factors)
        if row.assessment_completed:
            episode.assessment_factors = " ".join(census_factors(row.factors, {}))
    session.add_all([child, episode])
    _meetings(session, child, episode, row)
    if row.last_visit:
        _visit(session, child, episode, row.last_visit, file)
    for key, p in zip(_people_keys(row), row.people, strict=True):
        _person(session, child.id, p, people, key)
        for scope, on in (("service", row.consent), ("meeting", row.meeting_consent)):
            if on and p.parental_responsibility:  # WAR 4.2, WIR 2.1: as the old system had it
                record.record_consent(session, child.id, record.ConsentInput(
                    scope=scope, decision="given", decided_on=on, person_id=people[key],
                    notes=f"Recorded in the previous system (imported from {file}, line "
                    f"{row.line})."), today)
    endings.record_decision(session, child.id, endings.NewDecision(
        kind="other", decision=f"Case imported into cintui from {file} (line {row.line})",
        rationale="The team's existing caseload moved from its previous system; the dates "
        "of the referral, assessment, plan, meetings and last visit are as recorded there.",
        made_on=today), actor=actor, today=today)
    return child.reference


def _meetings(session: Session, child: m.Child, episode: m.Episode, row: CaseRow) -> None:
    """The meetings held, as held in the previous system: taken as minuted and circulated
    there (no minutes clock starts); the last one set the next review (WIR 2.3)."""
    held = [(kind, day) for kind, day in (("initial", row.initial_meeting),
                                          ("review", row.last_review)) if day]
    for i, (kind, day) in enumerate(held):
        last = i == len(held) - 1
        session.add(m.Meeting(child_id=child.id, episode_id=episode.id, kind=kind,
                              held_on=day, held=True, status="held",
                              next_review=row.next_review if last else None,
                              minutes_circulated=day, plan_circulated=day))


def _visit(session: Session, child: m.Child, episode: m.Episode, day: date,
           file: str) -> None:
    """WIR 2.11: the last statutory visit restarts the visit clock here as it did in the
    previous system, so it is taken as one where the child was seen alone (the rule's
    default, `timescales.restarts_visit_clock`); the analysis says what was carried over."""
    session.add(m.Visit(
        child_id=child.id, episode_id=episode.id, kind="other", status="final",
        visited_at=from_england_time(datetime.combine(day, time.min)), child_seen=True,
        seen_alone=True, finalised_at=from_england_time(datetime.combine(day, time.min)),
        author_name=f"imported ({file})",  # who visited is not in the file
        purpose="The last visit at which the child was seen, as recorded in the previous "
        "system.",
        analysis=f"Imported from {file}: only the date was carried over, not whether the "
        "child was seen alone or their bedroom seen; it counts as the statutory visit the "
        "previous system recorded."))


def _person(session: Session, child_id, p: rules.PersonEntry, people: dict,
            key: tuple) -> None:
    """A person once per household: a sibling's row links the same record."""
    if key in people:
        session.add(m.ChildPerson(child_id=child_id, person_id=people[key],
                                  relationship=p.relationship,
                                  parental_responsibility=p.parental_responsibility,
                                  lives_with_child=p.lives_with_child))
        return
    added = record.add_person(session, child_id, record.PersonInput(
        name=p.name, kind=p.kind, relationship=p.relationship, agency=p.agency, role=p.role,
        parental_responsibility=p.parental_responsibility,
        lives_with_child=p.lives_with_child))
    people[key] = added.person_id


__all__ = [
    "BATCH_ROWS", "Batched", "apply_in_batches",
    "CaseloadImportError", "ImportPlan", "ImportRefused", "NOT_ALLOCATED", "apply", "plan",
    "read_file", "read_mapping",
]
