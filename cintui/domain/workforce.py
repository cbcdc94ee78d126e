"""The people who use cintui and their caseloads: roles, who may take a manager's step,
the checks on a new team or worker, leaving, reallocating a child. Pure rules the set-up
(casework.admin), the endings and the reports share."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from cintui.domain.dates import day_words
from cintui.domain.people import InvalidContact, check_email
from cintui.domain.roles import ROLE_LABELS, ROLES, role_label
from cintui.domain.text import counted, did_you_mean, folded

TYPICAL_CASELOAD = range(15, 22)  # WAR 3.5 / 6.2.1: about 15, county average 16-21

# TRA, BEX 3, WIR 3, BEX 4: the team manager decides (closure, step-down, transfer,
# reallocation); a service manager may too, and settles a dispute escalated to them.
MANAGER_ROLES = ("team_manager", "service_manager")
CASE_HOLDING_ROLES = ("social_worker", "senior_practitioner")  # WIR 2.3: lead professional
HOLDER_ROLES = CASE_HOLDING_ROLES + MANAGER_ROLES  # a manager may hold a few children
# Short names a worker may type for a role (besides its label and code).
ROLE_ALIASES = {
    "sw": "social_worker", "sp": "senior_practitioner", "tm": "team_manager",
    "sm": "service_manager", "iro": "reviewing_officer", "qa": "reviewing_officer",
    "independent reviewer": "reviewing_officer", "quality assurance": "reviewing_officer",
    "independent reviewing officer": "reviewing_officer", "bs": "business_support",
    "business support": "business_support",
}
USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,63}")
LA_NUMBER = re.compile(r"\d{3}")


@dataclass(frozen=True)
class Problem:
    """Something wrong with what was typed; `field` names the input, `message` says why."""

    field: str
    message: str


@dataclass(frozen=True)
class WorkerSummary:
    username: str
    name: str
    role: str
    team: str
    open_children: int


def typical_worker(workers: list[WorkerSummary]) -> WorkerSummary | None:
    """A social worker with a typical caseload (to open a demo store as), else the busiest."""
    social = [w for w in workers if w.role == "social_worker"]
    typical = [w for w in social if w.open_children in TYPICAL_CASELOAD]
    if typical:
        return typical[0]
    return max(social, key=lambda w: w.open_children, default=None)


# ---------------------------------------------------------------- roles


MEANT_CUTOFF = 0.8  # difflib's ratio for a typo: "amirra" and "amira" are 0.91
MEANT_BAND = 0.1  # others this near the closest are offered with it, never passed over
_PARTS = re.compile(r"[\s._-]+")


def _name_keys(username: str, name: str | None) -> set[str]:
    """What a worker may be typed as: their username, their name, and each part of them
    ("amira", "ashdown")."""
    whole = {folded(username), " ".join(folded(name or "").split())} - {""}
    return whole | {part for key in whole for part in _PARTS.split(key) if len(part) >= 2}


def workers_meant(asked: str, workers: Iterable[tuple[str, str | None]],
                  most: int = 3) -> list[str]:
    """The usernames `asked` was likely meant as, the likeliest first: a typo of a username
    ("amira.ashdwn"), of a worker's name, or of one part of either, a first name or a
    surname ("amirra", "ashdon"). Each is scored by difflib's closest ratio of what was typed
    (whole, or a part of 3 letters or more) to the worker's keys (`_name_keys`); those
    within `MEANT_BAND` of the best are offered together (two Amiras: both), at most `most`,
    so one is offered alone only when it is clearly the closest. Empty: none is close."""
    from difflib import SequenceMatcher

    wanted = " ".join(folded(asked).split())
    if not wanted:
        return []
    tries = {wanted} | {part for part in _PARTS.split(wanted) if len(part) >= 3}
    scores: dict[str, tuple[float, float]] = {}
    for username, name in workers:
        best = 0.0
        for key in _name_keys(username, name):
            for typed in tries:
                matcher = SequenceMatcher(None, typed, key)
                if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
                    best = max(best, matcher.ratio())
        if best >= MEANT_CUTOFF:  # ties: the closest to all that was typed first
            whole = max(SequenceMatcher(None, wanted, key).ratio()
                        for key in (folded(username), folded(name or "")))
            scores[username] = (best, whole)
    if not scores:
        return []
    top = max(best for best, _whole in scores.values())
    near = [u for u, (best, _whole) in scores.items() if best >= top - MEANT_BAND]
    return sorted(near, key=lambda u: (-scores[u][0], -scores[u][1], u))[:most]


def no_worker_called(label: str, asked: str, workers: Iterable[tuple[str, str | None]]
                     ) -> str:
    """"no worker called 'amirra' (did you mean 'amira.ashdown'?)", as every refusal of a
    worker says it (`label`: "--as", "CINTUI_USER", "worker"…)."""
    return f"{label}: no worker called {asked!r}{did_you_mean(workers_meant(asked, workers))}"


WHO_CAN_ACT = "name a worker on this store (`cintui worker list` lists them)"


def left_already(label: str, asked: str,
                 leavers: Iterable[tuple[str, str | None, date | None]],
                 then: str = WHO_CAN_ACT) -> str | None:
    """Why `asked` (a username or name) cannot act: a worker who has left (`leavers`: each
    one's username, name and the day they left), when, and `then` what to do (who can act;
    "" when the caller says it); None: no leaver is."""
    wanted = asked.strip().lower()
    for username, name, left_on in leavers:
        if wanted in (username.lower(), (name or "").strip().lower()):
            when = f"left on {day_words(left_on)}" if left_on else "has left"
            who = f"{name} ({username})" if name else username
            return f"{label}: {who} {when} and cannot act now" + (f": {then}" if then else "")
    return None


def not_a_worker(label: str, asked: str, workers: Iterable[tuple[str, str | None]],
                 left: Iterable[tuple[str, str | None, date | None]] = (),
                 then: str = WHO_CAN_ACT) -> str | None:
    """Why `asked`, given as `label` (`--as`, `CINTUI_USER`), is not who acts: no worker on
    the store has that username (`workers`: each one's username and name), in one line as
    every worker refusal says it: a worker who has left (`left`) says when (and `then`, who
    can act); a worker's name is answered with their username, else the username likely
    meant is offered. None: it is a worker's username."""
    workers = list(workers)
    if any(username == asked for username, _name in workers):
        return None
    if (gone := left_already(label, asked, left, then)) is not None:
        return gone
    meant = {name.lower(): username for username, name in workers if name}.get(asked.lower())
    if meant is not None:
        return f"{label}: {asked!r} is a name: give their username ({meant!r})"
    return no_worker_called(label, asked, workers)


def _words(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def parse_role(text: str) -> str | None:
    """The role code for what a worker typed ("team manager", "team_manager", "TM"), or
    None when it names no role."""
    wanted = _words(text)
    for code, label in ROLE_LABELS.items():
        if wanted in (_words(code), _words(label)):
            return code
    return ROLE_ALIASES.get(wanted)


def role_choices() -> str:
    return ", ".join(_words(code) for code in ROLES)


def _in_a_sentence(role: str) -> str:
    label = role_label(role)
    return label[:1].lower() + label[1:]


def a_role(role: str) -> str:
    """"a social worker", "an independent reviewing / QA officer"."""
    label = _in_a_sentence(role)
    return f"{'an' if label[:1] in 'aeiou' else 'a'} {label}"


def needs_role(who: str, role: str, allowed: Iterable[str] = MANAGER_ROLES) -> str | None:
    """None when someone with `role` may take the step; else the refusal, naming the role
    needed and theirs: "needs a team manager or service manager; amira.ashdown is a social
    worker". `role` is "" for someone who is not a worker on the store."""
    allowed = tuple(allowed)
    if role in allowed:
        return None
    labels = [_in_a_sentence(r) for r in allowed]
    needed = " or ".join(filter(None, (", ".join(labels[:-1]), labels[-1])))
    now = f"is {a_role(role)}" if role else "is not a worker on this store"
    return f"needs {'an' if needed[:1] in 'aeiou' else 'a'} {needed}; {who or 'you'} {now}"


# ---------------------------------------------------------------- the authority


def check_la_number(text: str) -> str | None:
    """The problem with a DfE LA number (three digits, e.g. 820), or None."""
    if not text.strip():
        return "give the DfE LA number (three digits, e.g. 820)"
    if not LA_NUMBER.fullmatch(text.strip()):
        return f"{text.strip()!r} is not a DfE LA number (three digits, e.g. 820)"
    return None


def check_authority(name: str, la_number: str) -> list[Problem]:
    problems = []
    if not name.strip():
        problems.append(Problem("name", "give the authority's name"))
    elif len(name.strip()) > 200:
        problems.append(Problem("name", "the name is longer than 200 characters"))
    if (problem := check_la_number(la_number)) is not None:
        problems.append(Problem("la", problem))
    return problems


# ---------------------------------------------------------------- teams and workers


def check_team(name: str, service: str = "") -> list[Problem]:
    problems = []
    if not name.strip():
        problems.append(Problem("name", "give the team's name"))
    elif len(name.strip()) > 120:
        problems.append(Problem("name", "a team's name is 120 characters at most"))
    if len(service.strip()) > 120:
        problems.append(Problem("service", "a service's name is 120 characters at most"))
    return problems


def check_username(text: str) -> str | None:
    """The problem with a username (what a worker signs in as: amira.ashdown), or None."""
    value = text.strip()
    if not value:
        return "give a username, e.g. amira.ashdown"
    if not USERNAME.fullmatch(value.lower()):
        if " " in value and USERNAME.fullmatch(like := username_like(value)):
            # A full name typed where the username goes: say what the username could be.
            return (f"{value!r} is not a username but a name: {like}, for instance, is a "
                    "username (the name goes under Full name)")
        return (f"{value!r} is not a username: 2 to 64 letters, digits, dots, hyphens or "
                "underscores, starting with a letter (e.g. amira.ashdown)")
    return None


def username_like(name: str) -> str:
    """A username made from a person's name as councils make them: "Mo Manager" →
    mo.manager, "Zoë O'Neil-Ward" → zoe.oneil-ward."""
    words = (re.sub(r"[^a-z0-9_-]", "", word) for word in folded(name).split())
    return ".".join(word for word in words if word)


def check_worker(username: str, name: str, role: str, email: str = "") -> list[Problem]:
    """A worker's details as typed: username, full name, a role code (`parse_role` first),
    an email address when given."""
    problems = []
    if (problem := check_username(username)) is not None:
        problems.append(Problem("username", problem))
    if not name.strip():
        problems.append(Problem("name", "give the worker's full name"))
    elif len(name.strip()) > 120:
        problems.append(Problem("name", "a name is 120 characters at most"))
    if role not in ROLES:
        problems.append(Problem("role", f"{role!r} is not a role: choose one of "
                                + role_choices()))
    if email.strip():
        try:
            check_email(email)
        except InvalidContact as exc:
            problems.append(Problem("email", exc.problem))
    return problems


def check_leaving(username: str, left_on: date | None, today: date,
                  open_children: int) -> list[Problem]:
    """A worker leaves on a date not in the future; their open children are reallocated
    first, so no child is left without a worker."""
    problems = []
    if left_on is None:
        problems.append(Problem("on", "give the date they left"))
    elif left_on > today:
        problems.append(Problem("on", f"{day_words(left_on)} is in the future"))
    if open_children:
        held = counted(open_children, "open child", "open children")
        problems.append(Problem("worker", f"{username} still holds {held}: reallocate them "
                                "first (cintui child reallocate CHILD --to WORKER, or a in the "
                                "team view)"))
    return problems


# ---------------------------------------------------------------- reallocation


@dataclass(frozen=True)
class ReallocationFact:
    """A child moved from one worker to another (a store `reallocation` row)."""

    on: date
    to_worker: str
    from_worker: str = ""  # "" when the child had no worker
    by: str = ""
    reason: str = ""
    ref: str = ""


def check_receiver(to: str, role: str, active: bool) -> list[Problem]:
    """The worker children are reallocated to: still working here, in a role that holds
    children (`HOLDER_ROLES`)."""
    if not active:
        return [Problem("to", f"{to} has left: choose someone working here now")]
    if (problem := needs_role(to, role, HOLDER_ROLES)) is not None:
        return [Problem("to", f"holding a child {problem}")]
    return []


def check_reallocation(on: date | None, today: date, *, referral: date | None,
                       same_worker: bool, to: str) -> list[Problem]:
    """One child to another worker (not the one holding them already), on a date not in the
    future nor before the child's referral."""
    problems = []
    if same_worker:
        problems.append(Problem("to", f"already allocated to {to}"))
    if on is None:
        problems.append(Problem("on", "give the date of the reallocation"))
    elif on > today:
        problems.append(Problem("on", f"{day_words(on)} is in the future"))
    elif referral is not None and on < referral:
        problems.append(Problem("on", f"{day_words(on)} is before the referral ({day_words(referral)})"))
    return problems


