"""Reading a caseload exported from another system (LCS, Mosaic, a spreadsheet) as CSV.

Pure: the caller passes the file's bytes, the mapping file's text, today, the census code
lists and the references already on the store; out come typed rows and every problem, each
with its line number, the file's own column name and the reason in plain words. Nothing
here decides anything about workers, teams or levels (the store knows those: the casework
layer checks them and adds its problems to the same list).

What a council's export looks like, and what is accepted:
- a BOM, Windows or old Mac line ends, blank lines, cp1252 text from Excel;
- column names in any case, spacing or punctuation, and the names other systems use
  ("Date of Birth", "Allocated Worker", "Person ID"): `COLUMNS`' aliases; other names
  through a mapping file (ours = theirs);
- dates day first, as councils export them: 31/12/2026, 2026-12-31, 31-Dec-2026,
  31 Dec 2026 (a trailing 00:00 time is dropped); never month first (12/31/2026 is refused).
Refused: a misspelt column (with the name it was probably meant to be), a value that is
not a date, an impossible date, a date out of order or in the future, a reference used
twice, a required value missing. Columns we do not know and that resemble none of ours are
ignored and reported.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from types import MappingProxyType

from cintui.domain.census import upn_problem, upn_problems
from cintui.domain.child import InvalidChildDetails, check_birth_dates, check_reference
from cintui.domain.dates import day_words
from cintui.domain.people import InvalidContact, check_person
from cintui.domain.steps import NO_FACTORS, NoSuchCode, pick_code
from cintui.domain.text import control_problem, counted

# ---------------------------------------------------------------------- the columns


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    example: str = ""
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("reference", "The child's ID in your old system or case reference. Required; "
           "unique.", "LCS104233",
           ("child id", "la child id", "lcs id", "mosaic id", "person id", "client id",
            "case reference", "case ref", "child reference", "child ref", "ref", "id")),
    Column("first_name", "First name (a first or last name is required).", "Maya",
           ("forename", "forenames", "given name", "given names", "first names")),
    Column("last_name", "Last name.", "Testwood", ("surname", "family name")),
    Column("dob", "Date of birth. Required unless expected_dob is given.", "04/05/2018",
           ("date of birth", "birth date", "birthdate")),
    Column("expected_dob", "Expected date of birth of an unborn child.", "",
           ("expected date of birth", "expected birth date", "edd")),
    Column("sex", "Census sex: M, F or U (not known; an unborn child is U), or Male / "
           "Female; the old gender codes 1, 2, 0, 9 are read as M, F, U, U. Blank: U.", "F",
           ("gender",)),
    Column("ethnicity", "Census code (WBRI …) or its name. Blank: NOBT.", "WBRI",
           ("ethnic group", "ethnic origin", "ethnicity code")),
    Column("disabilities", "Census codes, separated by spaces or commas. Blank: NONE.",
           "NONE", ("disability", "disability codes")),
    Column("primary_need", "Census code N0-N9 or its name (an earlier year's too: 'Abuse "
           "or neglect' is N1). Blank: N0.", "N1",
           ("primary need code", "need code", "category of need", "cin primary need")),
    Column("referral_source", "Census code (1A-10) or its name. Blank: 10.", "2A",
           ("source of referral", "referral source code")),
    Column("worker", "The allocated worker: a username or full name of a worker on this "
           "store. Blank: not allocated.", "wendy.worker",
           ("allocated worker", "social worker", "allocated social worker", "key worker",
            "worker name", "caseworker", "case worker", "allocated to", "lead worker")),
    Column("team", "A team on this store. Blank: the worker's team.", "",
           ("team name", "allocated team")),
    Column("level", "Level of need, as this store's policy names them.", "",
           ("level of need", "threshold")),
    Column("referral_date", "Date of the referral that opened this episode. Required.",
           "02/03/2026", ("date of referral", "referral received", "cin referral date",
                          "referral start date")),
    Column("assessment_started", "Date the assessment started.", "04/03/2026",
           ("assessment start date", "assessment start", "assessment actual start date",
            "single assessment start date", "c&f assessment start date")),
    Column("assessment_completed", "Date the assessment was completed.", "10/04/2026",
           ("assessment completion date", "assessment completed date", "assessment end date",
            "assessment authorised date", "c&f assessment completed date")),
    Column("initial_home_visit", "Date of the initial home visit (WAR 4.4.2).", "",
           ("initial home visit date",)),
    Column("support_started", "Date CIN support started (WAR 4.4.2).", "",
           ("support start date", "cin support start date")),
    Column("cin_plan_start", "Date a CIN plan was agreed as needed.", "14/04/2026",
           ("cin plan start date", "plan start date", "cin start date")),
    Column("initial_meeting", "Date the initial CIN meeting was held.", "24/04/2026",
           ("initial cin meeting date", "initial meeting date", "initial cin meeting",
            "date of initial cin meeting")),
    Column("last_review", "Date the last CIN review meeting was held.", "17/09/2026",
           ("last review date", "last cin review date", "last cin review",
            "previous review date", "latest review date", "date of last review")),
    Column("next_review", "The next review date set at the last meeting (may be past: "
           "then it is overdue).", "17/12/2026",
           ("next review date", "next cin review date", "next cin review", "next review due",
            "next review due date", "review due date")),
    Column("last_visit", "Date of the last statutory visit at which the child was seen.",
           "13/11/2026",
           ("last visit date", "date of last visit", "last seen", "date last seen",
            "last seen date", "last statutory visit", "last cin visit")),
    Column("people", "Family network: Name (relationship, PR, lives with child); … "
           "— PR and lives with child only where true.",
           "Layla Testwood (Mother, PR, lives with child); Ivan Testwood (Father)",
           ("family network", "family members", "significant others")),
    Column("professionals", "Professionals: Name (role, agency); …",
           "Ms Hill (Class teacher, Hill Primary School)",
           ("professional network", "professionals involved", "agencies involved")),
    Column("upn", "The child's Unique Pupil Number (13 characters, the check letter "
           "first), or why it is unknown: the census code UN1-UN7. Blank: a school-age child "
           "is queried in the census (8770Q) until one is recorded.", "H820260000015",
           ("unique pupil number", "pupil number", "upn number")),
    Column("factors", "The assessment's factors (census): codes (1B 3A 16A; 21 for none) "
           "or names (domestic violence: child), separated by commas or semicolons. Needs "
           "assessment_started.", "16A",
           ("assessment factors", "factors identified", "factors at assessment",
            "cin assessment factors", "factors")),
    Column("consent", "Date the parents consented to the CIN service (WAR 4.2), as the old "
           "system recorded it: recorded as each person with PR in people giving it. Blank: "
           "not known here, and the child shows \"No valid consent\" until it is recorded.",
           "02/03/2026",
           ("consent date", "service consent", "consent to service", "consent to cin service",
            "date of consent", "consent given", "consent given date",
            "parental consent date")),
    Column("meeting_consent", "Date the parents consented to CIN meetings (WIR 2.1: no "
           "meeting without it), as the old system recorded it: as consent, by each person "
           "with PR. Blank: booking a meeting asks for it.", "02/03/2026",
           ("consent to meetings", "meeting consent date", "consent to cin meetings")),
    Column("household", "Siblings share a household ID: a person named in two of its rows "
           "is recorded once.", "H1",
           ("household id", "family id", "family reference", "family ref", "family group")),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
DATE_COLUMNS = ("dob", "expected_dob", "referral_date", "assessment_started",
                "assessment_completed", "initial_home_visit", "support_started",
                "cin_plan_start", "initial_meeting", "last_review", "next_review", "last_visit",
                "consent", "meeting_consent")
CODE_COLUMNS = ("sex", "ethnicity", "primary_need", "referral_source")  # = their lists
CODE_DEFAULTS = {"sex": "U", "ethnicity": "NOBT", "primary_need": "N0",
                 "referral_source": "10", "disabilities": "NONE"}
SEX_WORDS = {"1": "M", "2": "F", "0": "U", "9": "U"}  # the old GenderCurrent codes (DfE)
# The episode's steps in the order a case moves (DOMAIN.md §6): each on or after the last.
STEPS = ("referral_date", "assessment_started", "assessment_completed", "cin_plan_start",
         "initial_meeting", "last_review")
IN_THE_PAST = ("referral_date", "assessment_started", "assessment_completed",
               "initial_home_visit", "support_started", "cin_plan_start", "initial_meeting",
               "last_review", "last_visit", "consent", "meeting_consent")
HEADER = 0  # `Problem.line` of a problem with the whole file, before any line is read


def normalise(name: str) -> str:
    """A column name as compared: case, spaces and punctuation ignored ("D.O.B." = "dob")."""
    return re.sub(r"[^a-z0-9]", "", name.casefold().replace("&", "and"))


_KNOWN: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.name, *_c.aliases):
        assert _KNOWN.get(normalise(_name), _c.name) == _c.name, _name  # one column a name
        _KNOWN[normalise(_name)] = _c.name


# ---------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """What stops one row (or the file) being imported: the line, the file's own column
    name (or ours when the file has none) and the reason."""

    line: int
    column: str
    reason: str
    # A worker or team the store does not have yet ("worker", "Wendy Worker"): a new team
    # sets them up first, and the report says each once (`not_set_up`), not row by row.
    unknown: tuple[str, str] | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "the file"
        return f'{where}, column "{self.column}": {self.reason}' if self.column else \
            f"{where}: {self.reason}"

    def as_json(self) -> dict:
        return {"line": self.line or None, "column": self.column or None, "reason": self.reason}


def lines_text(lines: list[int], shown: int = 6) -> str:
    """"line 4", "lines 2, 5 and 9", "lines 2, 5, 9, 12, 14, 20 and 31 more"."""
    if len(lines) == 1:
        return f"line {lines[0]}"
    if len(lines) <= shown:
        return f"lines {', '.join(map(str, lines[:-1]))} and {lines[-1]}"
    return f"lines {', '.join(map(str, lines[:shown]))} and {len(lines) - shown} more"


def _same(unknown: tuple[str, str]) -> tuple[str, str]:
    """One worker or team however a file spells it ("Wendy Worker", "wendy  worker")."""
    return unknown[0], " ".join(unknown[1].split()).casefold()


def _missing(problems: Iterable[Problem]) -> dict[tuple[str, str], list[int]]:
    """Each worker or team not on the store named on more than one line, with its lines,
    under the spelling first met."""
    missing: dict[tuple[str, str], list[int]] = {}
    spelt: dict[tuple[str, str], tuple[str, str]] = {}
    for p in problems:
        if p.unknown is not None:
            first = spelt.setdefault(_same(p.unknown), p.unknown)
            missing.setdefault(first, []).append(p.line)
    return {k: lines for k, lines in missing.items() if len(lines) > 1}


def not_set_up(problems: Iterable[Problem]) -> list[str]:
    """The workers and teams the rows name that the store does not have yet, each once with
    the lines naming it, in the order first named (a new team's usual first check: every
    row of one worker's children said it again). Named on one line only, it is said on
    that line, as any other problem."""
    missing = _missing(problems)
    out = []
    for kind in ("worker", "team"):
        named = [(name, lines) for (k, name), lines in missing.items() if k == kind]
        if named:
            who = "; ".join(f"{name!r} ({lines_text(lines)})" for name, lines in named)
            out.append(f"{counted(len(named), kind)} not set up yet: {who}. Add "
                       f"{'them' if len(named) > 1 else 'it'} in set-up first "
                       f"(Ctrl+P → Set up, or `cintui {kind} add`), then import again.")
    return out


def report(problems: Iterable[Problem]) -> list[str]:
    """Every problem as a line for a person to read: the workers and teams not set up yet
    and named on several lines first, each once (`not_set_up`), then the rest row by row."""
    problems = list(problems)
    grouped = {_same(k) for k in _missing(problems)}
    return not_set_up(problems) + [str(p) for p in problems
                                   if p.unknown is None or _same(p.unknown) not in grouped]


class MappingError(ValueError):
    """A mapping file that cannot be used: one line saying why."""

    def __init__(self, problem: str) -> None:
        self.field = "mapping"
        self.problem = problem
        super().__init__(f"mapping: {problem}")


# ---------------------------------------------------------------------- dates

_MONTHS = {name: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO = re.compile(rf"^(\d{{4}})[-/](\d{{1,2}})[-/](\d{{1,2}}){_TIME}$")
_DMY = re.compile(rf"^(\d{{1,2}})[/.-](\d{{1,2}})[/.-](\d{{2,4}}){_TIME}$")
_D_MON_Y = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?[\s/.-]*([a-z]+)[\s/.,-]*(\d{{2,4}}){_TIME}$",
                      re.IGNORECASE)
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def parse_date(text: str) -> date:
    """A date as councils export them, day first; `ValueError` with the reason otherwise."""
    raw = text.strip()
    if m := _ISO.match(raw):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DMY.match(raw):
        day, month, year = (int(g) for g in m.groups())
        if month > 12:
            raise ValueError(f"{raw} is not a date: {month} is not a month (dates are day "
                             "first, as 31/12/2026)")
    elif (m := _D_MON_Y.match(raw)) and m.group(2).lower() in _MONTHS:
        day, month, year = int(m.group(1)), _MONTHS[m.group(2).lower()], int(m.group(3))
    else:
        raise ValueError(f"{raw} is not a date: write it as 31/12/2026, 2026-12-31 or "
                         "31-Dec-2026")
    if year < 1000:
        raise ValueError(f"{raw}: give the year in full (as 31/12/2026), not two digits")
    if not 1 <= month <= 12:
        raise ValueError(f"{raw} is not a date: {month} is not a month")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{raw} is not a date: {_MONTH_NAMES[month - 1]} {year} has no "
                         f"day {day}") from None


# ---------------------------------------------------------------------- people


@dataclass(frozen=True)
class PersonEntry:
    name: str
    kind: str  # "family" | "professional"
    relationship: str = ""
    role: str = ""
    agency: str = ""
    parental_responsibility: bool = False
    lives_with_child: bool = False


_ENTRY = re.compile(r"^(?P<name>[^()]+?)\s*(?:\((?P<inner>[^()]*)\))?$")
_PR = {"pr", "parental responsibility", "has pr"}
_LIVES = {"lives with child", "lives with", "lives with the child", "lives here"}


def _entries(cell: str) -> list[str]:
    return [e.strip() for e in re.split(r"[;\n]", cell) if e.strip()]


def parse_people(cell: str) -> tuple[PersonEntry, ...]:
    """The family network: "Name (relationship, PR, lives with child); …"."""
    out = []
    for entry in _entries(cell):
        m = _ENTRY.match(entry)
        if m is None:
            raise ValueError(f"{entry!r}: write each person as Name (relationship)")
        parts = [p.strip() for p in (m.group("inner") or "").split(",")]
        relationship, flags = parts[0], {p.casefold() for p in parts[1:] if p}
        unknown = flags - _PR - _LIVES
        if unknown:
            raise ValueError(f"{entry!r}: after the relationship write only PR or lives with "
                             f"child, not {', '.join(sorted(unknown))}")
        if len(relationship) > 80:
            raise ValueError(f"{entry!r}: the relationship is too long (80 characters at most)")
        person = PersonEntry(m.group("name").strip(), "family", relationship,
                             parental_responsibility=bool(flags & _PR),
                             lives_with_child=bool(flags & _LIVES))
        _check_person(entry, person)
        out.append(person)
    return tuple(out)


def parse_professionals(cell: str) -> tuple[PersonEntry, ...]:
    """Professionals: "Name (role, agency); …" (DOMAIN.md §1: each agency named)."""
    out = []
    for entry in _entries(cell):
        m = _ENTRY.match(entry)
        parts = [p.strip() for p in ((m and m.group("inner")) or "").split(",", 1)]
        if m is None or len(parts) < 2 or not all(parts):
            raise ValueError(f"{entry!r}: write each professional as Name (role, agency)")
        role, agency = parts
        person = PersonEntry(m.group("name").strip(), "professional", role, role=role,
                             agency=agency)
        _check_person(entry, person)
        out.append(person)
    return tuple(out)


def _check_person(entry: str, p: PersonEntry) -> None:
    try:
        check_person(p.name, p.kind, agency=p.agency, role=p.role)
    except InvalidContact as exc:
        raise ValueError(f"{entry!r}: {exc.problem}") from None


# ---------------------------------------------------------------------- a row


@dataclass(frozen=True)
class CaseRow:
    """One child to import, typed and checked (workers, teams and levels still as text)."""

    line: int
    reference: str
    first_name: str
    last_name: str
    referral_date: date
    dob: date | None = None
    expected_dob: date | None = None
    sex: str = "U"
    ethnicity: str = "NOBT"
    disabilities: str = "NONE"
    primary_need: str = "N0"
    referral_source: str = "10"
    worker: str = ""
    team: str = ""
    level: str = ""
    assessment_started: date | None = None
    assessment_completed: date | None = None
    initial_home_visit: date | None = None
    support_started: date | None = None
    cin_plan_start: date | None = None
    initial_meeting: date | None = None
    last_review: date | None = None
    next_review: date | None = None
    last_visit: date | None = None
    consent: date | None = None  # to the CIN service, by each person with PR (WAR 4.2)
    meeting_consent: date | None = None  # to CIN meetings, the same (WIR 2.1)
    upn: str = ""
    upn_unknown: str | None = None  # census UN1-UN7, when there is no UPN
    factors: tuple[str, ...] = ()  # the assessment's, census codes
    people: tuple[PersonEntry, ...] = ()
    household: str = ""

    @property
    def status(self) -> str:
        if self.cin_plan_start:
            return "cin_plan"
        return "assessment" if self.assessment_started else "referral"


@dataclass(frozen=True)
class Caseload:
    """What a file holds: the good rows, every problem, the columns it used and ignored."""

    rows: tuple[CaseRow, ...]
    problems: tuple[Problem, ...]
    columns: Mapping[str, str] = field(default_factory=dict)  # ours -> the file's header
    ignored: tuple[str, ...] = ()  # the file's columns not imported
    # (line, worker, team, level) as written on each row refused here, so the store's own
    # checks (is there such a worker?) name those rows' other problems in the same pass.
    refused: tuple[tuple[int, str, str, str], ...] = ()


# ---------------------------------------------------------------------- the mapping


def parse_mapping(text: str, kind: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """A mapping file: which of the file's columns is each of ours, and which to ignore.

    TOML (kind "toml"): `reference = "Mosaic ID"` per line, `ignore = ["Notes"]`.
    CSV (kind "csv"): `reference,Mosaic ID` per line, `ignore,Notes`; an optional first
    line `column,header`; blank lines and lines starting with # skipped."""
    pairs: list[tuple[str, object]] = []
    if kind == "toml":
        try:
            pairs = list(tomllib.loads(text).items())
        except tomllib.TOMLDecodeError as exc:
            raise MappingError(f"not valid TOML ({exc})") from None
    elif kind == "csv":
        for n, row in enumerate(csv.reader(io.StringIO(_text(text), newline="")), 1):
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if n == 1 and normalise(cells[0]) in ("column", "ourcolumn", "cintui"):
                continue
            if len([c for c in cells if c]) != 2 or not cells[1]:
                raise MappingError(f"line {n}: write our column and yours, as "
                                   "reference,Mosaic ID")
            pairs.append((cells[0], cells[1]))
    else:
        raise MappingError("a mapping file is .toml or .csv")
    columns: dict[str, str] = {}
    ignore: list[str] = []
    for key, value in pairs:
        if normalise(key) == "ignore":
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise MappingError("ignore: give the names of columns to ignore")
            ignore += [v.strip() for v in values if v.strip()]
            continue
        ours = next((c for c in COLUMN_NAMES if normalise(c) == normalise(key)), None)
        if ours is None:
            raise MappingError(f"{key!r} is not one of our columns{_did_you_mean(key)}")
        if not isinstance(value, str) or not value.strip():
            raise MappingError(f"{ours}: give the name of your column, as {ours} = \"…\"")
        if ours in columns:
            raise MappingError(f"{ours} is mapped twice")
        columns[ours] = value.strip()
    theirs = [normalise(v) for v in (*columns.values(), *ignore)]
    if len(set(theirs)) != len(theirs):
        raise MappingError("a column of your file is named twice")
    return columns, tuple(ignore)


def _did_you_mean(name: str) -> str:
    close = difflib.get_close_matches(normalise(name), list(_KNOWN), n=1, cutoff=0.75)
    return f"; did you mean {_KNOWN[close[0]]!r}?" if close else ""


# ---------------------------------------------------------------------- the file


def _text(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV (Comma delimited)"


def _records(text: str) -> Iterable[tuple[int, list[str]]]:
    """(first line number, cells) per CSV record; blank lines (and lines of only commas,
    as spreadsheets leave) skipped. Windows, Unix and old Mac line ends alike."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for cells in reader:
        if any(c.strip() for c in cells):
            yield start, cells
        start = reader.line_num + 1


def _match_headers(headers: list[str], mapping: Mapping[str, str], ignore: tuple[str, ...],
                   line: int) -> tuple[dict[str, int], list[str], list[Problem], bool]:
    """Our column -> its index, the file's columns ignored, the header's problems, and
    whether the rows can be read (every required column is there, if only misspelt: a
    misspelt column is read as the one it was probably meant to be, so the rows' own
    problems are listed too)."""
    problems: list[Problem] = []
    at: dict[str, int] = {}
    wanted = {normalise(theirs): ours for ours, theirs in mapping.items()}
    skip = {normalise(i) for i in ignore}
    unknown: list[int] = []
    by_alias: dict[str, list[int]] = {}
    for i, header in enumerate(headers):
        key = normalise(header)
        if key in wanted:
            at[wanted[key]] = i
        elif key in _KNOWN:
            by_alias.setdefault(_KNOWN[key], []).append(i)
        elif key and key not in skip:
            unknown.append(i)
    ignored = list(unknown)
    for ours, found in by_alias.items():
        if ours in at:  # the mapping chose another column: this one is not read
            ignored += found
            continue
        at[ours] = found[0]
        if len(found) > 1:
            names = " and ".join(repr(headers[i].strip()) for i in found)
            problems.append(Problem(line, headers[found[1]].strip(), f"columns {names} both "
                                    f"give {ours}: keep one, or choose one in a mapping file"))
    for ours, theirs in mapping.items():
        if ours not in at:
            problems.append(Problem(line, theirs, f"the mapping file names this column for "
                                    f"{ours}, but the file has no such column"))
    for i in unknown:
        close = difflib.get_close_matches(normalise(headers[i]), list(_KNOWN), n=1,
                                          cutoff=0.8)
        if close and _KNOWN[close[0]] not in at:
            at[_KNOWN[close[0]]] = i
            ignored.remove(i)
            problems.append(Problem(line, headers[i].strip(), "not a column we know; did you "
                                    f"mean {_KNOWN[close[0]]!r}? (or list it under ignore in "
                                    "a mapping file)"))
    missing = [Problem(line, ours, f"no column for {what}: name a column {ours!r} or map "
                       "one in a mapping file")
               for ours, what in (("reference", "the child's ID"),
                                  ("referral_date", "the referral date")) if ours not in at]
    if "first_name" not in at and "last_name" not in at:
        missing.append(Problem(line, "first_name", "no column for the child's name: name "
                               "columns 'first_name' and 'last_name'"))
    if "dob" not in at and "expected_dob" not in at:
        missing.append(Problem(line, "dob", "no column for the date of birth: name a column "
                               "'dob' (and 'expected_dob' for unborn children)"))
    return at, [headers[i].strip() for i in ignored], problems + missing, not missing


def read_caseload(
    data: bytes | str,
    *,
    today: date,
    code_lists: Mapping[str, Mapping[str, str]],
    mapping: Mapping[str, str] | None = None,
    ignore: tuple[str, ...] = (),
    existing: Iterable[str] = (),
    existing_upns: Mapping[str, str] = MappingProxyType({}),
    former_labels: Mapping[str, Mapping[str, str]] = MappingProxyType({}),
) -> Caseload:
    """Every row of the file checked: the good ones typed, every problem listed.

    `code_lists` are the census lists by name (sex, ethnicity, disability, primary_need,
    referral_source: code -> label); `former_labels` the labels earlier years gave a code
    (casefolded label -> code: "abuse or neglect" -> N1), read as that code; `existing` the
    references already on the store."""
    if isinstance(data, bytes) and (data.startswith(b"PK") or b"\x00" in data):
        return Caseload((), (Problem(HEADER, "", "this is not a CSV file: save the "
                                     "spreadsheet as 'CSV UTF-8 (Comma delimited)'"),))
    records = iter(_records(_text(data)))
    first = next(records, None)
    if first is None:
        return Caseload((), (Problem(HEADER, "", "the file is empty"),))
    header_line, headers = first
    if len(headers) == 1 and (sep := next((c for c in ";\t|" if c in headers[0]), None)):
        what = {";": "semicolons", "\t": "tabs", "|": "bars"}[sep]
        return Caseload((), (Problem(HEADER, "", f"the values are separated by {what}, not "
                                     "commas: save the spreadsheet as 'CSV UTF-8 (Comma "
                                     "delimited)'"),))
    at, ignored, problems, readable = _match_headers(headers, mapping or {}, ignore,
                                                     header_line)
    if not readable:  # every row would say the same: the column is missing
        return Caseload((), tuple(problems), ignored=tuple(ignored))
    names = {ours: headers[i].strip() for ours, i in at.items()}
    taken = {ref.casefold() for ref in existing}
    seen: dict[str, int] = {}
    upns: dict[str, int] = {}  # census 1520: a UPN is one child's
    rows: list[CaseRow] = []
    refused: list[tuple[int, str, str, str]] = []
    for line, cells in records:
        if len(cells) > len(headers):
            problems.append(Problem(line, "", f"{len(cells)} values but the header has "
                                    f"{len(headers)} columns: a value with a comma in it "
                                    "needs double quotes"))
            continue
        raw = {ours: cells[i].strip() if i < len(cells) else "" for ours, i in at.items()}
        row, found = _read_row(line, raw, names, today, code_lists, former_labels)
        ref = raw.get("reference", "").casefold()
        if ref and ref in seen:
            found.append(Problem(line, names["reference"], f"{raw['reference']} is also on "
                                 f"line {seen[ref]}: each child once"))
        elif ref and ref in taken:
            found.append(Problem(line, names["reference"], f"{raw['reference']} is already a "
                                 "child on this store"))
        if ref:
            seen.setdefault(ref, line)
        if row is not None and row.upn:
            if row.upn in upns:
                found.append(Problem(line, names["upn"], f"UPN {row.upn} is also on line "
                                     f"{upns[row.upn]}: a UPN is one child's (census 1520)"))
            elif row.upn in existing_upns:
                found.append(Problem(line, names["upn"], f"UPN {row.upn} is already "
                                     f"{existing_upns[row.upn]}'s on this store: a UPN is one "
                                     "child's (census 1520)"))
            upns.setdefault(row.upn, line)
        problems += found
        if row is not None and not found:
            rows.append(row)
        elif not control_problem(" ".join(raw.get(k, "") for k in ("worker", "team", "level"))):
            refused.append((line, raw.get("worker", ""), raw.get("team", ""),
                            raw.get("level", "")))
    if not rows and not problems:
        problems.append(Problem(HEADER, "", "no children in the file: only a header"))
    return Caseload(tuple(rows), tuple(problems), names, tuple(ignored), tuple(refused))


def _code(value: str, code_list: Mapping[str, str], what: str,
          words: Mapping[str, str] | None = None) -> str:
    """A census code given as the code (any case), its label, or one of `words`."""
    folded = value.casefold()
    for code, label in code_list.items():
        if folded in (code.casefold(), label.casefold()):
            return code
    if words and folded in words:
        return words[folded]
    raise ValueError(f"{value!r} is not a census {what} code (one of: "
                     f"{', '.join(code_list)})")


def _read_row(line: int, raw: dict[str, str], names: dict[str, str], today: date,
              code_lists: Mapping[str, Mapping[str, str]],
              former_labels: Mapping[str, Mapping[str, str]] = MappingProxyType({}),
              ) -> tuple[CaseRow | None, list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, object] = {}

    def bad(ours: str, reason: str) -> None:
        problems.append(Problem(line, names.get(ours, ours), reason))

    def attempt(ours: str, parse) -> None:
        if raw.get(ours):
            try:
                values[ours] = parse(raw[ours])
            except ValueError as exc:
                bad(ours, str(exc))

    for ours, value in raw.items():  # plain text only (Trust: output is inert)
        lines = value.replace("\r\n", "\n").replace("\r", "\n")  # a quoted list may break
        if problem := control_problem(lines, multiline=True):
            bad(ours, problem)
    if problems:
        return None, problems
    if not raw.get("reference"):
        bad("reference", "no reference: every child needs their ID from the old system")
    else:
        try:
            values["reference"] = check_reference(raw["reference"])
        except InvalidChildDetails as exc:
            bad("reference", exc.problem)
    values["first_name"], values["last_name"] = raw.get("first_name", ""), raw.get("last_name", "")
    if not values["first_name"] and not values["last_name"]:
        bad("first_name" if "first_name" in names else "last_name", "no name: a child needs "
            "a first or last name")
    for ours in DATE_COLUMNS:
        attempt(ours, parse_date)
    if not raw.get("referral_date"):
        bad("referral_date", "no referral date: the clocks run from it")
    for ours in CODE_COLUMNS:
        words = {**former_labels.get(ours, {}), **(SEX_WORDS if ours == "sex" else {})}
        attempt(ours, lambda v, o=ours, w=words: _code(v, code_lists[o], o.replace("_", " "),
                                                       w))
    if values.get("sex", "U") != "U" and raw.get("expected_dob") and not raw.get("dob"):
        bad("sex", "an unborn child's sex is U (unknown) until the birth")
    attempt("disabilities", lambda v: _disabilities(v, code_lists["disability"]))
    attempt("upn", _upn)
    if "assessment_factor" in code_lists:
        attempt("factors", lambda v: _factors(v, code_lists["assessment_factor"]))
    attempt("people", parse_people)
    attempt("professionals", parse_professionals)
    if problems:
        return None, problems
    d = {k: v for k, v in values.items() if isinstance(v, date)}
    _check_dates(d, today, bad, lambda ours: names.get(ours, ours))
    if values.get("factors") and "assessment_started" not in d:
        bad("factors", "the factors are the assessment's: give the date it started "
            "(assessment_started)")
    for scope, what in (("consent", "the service"), ("meeting_consent", "meetings")):
        if scope in d and not any(p.parental_responsibility for p in values.get("people", ())):
            bad(scope, f"consent to {what} is given by someone with parental "
                "responsibility: name them in the people column with PR")
    if problems:
        return None, problems
    upn, upn_unknown = values.get("upn", ("", None))
    row = CaseRow(
        line=line, reference=values["reference"], first_name=values["first_name"],
        last_name=values["last_name"],
        **{k: values.get(k, default) for k, default in CODE_DEFAULTS.items()},
        **{k: raw.get(k, "") for k in ("worker", "team", "level", "household")},
        **d,
        people=values.get("people", ()) + values.get("professionals", ()),
        upn=upn, upn_unknown=upn_unknown, factors=values.get("factors", ()),
    )
    return row, problems


def _upn(value: str) -> tuple[str, str | None]:
    """(UPN, None), or ("", the census reason it is unknown: UN1-UN7). Checked as the
    census checks it (`census.upn_problems`), so an import never brings in a UPN the
    return would leave the child out for."""
    upn = re.sub(r"\s", "", value).upper()
    if re.fullmatch(r"UN[1-7]", upn):
        return "", upn
    if any(rule == "upn-format" for rule, _ in upn_problems(upn)):
        raise ValueError(f"{value!r} is not a UPN (13 characters: a check letter, 11 digits "
                         "and a digit or letter) nor a reason it is unknown (UN1-UN7)")
    if problem := upn_problem(upn):
        raise ValueError(problem)
    return upn, None


def _factors(value: str, names: Mapping[str, str]) -> tuple[str, ...]:
    """Assessment factors, by code or by words as the case steps take them ("domestic
    violence: child"; `names`: code -> short name); 21 (none identified) only alone (8869)."""
    found: list[str] = []
    for item in (i.strip() for i in re.split(r"[;,]", value)):
        if not item:
            continue
        codes_ = item.upper().split()
        if all(c in names for c in codes_):  # codes with spaces between them: "1B 3A 16A"
            found += codes_
            continue
        try:
            found.append(pick_code(item, names, "assessment factor", "factors"))
        except NoSuchCode as exc:
            raise ValueError(exc.problem) from None
    found = list(dict.fromkeys(found))
    if NO_FACTORS in found and len(found) > 1:
        raise ValueError("21 (no factors identified) cannot go with other factors (8869)")
    return tuple(found)


def _disabilities(value: str, code_list: Mapping[str, str]) -> str:
    items = [_code(v, code_list, "disability") for v in re.split(r"[\s,;]+", value) if v]
    if "NONE" in items and len(items) > 1:
        raise ValueError("NONE cannot be given with other disability codes")
    return " ".join(items)


def _check_dates(d: dict[str, date], today: date, bad, label) -> None:
    """Dates in the past, in the order a case moves, and each one that needs another with it."""
    try:
        check_birth_dates(d.get("dob"), d.get("expected_dob"), today)
    except InvalidChildDetails as exc:
        bad(exc.field, exc.problem)
    for ours in IN_THE_PAST:
        if ours in d and d[ours] > today:
            bad(ours, f"{day_words(d[ours])} is in the future")
    for steps in (STEPS, ("referral_date", "initial_home_visit", "support_started"),
                  ("referral_date", "last_visit")):
        given = [s for s in steps if s in d]
        for earlier, later in pairwise(given):
            if d[later] < d[earlier]:
                bad(later, f"{day_words(d[later])} is before the {label(earlier)} "
                    f"({day_words(d[earlier])})")
                break
    if "assessment_completed" in d and "assessment_started" not in d:
        bad("assessment_completed", "give the date the assessment started too")
    for meeting in ("initial_meeting", "last_review"):
        if meeting in d and "cin_plan_start" not in d:
            bad(meeting, "a CIN meeting needs the CIN plan's start date (cin_plan_start)")
    last_meeting = d.get("last_review") or d.get("initial_meeting")
    if "next_review" in d:
        if last_meeting is None:
            bad("next_review", "give the date of the meeting that set it (initial_meeting "
                "or last_review): the review clock runs from that meeting")
        elif d["next_review"] <= last_meeting:
            bad("next_review", f"{day_words(d['next_review'])} is not after the last meeting "
                f"({day_words(last_meeting)})")
    born = d.get("dob")
    if born and "last_visit" in d and d["last_visit"] < born:
        bad("last_visit", f"{day_words(d['last_visit'])} is before the child was born")


def template() -> str:
    """A CSV a team can fill in: our column names and one synthetic example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerow([c.example for c in COLUMNS])
    return out.getvalue()


__all__ = [
    "COLUMNS", "COLUMN_NAMES", "CaseRow", "Caseload", "Column", "MappingError",
    "PersonEntry", "Problem", "normalise", "parse_date", "parse_mapping",
    "parse_people", "parse_professionals", "read_caseload", "template",
]
