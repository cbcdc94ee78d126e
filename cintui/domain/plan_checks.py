"""Plan checks (DOMAIN.md §3): is the plan clear to a parent and sharp enough to measure
change? Pure rules over `cintui.domain.plan` values; each problem names its source rule.

- WIR 2.3: every Amber (and Red) has an outcome, an action, an owner and a date.
- TRA / WAR 8.1 (SMART): actions are time-bound (not past their date and undone) and
  outcomes observable ("improve", "engage" with no measure says nothing to check against).
- STO 4.4: a need says what must change for the child, not which service to attend.
- BEX 2: plain language, no jargon or acronyms (word list: data/plain_words.json).
- WIR 2.7, TRA: objectives, a lead professional and a review date.
- WIR 2.5: the child's views.

Also the difference between two versions (`diff_versions`), for "what changed".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from cintui.domain.plan import RAG_NAMES, Need, PlanAction, PlanVersion


@dataclass(frozen=True)
class PlanProblem:
    check: str  # short id, e.g. "amber_no_outcome"
    rule: str  # source key, e.g. "WIR 2.3"
    message: str  # for the worker, naming the need or action and the rule
    need: int | None = None  # 0-based
    action: int | None = None  # 0-based, within the need
    field: str = ""


# An outcome is observable when it carries a measure: a number, a percentage, a frequency,
# a date or month, or a named way of knowing.
_MEASURE = re.compile(
    r"\d|%|\b(every|each|daily|weekly|fortnightly|monthly|times?|no|none|never|"
    r"always|at least|by (?:the )?(?:end|next|january|february|march|april|may|june|july|"
    r"august|september|october|november|december)|register|records?|reports?|says?|tells?|"
    r"shown|seen|observed|checked)\b", re.IGNORECASE)
_VAGUE = re.compile(
    r"\b(improve[sd]?|improving|engage[sd]?|engaging|better|support(?:ed|ing)?|work(?:s|ing)? "
    r"with|be aware|aware(?:ness)?|address(?:ed|ing)?|monitor(?:ed|ing)?|consider|explore|"
    r"continue to|maintain)\b", re.IGNORECASE)
# Column 1 written as a service to use rather than what must change for the child.
_SERVICE = re.compile(
    r"^\s*(?:(?:mum|dad|mother|father|parents?|carers?|the family|family|[A-Z][a-z]+) "
    r"(?:to|will|should|must|needs? to) )?(?:attend|access|engage with|complete|be referred|"
    r"referral to|refer(?:red)? to|take part in|go to|use)\b", re.IGNORECASE)
_COURSE = re.compile(r"\b(course|programme|program|sessions?|service|referral|group)\b",
                     re.IGNORECASE)


def _quote(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= width else text[: width - 1] + '…'}”"


def _need_name(i: int, need: Need) -> str:
    return f"Need {i + 1} {_quote(need.now)}"


def _observable(outcome: str) -> bool:
    return bool(_MEASURE.search(outcome))


_PATTERNS: dict[int, tuple[Mapping[str, str], list[tuple[re.Pattern, dict[str, str]]]]] = {}


def _patterns(jargon: Mapping[str, str]) -> list[tuple[re.Pattern, dict[str, str]]]:
    """Two alternations per word list (compiled once): acronyms (all capitals, or with
    digits like s47) match as written, words and phrases in any case."""
    cached = _PATTERNS.get(id(jargon))
    if cached is not None and cached[0] is jargon:
        return cached[1]
    exact = {t: t for t in jargon if t.upper() == t or any(c.isdigit() for c in t)}
    loose = {t.lower(): t for t in jargon if t not in exact}
    out = []
    for terms, flags in ((exact, 0), (loose, re.IGNORECASE)):
        if terms:
            body = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
            out.append((re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags), terms))
    _PATTERNS[id(jargon)] = (jargon, out)
    return out


def _jargon_hits(text: str, jargon: Mapping[str, str]) -> list[tuple[str, str]]:
    hits: dict[str, str] = {}
    for pattern, terms in _patterns(jargon):
        for match in pattern.finditer(text):
            found = match.group(0)
            term = terms.get(found) or terms.get(found.lower())
            if term is not None:
                hits.setdefault(term, jargon[term])
    return list(hits.items())


def check_plan(version: PlanVersion, today: date,
               jargon: Mapping[str, str] | None = None) -> list[PlanProblem]:
    """Every problem in the version, plan-wide first, then need by need in order."""
    jargon = jargon or {}
    out: list[PlanProblem] = []
    if not version.needs:
        out.append(PlanProblem("no_needs", "BEX 2", "The plan has no needs yet: add what is "
                               "happening for the child and what must change (BEX 2)."))
    if not version.objectives.strip():
        out.append(PlanProblem("no_objectives", "WIR 2.7", "No overall objectives: say what "
                               "the plan is for, in a sentence the family would use (WIR 2.7).",
                               field="objectives"))
    if not version.lead_professional.strip():
        out.append(PlanProblem("no_lead", "WIR 2.7", "No lead professional named (WIR 2.7).",
                               field="lead_professional"))
    if version.next_review is None:
        out.append(PlanProblem("no_review_date", "TRA", "No review date: CIN plans are reviewed "
                               "at least every three months (TRA, WIR 2.7).",
                               field="next_review"))
    if not version.childs_views.strip():
        out.append(PlanProblem("no_childs_voice", "WIR 2.5", "The child's views are missing: "
                               "what the child said, or what was observed for a young child "
                               "(WIR 2.5).", field="childs_views"))
    for term, plain in _jargon_hits(version.objectives, jargon):
        out.append(PlanProblem("jargon", "BEX 2", f"Objectives: “{term}” is jargon; say "
                               f"“{plain}” (BEX 2).", field="objectives"))
    for i, need in enumerate(version.needs):
        out.extend(_need_problems(i, need, today, jargon))
    return out


def _need_problems(i: int, need: Need, today: date,
                   jargon: Mapping[str, str]) -> list[PlanProblem]:
    name = _need_name(i, need)
    out: list[PlanProblem] = []
    worry = need.rag in ("A", "R")
    rating = RAG_NAMES.get(need.rag, need.rag)
    if worry and not need.outcome.strip():
        out.append(PlanProblem("amber_no_outcome", "WIR 2.3", f"{name} is {rating} but has no "
                               "outcome: say what will be different for the child and how "
                               "everyone will know (WIR 2.3).", i, field="outcome"))
    if worry and not need.actions:
        out.append(PlanProblem("amber_no_action", "WIR 2.3", f"{name} is {rating} but has no "
                               "action: who will do what to support change, by when "
                               "(WIR 2.3).", i, field="actions"))
    if need.outcome.strip() and not _observable(need.outcome) and (
            worry or _VAGUE.search(need.outcome)):
        out.append(PlanProblem("outcome_not_observable", "TRA", f"{name}: the outcome "
                               f"{_quote(need.outcome, 40)} has nothing to observe or count — "
                               "add how much, how often or by when (SMART: TRA, WAR 8.1).", i,
                               field="outcome"))
    if _SERVICE.search(need.now) and (_COURSE.search(need.now) or len(need.now.split()) < 8):
        out.append(PlanProblem("need_as_service", "STO 4.4", f"{name} names a service to use, "
                               "not what must change for the child: write what is happening "
                               "for the child now, and put the service in column 3 (STO 4.4).",
                               i, field="now"))
    for field in ("now", "outcome", "evidence"):
        for term, plain in _jargon_hits(getattr(need, field), jargon):
            out.append(PlanProblem("jargon", "BEX 2", f"{name}: “{term}” is jargon; say "
                                   f"“{plain}” (BEX 2).", i, field=field))
    for j, action in enumerate(need.actions):
        out.extend(_action_problems(i, j, need, action, today, jargon))
    return out


def _action_problems(i: int, j: int, need: Need, action: PlanAction, today: date,
                     jargon: Mapping[str, str]) -> list[PlanProblem]:
    what = f"Need {i + 1}, action {j + 1} {_quote(action.what, 40)}"
    out: list[PlanProblem] = []
    if not action.who.strip():
        out.append(PlanProblem("action_no_owner", "WIR 2.3", f"{what} has no owner: name the "
                               "person or agency (WIR 2.3).", i, j, "who"))
    if action.by_when is None:
        out.append(PlanProblem("action_no_date", "WIR 2.3", f"{what} has no date: every action "
                               "needs a completion date (WIR 2.3).", i, j, "by_when"))
    elif action.by_when < today and action.status != "done":
        late = (today - action.by_when).days
        out.append(PlanProblem("action_overdue", "TRA", f"{what} was due "
                               f"{action.by_when:%d %b %Y} ({late} days ago) and is not done: "
                               "update its status or agree a new date (TRA).", i, j, "by_when"))
    for term, plain in _jargon_hits(action.what, jargon):
        out.append(PlanProblem("jargon", "BEX 2", f"{what}: “{term}” is jargon; say "
                               f"“{plain}” (BEX 2).", i, j, "what"))
    return out


# ---------------------------------------------------------------- versions compared


@dataclass(frozen=True)
class PlanDiff:
    added: tuple[Need, ...] = ()
    removed: tuple[Need, ...] = ()
    rag_changes: tuple[tuple[Need, str, str], ...] = ()  # (need as now, old, new)
    actions_done: tuple[PlanAction, ...] = ()
    actions_added: tuple[PlanAction, ...] = ()
    actions_removed: tuple[PlanAction, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.rag_changes or self.actions_done
                    or self.actions_added or self.actions_removed)

    def summary(self) -> list[str]:
        lines = [f"Added: {_quote(n.now, 70)} ({RAG_NAMES[n.rag]})" for n in self.added]
        lines += [f"Removed: {_quote(n.now, 70)}" for n in self.removed]
        lines += [f"{RAG_NAMES[old]} → {RAG_NAMES[new]}: {_quote(n.now, 60)}"
                  for n, old, new in self.rag_changes]
        lines += [f"Done: {_quote(a.what, 60)} ({a.who or 'no owner'})"
                  for a in self.actions_done]
        lines += [f"New action: {_quote(a.what, 60)} ({a.who or 'no owner'})"
                  for a in self.actions_added]
        lines += [f"Action dropped: {_quote(a.what, 60)}" for a in self.actions_removed]
        return lines


def diff_versions(old: PlanVersion, new: PlanVersion) -> PlanDiff:
    """What changed from `old` to `new`: needs matched by key, actions by key."""
    before = {n.key: n for n in old.needs}
    after = {n.key: n for n in new.needs}
    old_actions = {a.key: a for n in old.needs for a in n.actions}
    new_actions = {a.key: a for n in new.needs for a in n.actions}
    return PlanDiff(
        added=tuple(n for n in new.needs if n.key not in before),
        removed=tuple(n for n in old.needs if n.key not in after),
        rag_changes=tuple((n, before[n.key].rag, n.rag) for n in new.needs
                          if n.key in before and before[n.key].rag != n.rag),
        actions_done=tuple(a for k, a in new_actions.items() if a.status == "done"
                           and (k not in old_actions or old_actions[k].status != "done")),
        actions_added=tuple(a for k, a in new_actions.items() if k not in old_actions),
        actions_removed=tuple(a for k, a in old_actions.items() if k not in new_actions),
    )
