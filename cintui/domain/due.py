"""What is due: every running clock, plan action and missing consent for a set of children,
grouped the way a worker plans a week (overdue / today / this week / next two weeks).

Pure: the items are built from the timescale engine's deadlines (DOMAIN.md §6), the plan's
own "by when" dates (WIR 2.3) and the consent rules (WAR 4.2, WIR 2.1); `today` is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from cintui.domain.calendar import WorkingCalendar, add_months
from cintui.domain.consent import OWN_NOT_GIVEN, consent_command, service_flags_said
from cintui.domain.dates import day_short, day_words
from cintui.domain.no_change import NO_CHANGE_MONTHS
from cintui.domain.records import Record, replace
from cintui.domain.timescales import Deadline, DueState

# Where Enter takes the worker for each kind of item: the visit form, the child's meetings,
# the plan (at the need the action belongs to), the consent tab, or the record's summary.
TARGETS = {
    "visit": "visit",
    "initial_meeting": "meetings", "first_review": "meetings", "review": "meetings",
    "transfer_in_meeting": "meetings", "minutes": "meetings", "plan_circulation": "meetings",
    "plan_action": "plan",
    "consent": "consent",
    "closure_notification": "closure",  # the closure screen: `t` family told (BEX 3)
    "turns_18": "closure",  # s17(10): the case ends at 18, closed or on to adult services
    "step_down": "step_down",  # the step-down screen: `x` complete (WIR 3)
    "supervision_action": "supervision",  # the child's supervision (STO 8.5)
    # WAR 7.2.1: short breaks and direct payments, on the child's short-breaks screen.
    "short_break_review": "short_breaks", "direct_payment_review": "short_breaks",
    "agreement_visit": "meetings",  # TRA: a parent absent from a review, visited
    # WIR 2.3: the record's Summary says it, and `D` records the conference considered.
    "no_change": "no_change",
}
GROUPS = ("overdue", "today", "this_week", "next_two_weeks", "later")
GROUP_LABELS = {
    "overdue": "Overdue", "today": "Due today", "this_week": "This week",
    "next_two_weeks": "Next two weeks", "later": "Later",
}
KIND_LABELS = {  # short names for counting items by kind (the team view, `cintui due`)
    "visit": "Visits", "initial_meeting": "Initial meetings", "first_review": "Reviews",
    "review": "Reviews", "transfer_in_meeting": "Transfer-in meetings", "minutes": "Minutes",
    "plan_circulation": "Plan circulation", "plan_action": "Plan actions",
    "consent": "Consent", "assessment": "Assessments", "support_start": "Support start",
    "closure_notification": "Closure letters", "step_down": "Step-downs",
    "direct_payment_review": "Direct payments", "short_break_review": "Short breaks",
    "supervision_action": "Supervision actions",
    "agreement_visit": "Agreement visits",
    "no_change": "Conferences to consider",  # WIR 2.3: child protection conferences
    "turns_18": "Turning 18",  # s17(10)
}
OPEN_ACTION_STATUSES = ("not_started", "in_progress")


class ChildRef(Record):
    """Who an item is about and whose it is."""

    id: str
    reference: str
    name: str
    worker: str = ""
    worker_username: str = ""
    team: str = ""


class ActionFact(Record):
    """An action in the plan in force (WIR 2.3: who does what by when)."""

    what: str
    who: str
    by_when: date
    status: str
    need_key: str
    need: str = ""  # the worry it answers, for context
    source: str = "plan"  # "plan"; "supervision": agreed in supervision (STO 8.5);
    # "agreement_visit": a parent absent from a review, visited to gain agreement (TRA)


class DueItem(Record):
    child: ChildRef
    key: str  # a timescale key, "plan_action" or "consent"
    label: str  # "Next visit"
    due: date | None  # None: needed now (no valid consent)
    state: DueState
    working_days_left: int  # negative when overdue
    rule: str
    source: str
    detail: str = ""  # the action's words, the anchor event
    need_key: str | None = None  # plan actions: the need to open the plan at
    # Shown whatever the window (`group_items`): something to do long before its date
    # (WAR 4.2: planning for adulthood from the 17th birthday, `turning_18`).
    pinned: bool = False
    goes_to: str = ""  # where Enter goes, when not where its kind goes (`TARGETS`)
    # consent: those with parental responsibility on the child's People (`consent_command`)
    parents: tuple[str, ...] = ()

    @property
    def target(self) -> str:
        return self.goes_to or TARGETS.get(self.key, "summary")

    @property
    def kind(self) -> str:
        return KIND_LABELS.get(self.key, self.label)


@dataclass
class DueGroups:
    today: date
    groups: dict[str, list[DueItem]] = field(default_factory=dict)

    def items(self) -> list[DueItem]:
        return [item for g in GROUPS for item in self.groups.get(g, [])]

    def count(self, group: str) -> int:
        return len(self.groups.get(group, []))


def from_deadline(child: ChildRef, d: Deadline) -> DueItem:
    return DueItem(child=child, key=d.key, label=d.label, due=d.due, state=d.state,
                   working_days_left=d.working_days_left, rule=d.rule, source=d.source,
                   detail=f"from {d.anchor_label}")


def action_items(child: ChildRef, actions: Iterable[ActionFact], today: date,
                 cal: WorkingCalendar, due_soon_working_days: int) -> list[DueItem]:
    """Actions in the plan in force, and those agreed in supervision (STO 8.5), still open
    (not started or in progress) with a date."""
    out = []
    for a in actions:
        if a.status not in OPEN_ACTION_STATUSES:
            continue
        left = cal.working_days_between(today, a.by_when)
        state = (DueState.OVERDUE if a.by_when < today else DueState.DUE_TODAY
                 if a.by_when == today else DueState.DUE_SOON
                 if left <= due_soon_working_days else DueState.UPCOMING)
        who = f" ({a.who})" if a.who else ""
        if a.source == "supervision":  # STO 8.5: care planning in supervision, no drift
            out.append(DueItem(
                child=child, key="supervision_action", label="Supervision action",
                due=a.by_when, state=state, working_days_left=left,
                rule="by the date agreed in supervision", source="STO 8.5",
                detail=f"{a.what.strip()}{who}"))
            continue
        if a.source == "agreement_visit":  # TRA: visit to gain agreement after a review
            out.append(DueItem(
                child=child, key="agreement_visit", label="Agreement visit", due=a.by_when,
                state=state, working_days_left=left,
                rule="a parent absent from a review is visited to gain their agreement to "
                "its decisions", source="TRA", detail=a.what.strip()))
            continue
        out.append(DueItem(
            child=child, key="plan_action", label="Plan action", due=a.by_when, state=state,
            working_days_left=left, rule="by the date agreed in the plan", source="WIR 2.3",
            detail=f"{a.what.strip()}{who}", need_key=a.need_key))
    return out


class PackageReview(Record):
    """An open short break or direct payment and the date its review is due (WAR 7.2.1)."""

    key: str  # "short_break_review" or "direct_payment_review"
    due: date
    what: str  # "Overnight short break, 8 h a month, Rainbow House"
    source: str


PACKAGE_LABELS = {"short_break_review": "Short break review",
                  "direct_payment_review": "Direct payment review"}


def package_items(child: ChildRef, reviews: Iterable[PackageReview], today: date,
                  cal: WorkingCalendar, due_soon_working_days: int) -> list[DueItem]:
    """Each open package's review, by the date set at its start or its last review, counted
    as every other clock is (WAR 7.2.1: at least annually)."""
    out = []
    for r in reviews:
        left = cal.working_days_between(today, r.due)
        state = (DueState.OVERDUE if r.due < today else DueState.DUE_TODAY
                 if r.due == today else DueState.DUE_SOON
                 if left <= due_soon_working_days else DueState.UPCOMING)
        out.append(DueItem(child=child, key=r.key, label=PACKAGE_LABELS[r.key], due=r.due,
                           state=state, working_days_left=left,
                           rule="by the review date set at the start or the last review",
                           source=r.source, detail=r.what))
    return out


def consent_item(child: ChildRef, flags: tuple[str, ...], began: bool = True,
                 parents: tuple[str, ...] = ()) -> DueItem:
    """No valid consent to a CIN service (WAR 4.2, "before support is given"): once the
    service began (`began`: `consent.service_began`), needed now, overdue; before it, at the
    referral or the assessment, needed before support starts: shown whatever the window,
    under Later, never overdue."""
    if began:
        return DueItem(
            child=child, key="consent", label="Consent to a CIN service", due=None,
            state=DueState.OVERDUE, working_days_left=0,
            rule="consent to the service recorded before support is given", source="WAR 4.2",
            detail="; ".join(flags), parents=parents)
    said = service_flags_said(flags, began=False)
    return DueItem(
        child=child, key="consent", label="Consent to a CIN service", due=None,
        state=DueState.UPCOMING, working_days_left=0,
        rule="consent to the service recorded before support is given", source="WAR 4.2",
        detail="; ".join(said), pinned=True, parents=parents)


def before_support(item: DueItem) -> bool:
    """A consent item for a child whose CIN service has not begun (`consent_item`)."""
    return item.key == "consent" and item.state is not DueState.OVERDUE


def no_change_item(child: ChildRef, since: date, today: date,
                   cal: WorkingCalendar) -> DueItem:
    """WIR 2.3: the plan in force has brought no positive change for six months
    (`domain.no_change`): discussing a child protection conference was due the day the six
    months ran out, and stays overdue until it is recorded (a decision, "Child protection
    conference considered") or a need is rated better."""
    due = add_months(since, NO_CHANGE_MONTHS)
    return DueItem(
        child=child, key="no_change", label="CP conference to consider", due=due,
        state=DueState.OVERDUE if due < today else DueState.DUE_TODAY,
        working_days_left=cal.working_days_between(today, due),
        rule="discuss convening a child protection conference with the professionals",
        source="WIR 2.3", detail=f"no need rated better since {day_words(since)}")


class AdultCare(Record):
    """Where a young person's move to adult social care stands (WAR 4.2), for the
    turning-18 item: whether they are one the seed names for "lifelong support" (a
    disability or special educational needs recorded), and the latest `adult_social_care`
    circumstance recorded (referred, accepted, declined, not_needed; "" none) and its date."""

    lifelong: bool
    value: str = ""
    since: date | None = None
    contact: str = ""  # adult social care's, for the closure letters (RC6)


ADULT_CARE_RULES = {
    "referred": "referred to adult social care on {day}, its decision awaited; at 18 the case "
                "ends: closed, or passed on to adult social care (RC6)",
    "accepted": "adult social care accepted them on {day}: close the case on to it (RC6) by "
                "the 18th birthday",
    "declined": "adult social care declined the referral on {day}: close the case by the 18th "
                "birthday",
    "not_needed": "support not needed after 18 (recorded {day}): close the case by the 18th "
                  "birthday",
}
# Referred or accepted with no contact recorded: the RC6 letters could not say whom to call.
NO_ADULT_CONTACT = ("no contact at adult social care recorded: the closure letters name it "
                    "(WAR 4.2)")
PLAN_FOR_ADULTHOOD = (
    "plan for adulthood: where support must go on after 18, refer to adult social care in "
    "good time and record it (WAR 4.2); the case ends at 18")


def turning_18(item: DueItem, care: AdultCare | None) -> DueItem:
    """s17(10) and WAR 4.2: the turning-18 item says where the move to adult social care
    stands. A disabled young person, or one with special educational needs, with none of it
    recorded yet is shown from the 17th birthday whatever the window (`pinned`: planning
    for adulthood a year ahead, not in the last two weeks), and Enter there records the
    referral (`goes_to`). Once anything is recorded, the item says it, in the usual window."""
    if item.key != "turns_18" or care is None:
        return item
    if care.value in ADULT_CARE_RULES:
        day = f"{day_words(care.since)}" if care.since else "a date not recorded"
        said = replace(item, rule=ADULT_CARE_RULES[care.value].format(day=day))
        if care.value in ("referred", "accepted") and not care.contact:
            return replace(said, detail=NO_ADULT_CONTACT)
        return said
    if not care.lifelong:
        return item
    return replace(item, label="Plan for adulthood", rule=PLAN_FOR_ADULTHOOD,
                   pinned=True, goes_to="adult_social_care",
                   detail="no referral to adult social care recorded")


def due_day(due: date | None, today: date) -> str:
    """A due date in a list's column: " 7 Jan" (its day padded, under "14 Dec"), with its
    year when that is not this year's ("15 Feb 2028", " 7 Jan 2027"): a list a year long
    read "7 Jan" above "14 Dec" as last month."""
    if due is None:
        return "now"
    return day_short(due, pad=True) if due.year == today.year else day_words(due, pad=True)


def item_day(item: DueItem, today: date) -> str:
    """An item's Due column: `due_day`, or "—" for consent needed before support starts."""
    return "—" if before_support(item) else due_day(item.due, today)


def week_end(day: date) -> date:
    """The Sunday closing `day`'s week (Monday to Sunday)."""
    return day + timedelta(days=6 - day.weekday())


def group_of(item: DueItem, today: date) -> str:
    if before_support(item):  # WAR 4.2: nothing is late before support starts
        return "later"
    if item.due is None or item.due < today:
        return "overdue"
    if item.due == today:
        return "today"
    end = week_end(today)
    if item.due <= end:
        return "this_week"
    if item.due <= end + timedelta(days=14):
        return "next_two_weeks"
    return "later"


def horizon(today: date, cal: WorkingCalendar, within: int | None) -> date:
    """The last day shown: `within` working days ahead, else the end of the next two weeks."""
    if within is None:
        return week_end(today) + timedelta(days=14)
    return cal.add_working_days(today, within) if within > 0 else today


def group_items(items: Iterable[DueItem], today: date, until: date) -> DueGroups:
    """Items due on or before `until` (everything overdue included, and those `pinned`),
    grouped and ordered: soonest first, then by child, then by the item's label."""
    kept = [i for i in items if i.due is None or i.due <= until or i.pinned]
    kept.sort(key=lambda i: (i.due or date.min, i.child.name.lower(), i.label))
    out = DueGroups(today=today, groups={g: [] for g in GROUPS})
    for item in kept:
        out.groups[group_of(item, today)].append(item)
    return out


def counts_by_kind(items: Iterable[DueItem], *, overdue_only: bool = True) -> dict[str, int]:
    """How many items of each kind ("Visits": 3), overdue ones only unless told otherwise."""
    out: dict[str, int] = {}
    for item in items:
        if overdue_only and item.state is not DueState.OVERDUE:
            continue
        out[item.kind] = out.get(item.kind, 0) + 1
    return out


# How the command line records an item done, where it has a command that clears it (the
# rest are cleared by the work itself, a visit or a meeting booked).
THEN_COMMANDS = {
    "no_change": "cintui decision add {ref} --kind cp_conference",  # WIR 2.3
    "minutes": "cintui meeting sent {ref} --to NAME|everyone",  # BEX 3, WIR 2.8
    "plan_circulation": "cintui meeting sent {ref} --to NAME|everyone",
    "adult_social_care": "cintui child circumstances {ref} --adult-social-care referred",
}


def then_command(item: DueItem) -> str:
    """The command that records an item done ("" where the work itself clears it); a young
    person's plan for adulthood by where it goes (WAR 4.2: the referral recorded), and one
    referred with no contact at adult social care by the contact (the letters name it);
    consent to the service by whose is missing (a parent's, WAR 4.2, or the young
    person's, WIR 2.1)."""
    if item.key == "turns_18" and item.detail == NO_ADULT_CONTACT:  # for the RC6 letters
        return (f"cintui child circumstances {item.child.reference} "
                "--adult-contact \"team, worker, phone\"")
    if item.key == "consent":  # WAR 4.2: the one parent by name; WIR 2.1: their own
        return consent_command(item.child.reference, item.parents, OWN_NOT_GIVEN in item.detail)
    form = THEN_COMMANDS.get(item.key) or THEN_COMMANDS.get(item.goes_to)
    return form.format(ref=item.child.reference) if form else ""


def worker_names(items: Iterable[DueItem]) -> dict[str, str]:
    """Each worker's name as a team's list shows it: the first name ("Iris"), or with the
    surname's initial where two workers shown share it ("Sam O.", "Sam P."); "—" for a child
    with no worker."""
    full = {i.child.worker_username: i.child.worker for i in items}
    firsts = [(name.split() or [""])[0] for name in full.values()]
    out = {}
    for username, name in full.items():
        parts = name.split()
        if not parts:
            out[username] = "—"
        elif firsts.count(parts[0]) > 1 and len(parts) > 1:
            out[username] = f"{parts[0]} {parts[-1][0]}."
        else:
            out[username] = parts[0]
    return out


def describe_left(item: DueItem) -> str:
    """"3 wd left", "due today", "5 wd overdue", "now", "before support"."""
    if before_support(item):
        return "before support"
    if item.due is None:
        return "now"
    left = item.working_days_left
    if item.state is DueState.OVERDUE:
        late = max(1, -left)
        return f"{late} wd overdue"
    if item.state is DueState.DUE_TODAY:
        return "due today"
    return f"{left} wd left"
