"""Graded Care Profile 2 (DOMAIN.md §11; STO 4.3 "Graded Care Profile assessment which
measures success"; STO 6.11 specialist assessments "including Graded Care Profile"; STO 7.1
"Continue to prioritise Graded care Profile 2"; TRA names the Graded Care Profile among the
assessment tools).

A GCP2 is recorded as a structured assessment: its date, the assessor, a grade from 1 to 5
for each area of care (1 the best care, 5 the poorest), and the summary in the worker's own
words. It is attached to needs of the child's CIN plan (by the need's key, the same in
every version), and its history shows each area's grades over time.

The scale's text is licensed (NSPCC): only the area names, the grades and the worker's
words are stored or shown here, never the scale's descriptors.

Pure: plain values in, problems, histories and warnings out; `today` is passed in.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from cintui.domain.dates import day_words
from cintui.domain.text import counted

if TYPE_CHECKING:  # the chronology imports most of the domain: `plan show` needs none of it
    from cintui.domain.chronology import ChronologyEntry

SOURCE = "STO 4.3, 6.11, 7.1; TRA"
AREAS = ("physical", "safety", "love", "esteem")
AREA_LABELS = {"physical": "Physical care", "safety": "Safety", "love": "Love and care",
               "esteem": "Esteem"}
GRADES = (1, 2, 3, 4, 5)
CONCERN = 4  # a grade of 4 or 5: the child's needs in that area are not being met
MAX_SUMMARY = 8000


@dataclass(frozen=True)
class Gcp2Fact:
    """One GCP2 as recorded."""

    on: date
    assessor: str
    grades: tuple[tuple[str, int], ...]  # (area, grade) in AREAS order
    summary: str
    needs: tuple[str, ...] = ()  # the attached needs, as their column 1 reads
    need_keys: tuple[uuid.UUID, ...] = ()
    recorded_by: str = ""
    ref: str = ""

    def grade(self, area: str) -> int | None:
        return dict(self.grades).get(area)

    def describe(self) -> str:
        """'Physical care 3, Safety 2, Love and care 2, Esteem 3'."""
        return ", ".join(f"{AREA_LABELS[a]} {g}" for a, g in self.grades)


def parse_grade(text: str) -> tuple[int | None, str | None]:
    text = text.strip()
    if not text:
        return None, "give a grade from 1 to 5"
    if not text.isdigit() or int(text) not in GRADES:
        return None, f"{text!r} is not a grade: 1 (best care) to 5 (poorest)"
    return int(text), None


def check_gcp2(on: date | None, today: date, referral: date | None, assessor: str,
               grades: Mapping[str, int | None], summary: str,
               needs: Iterable[int], needs_in_plan: int) -> list[tuple[str, str]]:
    """STO 4.3, 6.11, 7.1: dated (not in the future, not before the referral), an assessor,
    every area graded 1 to 5, the summary in the worker's words, and the needs it is
    attached to are needs of the plan in force (by their number, each once)."""
    out = []
    if on is None:
        out.append(("on", "give the date of the GCP2"))
    elif on > today:
        out.append(("on", f"{day_words(on)} is in the future"))
    elif referral is not None and on < referral:
        out.append(("on", f"{day_words(on)} is before the child's referral ({day_words(referral)})"))
    if not assessor.strip():
        out.append(("assessor", "who completed the GCP2?"))
    for area in AREAS:
        grade = grades.get(area)
        if grade is None or grade not in GRADES:
            out.append((area, f"{AREA_LABELS[area]}: a grade from 1 (best care) to 5 "
                              "(poorest)"))
    unknown = set(grades) - set(AREAS)
    if unknown:
        out.append(("grades", f"not a GCP2 area: {', '.join(sorted(unknown))} (areas: "
                              + ", ".join(AREA_LABELS[a] for a in AREAS) + ")"))
    if not summary.strip():
        out.append(("summary", "write the summary in your own words (what the grades mean "
                               "for this child)"))
    elif len(summary) > MAX_SUMMARY:
        out.append(("summary", f"at most {MAX_SUMMARY} characters"))
    needs = list(needs)
    for n in needs:
        if not 1 <= n <= needs_in_plan:
            out.append(("needs", f"need {n} is not in the plan in force"
                                 + (f" (needs 1 to {needs_in_plan})" if needs_in_plan
                                    else " (the plan has no needs yet)")))
    if len(set(needs)) != len(needs):
        out.append(("needs", "each need once"))
    return out


def unattached_concerns(grades: Mapping[str, int | None], needs: Iterable[object],
                        ) -> list[str]:
    """A warning, never a refusal: areas graded 4 or 5 (needs not met) by a GCP2 attached
    to no need of the plan: the plan should say what will change (STO 4.4: plans explicit
    about what needs to change)."""
    if list(needs):
        return []
    poor = [AREA_LABELS[a] for a in AREAS if (grades.get(a) or 0) >= CONCERN]
    if not poor:
        return []
    return [f"{', '.join(poor)} graded {CONCERN} or 5 and the GCP2 is attached to no need: "
            "attach it to the need that says what will change, or add one to the plan"]


def grade_history(facts: Iterable[Gcp2Fact]) -> list[tuple[str, list[tuple[date, int]]]]:
    """Each area's grades over time, oldest first (STO 4.3: "measures success")."""
    facts = sorted(facts, key=lambda f: f.on)
    return [(a, [(f.on, g) for f in facts if (g := f.grade(a)) is not None]) for a in AREAS]


def trend(points: Iterable[tuple[date, int]]) -> str:
    return " → ".join(str(g) for _d, g in points)


def chronology_entries(facts: Iterable[Gcp2Fact]) -> list[ChronologyEntry]:
    from cintui.domain.chronology import ChronologyEntry

    out = []
    for f in facts:
        attached = f"; attached to {counted(len(f.needs), 'need')}" if f.needs else ""
        out.append(ChronologyEntry(f.on, "assessment",
                                   f"Graded Care Profile 2 by {f.assessor}: {f.describe()}"
                                   f"{attached}", who=f.recorded_by, detail=f.summary,
                                   ref=f.ref))
    return out


SCALE = "1 best care, 5 poorest"


def for_need(facts: Iterable[Gcp2Fact], need_key: object) -> list[Gcp2Fact]:
    """The GCP2s attached to one need of the plan (by its key, the same in every version),
    newest first: the grades that informed it (STO 6.11)."""

    return sorted((f for f in facts if need_key in f.need_keys), key=lambda f: f.on,
                  reverse=True)


def on_plan(facts: Iterable[Gcp2Fact], need_keys: Iterable[object]) -> tuple[Gcp2Fact, ...]:
    """The GCP2s attached to any of these needs, as a plan document carries them: the date,
    the assessor, the grades and which of the needs (in the plan's order); oldest first.
    The summary stays on the record (the plan says what will change, in its own words)."""
    keys = list(need_keys)
    out = []
    for f in facts:
        mine = tuple(k for k in keys if k in f.need_keys)
        if mine:
            out.append(Gcp2Fact(f.on, f.assessor, f.grades, "", need_keys=mine))
    return tuple(sorted(out, key=lambda f: (f.on, f.assessor, f.grades)))


def need_line(f: Gcp2Fact, earlier: Iterable[Gcp2Fact] = ()) -> str:
    """'GCP2 20 Nov 2026: Physical care 3, Safety 2, Love and care 4, Esteem 3 (1 best care,
    5 poorest)', and each area's change since the earliest ('Physical care 4 → 3') when
    there are earlier GCP2s of the need: two lines at 80 columns."""
    line = f"GCP2 {day_words(f.on)}: {f.describe()} ({SCALE})"
    earlier = sorted(earlier, key=lambda e: e.on)
    if earlier:
        first = earlier[0]
        moved = [f"{AREA_LABELS[a]} {first.grade(a)} → {g}" for a, g in f.grades
                 if first.grade(a) is not None and first.grade(a) != g]
        line += (f"; since {day_words(first.on)}: " + ", ".join(moved) if moved
                 else f"; the same as {day_words(first.on)}")
    return line
