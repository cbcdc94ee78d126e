"""Policy profiles: each authority's timescales, as validated data (DOMAIN.md §6).

A profile is parsed from a plain mapping (the loader in `cintui.policies` reads the TOML);
every mistake becomes one `PolicyError` line naming the file, the dotted key and the problem,
so an authority editing its own profile can fix it without reading code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from cintui.domain.records import Record

TIMESCALE_KEYS: tuple[str, ...] = (
    "referral_decision",
    "assessment",
    "support_start",
    "initial_meeting",
    "visit",
    "first_review",
    "review",
    "minutes",
    "plan_circulation",
    "closure_notification",
    "step_down",
    "transfer_in_meeting",
    "direct_payment_review",
    "s47_start",
    "icpc",
    "supervision",
    "short_break_review",
)
UNITS: tuple[str, ...] = ("working_days", "days", "weeks", "months")

# Which event a timescale may be counted from, where authorities differ: BEX 3 counts the
# initial meeting from the assessment's completion, WIR 2.3 from the agreement a plan is needed.
ANCHORS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"initial_meeting": ("cin_plan_start", "assessment_completed")}
)

_TOP_KEYS = ("name", "title", "authority", "la_number", "extends", "due_soon_working_days", "levels",
             "services", "disability_service", "visits", "timescales", "privacy", "meetings",
             "sync")
_PRIVACY_FIELDS = ("lock_after_idle_minutes", "retain_until_age", "retain_years_after_closure",
                   "retention_source")
_MEETING_FIELDS = ("initial_chairs", "initial_source", "review_chairs", "review_source",
                   "agreement_visit_working_days", "agreement_visit_source")
_SYNC_FIELDS = ("overdue_after_working_days", "overdue_source")
_VISIT_FIELDS = ("virtual_restarts_clock", "not_alone_restarts_clock", "seen_alone_from_age")
_TIMESCALE_FIELDS = ("amount", "unit", "source", "from", "note")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_UNIT_WORDS = {"working_days": "working day", "days": "day", "weeks": "week", "months": "month"}


class PolicyError(ValueError):
    """A profile that cannot be used; str() is one line: `file: key: problem`."""

    def __init__(self, file: str, key: str | None, problem: str) -> None:
        self.file = file
        self.key = key
        self.problem = problem
        super().__init__(f"{file}: {key}: {problem}" if key else f"{file}: {problem}")


class UnknownTimescale(PolicyError):
    """Asked a profile for a timescale key it does not have."""


@dataclass(frozen=True)
class Timescale:
    key: str
    amount: int
    unit: str
    source: str
    anchor: str | None = None  # the event it counts from, where that is configurable
    note: str = ""

    def describe(self) -> str:
        """Plain words: "20 working days", "1 month", "4 weeks"."""
        word = _UNIT_WORDS.get(self.unit, self.unit)
        return f"{self.amount} {word}" + ("" if self.amount == 1 else "s")


# A plan's own frequency, typed by a worker: "2 weeks", "every 10 working days", "1 month".
_EVERY = re.compile(r"^(?:every\s+)?(\d+)\s*(working days?|wd|days?|weeks?|months?)$", re.I)
# Rough lengths in calendar days, to say which of two frequencies is the less often.
_NOMINAL_DAYS = {"working_days": 7 / 5, "days": 1, "weeks": 7, "months": 365.25 / 12}


def parse_every(text: str, key: str, source: str) -> Timescale:
    """A frequency as typed ("2 weeks", "every 10 working days") as a `Timescale`; raises
    ValueError saying what is understood."""
    found = _EVERY.match(" ".join(text.split()))
    if not found or int(found[1]) < 1:
        raise ValueError(f"{text.strip()!r}: write a number and a unit, e.g. 2 weeks, "
                         "10 working days, 1 month")
    word = found[2].lower()
    unit = "working_days" if word.startswith(("working", "wd")) else word.rstrip("s") + "s"
    return Timescale(key, int(found[1]), unit, source)


def less_often(a: Timescale, b: Timescale) -> bool:
    """Whether `a` comes round less often than `b` (nominal lengths: a working week is 5
    working days, a month 365.25 / 12 days)."""
    return a.amount * _NOMINAL_DAYS[a.unit] > b.amount * _NOMINAL_DAYS[b.unit]


# The rules and the profile are `Record`s (msgspec, built in C; see records.py), not frozen
# dataclasses: five dataclasses compiled ~3 ms of generated methods each time a command that
# reads a timescale started (`due`, `plan show`, `child show`...), 0.1 ms as records.
# `Timescale` stays a dataclass: plan documents hold it and write it out by its fields.
class VisitRules(Record):
    """Which visits restart the visit clock. WIR 2.11: "The child must be seen and spoken to
    alone": a virtual visit, or one where the child was not seen alone, is recorded as it
    was, and restarts the clock only where the authority says so (default: it does not).
    A child younger than `seen_alone_from_age` years, or not yet born, is seen but cannot be
    spoken to alone: a visit where they were seen restarts the clock."""

    virtual_restarts_clock: bool = False
    not_alone_restarts_clock: bool = False
    seen_alone_from_age: int = 2

    def describe(self) -> str:
        """Which visits count, in plain words: "seen alone, in person"."""
        seen = "seen" if self.not_alone_restarts_clock else "seen alone"
        return seen + ("" if self.virtual_restarts_clock else ", in person")


class PrivacyRules(Record):
    """Keeping the data safe (issue 24): the app locks itself after `lock_after_idle_minutes`
    without a key or a click; a closed record is due for review (and erasure, on a manager's
    decision: UK GDPR Art. 5(1)(e), storage limitation) from the later of the child's
    `retain_until_age` birthday and `retain_years_after_closure` after the case closed.
    The default, the 25th birthday, is what council retention schedules commonly set for
    children in need records; it is not in the seeds: each authority sets its own."""

    lock_after_idle_minutes: int = 10
    retain_until_age: int = 25
    retain_years_after_closure: int = 0
    retention_source: str = "England default: council retention schedules commonly keep " \
        "children in need records until the child's 25th birthday"


class MeetingRules(Record):
    """Who may chair a CIN meeting, by worker role (`domain.roles.ROLES`), and how soon
    a parent absent from a review is visited to gain their agreement. BEX 3: "The initial
    child in need planning meeting should be chaired by a manager"; reviews "by a qualified
    and experienced social worker, or a manager"; TRA: reviews by "the relevant Senior
    Practitioner, Area Team Leader or Operational Manager"; WIR 2.3: the social worker
    chairs. TRA: a parent unable to attend a review is visited "as soon as possible after
    the review meeting to gain their agreement" (cintui's default: 5 working days)."""

    initial_chairs: tuple[str, ...] = ("team_manager", "service_manager")
    initial_source: str = "BEX 3"
    review_chairs: tuple[str, ...] = ("social_worker", "senior_practitioner", "team_manager",
                                      "service_manager")
    review_source: str = "BEX 3"
    agreement_visit_working_days: int = 5
    agreement_visit_source: str = "TRA"


class SyncRules(Record):
    """A laptop that works offline (issue 19): one not synced with the team server for
    `overdue_after_working_days` working days (the authority's calendar) says so plainly
    in the app's header, since what it holds may be stale and what it recorded is not yet
    on the record. Not in the seeds: cintui's default is 2 working days."""

    overdue_after_working_days: int = 2
    overdue_source: str = "cintui default: a laptop syncs at least every 2 working days"


class PolicyProfile(Record):
    name: str
    title: str
    authority: str
    timescales: Mapping[str, Timescale]  # read-only (MappingProxyType)
    la_number: str = ""  # the authority's DfE LA number (census header): its own, not inherited
    due_soon_working_days: int = 5
    levels: tuple[str, ...] = ()  # the authority's own names for its thresholds (DOMAIN.md §1)
    services: tuple[str, ...] = ()  # teams a child in need may be supported by (WAR 4.4.3)
    # WAR 4.4.1: "If a child has a disability the assessment will be completed by the CwDT":
    # the service that assesses a disabled child, where the authority names one.
    disability_service: str = ""
    visits: VisitRules = VisitRules()  # which visits restart the visit clock (WIR 2.11)
    privacy: PrivacyRules = PrivacyRules()  # auto-lock and retention (issue 24)
    meetings: MeetingRules = MeetingRules()  # who chairs; the agreement visit (BEX 3, TRA)
    sync: SyncRules = SyncRules()  # when a laptop is overdue a sync (issue 19)
    origin: str = ""  # the file it came from

    def __hash__(self) -> int:  # as a frozen dataclass hashed it: the mapping is not hashable
        return hash(tuple(getattr(self, name) for name in self.__struct_fields__
                          if name != "timescales"))

    def timescale(self, key: str) -> Timescale:
        try:
            return self.timescales[key]
        except KeyError:
            raise UnknownTimescale(
                self.name, key, "not a timescale; known: " + ", ".join(TIMESCALE_KEYS)
            ) from None


# ---------------------------------------------------------------------- parsing


def _type_name(value: Any) -> str:
    return {str: "text", int: "a number", bool: "true/false", list: "a list",
            float: "a decimal number", dict: "a table"}.get(type(value), type(value).__name__)


class _Parser:
    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, key: str | None, problem: str) -> PolicyError:
        return PolicyError(self.origin, key, problem)

    def check_keys(self, table: Mapping, allowed: tuple[str, ...], where: str | None) -> None:
        for key in table:
            if key not in allowed:
                dotted = f"{where}.{key}" if where else str(key)
                raise self.fail(dotted, "unknown key; expected one of: " + ", ".join(allowed))

    def text(self, table: Mapping, key: str, where: str, *, required: bool) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(where, "missing (required)")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"must be non-empty text, got {value!r}")
        return value.strip()

    def whole(self, value: Any, where: str, *, minimum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            kind = "a positive whole number" if minimum > 0 else "a whole number, 0 or more"
            raise self.fail(where, f"must be {kind}, got {value!r}")
        return value

    def words(self, value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(where, f"must be a list of text, got {_type_name(value)}")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{where}[{i}]", f"must be non-empty text, got {item!r}")
        return tuple(item.strip() for item in value)

    def flag(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, f"must be true or false, got {value!r}")
        return value

    def visits(self, table: Any, base: VisitRules) -> VisitRules:
        if not isinstance(table, Mapping):
            raise self.fail("visits", f"must be a table, got {_type_name(table)}")
        self.check_keys(table, _VISIT_FIELDS, "visits")
        age = table.get("seen_alone_from_age")
        return VisitRules(
            virtual_restarts_clock=self.flag(
                table.get("virtual_restarts_clock", base.virtual_restarts_clock),
                "visits.virtual_restarts_clock"),
            not_alone_restarts_clock=self.flag(
                table.get("not_alone_restarts_clock", base.not_alone_restarts_clock),
                "visits.not_alone_restarts_clock"),
            seen_alone_from_age=base.seen_alone_from_age if age is None
            else self.whole(age, "visits.seen_alone_from_age", minimum=0),
        )

    def privacy(self, table: Any, base: PrivacyRules) -> PrivacyRules:
        if not isinstance(table, Mapping):
            raise self.fail("privacy", f"must be a table, got {_type_name(table)}")
        self.check_keys(table, _PRIVACY_FIELDS, "privacy")

        def number(key: str, minimum: int) -> int:
            value = table.get(key)
            return getattr(base, key) if value is None else \
                self.whole(value, f"privacy.{key}", minimum=minimum)

        source = self.text(table, "retention_source", "privacy.retention_source",
                           required=False)
        return PrivacyRules(
            lock_after_idle_minutes=number("lock_after_idle_minutes", 1),
            retain_until_age=number("retain_until_age", 0),
            retain_years_after_closure=number("retain_years_after_closure", 0),
            retention_source=source or base.retention_source)

    def roles(self, value: Any, where: str) -> tuple[str, ...]:
        from cintui.domain.roles import ROLES

        roles = self.words(value, where)
        if not roles:
            raise self.fail(where, "name at least one role")
        for i, role in enumerate(roles):
            if role not in ROLES:
                raise self.fail(f"{where}[{i}]", f"unknown role {role!r}; use one of: "
                                + ", ".join(ROLES))
        return roles

    def meetings(self, table: Any, base: MeetingRules) -> MeetingRules:
        if not isinstance(table, Mapping):
            raise self.fail("meetings", f"must be a table, got {_type_name(table)}")
        self.check_keys(table, _MEETING_FIELDS, "meetings")
        days = table.get("agreement_visit_working_days")

        def text(key: str) -> str:
            return self.text(table, key, f"meetings.{key}", required=False) or getattr(base, key)

        def roles(key: str) -> tuple[str, ...]:
            return self.roles(table[key], f"meetings.{key}") if key in table \
                else getattr(base, key)

        return MeetingRules(
            initial_chairs=roles("initial_chairs"), initial_source=text("initial_source"),
            review_chairs=roles("review_chairs"), review_source=text("review_source"),
            agreement_visit_working_days=base.agreement_visit_working_days if days is None
            else self.whole(days, "meetings.agreement_visit_working_days", minimum=1),
            agreement_visit_source=text("agreement_visit_source"))

    def sync(self, table: Any, base: SyncRules) -> SyncRules:
        if not isinstance(table, Mapping):
            raise self.fail("sync", f"must be a table, got {_type_name(table)}")
        self.check_keys(table, _SYNC_FIELDS, "sync")
        days = table.get("overdue_after_working_days")
        source = self.text(table, "overdue_source", "sync.overdue_source", required=False)
        return SyncRules(
            overdue_after_working_days=base.overdue_after_working_days if days is None
            else self.whole(days, "sync.overdue_after_working_days", minimum=1),
            overdue_source=source or base.overdue_source)

    def timescale(self, key: str, table: Any) -> Timescale:
        where = f"timescales.{key}"
        if not isinstance(table, Mapping):
            raise self.fail(where, f"must be a table, got {_type_name(table)}")
        self.check_keys(table, _TIMESCALE_FIELDS, where)
        if "amount" not in table:
            raise self.fail(f"{where}.amount", "missing (required)")
        amount = self.whole(table["amount"], f"{where}.amount", minimum=1)
        unit = self.text(table, "unit", f"{where}.unit", required=True)
        if unit not in UNITS:
            raise self.fail(f"{where}.unit", f"unknown unit {unit!r}; use one of: "
                            + ", ".join(UNITS))
        source = self.text(table, "source", f"{where}.source", required=True)
        anchor = self.anchor(key, table)
        note = self.text(table, "note", f"{where}.note", required=False) or ""
        return Timescale(key, amount, unit, source, anchor, note)

    def anchor(self, key: str, table: Mapping) -> str | None:
        allowed = ANCHORS.get(key)
        chosen = self.text(table, "from", f"timescales.{key}.from", required=False)
        if chosen is None:
            return allowed[0] if allowed else None
        if allowed is None:
            raise self.fail(f"timescales.{key}.from", "this timescale has a fixed starting "
                            "event; 'from' is only for: " + ", ".join(ANCHORS))
        if chosen not in allowed:
            raise self.fail(f"timescales.{key}.from",
                            f"unknown event {chosen!r}; use one of: " + ", ".join(allowed))
        return chosen


def parse_policy(
    data: Mapping, *, origin: str, base: PolicyProfile | None = None
) -> PolicyProfile:
    """Validate one profile's mapping; `base` is the profile its `extends` names, already
    loaded by the caller. Raises PolicyError naming `origin`, the dotted key and the problem."""
    p = _Parser(origin)
    if not isinstance(data, Mapping):
        raise p.fail(None, f"a profile must be a table of keys, got {_type_name(data)}")
    p.check_keys(data, _TOP_KEYS, None)
    name = p.text(data, "name", "name", required=True)
    if not _NAME.match(name):
        raise p.fail("name", f"{name!r}: use lower-case letters, digits, '-' or '_'")
    title = p.text(data, "title", "title", required=True)
    authority = p.text(data, "authority", "authority", required=True)
    la_number = p.text(data, "la_number", "la_number", required=False) or ""
    if la_number and not re.fullmatch(r"\d{3}", la_number):
        raise p.fail("la_number", f"{la_number!r}: a DfE LA number is three digits, e.g. 820")

    extends = p.text(data, "extends", "extends", required=False)
    if extends is not None and (base is None or base.name != extends):
        raise p.fail("extends", f"no policy profile named {extends!r} to extend")
    if extends is None:
        base = None  # a profile without `extends` must stand on its own

    raw = data.get("timescales", {})
    if not isinstance(raw, Mapping):
        raise p.fail("timescales", f"must be a table, got {_type_name(raw)}")
    p.check_keys(raw, TIMESCALE_KEYS, "timescales")
    merged = dict(base.timescales) if base else {}
    merged.update({key: p.timescale(key, table) for key, table in raw.items()})
    missing = [key for key in TIMESCALE_KEYS if key not in merged]
    if missing:
        raise p.fail("timescales", "missing " + ", ".join(missing)
                     + ' (define them, or add extends = "england")')

    soon = data.get("due_soon_working_days")
    return PolicyProfile(
        name=name,
        title=title,
        authority=authority,
        la_number=la_number,
        timescales=MappingProxyType({key: merged[key] for key in TIMESCALE_KEYS}),
        due_soon_working_days=(
            p.whole(soon, "due_soon_working_days", minimum=0) if soon is not None
            else base.due_soon_working_days if base else 5
        ),
        levels=p.words(data["levels"], "levels") if "levels" in data
        else (base.levels if base else ()),
        services=p.words(data["services"], "services") if "services" in data
        else (base.services if base else ()),
        disability_service=p.text(data, "disability_service", "disability_service",
                                  required=False) or (base.disability_service if base else ""),
        visits=p.visits(data.get("visits", {}), base.visits if base else VisitRules()),
        privacy=p.privacy(data.get("privacy", {}), base.privacy if base else PrivacyRules()),
        meetings=p.meetings(data.get("meetings", {}), base.meetings if base else MeetingRules()),
        sync=p.sync(data.get("sync", {}), base.sync if base else SyncRules()),
        origin=origin,
    )


def profile_named_in(name: str, profiles: Iterable[tuple[str, str]]) -> str | None:
    """The profile an authority's name names: the one whose authority ("Bexley",
    "Stockton-on-Tees") or own name ("stockton") the name holds as a word, whatever its case
    and accents ("London Borough of Bexley" → "bexley"). None where no profile is named, or
    more than one is. `profiles`: (profile name, its authority) of those to look among."""
    from cintui.domain.text import folded

    said = folded(name)
    found = {
        profile for profile, authority in profiles
        if any(word and re.search(rf"\b{re.escape(word)}\b", said)
               for word in (folded(authority).strip(), folded(profile).strip()))
    }
    return found.pop() if len(found) == 1 else None
