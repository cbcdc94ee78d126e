"""Plan checks (DOMAIN.md §3): is the plan clear to a parent and sharp enough to measure
change? Pure rules over `cintui.domain.plan` values; each problem names its source rule.

- WIR 2.3: every Amber (and Red) has an outcome, an action, an owner and a date.
- WIR 2.4: a worry carries evidence that can be counted ("how many appointments missed in
  which timeframe"), in what is happening now or in its evidence.
- TRA / WAR 8.1 (SMART): actions are time-bound (not past their date and undone) and
  outcomes observable ("improve", "engage" with no measure says nothing to check against).
- STO 4.4: a need says what must change for the child, not which service to attend.
- BEX 2: plain language, no jargon or acronyms (word list: data/plain_words.json, passed
  in by the caller so this module reads no files).
- WIR 2.7, TRA: objectives, a lead professional and a review date.
- WIR 2.5: the child's views.
- BEX 3: the bottom lines and "what action may be taken if the plan is not successful";
  STO 6.3: an exit strategy (what "good enough" looks like for the plan to end).

Also the difference between two versions (`diff_versions`), for "what changed".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from cintui.domain.dates import day_words
from cintui.domain.family_text import shorten_at_word
from cintui.domain.plan import RAG_NAMES, Need, PlanAction, PlanVersion
from cintui.domain.records import Record, replace


class PlanProblem(Record):  # Records, not frozen dataclasses: ~1 ms of `plan show`'s start
    """One thing to fix before the plan is clear and SMART."""

    check: str  # short id, e.g. "amber_no_outcome"
    rule: str  # source key, e.g. "WIR 2.3"
    message: str  # for the worker, naming the need or action and the rule
    need: int | None = None  # 0-based index into version.needs
    action: int | None = None  # 0-based, within the need
    field: str = ""  # the field to fix: "outcome", "who", "by_when", "now", ...


def passes(problems: Iterable[PlanProblem]) -> bool:
    """True when the checks found nothing."""
    return not any(True for _ in problems)


# ---------------------------------------------------------------- outcome: observable?
#
# The SMART heuristic (TRA, WAR 8.1). An outcome is *measured* when it carries something
# to count or see: a number or percentage ("95%", "3 times"), a frequency ("every",
# "each", "weekly", "most days"), an absolute ("no", "never", "always", "at least") or a
# named way of knowing ("shown on the register", "Leo says", "teachers report", "seen at
# visits"). It is *time-bound* when it names when ("by March", "by the next review",
# "within 6 weeks"). It is *vague* when it leans on words that describe effort rather
# than change ("improve", "engage", "better", "support", "work with", "be aware",
# "address", "monitor", "appropriate").
#
# Flagged: a vague outcome with no measure (a date alone does not make "things will
# improve" checkable), and an Amber or Red outcome with neither a measure nor a time.
# A concrete, dated outcome ("Jude has a dental check by the next review") passes. The
# heuristic errs towards not nagging: any digit counts as a measure.

_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|"
           r"november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec")
_MEASURE = re.compile(
    r"\d|%|\b(?:every|each|daily|weekly|fortnightly|monthly|termly|nightly|times?|twice|"
    r"once|most (?:days|nights|weeks|mornings|evenings)|no|none|never|always|at least|"
    r"no more than|fewer than|more than|less than|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|"
    r"registers?|records?|reports?|says?|said|tells?|told|shows?|shown|seen|observed|"
    r"checked|agrees?|confirms?|scores?|chart|diary)\b", re.IGNORECASE)
_TIME = re.compile(
    rf"\b(?:by|before|until|within|from|in|at) (?:the )?(?:end|next|start|{_MONTHS}|"
    r"\w+ (?:review|meeting|term|half term|holidays?|weeks|months)|christmas|easter|summer)\b",
    re.IGNORECASE)
_VAGUE = re.compile(
    r"\b(?:improve[sd]?|improving|improvements?|engage[sd]?|engaging|engagement|better|"
    r"support(?:s|ed|ing)?|work(?:s|ing)? with|be aware|aware(?:ness)?|address(?:es|ed|ing)?|"
    r"monitor(?:s|ed|ing)?|consider|explore|continue to|maintain|appropriate(?:ly)?|"
    r"good enough|positive|progress)\b", re.IGNORECASE)


def outcome_is_observable(outcome: str, *, worry: bool = True) -> bool:
    """False when the outcome says nothing anyone could count, see or date (the
    heuristic above). A blank outcome is reported by its own check, not here."""
    if not outcome.strip() or _MEASURE.search(outcome):
        return True
    if _VAGUE.search(outcome):
        return False
    return not worry or bool(_TIME.search(outcome))


# ---------------------------------------------------------------- need as a service
#
# STO 4.4: column 1 written as a service to use ("Mum to attend a parenting course",
# "Referral to CAMHS", "Engage with the family support worker") instead of what is
# happening for the child. Some verbs always frame a service ("access", "engage with",
# "be referred"); others ("attend", "complete", "take part in", "go to") only with a
# service word after them, so "Leo to attend school every day" is not flagged.

_SUBJECT = (r"(?:(?:[\w'’]+\s+)?[\w'’]+(?:\s+(?:and|&)\s+[\w'’]+)?\s+"
            r"(?:to|will|should|must|needs?\s+to|is\s+to|are\s+to|has\s+to|have\s+to|agrees?\s+to)\s+)?")
_SERVICE_ALWAYS = re.compile(
    rf"^\s*{_SUBJECT}(?:access|engage (?:with|in)|be referred|be signposted|referral|"
    r"refer(?:red)? (?:to|for)|sign up (?:to|for)|accept (?:a |the )?(?:referral|support|"
    r"service))\b", re.IGNORECASE)
_SERVICE_VERB = re.compile(
    rf"^\s*{_SUBJECT}(?:attend|complete|take part in|go to|start|continue (?:to attend|with)|"
    r"use|receive|have)\b", re.IGNORECASE)
_SERVICE_NOUN = re.compile(
    r"\b(?:courses?|programmes?|programs?|sessions?|services?|referrals?|groups?|"
    r"counselling|therapy|therapist|appointments?|clinic|camhs|cyp ?mhs|worker|"
    r"assessments?|support|classes|workshops?|parenting|intervention|keywork)\b",
    re.IGNORECASE)
# Column 1 that is nothing but the name of a service: "Parenting course", "CAMHS referral".
_SERVICE_ONLY = re.compile(
    r"^\s*(?:an? |the )?(?:[\w'’-]+ ){0,3}(?:course|programme|referral|counselling|"
    r"therapy|sessions|service)\s*(?:for (?:mum|dad|parents?|carers?|the family|"
    r"[\w'’]+))?\s*[.!]?\s*$", re.IGNORECASE)


def need_is_a_service(now: str) -> bool:
    """True when column 1 names a service to use rather than what must change for the
    child (STO 4.4)."""
    if _SERVICE_ALWAYS.search(now) or _SERVICE_ONLY.search(now):
        return True
    verb = _SERVICE_VERB.search(now)
    return bool(verb and _SERVICE_NOUN.search(now, verb.end()))


# ---------------------------------------------------------------- jargon (BEX 2)

_Compiled = tuple[list[tuple[re.Pattern, dict[str, str]]], frozenset[str] | None]
_PATTERNS: dict[int, tuple[Mapping[str, str], _Compiled]] = {}


def _acronym(term: str) -> bool:
    """Matched as written: two or more capitals ("CAMHS", "SENCo", "ACEs", "DNA'd").
    Everything else ("s47", "toxic trio") matches in any case."""
    return sum(c.isupper() for c in term) >= 2


def _patterns(jargon: Mapping[str, str]) -> _Compiled:
    """Two alternations per word list, compiled once per list: acronyms as written (with
    a plural or possessive: "EHCPs", "CAMHS's"), words and phrases in any case."""
    cached = _PATTERNS.get(id(jargon))
    if cached is not None and cached[0] is jargon:
        return cached[1]
    terms = [t for t in jargon if t.strip()]
    exact = {t: t for t in terms if _acronym(t)}
    loose = {t.lower(): t for t in terms if not _acronym(t)}
    out = []
    for found, flags, tail in ((exact, 0, r"(?:s|'s|’s)?"), (loose, re.IGNORECASE, "")):
        if found:
            body = "|".join(re.escape(t) for t in sorted(found, key=len, reverse=True))
            out.append((re.compile(rf"(?<![\w-])(?P<t>{body}){tail}(?![\w-])", flags), found))
    if len(_PATTERNS) > 32:  # lists made on the fly (tests, callers): do not grow forever
        _PATTERNS.clear()
    _PATTERNS[id(jargon)] = (jargon, (out, _first_words(exact, loose)))
    return _PATTERNS[id(jargon)][1]


_WORD = re.compile(r"\w+")


def _first_words(exact: Mapping[str, str], loose: Mapping[str, str]) -> frozenset[str] | None:
    """The first word of every term, lower-cased (with an acronym's plural): a text with none
    of them among its words cannot hold a term, and is not searched (the reports check
    thousands of plans). None when some term starts with no word at all: always search."""
    firsts: set[str] = set()
    for term, plural in [(t, True) for t in exact] + [(t, False) for t in loose]:
        words = _WORD.findall(term.lower())
        if not words or not term[:1].isalnum():
            return None
        firsts.add(words[0])
        if plural and len(words) == 1:
            firsts.add(words[0] + "s")
    return frozenset(firsts)


def jargon_in(text: str, jargon: Mapping[str, str]) -> list[tuple[str, str]]:
    """(term, plain alternative) for each term of `jargon` in `text`, first seen first."""
    hits: dict[str, tuple[int, str]] = {}
    patterns, firsts = _patterns(jargon)
    if firsts is not None and firsts.isdisjoint(_WORD.findall(text.lower())):
        return []
    for pattern, terms in patterns:
        for match in pattern.finditer(text):
            found = match.group("t")
            term = terms.get(found) or terms.get(found.lower())
            if term is not None and term not in hits:
                hits[term] = (match.start(), jargon[term])
    return [(term, plain) for term, (_, plain) in sorted(hits.items(), key=lambda h: h[1][0])]


# ---------------------------------------------------------------- the checks


# Each check in a few words, one and many, for a list of plans (the team view's p), where
# the whole message ("Need 1, action 1 “Keep a bedtime chart…” has no owner…") was cut
# before what is wrong.
SHORT = {
    "no_needs": ("no needs", "no needs"), "no_objectives": ("no objectives", "no objectives"),
    "no_lead": ("no lead professional", "no lead professional"),
    "no_review_date": ("no review date", "no review date"),
    "no_childs_voice": ("no child's views", "no child's views"),
    "no_bottom_lines": ("no bottom lines", "no bottom lines"),
    "no_contingency": ("no contingency", "no contingency"),
    "no_exit": ("no exit strategy", "no exit strategy"),
    "need_no_text": ("a need blank", "{n} needs blank"),
    "amber_no_outcome": ("a worry without an outcome", "{n} worries without an outcome"),
    "amber_no_action": ("a worry without an action", "{n} worries without an action"),
    "outcome_not_observable": ("an outcome not measurable", "{n} outcomes not measurable"),
    "worry_no_evidence": ("a worry without evidence", "{n} worries without evidence"),
    "need_as_service": ("a need named as a service", "{n} needs named as a service"),
    "action_no_owner": ("an action without an owner", "{n} actions without an owner"),
    "action_no_date": ("an action without a date", "{n} actions without a date"),
    "action_overdue": ("an action overdue", "{n} actions overdue"),
    "jargon": ("jargon", "jargon ×{n}"),
}


def in_short(problems: Iterable[PlanProblem]) -> str:
    """What the checks found, a few words a check, in the order found: "2 actions without an
    owner, no child's views"."""
    counts: dict[str, int] = {}
    for p in problems:
        counts[p.check] = counts.get(p.check, 0) + 1
    words = []
    for check, n in counts.items():
        one, many = SHORT.get(check, (check.replace("_", " "), check.replace("_", " ")))
        words.append(one if n == 1 else many.format(n=n))
    return ", ".join(words)


def _quote(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    if not text:
        return "(blank)"
    return f"“{shorten_at_word(text, width)}”"


def _need_name(i: int, need: Need) -> str:
    return f"Need {i + 1} {_quote(need.now)}" if need.now.strip() else f"Need {i + 1}"


def check_plan(version: PlanVersion, today: date, jargon: Mapping[str, str] | None = None,
               *, child: str = "") -> list[PlanProblem]:
    """Every problem in the version, plan-wide first, then need by need in order.

    `jargon` is term -> plain alternative (`cintui.plain_words.load_plain_words()`);
    `child` is the child's first name, used in the messages ("the child" without it)."""
    jargon = jargon or {}
    who = child.strip() or "the child"
    if version.ended_on is not None:  # WIR 3, TRA: judged as it stood when it ended
        found = _checks(version, min(today, version.ended_on), jargon, who)
        return [replace(p, message=lacked(p)) for p in found]
    return _checks(version, today, jargon, who)


# Where a check's finding ends and what to do about it begins: an ended plan is never
# re-opened to be fixed, so its checks say only what it lacked (`lacked`).
_TO_DO = {"jargon": "; say ", "outcome_not_observable": " — say "}
_OVERDUE = re.compile(r" \(\d+ days? ago\) and is not done$")


def lacked(problem: PlanProblem) -> str:
    """A check's finding on an ended plan as what the plan lacked when it ended, with no
    to-do the worker cannot do: "No bottom lines (BEX 3).", "Need 1, action 1 “Find a
    club…” was due 20 Sep 2026 and was not done when the plan ended (TRA)."."""
    text = problem.message
    cut = text.rfind(_TO_DO.get(problem.check, ": "))
    if cut < 0:  # no to-do in it ("The plan does not say what will happen …"): its rule off
        cut = text.rfind(" (")
    finding = _OVERDUE.sub(" and was not done when the plan ended", text[:cut].rstrip("."))
    return f"{finding.replace(' no needs yet', ' no needs')} ({problem.rule})."


def _checks(version: PlanVersion, today: date, jargon: Mapping[str, str],
            who: str) -> list[PlanProblem]:
    out: list[PlanProblem] = []
    if not version.needs:
        out.append(PlanProblem("no_needs", "BEX 2", "The plan has no needs yet: add what is "
                               f"happening for {who} now and what must change (BEX 2).",
                               field="needs"))
    if not version.objectives.strip():
        out.append(PlanProblem("no_objectives", "WIR 2.7", "No overall objectives: say what "
                               "the plan is for, in a sentence the family would use (WIR 2.7).",
                               field="objectives"))
    if not version.lead_professional.strip():
        out.append(PlanProblem("no_lead", "WIR 2.7", "No lead professional: name who holds "
                               "the plan (WIR 2.7).", field="lead_professional"))
    if version.next_review is None and version.ended_on is None:  # WIR 3: ended, no review
        out.append(PlanProblem("no_review_date", "TRA", "No review date: every plan says when "
                               "it will be reviewed (TRA, WIR 2.7).", field="next_review"))
    if not version.childs_views.strip():
        out.append(PlanProblem("no_childs_voice", "WIR 2.5", f"{who[0].upper() + who[1:]}'s "
                               f"views are missing: what {who} said, or what was observed "
                               "for a young child (WIR 2.5).", field="childs_views"))
    if not version.bottom_lines.strip():
        out.append(PlanProblem("no_bottom_lines", "BEX 3", "No bottom lines: say what is "
                               "essential, and not negotiable, for the help to stay support "
                               "and not become protection, and why (BEX 3).",
                               field="bottom_lines"))
    if not version.if_not_met.strip():
        out.append(PlanProblem("no_contingency", "BEX 3", "The plan does not say what will "
                               "happen if it is not successful and the needs are not met "
                               "(BEX 3).", field="if_not_met"))
    if not version.good_enough.strip():
        out.append(PlanProblem("no_exit", "STO 6.3", "No exit: say what “good enough” will "
                               f"look like for {who}, so everyone knows when the plan can end "
                               "(STO 6.3).", field="good_enough"))
    plan_wide = [("objectives", "Objectives", version.objectives),
                 ("lived_experience", "Lived experience", version.lived_experience),
                 ("review_arrangements", "Review arrangements", version.review_arrangements),
                 ("bottom_lines", "Bottom lines", version.bottom_lines),
                 ("if_not_met", "If the plan does not work", version.if_not_met),
                 ("good_enough", "Good enough", version.good_enough)]
    plan_wide += [("services", f"Service {_quote(s.name, 30)}", s.purpose)
                  for s in version.services]
    for field, place, text in plan_wide:
        for term, plain in jargon_in(text, jargon):
            out.append(PlanProblem("jargon", "BEX 2", f"{place}: “{term}” is jargon; say "
                                   f"“{plain}” (BEX 2).", field=field))
    for i, need in enumerate(version.needs):
        out.extend(_need_problems(i, need, today, jargon, who))
    return out


def _need_problems(i: int, need: Need, today: date, jargon: Mapping[str, str],
                   who: str) -> list[PlanProblem]:
    name = _need_name(i, need)
    out: list[PlanProblem] = []
    worry = need.rag in ("A", "R")
    rating = RAG_NAMES.get(need.rag, need.rag)
    if not need.now.strip():
        out.append(PlanProblem("need_no_text", "BEX 2", f"{name} is blank: say what is "
                               f"happening for {who} now (BEX 2).", i, field="now"))
    if worry and not need.outcome.strip():
        out.append(PlanProblem("amber_no_outcome", "WIR 2.3", f"{name} is {rating} but has no "
                               f"outcome: say what will be different for {who} and how "
                               "everyone will know (WIR 2.3).", i, field="outcome"))
    if worry and not need.actions:
        out.append(PlanProblem("amber_no_action", "WIR 2.3", f"{name} is {rating} but has no "
                               "action: who will do what to support change, by when "
                               "(WIR 2.3).", i, field="actions"))
    if not outcome_is_observable(need.outcome, worry=worry):
        out.append(PlanProblem("outcome_not_observable", "TRA", f"{name}: the outcome "
                               f"{_quote(need.outcome, 40)} has nothing to observe or count — "
                               "say how much, how often, how everyone will know and by when "
                               "(SMART: TRA, WAR 8.1).", i, field="outcome"))
    if worry and need.now.strip() and not (_MEASURE.search(need.now)
                                           or _MEASURE.search(need.evidence)):
        out.append(PlanProblem("worry_no_evidence", "WIR 2.4", f"{name} is {rating} but "
                               "nothing in it can be counted: give the evidence — how many, "
                               "how often, since when (WIR 2.4).", i, field="evidence"))
    if need_is_a_service(need.now):
        out.append(PlanProblem("need_as_service", "STO 4.4", f"{name} names a service to use, "
                               f"not what must change for {who}: write what is happening for "
                               f"{who} now, and put the service in column 3 (STO 4.4).",
                               i, field="now"))
    for field in ("now", "outcome", "evidence"):
        for term, plain in jargon_in(getattr(need, field), jargon):
            out.append(PlanProblem("jargon", "BEX 2", f"{name}: “{term}” is jargon; say "
                                   f"“{plain}” (BEX 2).", i, field=field))
    for j, action in enumerate(need.actions):
        out.extend(_action_problems(i, j, action, today, jargon))
    return out


def _action_problems(i: int, j: int, action: PlanAction, today: date,
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
        days = "1 day" if late == 1 else f"{late} days"
        out.append(PlanProblem("action_overdue", "TRA", f"{what} was due "
                               f"{day_words(action.by_when)} ({days} ago) and is not done: "
                               "update its status or agree a new date (TRA).", i, j, "by_when"))
    for term, plain in jargon_in(action.what, jargon):
        out.append(PlanProblem("jargon", "BEX 2", f"{what}: “{term}” is jargon; say "
                               f"“{plain}” (BEX 2).", i, j, "what"))
    return out


# ---------------------------------------------------------------- versions compared


def _rag(rating: str) -> str:
    return RAG_NAMES.get(rating, rating)


class PlanDiff(Record):
    """What changed between two versions of a plan (needs and actions matched by key)."""

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
        """One plain line per change: needs added and removed, ratings, actions."""
        lines = [f"Added: {_quote(n.now, 70)} ({_rag(n.rag)})" for n in self.added]
        lines += [f"Removed: {_quote(n.now, 70)}" for n in self.removed]
        lines += [f"{_rag(old)} → {_rag(new)}: {_quote(n.now, 60)}"
                  for n, old, new in self.rag_changes]
        lines += [f"Done: {_quote(a.what, 60)} ({a.who.strip() or 'no owner'})"
                  for a in self.actions_done]
        lines += [f"New action: {_quote(a.what, 60)} ({a.who.strip() or 'no owner'})"
                  for a in self.actions_added]
        lines += [f"Action dropped: {_quote(a.what, 60)}" for a in self.actions_removed]
        return lines


def diff_versions(old: PlanVersion, new: PlanVersion) -> PlanDiff:
    """What changed from `old` to `new`: needs matched by `Need.key`, actions by
    `PlanAction.key` across the whole plan (an action moved to another need is neither
    added nor removed). An action is "done" when it became done, or arrived done."""
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
