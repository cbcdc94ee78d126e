"""Signs of Safety mapping (DOMAIN.md §11; STO 6.3 "A Signs of Safety approach has been
included in documentation … to ensure clearer plans with exit strategies"; STO 7.4 its
evaluation once embedded).

The mapping is a way of reading the child's CIN plan, not a second plan: the plan's worries
(needs still Red or Amber) are "what are we worried about", its strengths (and worries
rated Green, change that held) are "what's working well", and its open actions are "what
needs to happen". Three small records are added beside the plan:

- danger statements: what the professionals are worried will happen to the child if
  nothing changes, in plain words the family can read;
- safety goals: what the family and professionals will see when the child is safe enough,
  each for a danger statement where one is named;
- scalings: each person's score from 0 to 10 of how safe the child is, with who gave it,
  their role or relationship to the child, why, and where (a meeting) and when.

A danger statement or safety goal that is rewritten replaces the earlier one (kept, shown
as replaced). Pure: plain values in, problems, the map and histories out; `today` passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from cintui.domain.chronology import ChronologyEntry
from cintui.domain.dates import day_words
from cintui.domain.plan import RAG_NAMES, PlanVersion

SOURCE = "STO 6.3"
SCALE_MIN, SCALE_MAX = 0, 10
KINDS = ("danger", "goal")
KIND_LABELS = {"danger": "danger statement", "goal": "safety goal"}
PREFIX = {"danger": "D", "goal": "G"}
MAX_TEXT = 2000
MAX_ROUND = 12  # people scaling in one round (a meeting)
QUESTION = ("0: the child cannot stay safely at home as things are; 10: everyone is "
            "confident the child is safe and well enough for us to close")


@dataclass(frozen=True)
class Statement:
    """A danger statement or a safety goal, as recorded."""

    kind: str  # KINDS
    number: int  # D1, D2 … / G1, G2 … in the order recorded
    on: date
    text: str
    by: str = ""
    danger: int | None = None  # a safety goal's danger statement
    replaces: int | None = None  # the earlier statement of the same kind it replaces
    replaced_by: int | None = None
    meeting: str = ""  # "Review meeting 20 Nov 2026" when written at one
    ref: str = ""

    @property
    def label(self) -> str:
        return f"{PREFIX[self.kind]}{self.number}"

    @property
    def current(self) -> bool:
        return self.replaced_by is None


@dataclass(frozen=True)
class Scaling:
    """One person's score of how safe the child is (0-10), as they gave it."""

    on: date
    score: int
    who: str  # who gave the score
    role: str  # their role or relationship to the child ("Mum", "Class teacher")
    why: str = ""  # why that number, in their words
    meeting: str = ""
    recorded_by: str = ""
    ref: str = ""

    @property
    def person(self) -> tuple[str, str]:
        return (" ".join(self.who.split()).casefold(), " ".join(self.role.split()).casefold())


def _dated(on: date | None, today: date, referral: date | None,
           what: str) -> list[tuple[str, str]]:
    if on is None:
        return [("on", f"give the date of the {what}")]
    if on > today:
        return [("on", f"{day_words(on)} is in the future")]
    if referral is not None and on < referral:
        return [("on", f"{day_words(on)} is before the child's referral ({day_words(referral)})")]
    return []


def check_statement(kind: str, text: str, on: date | None, today: date,
                    referral: date | None, current: Iterable[Statement], *,
                    danger: int | None = None, replaces: int | None = None,
                    ) -> list[tuple[str, str]]:
    """STO 6.3: a danger statement or safety goal in plain words, dated (not in the future,
    not before the referral); a goal's danger statement, and the statement replaced, are
    ones still current."""
    if kind not in KINDS:
        return [("kind", f"{kind!r} is not a danger statement or a safety goal")]
    what = KIND_LABELS[kind]
    current = [s for s in current if s.current]
    out = _dated(on, today, referral, what)
    if not text.strip():
        hint = ("what are we worried will happen to the child if nothing changes?"
                if kind == "danger" else
                "what will everyone see when the child is safe enough?")
        out.append(("text", f"write the {what}: {hint} (STO 6.3)"))
    elif len(text) > MAX_TEXT:
        out.append(("text", f"at most {MAX_TEXT} characters"))
    dangers = {s.number for s in current if s.kind == "danger"}
    if danger is not None:
        if kind != "goal":
            out.append(("danger", "only a safety goal is for a danger statement"))
        elif danger not in dangers:
            out.append(("danger", f"no current danger statement D{danger}: "
                                  + (", ".join(f"D{n}" for n in sorted(dangers))
                                     or "none recorded yet")))
    if replaces is not None:
        mine = {s.number for s in current if s.kind == kind}
        if replaces not in mine:
            out.append(("replaces", f"no current {what} {PREFIX[kind]}{replaces} to replace"))
    return out


def parse_score(text: str) -> tuple[int | None, str | None]:
    """A score as typed: a whole number from 0 to 10 (the Signs of Safety scale)."""
    text = text.strip()
    if not text:
        return None, "give a score from 0 to 10"
    if not text.isdigit() or not SCALE_MIN <= int(text) <= SCALE_MAX:
        return None, f"{text!r} is not a score: a whole number from 0 to 10"
    return int(text), None


def check_scaling(on: date | None, today: date, referral: date | None,
                  entries: Iterable[tuple[str, str, int | None, str]],
                  ) -> list[tuple[str, str]]:
    """One round of scaling (at a meeting or a visit): `entries` are (who, role, score,
    why). Each names who gave the score and their role or relationship to the child, the
    score is 0 to 10, and no one scores twice in one round (STO 6.3)."""
    entries = list(entries)
    out = _dated(on, today, referral, "scaling")
    if not entries:
        out.append(("who1", "give at least one person's score"))
    if len(entries) > MAX_ROUND:
        out.append(("who1", f"at most {MAX_ROUND} people in one round"))
    seen: set[tuple[str, str]] = set()
    for i, (who, role, score, why) in enumerate(entries, start=1):
        if not who.strip():
            out.append((f"who{i}", f"score {i}: who gave it?"))
        if not role.strip():
            out.append((f"role{i}", f"score {i}: their role or relationship to the child "
                                    "(e.g. Mum, class teacher, social worker)"))
        if score is None or not SCALE_MIN <= score <= SCALE_MAX:
            out.append((f"score{i}", f"score {i}: a whole number from 0 to 10"))
        if len(why) > MAX_TEXT:
            out.append((f"why{i}", f"score {i}: at most {MAX_TEXT} characters"))
        key = Scaling(date.min, 0, who, role).person
        if who.strip() and key in seen:
            out.append((f"who{i}", f"{who.strip()} ({role.strip()}) scores once a round"))
        seen.add(key)
    return out


# ---------------------------------------------------------------- the map


@dataclass(frozen=True)
class MapLine:
    text: str
    source: str  # where it comes from: "D1", "need 2 (Red)", "action of need 1", …


@dataclass(frozen=True)
class SafetyMap:
    """The plan read as a Signs of Safety map (STO 6.3)."""

    plan: str  # "CIN plan v2, agreed 3 Nov 2026" or "no CIN plan written yet"
    worried: tuple[MapLine, ...]
    working_well: tuple[MapLine, ...]
    needs_to_happen: tuple[MapLine, ...]
    latest: tuple[Scaling, ...]  # each person's latest score, newest first

    @property
    def heading(self) -> str:
        """'Signs of Safety map of the CIN plan v2 (agreed 3 Nov 2026)'."""
        if self.plan.startswith("CIN plan"):
            return f"Signs of Safety map of the {self.plan}"
        return f"Signs of Safety map ({self.plan})"


def _plan_label(plan: PlanVersion | None) -> str:
    if plan is None:
        return "no CIN plan written yet"
    state = f"agreed {day_words(plan.agreed_on)}" if plan.agreed_on else plan.status
    return f"CIN plan v{plan.number} ({state})"


def safety_map(plan: PlanVersion | None, statements: Iterable[Statement],
               scalings: Iterable[Scaling]) -> SafetyMap:
    """The same data, three columns: worries (current danger statements, then needs still
    Red, then Amber), what's working well (strengths, needs rated Green, actions done), what
    needs to happen (current safety goals, the plan's exit, its open actions)."""
    current = [s for s in statements if s.current]
    worried = [MapLine(s.text, s.label) for s in current if s.kind == "danger"]
    well: list[MapLine] = []
    happen = [MapLine(s.text, s.label + (f" (for D{s.danger})" if s.danger else ""))
              for s in current if s.kind == "goal"]
    needs = list(enumerate(plan.needs, start=1)) if plan else []
    for rating in ("R", "A"):
        worried += [MapLine(n.now, f"need {i} ({RAG_NAMES[rating]})") for i, n in needs
                    if n.kind == "worry" and n.rag == rating]
    for i, n in needs:
        if n.kind == "strength":
            well.append(MapLine(n.now, f"need {i} (strength)"))
        elif n.rag == "G":
            well.append(MapLine(n.now, f"need {i} (Green)"))
    if plan and plan.good_enough.strip():
        happen.append(MapLine(plan.good_enough.strip(), "good enough to close"))
    if plan and plan.bottom_lines.strip():
        happen.append(MapLine(plan.bottom_lines.strip(), "bottom lines"))
    for i, n in needs:
        for a in n.actions:
            who = f" — {a.who}" if a.who else ""
            if a.status == "done":
                well.append(MapLine(f"{a.what}{who} (done)", f"action of need {i}"))
            elif a.status != "not_done":
                by = f" by {day_words(a.by_when)}" if a.by_when else ""
                happen.append(MapLine(f"{a.what}{who}{by}", f"action of need {i}"))
    return SafetyMap(_plan_label(plan), tuple(worried), tuple(well), tuple(happen),
                     tuple(latest_scalings(scalings)))


def scaling_history(scalings: Iterable[Scaling]) -> list[tuple[str, str, list[Scaling]]]:
    """Each person's scores over time (who, role, oldest first), people in the order they
    first scored: how each person's view of the child's safety has moved."""
    people: dict[tuple[str, str], list[Scaling]] = {}
    for s in sorted(scalings, key=lambda s: s.on):
        people.setdefault(s.person, []).append(s)
    return [(found[-1].who, found[-1].role, found) for found in people.values()]


def latest_scalings(scalings: Iterable[Scaling]) -> list[Scaling]:
    """Each person's latest score, newest first."""
    last = [found[-1] for _w, _r, found in scaling_history(scalings)]
    return sorted(last, key=lambda s: s.on, reverse=True)


def trend(found: Iterable[Scaling]) -> str:
    """'4 → 6 → 7'."""
    return " → ".join(str(s.score) for s in found)


def chronology_entries(statements: Iterable[Statement],
                       scalings: Iterable[Scaling]) -> list[ChronologyEntry]:
    """STO 6.3: each danger statement and safety goal written, and each round of scaling
    (one entry per date and meeting, every person's score in it)."""
    out = []
    for s in statements:
        what = KIND_LABELS[s.kind]
        more = f" (replaces {PREFIX[s.kind]}{s.replaces})" if s.replaces else ""
        more += f" for D{s.danger}" if s.danger else ""
        out.append(ChronologyEntry(s.on, "plan", f"Signs of Safety: {what} {s.label}"
                                   f"{more}", who=s.by, detail=s.text, ref=s.ref))
    rounds: dict[tuple[date, str], list[Scaling]] = {}
    for s in scalings:
        rounds.setdefault((s.on, s.meeting), []).append(s)
    for (on, meeting), found in sorted(rounds.items()):
        at = f" at the {meeting}" if meeting else ""
        scores = "; ".join(f"{s.who} ({s.role}) {s.score}" for s in found)
        out.append(ChronologyEntry(on, "meeting" if meeting else "note",
                                   f"Signs of Safety scaling{at}: {scores}",
                                   who=found[0].recorded_by,
                                   detail=" ".join(f"{s.who}: {s.why}" for s in found
                                                   if s.why), ref=found[0].ref))
    return out
