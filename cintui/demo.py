"""`cintui demo`: a deterministic store of synthetic children, families and histories.

Everyone here is invented. The same seed and `today` give the same store. Histories are
spread so that every timescale state (overdue, due today, due soon, upcoming, done)
occurs somewhere, relative to `today`. Later features extend `_history` so a demo store
shows them.
"""

from __future__ import annotations

import gc
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from cintui import casework
from cintui.domain.calendar import WorkingCalendar, add_months, england_calendar
from cintui.store import audit
from cintui.store.models import (
    Child,
    ChildPerson,
    Consent,
    Episode,
    Family,
    Meeting,
    Person,
    Plan,
    PlanAction,
    PlanNeed,
    PlanService,
    PlanVersion,
    RagChange,
    Team,
    Visit,
    Worker,
)

ACTOR = "demo"
CHILDREN_PER_WORKER = 18  # WAR 3.5: county average 16-21
WORKERS_PER_TEAM = 6
SERVICES = ("Strengthening Families", "Safeguarding and Support", "Children with Disability Team")
AREAS = ("North", "South", "East", "West", "Central", "Riverside", "Hillside", "Coastal")

FIRST = ["Amira", "Leo", "Maya", "Noah", "Zara", "Oliver", "Isla", "Theo", "Ava", "Arlo", "Freya", "Ezra", "Layla", "Finn", "Ruby", "Kai", "Esme", "Idris", "Nia", "Jude", "Poppy", "Ravi", "Elsie", "Tariq", "Mila", "Felix", "Hana", "Omar", "Iris", "Sami", "Edie", "Yusuf", "Cora", "Otis", "Anya", "Reggie", "Lola", "Alfie", "Nell", "Kofi", "Priya", "Tom", "Sofia", "Harvey", "Aisha", "Rory", "Daisy", "Bilal", "Erin", "Luca", "Maisie", "Ayaan", "Ivy", "Caleb", "Phoebe", "Dev", "Niamh", "Ellis", "Sana", "Jonah"]
LAST = ["Ashdown", "Brierley", "Calder", "Dunmore", "Elswick", "Fenwick", "Garside", "Holloway", "Inchley", "Jessop", "Kirkby", "Lowther", "Marsden", "Netherby", "Oakley", "Pennington", "Quayle", "Radcliffe", "Sowerby", "Thackeray", "Underwood", "Varley", "Wetherall", "Yarwood", "Abbiss", "Bramall", "Cottam", "Dearden", "Eastham", "Fairclough", "Greenhalgh", "Hesketh", "Ibbotson", "Jagger", "Kenyon", "Lumb", "Midgley", "Nuttall", "Ormerod", "Pickup", "Ramsden", "Shackleton", "Tattersall", "Uttley", "Wadsworth", "Bhatti", "Chowdhury", "Mensah", "Okafor", "Nowak", "Kowalczyk", "Haddad"]
PRIMARY_NEEDS = ("N1",) * 5 + ("N2", "N3", "N4", "N4", "N5", "N5", "N6", "N7", "N8")
DISABILITIES = ("MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "AUT", "DDA")
REFERRAL_SOURCES = ("1A", "2A", "2A", "3A", "3B", "3E", "4", "5D", "6", "6", "8", "1C")
CLOSURE_REASONS = ("RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC7", "RC7", "RC8", "RC9")
AGENCIES = {
    "school": ("Designated safeguarding lead", "{area} Primary School"),
    "secondary": ("Head of year", "{area} Academy"),
    "hv": ("Health visitor", "{area} Health Visiting Team"),
    "gp": ("GP", "{area} Medical Practice"),
    "midwife": ("Community midwife", "{area} Maternity Unit"),
    "nurse": ("School nurse", "{area} School Nursing"),
    "yos": ("Youth justice worker", "Youth Justice Service"),
}
SCENARIOS = (
    "referral", "assessment", "plan_pending", "plan", "plan", "plan", "plan", "plan", "plan",
    "review_due", "minutes_due", "closing", "step_down", "transfer_in", "closed", "rereferred",
)


@dataclass
class DemoCounts:
    children: int = 0
    workers: int = 0
    teams: int = 0
    families: int = 0
    people: int = 0
    visits: int = 0
    meetings: int = 0
    rows: list = field(default_factory=list, repr=False)


class _Row(dict):
    """A plain row with attribute access: far cheaper to build than a SQLModel object."""

    __slots__ = ("model",)

    def __getattr__(self, key: str):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key: str, value) -> None:
        if key == "model":
            object.__setattr__(self, key, value)
        else:
            self[key] = value


@cache
def _defaults(model: type) -> dict:
    """Every column's static default (id and stamps are filled per row)."""
    out = {}
    for name, info in model.model_fields.items():
        if info.default_factory is None:
            out[name] = None if info.is_required() else info.default
    return out


# The order rows are written in: parents before the rows that point at them.
WRITE_ORDER = (Team, Worker, Family, Person, Child, Episode, ChildPerson, Consent, Visit, Meeting,
               Plan, PlanVersion, PlanService, PlanNeed, PlanAction, RagChange)


# Plan needs (BEX 2 three columns), quantified where possible (WIR 2.4). Each: what is
# happening now, the outcome and how we will know, evidence, and column 3 as (what, who).
NEEDS = (
    ("{name} has missed {n} of the last 60 school days; attendance is {pct}% (94% last year).",
     "{name} attends at least 95% of school days each half term, shown on the school register.",
     "School register: {pct}% this half term.",
     (("Walk {name} to school each morning", "Mum"),
      ("Send the attendance figures every Friday", "School DSL"))),
    ("{name}'s bedtime is after midnight most nights and {name} is tired in class.",
     "{name} is in bed by 8.30pm on school nights and teachers no longer report tiredness.",
     "Class teacher: asleep in lessons 3 times in 2 weeks.",
     (("Keep a bedtime chart on the fridge", "Mum"),
      ("Two sessions on evening routines", "Family support worker"))),
    ("Arguments between the adults happen in front of {name} about twice a week.",
     "{name} says home feels calm; no arguments in front of {name} for 8 weeks.",
     "{name} told me of 2 arguments in the last week.",
     (("Attend the healthy relationships sessions", "Dad"),
      ("Ask {name} at each visit how home has felt", "Social worker"))),
    ("{name} has missed 2 of the last 3 dental appointments.",
     "{name} has a dental check and any treatment finished by the next review.",
     "Dental practice: 2 missed appointments since June.",
     (("Book and attend a dental appointment", "Mum"),)),
    ("The family have rent arrears of about £900 and worry about losing the flat.",
     "The family have a repayment plan they keep to and no notice from the landlord.",
     "Arrears letter dated last month.",
     (("Citizens Advice appointment about the arrears", "Dad"),
      ("Refer to the housing support officer", "Social worker"))),
    ("{name} has few friends and spends most evenings alone online.",
     "{name} goes to one after-school club each week and names a friend there.",
     "{name} said no one to play with at break.",
     (("Find a club {name} would like and go along the first time", "Mum"),)),
    ("Mum feels low most days and finds mornings hard.",
     "Mum says she feels better most days and mornings are calmer, and the GP agrees.",
     "Mum scored her mood 3/10 at the last visit.",
     (("See the GP about how she is feeling", "Mum"),
      ("Talking therapy self-referral", "Mum"))),
)
SCHOOL_NEEDS = {0, 1, 5}  # indexes of NEEDS that fit a school-age child only
STRENGTHS = (
    "{name} is close to their grandmother and sees her every weekend.",
    "{name} enjoys football and goes to training every Saturday.",
    "Mum has kept every appointment with the health visitor since the plan began.",
    "{name}'s school says {name} is kind and settles well in class.",
)
SERVICES_OFFERED = (("Family support worker", "Routines at home, twice a week"),
                    ("School pastoral team", "Attendance and friendships"),
                    ("Health visitor", "Baby's health and Mum's wellbeing"),
                    ("Citizens Advice", "Money and housing"))
OBSERVED = ("Observed at visits (too young to say): {name} smiles at Mum, reaches for her "
            "and settles quickly when held.")
VIEWS = ("I like it when Mum walks me to school.", "I want to stay with my mum and dad.",
         "I don't like it when they shout.", "I want to play football more.")


class _Builder:
    def __init__(self, rng: random.Random, today: date, cal: WorkingCalendar, levels: tuple[str, ...]):
        self.rng = rng
        self.today = today
        self.cal = cal
        self.levels = levels or ("Child in need (s17)",)
        self.out = DemoCounts()
        self.n_child = 0
        self.stamp = datetime.combine(today, time(8), tzinfo=UTC)
        self.held: dict = {}  # child id -> meetings held, oldest first

    def add(self, model: type, **values) -> _Row:
        row = _Row(_defaults(model))
        row.model = model
        row.update(id=uuid.uuid4(), created_at=self.stamp, updated_at=self.stamp, **values)
        self.out.rows.append(row)
        return row

    def wd_ago(self, n: int) -> date:
        return self.cal.add_working_days(self.today, -n)

    # -------------------------------------------------------------- people
    def workforce(self, children: int) -> list[tuple[Team, list[Worker]]]:
        n_workers = max(1, round(children / CHILDREN_PER_WORKER))
        n_teams = max(1, -(-n_workers // WORKERS_PER_TEAM))
        teams = []
        used: set[str] = set()
        for t in range(n_teams):
            area = AREAS[t % len(AREAS)] + ("" if t < len(AREAS) else f" {t // len(AREAS) + 1}")
            service = SERVICES[t % len(SERVICES)]
            team = self.add(Team, name=f"{area} {service}", service=service)
            members = []
            size = min(WORKERS_PER_TEAM, n_workers - t * WORKERS_PER_TEAM)
            for _ in range(max(1, size)):
                name, username = self.worker_name(used)
                members.append(self.add(Worker, username=username, name=name, team_id=team.id,
                                               role="social_worker",
                                               email=f"{username}@example.invalid"))
            name, username = self.worker_name(used)
            self.add(Worker, username=username, name=name, team_id=team.id, role="team_manager",
                            email=f"{username}@example.invalid")
            teams.append((team, members))
        self.out.teams = len(teams)
        self.workers_by_id = {w.id: w for _, members in teams for w in members}
        self.out.workers = sum(len(m) for _, m in teams) + len(teams)
        return teams

    def worker_name(self, used: set[str]) -> tuple[str, str]:
        while True:
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            username = f"{first}.{last}".lower()
            n = 2
            while username in used:
                username = f"{first}.{last}{n}".lower()
                n += 1
            used.add(username)
            return f"{first} {last}", username

    def person(self, name: str, kind: str, **kw) -> Person:
        self.out.people += 1
        return self.add(Person, name=name, kind=kind, **kw)

    def phone(self) -> str:
        return f"07700 900{self.rng.randrange(1000):03d}"  # Ofcom drama range: never real

    # -------------------------------------------------------------- children
    def family(self, team: Team, worker: Worker, area: str) -> None:
        rng = self.rng
        surname = rng.choice(LAST)
        fam = self.add(Family, name=f"{surname} household",
                              address=f"{rng.randrange(1, 200)} {rng.choice(LAST)} Road, {area}")
        self.out.families += 1
        language = rng.choice(("",) * 8 + ("Polish", "Arabic", "Urdu", "Romanian"))
        mother = self.person(f"{rng.choice(FIRST)} {surname}", "family", phone=self.phone(),
                             email=f"parent{self.out.people}@example.invalid",
                             interpreter_language=language)
        father = self.person(f"{rng.choice(FIRST)} {rng.choice((surname, rng.choice(LAST)))}",
                             "family", phone=self.phone(),
                             access_needs=rng.choice(("",) * 6 + ("Wheelchair user",)))
        gp = self.person(f"Dr {rng.choice(LAST)}", "professional", agency=f"{area} Medical Practice",
                         role="GP", phone=f"0161 496 0{rng.randrange(1000):03d}",
                         email=f"gp{self.out.people}@example.invalid")
        n = rng.choice((1, 1, 1, 2, 2, 3, 4))
        scenario = rng.choice(SCENARIOS)  # siblings share a history
        father_pr = rng.random() < 0.7
        for _ in range(n):
            child = self.child(team, worker, fam, surname)
            self.link(child, mother, "Mother", pr=True, lives=True)
            self.link(child, father, "Father", pr=father_pr, lives=rng.random() < 0.5)
            self.link(child, gp, "GP")
            self.professionals(child, area)
            self.consents(child, mother, father)
            self.history(child, scenario)

    def child(self, team: Team, worker: Worker, fam: Family, surname: str) -> Child:
        rng, today = self.rng, self.today
        self.n_child += 1
        roll = rng.random()
        dob, expected = None, None
        if roll < 0.03:
            expected = today + timedelta(days=rng.randrange(14, 200))
        elif roll < 0.15:
            dob = today - timedelta(days=rng.randrange(10, 700))
        elif roll < 0.88:
            dob = today - timedelta(days=rng.randrange(730, 16 * 365))
        else:
            dob = today - timedelta(days=rng.randrange(16 * 365 + 5, 18 * 365 - 10))
        disabled = team.service == SERVICES[2] or rng.random() < 0.06
        gender = "0" if dob is None else rng.choice("1212129")
        return self.add(Child,
            reference=f"DEMO{self.n_child:05d}",
            first_name=rng.choice(FIRST), last_name=surname, dob=dob, expected_dob=expected,
            gender=gender, ethnicity=rng.choice(ETHNICITY_WEIGHTS),
            disabilities=" ".join(sorted(rng.sample(DISABILITIES, rng.choice((1, 1, 2)))))
            if disabled else "NONE",
            upn_unknown="UN6" if dob is None else None,
            primary_need="N2" if disabled else rng.choice(PRIMARY_NEEDS),
            level=rng.choice(self.levels), service=team.service, team_id=team.id,
            worker_id=worker.id, family_id=fam.id, status="referral",
        )

    def link(self, child: Child, person: Person, relationship: str, pr: bool = False,
             lives: bool = False) -> None:
        self.add(ChildPerson, child_id=child.id, person_id=person.id, relationship=relationship,
                             parental_responsibility=pr, lives_with_child=lives)

    def professionals(self, child: Child, area: str) -> None:
        rng = self.rng
        if child.dob is None:
            keys = ["midwife"]
        else:
            age = (self.today - child.dob).days / 365.25
            keys = ["hv"] if age < 5 else (["school", "nurse"] if age < 11 else ["secondary"])
            if age >= 12 and rng.random() < 0.15:
                keys.append("yos")
        for key in keys:
            role, agency = AGENCIES[key]
            pro = self.person(f"{rng.choice(FIRST)} {rng.choice(LAST)}", "professional",
                              agency=agency.format(area=area), role=role, phone=self.phone(),
                              email=f"{key}{self.out.people}@example.invalid")
            self.link(child, pro, role)

    def consents(self, child: Child, mother: Person, father: Person) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.10:
            return  # missing: no consent recorded yet
        when = self.today - timedelta(days=rng.randrange(20, 300))
        if roll < 0.18:
            self.add(Consent, child_id=child.id, person_id=father.id, scope="service",
                             decision="refused", decided_on=when, method="verbal",
                             withheld_reasons="Father does not agree social care is needed.",
                             alternative_support="Maternal grandmother offers daily support.")
        for scope in ("service", "information_sharing", "meeting"):
            self.add(Consent, child_id=child.id, person_id=mother.id, scope=scope,
                             decision="given", decided_on=when, method="written")
        if roll > 0.95:
            self.add(Consent, child_id=child.id, person_id=mother.id, scope="information_sharing",
                             decision="withdrawn", decided_on=when + timedelta(days=10),
                             method="verbal")

    # -------------------------------------------------------------- histories
    def history(self, child: Child, scenario: str) -> None:
        """One episode (two for a re-referral) placed so the clocks land around today."""
        rng, wd = self.rng, self.wd_ago
        if scenario == "rereferred":
            first = wd(rng.randrange(260, 500))
            closed = first + timedelta(days=rng.randrange(60, 200))
            self.add(Episode, child_id=child.id, referral_date=first,
                             referral_source=rng.choice(REFERRAL_SOURCES),
                             primary_need=child.primary_need, assessment_started=first,
                             assessment_completed=self.cal.add_working_days(first, 30),
                             closure_date=closed, closure_reason=rng.choice(("RC7", "RC9")))
            scenario = rng.choice(("referral", "assessment", "plan"))
        start = self.referral_date(child, scenario)
        ep = self.add(Episode, child_id=child.id, referral_date=start,
                      referral_source=rng.choice(REFERRAL_SOURCES),
                      primary_need=child.primary_need)
        if scenario == "referral":
            child.status = "referral"
            self.plan(child, ep)  # a first draft, from what the referral says
            return
        ep.assessment_started = start
        if scenario == "assessment":
            child.status = "assessment"
            self.plan(child, ep)  # a draft taking shape with the assessment
            return
        ep.assessment_completed = self.cal.add_working_days(start, rng.randrange(10, 44))
        ep.assessment_factors = " ".join(sorted(rng.sample(("1B", "2B", "3B", "4B", "16A", "17A",
                                                             "6B", "7A", "10A"), 2)))
        ep.cin_plan_start = ep.assessment_completed
        ep.initial_home_visit = self.cal.add_working_days(start, 2)
        ep.support_started = ep.cin_plan_start
        child.status = "cin_plan"
        if scenario == "transfer_in":
            ep.moved_in = wd(rng.randrange(2, 30))
        if scenario == "plan_pending":
            self.plan(child, ep)  # a first plan still in draft
            return
        self.meetings_and_visits(child, ep, scenario)
        self.plan(child, ep)
        if child.disabilities != "NONE" and rng.random() < 0.5:
            child.direct_payments_started = ep.cin_plan_start
            child.last_direct_payment_review = add_months(self.today, -rng.randrange(1, 14))
        if scenario == "closing":
            ep.closure_decided = wd(rng.randrange(0, 9))
        elif scenario == "step_down":
            ep.step_down_decided = wd(rng.randrange(0, 9))
        elif scenario == "closed":
            ep.closure_decided = min(self.today, ep.cin_plan_start + timedelta(days=60))
            ep.family_told_of_closure = self.cal.add_working_days(ep.closure_decided, 3)
            ep.closure_date = min(self.today, ep.family_told_of_closure)
            ep.closure_reason = rng.choice(CLOSURE_REASONS)
            ep.cin_plan_end = ep.closure_date
            child.status = "closed"

    def referral_date(self, child: Child, scenario: str) -> date:
        rng, wd = self.rng, self.wd_ago
        spans = {"referral": (0, 60), "assessment": (0, 60), "plan_pending": (40, 75)}
        lo, hi = spans.get(scenario, (60, 320))
        start = wd(rng.randrange(lo, hi))
        born = child.dob or (child.expected_dob - timedelta(days=280) if child.expected_dob else None)
        return max(start, born) if born and born <= self.today else start

    def meetings_and_visits(self, child: Child, ep: Episode, scenario: str) -> None:
        rng, cal = self.rng, self.cal
        initial = min(self.today, cal.add_working_days(ep.cin_plan_start, rng.randrange(5, 18)))
        self.meeting(child, ep, "initial", initial, circulated=True)
        last = initial
        while True:
            nxt = add_months(last, 3) - timedelta(days=rng.randrange(0, 10))
            if nxt >= self.today - timedelta(days=3):
                break
            last = nxt
            self.meeting(child, ep, "review", last, circulated=True)
        if scenario == "review_due":
            # Last review over 3 months ago: the next one is overdue or due today.
            late = add_months(self.today, -3) - timedelta(days=rng.randrange(0, 12))
            if late > last:
                self.meeting(child, ep, "review", late, circulated=True)
        elif scenario == "minutes_due":
            held = self.wd_ago(rng.randrange(1, 14))
            if held > last:
                self.meeting(child, ep, "review", held, circulated=False)
        elif rng.random() < 0.5:
            # A review already booked for the coming weeks.
            self.add(Meeting, child_id=child.id, episode_id=ep.id, kind="review",
                             held_on=add_months(last, 3), held=False)
            self.out.meetings += 1
        self.visits(child, ep)

    def meeting(self, child, ep, kind: str, when: date, circulated: bool) -> None:
        sent = self.cal.add_working_days(when, self.rng.randrange(2, 12)) if circulated else None
        sent = min(sent, self.today) if sent else None
        nxt = add_months(when, 3) if self.rng.random() < 0.7 else add_months(when, 2)
        row = self.add(Meeting, child_id=child.id, episode_id=ep.id, kind=kind, held_on=when,
                       held=True, next_review=nxt, minutes_circulated=sent, plan_circulated=sent)
        self.held.setdefault(child.id, []).append(row)
        self.out.meetings += 1

    def visits(self, child: Child, ep: Episode) -> None:
        rng, cal = self.rng, self.cal
        # The last visit where the child was seen lands 0-30 working days ago: so the next
        # is overdue, due today, due soon or upcoming.
        last_seen = self.wd_ago(rng.randrange(0, 31))
        if last_seen < ep.cin_plan_start:
            return
        dates = [last_seen]
        while len(dates) < 6:
            prev = cal.add_working_days(dates[-1], -rng.randrange(12, 24))
            if prev < ep.cin_plan_start:
                break
            dates.append(prev)
        for day in reversed(dates):
            self.visit(child, ep, day, seen=True, alone=rng.random() < 0.85)
        if rng.random() < 0.1 and last_seen < self.today:
            # WIR 2.11: a visit where the child was not seen does not reset the clock.
            self.visit(child, ep, cal.add_working_days(last_seen, 1), seen=False, alone=False)

    # -------------------------------------------------------------- plans
    def plan(self, child: Child, ep: Episode) -> None:
        """Versions: v1 agreed at the initial meeting, v2 at the latest review (superseding
        it), sometimes a draft in progress; a plan-pending child has a first draft only.
        Needs in all three ratings with dated history, actions in every state."""
        rng = self.plan_rng
        name = child.first_name
        plan = self.add(Plan, child_id=child.id, episode_id=ep.id)
        held = self.held.get(child.id, [])
        agreed = [held[0]] + ([held[-1]] if len(held) > 1 else []) if held else []
        worker = self.workers_by_id.get(child.worker_id)
        lead = worker.name if worker else ""
        age = (self.today - child.dob).days / 365.25 if child.dob else -1
        fits = [i for i in range(len(NEEDS)) if age >= 5 or i not in SCHOOL_NEEDS]
        picks = rng.sample(fits, rng.randrange(2, 4))
        needs = []  # (key, template, rating per version)
        for i in picks:
            path = rng.choice((("A", "A"), ("A", "G"), ("A", "A"), ("R", "A"), ("A", "R"),
                               ("A", "A")))
            needs.append((uuid.uuid4(), NEEDS[i], path, [uuid.uuid4() for _ in NEEDS[i][3]]))
        strength = (uuid.uuid4(), rng.choice(STRENGTHS if age >= 5 else STRENGTHS[:1]
                                             + STRENGTHS[2:3]))
        unowned = rng.random() < 0.12  # an Amber action with no owner: the caseload flags it
        stages = [(m.held_on, m, "agreed") for m in agreed]
        if not stages or rng.random() < 0.15:
            started = self.today - timedelta(days=rng.randrange(0, 10))
            stages.append((max(started, ep.referral_date), None, "draft"))
        prev_stage = 0
        for number, (on, meeting, status) in enumerate(stages, start=1):
            if status == "agreed" and number < len([s for s in stages if s[2] == "agreed"]):
                status = "superseded"
            stage = min(number - 1, 1)
            where = (f"{'Initial' if meeting.kind == 'initial' else 'Review'} CIN meeting "
                     f"{meeting.held_on:%d %b %Y}") if meeting else ""
            version = self.add(
                PlanVersion, plan_id=plan.id, child_id=child.id, number=number, status=status,
                created_on=on, agreed_on=on if meeting else None, agreed_at=where,
                meeting_id=meeting.id if meeting else None,
                objectives=f"{name} is safe, settled at home and doing well at school.",
                lead_professional=lead, next_review=add_months(on, 3),
                review_arrangements="CIN review every 3 months, chaired by the social worker.",
                childs_views=("" if rng.random() < 0.1 or age < 0 else rng.choice(VIEWS)
                              if age >= 5 else OBSERVED.format(name=name)),
                lived_experience=f"A typical day for {name} starts with a rushed morning.")
            for j, (svc, purpose) in enumerate(rng.sample(SERVICES_OFFERED, 1)):
                self.add(PlanService, version_id=version.id, position=j, name=svc,
                         purpose=purpose)
            for pos, (key, (now, outcome, evidence, acts), path, akeys) in enumerate(needs):
                rag = path[stage]
                need = self.add(PlanNeed, version_id=version.id, child_id=child.id, key=key,
                                position=pos, kind="worry",
                                now=now.format(name=name, n=rng.randrange(5, 15),
                                               pct=rng.randrange(75, 90)),
                                outcome=outcome.format(name=name),
                                evidence=evidence.format(name=name, pct=rng.randrange(75, 90)),
                                rag=rag)
                for k, ((what, who), akey) in enumerate(zip(acts, akeys, strict=True)):
                    due = on + timedelta(days=rng.randrange(-20, 60) if status == "superseded"
                                         else rng.randrange(20, 120))
                    if due < self.today:  # most past actions were done; some were not
                        status_ = rng.choice(("done",) * 6 + ("in_progress", "not_done"))
                    else:
                        status_ = rng.choice(("done", "in_progress", "in_progress",
                                              "not_started"))
                    owner = "" if unowned and pos == 0 and k == 0 and rag != "G" else who
                    self.add(PlanAction, need_id=need.id, version_id=version.id, key=akey,
                             position=k, what=what.format(name=name), who=owner, by_when=due,
                             status=status_)
                if number == 1 or path[stage] != path[prev_stage]:
                    self.rating(child, key, version, on, rag,
                                None if number == 1 else path[prev_stage], lead, where)
            self.add(PlanNeed, version_id=version.id, child_id=child.id, key=strength[0],
                     position=len(needs), kind="strength",
                     now=strength[1].format(name=name), rag="G")
            if number == 1:
                self.rating(child, strength[0], version, on, "G", None, lead, where)
            prev_stage = stage

    def rating(self, child, key, version, on, rag, previous, by, where) -> None:
        detail = {}
        if rag == "G" and previous in ("A", "R"):
            detail = {"maintained_for": f"{self.plan_rng.randrange(6, 13)} weeks",
                      "agreed_at": where or by}
        if rag == "R":
            detail = {"cp_discussion": "Discussed with the team manager: threshold for a CP "
                                       "conference not met; review in 4 weeks."}
        self.add(RagChange, child_id=child.id, need_key=key, version_id=version.id, rated_on=on,
                 rating=rag, previous=previous, by=by, **detail)

    def visit(self, child, ep, day: date, seen: bool, alone: bool) -> None:
        at = datetime.combine(day, time(hour=self.rng.randrange(9, 17)), tzinfo=UTC)
        self.add(Visit, child_id=child.id, episode_id=ep.id, visited_at=at,
                       kind=self.rng.choice(("home",) * 6 + ("school", "office", "virtual")),
                       child_seen=seen, seen_alone=seen and alone,
                       bedroom_seen=seen and self.rng.random() < 0.7, status="final",
                       author_id=child.worker_id)
        self.out.visits += 1


ETHNICITY_WEIGHTS = ("WBRI",) * 14 + (
    "WIRI", "WOTH", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "APKN",
    "ABAN", "AOTH", "BCRB", "BAFR", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
)


def build(children: int, seed: int, today: date, levels: tuple[str, ...] = ()) -> DemoCounts:
    """Make the rows (not yet written): deterministic for a seed and today."""
    rng = random.Random(seed)
    b = _Builder(rng, today, england_calendar(), levels)
    b.plan_rng = random.Random(seed + 1_000_003)  # plans draw apart: the rest stays as it was
    teams = b.workforce(children)
    workers = [(team, w) for team, members in teams for w in members]
    made = 0
    while made < children:
        team, worker = workers[(made // CHILDREN_PER_WORKER) % len(workers)]
        area = team.name.split(" ")[0]
        b.family(team, worker, area)
        made = b.n_child
        if made > children:  # trim the last family's extra children
            extra = made - children
            b.n_child -= extra
            made = children
            _drop_last_children(b.out, extra)
    b.out.children = children
    return b.out


def _drop_last_children(out: DemoCounts, extra: int) -> None:
    """Remove the newest `extra` children and every row that belongs to them."""
    kids = [r for r in out.rows if r.model is Child][-extra:]
    ids = {k.id for k in kids}
    gone = {r.id for r in out.rows if r.get("child_id") in ids}  # plans, versions, needs...
    out.rows = [r for r in out.rows
                if not (r.model is Child and r.id in ids) and r.get("child_id") not in ids
                and r.get("version_id") not in gone and r.get("need_id") not in gone]
    out.visits = sum(r.model is Visit for r in out.rows)
    out.meetings = sum(r.model is Meeting for r in out.rows)


def generate(store, *, children: int, seed: int, today: date, policy: str = "england") -> DemoCounts:
    """Write a demo caseload into an empty store, in one audited transaction."""
    from cintui import policies

    profile = policies.load_policy(policy)
    gc.disable()  # ~100,000 short-lived rows and no cycles: collection is pure overhead here
    try:
        return _generate(store, children, seed, today, profile)
    finally:
        gc.enable()


def _generate(store, children: int, seed: int, today: date, profile) -> DemoCounts:
    out = build(children, seed, today, profile.levels)
    by_model: dict[type, list[dict]] = {model: [] for model in WRITE_ORDER}
    for row in out.rows:
        by_model[row.model].append(dict(row))
    with store.session(ACTOR) as session:
        casework.set_store_policy(session, profile.name)
        casework.mark_demo_store(session)
        for model in WRITE_ORDER:
            audit.insert_rows(session, model, by_model[model])
    out.rows = []
    return out
