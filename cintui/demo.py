"""`cintui demo`: a deterministic store of synthetic children, families and histories.

Everyone here is invented. The same seed and `today` give the same store. Histories are
spread so that every timescale state (overdue, due today, due soon, upcoming, done)
occurs somewhere, relative to `today`. Later features extend `_history` so a demo store
shows them.
"""

from __future__ import annotations

import gc
import json
import random
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from cintui.casework import admin, cases
from cintui.domain.calendar import (
    WorkingCalendar,
    add_months,
    england_calendar,
    from_england_time,
)
from cintui.domain.child import age_years, comes_of_age
from cintui.domain.consent import YOUNG_PERSON_AGE
from cintui.domain.dates import day_long
from cintui.domain.meeting import (
    Decisions,
    Invitee,
    Minutes,
    NeedUpdate,
    meeting_label,
)
from cintui.domain.meeting_safeguards import CHILD_INVITE_AGE
from cintui.domain.plan import ACTION_STATUS_LABELS, ends_plan_at
from cintui.domain.visit import Present, VisitContent
from cintui.store import audit
from cintui.store.models import (
    Authority,
    Child,
    ChildPerson,
    Consent,
    Decision,
    DirectPayment,
    Draft,
    Ending,
    Episode,
    Family,
    Meeting,
    MeetingDistribution,
    MeetingInvitee,
    Person,
    Plan,
    PlanAction,
    PlanNeed,
    PlanService,
    PlanVersion,
    QualityCheck,
    RagChange,
    Supervision,
    SupportReview,
    Team,
    Visit,
    VisitAction,
    VisitAddendum,
    VisitPresent,
    Worker,
)

ACTOR = "demo"
VISIT_SEED = 2_000_029  # visit records draw apart (seed + this): the rest stays as it was
MEETING_SEED = 3_000_017  # so do the meeting records
CLOSED_SEED = 6_000_007  # and the visits of a child whose case closed, up to the closure
# WIR 2.1: of every 16 young people of 16 or 17 whose parent consented, in the order they
# are made, those still to be asked for their own consent to share information (2), and
# to the CIN service as well (1); the rest have given theirs. Counted, not drawn, so even a
# small demo shows both on the consent tab, as a team that asks would see it.
OWN_SHARING_OUTSTANDING = (1, 9)
OWN_SERVICE_OUTSTANDING = (3,)
MEETING_VENUES = ("Family home", "North Primary School", "Children's centre", "Council office",
                  "Online (Teams)")
MEETING_UPDATES = (
    "Mum said mornings are calmer; school confirmed {name} has been on time most days.",
    "The family support worker has visited weekly; two sessions were missed in the holidays.",
    "School reported some progress but it has not held every week.",
    "Dad has started the parenting course and has been to 3 of 6 sessions.",
)
MEETING_IMPACTS = (
    "{name} is more settled and says home feels calmer.",
    "{name} is still tired some mornings; not enough change yet to move to Green.",
    "{name} has missed fewer days and has made a friend in class.",
)
MEETING_EVENTS = (
    "No significant events since the last meeting.",
    "{name} had a short stay with Gran while Mum was unwell.",
    "The family moved to a new flat in the same area.",
)
CHILDREN_PER_WORKER = 18  # WAR 3.5: county average 16-21
WORKERS_PER_TEAM = 6
SERVICES = ("Strengthening Families", "Safeguarding and Support", "Children with Disability Team")
AREAS = ("North", "South", "East", "West", "Central", "Riverside", "Hillside", "Coastal")

FIRST = ["Amira", "Leo", "Maya", "Noah", "Zara", "Oliver", "Isla", "Theo", "Ava", "Arlo", "Freya", "Ezra", "Layla", "Finn", "Ruby", "Kai", "Esme", "Idris", "Nia", "Jude", "Poppy", "Ravi", "Elsie", "Tariq", "Mila", "Felix", "Hana", "Omar", "Iris", "Sami", "Edie", "Yusuf", "Cora", "Otis", "Anya", "Reggie", "Lola", "Alfie", "Nell", "Kofi", "Priya", "Tom", "Sofia", "Harvey", "Aisha", "Rory", "Daisy", "Bilal", "Erin", "Luca", "Maisie", "Ayaan", "Ivy", "Caleb", "Phoebe", "Dev", "Niamh", "Ellis", "Sana", "Jonah"]
# A parent's first name drawn as FIRST's is (one draw of the same length: the demo's other
# draws stay as they were), from names a mother or a father would have.
MOTHER_FIRST = ["Sarah", "Emma", "Laura", "Rachel", "Hannah", "Gemma", "Claire", "Natalie",
    "Kerry", "Leanne", "Amy", "Jade", "Chloe", "Danielle", "Stacey", "Zoe", "Katie", "Lucy",
    "Charlotte", "Sophie", "Fatima", "Ayesha", "Shazia", "Nadia", "Agnieszka", "Magdalena",
    "Ioana", "Elena", "Grace", "Joy", "Chantelle", "Kirsty", "Nicola", "Lisa", "Michelle",
    "Joanne", "Samantha", "Victoria", "Rebecca", "Jenna", "Carly", "Holly", "Megan", "Bethany",
    "Lauren", "Abbie", "Shannon", "Courtney", "Naomi", "Ruth", "Yasmin", "Hina", "Sadia",
    "Roxana", "Monika", "Beata", "Adaeze", "Chipo", "Tanya", "Donna"]
FATHER_FIRST = ["Daniel", "James", "Ryan", "Craig", "Lee", "Mark", "Paul", "Wayne", "Dean",
    "Scott", "Jamie", "Liam", "Jordan", "Kyle", "Adam", "Ben", "Chris", "Matthew", "Michael",
    "Steven", "Imran", "Asif", "Tariq", "Bilal", "Piotr", "Tomasz", "Andrei", "Mihai", "Kwame",
    "Tunde", "Darren", "Gary", "Shaun", "Stuart", "Neil", "Richard", "Simon", "Anthony", "Kevin",
    "Jason", "Aaron", "Luke", "Connor", "Callum", "Nathan", "Josh", "Reece", "Brandon", "David",
    "Peter", "Adnan", "Kamran", "Faisal", "Marek", "Pawel", "Florin", "Chinedu", "Tendai", "Sean",
    "Carl"]
assert len(MOTHER_FIRST) == len(FATHER_FIRST) == len(FIRST)

LAST = ["Ashdown", "Brierley", "Calder", "Dunmore", "Elswick", "Fenwick", "Garside", "Holloway", "Inchley", "Jessop", "Kirkby", "Lowther", "Marsden", "Netherby", "Oakley", "Pennington", "Quayle", "Radcliffe", "Sowerby", "Thackeray", "Underwood", "Varley", "Wetherall", "Yarwood", "Abbiss", "Bramall", "Cottam", "Dearden", "Eastham", "Fairclough", "Greenhalgh", "Hesketh", "Ibbotson", "Jagger", "Kenyon", "Lumb", "Midgley", "Nuttall", "Ormerod", "Pickup", "Ramsden", "Shackleton", "Tattersall", "Uttley", "Wadsworth", "Bhatti", "Chowdhury", "Mensah", "Okafor", "Nowak", "Kowalczyk", "Haddad"]
PRIMARY_NEEDS = ("N1",) * 5 + ("N2", "N3", "N4", "N4", "N5", "N5", "N6", "N7", "N8")
DISABILITIES = ("MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "AUT", "DDA")
REFERRAL_SOURCES = ("1A", "2A", "2A", "3A", "3B", "3E", "4", "5D", "6", "6", "8", "1C")
# WAR 7.2: the demo's direct payments (pence, period, who manages it).
DIRECT_PAYMENTS = ((12_000, "week", "Mother"), (45_000, "four_weeks", "Father"),
                   (9_550, "week", "A managed account (Independent Living Trust)"))
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
    addenda: int = 0
    drafts: int = 0
    closed: int = 0  # of all the children made, those whose cases are closed
    everyone: int = 0  # every child made: the open caseload and the closed history
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


_set_model = _Row.model.__set__  # row.model = ..., without a Python-level __setattr__

# Row ids: random version-4 UUIDs, as uuid.uuid4() makes them, at half the cost (230,000
# of them for a 5,000-child demo). Seeded from os.urandom, apart from the demo's seeded
# generators: unique per store as before, never drawn from the scenario's randomness.
_id_bits = random.Random().getrandbits
_V4_MASK = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_V4_BITS = (0x4000 << 64) | (0x8000 << 48)


# A UUID made as uuid.UUID(int=...) leaves it (its two slots set), without the checks and
# keyword handling of its __init__: a third of the time, for ids that are valid by making.
_bare_uuid = object.__new__
_set_int = uuid.UUID.__dict__["int"].__set__
_set_safe = uuid.UUID.__dict__["is_safe"].__set__
_UNKNOWN = uuid.SafeUUID.unknown  # read once: an enum member is looked up on every read


def _new_id() -> uuid.UUID:
    new = _bare_uuid(uuid.UUID)
    _set_int(new, (_id_bits(128) & _V4_MASK) | _V4_BITS)
    _set_safe(new, _UNKNOWN)
    return new


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
               MeetingInvitee, MeetingDistribution, Plan, PlanVersion, PlanService, PlanNeed,
               PlanAction, RagChange, VisitPresent, VisitAddendum, VisitAction, QualityCheck,
               Ending, Decision, Supervision, DirectPayment, SupportReview)
# Drafts go in through the ORM (a handful): its audit leaves out the draft's text
# (`Draft.__audit_quiet__`), as it does for a draft a worker starts.
# The tables whose indexes are made after their rows are in (`Store.indexes_after_load`).
LOADED_TABLES = [model.__tablename__ for model in WRITE_ORDER] + ["audit_log"]


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


# Visit records (WIR 2.11 headings): short case-note sentences, one to three a heading, by
# age band: "unborn", "baby" (under 2: observed, not quoted), "young" (2-4), "primary"
# (5-10), "teen" (11-15), "older" (16-17). Placeholders: name, obj/pos (him/his, her/her,
# them/their), parent (who spoke: Mum or Dad), mum ("she", or "Mum" when Dad spoke), carer
# (the adult who was there: a parent or Grandma), place, setting, due, soon (a date after
# the visit), pct, pct0, n, rent, weeks, year.
V_PURPOSE = {
    "home": ("Statutory CIN visit to see {name} at home and review the plan.",
             "Planned home visit: to see {name} alone and check progress on the plan.",
             "Unannounced home visit, as agreed at the last CIN meeting.",
             "Home visit to go through the review actions with {parent}."),
    "school": ("Visit at {place} to see {name} away from home.",
               "Visit at {place}: to see {name} and catch up with staff."),
    "clinic": ("Joint visit with the health visitor at the baby clinic.",),
    "office": ("{name} and {parent} came to the office to talk through the plan.",
               "Office visit before the next review, at {parent}'s request."),
    "virtual": ("Video call with {name} and {parent}: {parent} had a bad cold.",
                "Video call while the family stayed with relatives out of the area."),
    "unborn": ("Pre-birth visit to Mum, {weeks} weeks pregnant, to review the plan.",
               "Pre-birth visit: the birth plan and support for when the baby comes."),
    "followup": ("Unannounced follow-up visit the day after the last one.",
                 "Follow-up visit, agreed with my manager, to see {name} and the home."),
}
V_SAYS = {
    "unborn": ("Not yet born. Mum said the baby is very active in the evenings.",
               "Not yet born. Mum said the baby kicks when she talks to the bump."),
    "baby": ("Too young to talk: {name} babbled, smiled at me and reached for Mum.",
             "Not talking yet. {name} watched me closely, then cooed at a rattle.",
             "Too young to talk. {name} was sleepy, then made happy noises at changing."),
    "young": ('{name} showed me a toy dinosaur: "Mine! Roar!"',
              '{name} said "I go nursery" and pointed at a painting on the fridge.',
              '{name} said "Mummy play" and pulled me over to see the garden.',
              '{name} used a few words ("car", "juice") and pointed to the rest.'),
    "primary": ('{name} said school is "good"; the best bit is football at break.',
                '{name} said "I got a sticker for reading" and showed me.',
                '{name} said "home is calmer now".',
                '{name} asked me to come back and see the new kitten.',
                '{name} said "I don\'t like it when Dad goes out late".'),
    "teen": ('{name} said home is "alright at the moment"; wants a Saturday job.',
             '{name} said school is "boring" but wants to do mechanics at college.',
             '{name} said Mum checks {pos} phone too much; we talked about why.',
             '{name} said "it\'s fine, nothing\'s changed" and talked about football.'),
    "unseen": ("Not seen, so no comments from {name} today.",),
}
V_WELFARE = {
    "unborn": ("Mum looked well; the midwife is happy with the baby's growth.",
               "Mum looked tired but well; sleeping badly, eating properly."),
    "baby": ("Clean, fresh babygrow, well fed; alert and content.",
             "{name} looked well, met my eye and smiled. No marks seen.",
             "Asleep when I arrived; woke, cried briefly, calmed when fed."),
    "young": ("Clean, dressed for the weather, busy playing and chatty.",
              "{name} played with blocks while we talked; went to {carer} for a cuddle.",
              "Shy at first, then brought me books to read. Clean and well dressed."),
    "primary": ("{name} looked well, in clean uniform; relaxed and smiling.",
                "A bit tired but cheerful; keen to show me {pos} schoolwork.",
                "Quiet at first, then chatty over a drawing."),
    "teen": ("Clean and well dressed; quiet at first, then talked easily.",
             "Tired and a little flat after a late night gaming; otherwise well.",
             "Relaxed; laughed with {carer} about the dog."),
    "unseen": ("Not seen. {carer} said {name} is well and eating normally.",),
}
V_PARENTS = ("{parent} said home is calmer and mornings are easier.",
             "{parent} said money is tight but {name} has been fine.",
             "{parent} said it has been hard but the plan is helping.",
             "{parent} had no complaints; asked when the next review is.")
V_PARENTS_AWAY = ("{parent} was not at the {place} visit; by phone, said {name} is well.",)
V_HEALTH = {
    "unborn": ("Mum had her {weeks}-week midwife check; no concerns.",
               "Midwife every two weeks; no concerns about the baby's growth."),
    "baby": ("Weighed at clinic last week: growing well. Immunisations up to date.",
             "A cold last week; the GP was not worried.",
             "No concerns about {name}'s development at the last check."),
    "young": ("Well; 2-year check done and speech coming on.",
              "Eczema, managed with a cream from the GP.",
              "No health concerns; immunisations up to date."),
    "primary": ("No health concerns; eating normally.",
                "Ear infection: saw the GP, antibiotics finished.",
                "Small bruise on the shin from football, explained by {name} and school.",
                "Due an eye test; {parent} will book it."),
    "teen": ("No health concerns.",
             "Sleeping better since the phone stays downstairs at night.",
             "GP about headaches; eye test booked for {soon}."),
    "unseen": ("{carer} said no GP or hospital visits since my last visit.",),
}
V_EDUCATION = {
    "unborn": ("Not applicable (pre-birth).",),
    "baby": ("Not of school age; stay-and-play group on Tuesdays.",
             "Not of school age; Grandma helps one day a week."),
    "young": ("Nursery 15 hours a week; the key worker says {name} has settled.",
              "Not at nursery yet; Mum has applied for a funded place.",
              "Nursery say {name} plays alongside others and attends well."),
    "primary": ("Doing well in reading; some help with maths.",
                "Attendance {pct}% this half term.",
                "Class teacher says {name} is settled and kind to others."),
    "teen": ("Head of year: behaviour better; two late marks this month.",
             "Year {year}, on track in most subjects; attendance {pct}%."),
    "older": ("At college (mechanics), attending most days.",
              "Apprenticeship interview on {soon}."),
}
V_HOME = ("Home warm, clean and tidy; food in the cupboards.",
          "Flat warm and reasonably tidy; washing drying on the radiators.",
          "Home cluttered but clean; {carer} was mid tidy-up.")
V_AWAY_HOME = ("Home not seen (not a home visit); {parent} reports no changes.",)
V_WARMTH = ("{parent} and {name} were warm with each other.",
            "{parent} noticed quickly when {name} needed something.",
            "{parent} was short with {name} when tired, then said sorry.")
V_BEDROOM = {
    "baby": ("Saw where {name} sleeps: a clean, safe cot in Mum's room.",),
    "unborn": ("Saw the nursery: cot up, clothes and pram ready.",),
    "child": ("Saw {name}'s bedroom: own bed, clean bedding, toys put away.",
              "{name} showed me {pos} bedroom: clean and warm, posters up.",
              "Saw the bedroom {name} shares with a brother: bunk beds, clean."),
}
V_SUPPORT = ("Grandma helps with the school run on Fridays.",
             "Family support worker visits twice a week.",
             "A friend nearby helps with childcare.",
             "Little support nearby; we talked about a parents' group.")
V_SUMMARY = ("{name} is safe and well cared for; the plan is helping.",
             "Slow but steady progress; {parent} is engaging with the plan.",
             "{name} is well cared for, but the plan's worries remain.",
             "Home is calmer and {name}'s needs are being met.")
V_UNSEEN = ("{name} was not seen: at a friend's house when I called. I will see {name} within "
            "2 working days.",
            "{name} was not seen: unwell in bed, and {carer} asked me not to wake {obj}. I "
            "will see {name} within 2 working days.",
            "{name} was not seen: no answer at the door. Card left; I will see {name} within "
            "2 working days.")
V_UNSEEN_AWAY = {  # not seen at a visit away from home, by kind
    "school": "{name} was not seen: absent from {place} today.",
    "office": "{name} was not seen: {carer} came alone as {name} was unwell.",
    "other": "{name} was not seen: {carer} came alone as {name} was unwell.",
    "virtual": "{name} was not seen: {name} would not come to the camera.",
}
V_NOT_ALONE = {
    "unborn": ("Not yet born, so not seen alone; I spoke to Mum alone.",),
    "baby": ("A baby, so not seen alone: observed with Mum throughout.",),
    "young": ("Not seen alone: {name} would not leave {carer}'s side; next time at nursery.",),
    "child": ("Not seen alone: {name} did not want to talk without {carer}; next time at "
              "{setting}.",
              "Not seen alone: no private space with visitors in; next time at {setting}."),
    "virtual": ("A video call with {carer} in the room, so not seen alone.",),
}
V_NO_BEDROOM = ("The bedroom was not seen: a younger sibling was asleep in it.",
                "The bedroom was not seen: it is being decorated; next visit.",
                "The bedroom was not seen: we ran out of time; first thing next visit.")
V_AWAY_BEDROOM = ", so the bedroom was not seen; next home visit."
V_NEXT = ("Next visit by {due}; I will call {setting} first.",
          "Next visit by {due}; I will chase the family support referral.",
          "Next visit by {due}.")
# Plan needs (index into NEEDS) -> a line under a heading at a visit where the child was seen.
V_NEED_LINES = {
    0: ("education", ("Register: {pct}% this half term, up from {pct0}%.",
                      "{parent} walked {name} to school every day this week.")),
    1: ("parents_comments", ("{parent} said {name} was in bed by 8.30pm on {n} of 5 school "
                             "nights.",)),
    2: ("parents_comments", ("{parent} said one argument in front of {name} since my last "
                             "visit.",
                             "{parent} said the adults now go outside when things get "
                             "heated.")),
    3: ("health", ("Dental appointment booked for {soon}.",
                   "Saw the dentist; a filling is booked for {soon}.")),
    4: ("care_and_support", ("Repayment plan of £{rent}0 a week agreed with the landlord.",)),
    5: ("education", ("Has been to the after-school club twice; named a friend there.",)),
    6: ("parents_comments", ("{parent} said {mum} has seen the GP about low mood.",)),
}
V_ADDENDA = {
    "any": ("Correction: the GP appointment is on {day2}, not {day1} as written under Health.",
            "Correction: it is {name}'s grandmother, not an aunt, who helps on Fridays.",
            "Later information: {parent} rang on {day1} to say the family support worker "
            "visited and the next session is booked."),
    "school": ("Later information: school rang on {day1}; {name}'s attendance since this visit "
               "is {pct}%.",),
    "early": ("Later information: the health visitor rang on {day1}; {name}'s development "
              "check is booked for {day2}.",),
}
V_DRAFT = ("Statutory visit today to see {name} at home; notes to finish.",
           "Home visit this morning to see {name} and check progress on the plan (to finish).")
PRONOUNS = {"M": ("him", "his"), "F": ("her", "her")}
GRANS = ("Jean", "Pat", "Linda", "Shirley", "Margaret", "Brenda")
PLACES = {"school": "school", "other": "baby clinic", "office": "office", "virtual": "video call"}
SETTINGS = {"unborn": "the midwife", "baby": "the health visitor", "young": "nursery",
            "older": "college"}


class _Remembered:
    """The calendar's answers the demo asks for, each worked out once: 80,000 questions of
    working days for a 5,000-child demo, 15,000 of them different (issue 21)."""

    def __init__(self, cal: WorkingCalendar) -> None:
        self.add_working_days = cache(cal.add_working_days)
        self.working_day_for = cache(cal.working_day_for)
        self.is_working_day = cache(cal.is_working_day)


class _Builder:
    def __init__(self, rng: random.Random, today: date, cal: WorkingCalendar, levels: tuple[str, ...]):
        self.rng = rng
        self.today = today
        self.cal = _Remembered(cal)
        self.levels = levels or ("Child in need (s17)",)
        self.out = DemoCounts()
        self.n_child = 0
        self.young_people = 0  # 16-17-year-olds given their own consent (`own_consents`)
        self.stamp = datetime.combine(today, time(8), tzinfo=UTC)
        self.held: dict = {}  # child id -> meetings held, oldest first
        self.links: dict = {}  # child id -> [(person, relationship, lives with the child)]
        self.seen_rows: dict = {}  # child id -> visit rows, oldest first (text comes later)
        self.plan_facts: dict = {}  # child id -> (NEEDS picked, agreed version, its actions)
        self.on_plan: dict = {}  # worker id -> children open on a CIN plan
        self.day_texts: dict = {}  # date -> "4 December"
        self.due_text: dict = {}  # visit date -> the next visit's due date, as text
        self.later_day: dict = {}  # (date, n) -> n working days later
        self.visited: set = set()  # children with visits
        self.booked: dict = {}  # child id -> the review booked for the coming weeks
        self.booked_rows: dict = {}  # the same, kept for the endings (`_closed_ending`)
        self.force_needs: dict = {}  # child id -> the need rows of the agreed plan in force
        # meeting id -> the rows that name it as where they were agreed (plan versions, a
        # rating to Green): a meeting made the final one later is named so in them too
        self.agreed_at: dict = {}
        self.plan_drafts: dict = {}  # child id -> the rows of the draft `plan` left
        self.ended_drafts: list = []  # those of plans that ended, let go (`drop_draft`)

    def add(self, model: type, **values) -> _Row:
        row = _Row(_defaults(model))
        _set_model(row, model)
        row["id"] = _new_id()  # the keys in the order they were: id, the stamps, the values
        row["created_at"] = row["updated_at"] = self.stamp
        row.update(values)
        self.out.rows.append(row)
        return row

    def direct_payment(self, child: Child, started: date, reviewed: date) -> None:
        """WAR 7.2, 7.2.1: a direct payment, reviewed once, its next review 12 months on
        (no random draws: the rest of the demo stays as it was)."""
        amount, period, manager = DIRECT_PAYMENTS[self.n_child % len(DIRECT_PAYMENTS)]
        anchor = reviewed if started < reviewed <= self.today else started
        due = self.cal.working_day_for(add_months(anchor, 12), anchor)
        payment = self.add(DirectPayment, child_id=child.id, amount_pence=amount,
                           period=period, managed_by=manager, started_on=started,
                           review_due=due)
        if anchor == reviewed:
            self.add(SupportReview, child_id=child.id, direct_payment_id=payment.id,
                     reviewed_on=reviewed, notes="Meeting the child's needs; continue.",
                     next_due=due)

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
            manager = self.add(Worker, username=username, name=name, team_id=team.id,
                               role="team_manager", email=f"{username}@example.invalid")
            team.update(manager_id=manager["id"])  # the team's manager, as `team edit` sets
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
        mother = self.person(f"{rng.choice(MOTHER_FIRST)} {surname}", "family", phone=self.phone(),
                             email=f"parent{self.out.people}@example.invalid",
                             interpreter_language=language)
        father = self.person(f"{rng.choice(FATHER_FIRST)} {rng.choice((surname, rng.choice(LAST)))}",
                             "family", phone=self.phone(),
                             access_needs=rng.choice(("",) * 6 + ("Wheelchair user",)))
        gp = self.person(f"Dr {rng.choice(LAST)}", "professional", agency=f"{area} Medical Practice",
                         role="GP", phone=f"0161 496 0{rng.randrange(1000):03d}",
                         email=f"gp{self.out.people}@example.invalid")
        n = rng.choice((1, 1, 1, 2, 2, 3, 4))
        scenario = rng.choice(SCENARIOS)  # siblings share a history
        father_pr = rng.random() < 0.7
        for _ in range(n):
            mark = len(self.out.rows)  # the child's rows are the ones made from here
            child = self.child(team, worker, fam, surname)
            self.link(child, mother, "Mother", pr=True, lives=True)
            self.link(child, father, "Father", pr=father_pr, lives=rng.random() < 0.5)
            self.link(child, gp, "GP")
            self.professionals(child, area)
            self.consents(child, mother, father)
            self.history(child, scenario)
            self.visit_records(child)
            self.meeting_records(child)
            if child.status == "closed":
                self.stop_at_closure(child, mark)
            if child.status == "cin_plan":
                self.on_plan.setdefault(worker.id, []).append(child)

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
        sex = "U" if dob is None else rng.choice(SEXES)
        return self.add(Child,
            reference=f"DEMO{self.n_child:05d}",
            first_name=rng.choice(FIRST), last_name=surname, dob=dob, expected_dob=expected,
            sex=sex, ethnicity=rng.choice(ETHNICITY_WEIGHTS),
            disabilities=" ".join(sorted(rng.sample(DISABILITIES, rng.choice((1, 1, 2)))))
            if disabled else "NONE",
            upn_unknown="UN6" if dob is None else None,
            primary_need="N2" if disabled else rng.choice(PRIMARY_NEEDS),
            level=rng.choice(self.levels), service=team.service, team_id=team.id,
            worker_id=worker.id, family_id=fam.id, status="referral",
        )

    def link(self, child: Child, person: Person, relationship: str, pr: bool = False,
             lives: bool = False) -> None:
        self.links.setdefault(child.id, []).append((person, relationship, lives))
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
        if child.dob and age_years(child.dob, self.today) >= YOUNG_PERSON_AGE:
            self.own_consents(child, when)
        if roll > 0.95:
            self.add(Consent, child_id=child.id, person_id=mother.id, scope="information_sharing",
                             decision="withdrawn", decided_on=when + timedelta(days=10),
                             method="verbal")

    def own_consents(self, child: Child, when: date) -> None:
        """WIR 2.1, 2.3: a young person of 16 or 17 consents for themselves as well as a
        parent, to the CIN service, to sharing information and to CIN meetings. Most have,
        on the day their parent did (or on their sixteenth birthday, if that came after); a
        few are still to be asked to share information (OWN_SHARING_OUTSTANDING), or to the
        service as well (OWN_SERVICE_OUTSTANDING), having agreed to the meetings. Nothing is
        drawn from `rng`, so the rest of the demo stays as it was."""
        turn = self.young_people % 16
        self.young_people += 1
        if turn in OWN_SERVICE_OUTSTANDING:
            scopes: tuple[str, ...] = ("meeting",)
        elif turn in OWN_SHARING_OUTSTANDING:
            scopes = ("service", "meeting")
        else:
            scopes = ("service", "information_sharing", "meeting")
        on = max(when, comes_of_age(child.dob, YOUNG_PERSON_AGE))
        for scope in scopes:
            self.add(Consent, child_id=child.id, person_id=None, scope=scope,
                     decision="given", decided_on=on, method="verbal")

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
            self.no_plan_yet(child, ep)
            return
        ep.assessment_started = start
        if scenario == "assessment":
            child.status = "assessment"
            self.no_plan_yet(child, ep)
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
            self.direct_payment(child, ep.cin_plan_start,
                                add_months(self.today, -rng.randrange(1, 14)))
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
            self.drop_draft(child.id)  # closed with a plan in draft: the checklist refuses it

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
            # A review already booked for the coming weeks, by the child's worker.
            worker = self.workers_by_id.get(child.worker_id)
            self.booked[child.id] = self.booked_rows[child.id] = self.add(
                Meeting, child_id=child.id, episode_id=ep.id, kind="review",
                held_on=add_months(last, 3), held=False, status="scheduled",
                starts_at=from_england_time(datetime.combine(add_months(last, 3), time(16))),
                venue="Family home", booked_by=worker.name if worker else "")
            self.out.meetings += 1
        self.visits(child, ep)

    def meeting(self, child, ep, kind: str, when: date, circulated: bool) -> None:
        sent = self.cal.add_working_days(when, self.rng.randrange(2, 12)) if circulated else None
        sent = min(sent, self.today) if sent else None
        nxt = add_months(when, 3) if self.rng.random() < 0.7 else add_months(when, 2)
        row = self.add(Meeting, child_id=child.id, episode_id=ep.id, kind=kind, held_on=when,
                       held=True, status="held", next_review=nxt, minutes_circulated=sent,
                       plan_circulated=sent)
        self.held.setdefault(child.id, []).append(row)
        self.out.meetings += 1

    def visits(self, child: Child, ep: Episode, until: date | None = None) -> None:
        rng, cal = self.rng, self.cal
        # The last visit where the child was seen lands 0-30 working days ago: so the next
        # is overdue, due today, due soon or upcoming (or before `until`, a closure).
        last_seen = cal.add_working_days(until or self.today, -rng.randrange(0, 31))
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
        if rng.random() < 0.1 and last_seen < (until or self.today):
            # WIR 2.11: a visit where the child was not seen does not reset the clock.
            self.visit(child, ep, cal.add_working_days(last_seen, 1), seen=False, alone=False)

    def stop_at_closure(self, child: Child, mark: int) -> None:
        """DOMAIN.md §7, WIR 3: a closed case has nothing after its closure (no visit, no
        review, no plan version, no progress on an action); coming back is a new episode.
        The closed child's history was made up to today, as an open child's is, and what
        came after the closure is let go here, once its draws are made (as `no_plan_yet`
        does: every other child stays as it was). What is kept is left as the closure
        leaves it: the plan agreed before it in force, the minutes on the last meeting
        held, visits written up and consents given by then, a review booked for after it
        cancelled (`_closed_ending`), a direct payment ended."""
        rows = self.out.rows
        ep = next(r for r in reversed(rows[mark:]) if r.model is Episode and r.closure_date)
        closed = ep.closure_date
        gone: set = set()  # the ids of the rows let go (the rows that hang off them go too)
        visits = [r for r in rows[mark:] if r.model is Visit]
        if any(r.visited_at.date() > closed for r in visits):
            gone = {r.id for r in visits}  # made up to today: made again up to the closure
            self.visits_until(child, ep, rows[mark:])
        mine = rows[mark:]
        for row in mine:
            model = row.model
            if (model is Meeting and row.held and row.held_on > closed
                    or model is Visit and row.visited_at.date() > closed
                    or model is PlanVersion and row.created_on > closed
                    or model is SupportReview and row.reviewed_on > closed
                    or model is VisitAddendum and row.written_at.date() > closed):
                gone.add(row.id)
        minutes = next((r for r in mine if r.model is Meeting and r.get("minutes")), None)
        held = [r for r in mine if r.model is Meeting and r.held and r.id not in gone]
        sent = held[-1].minutes_circulated if held else None  # the minutes go with it
        kept = [r for r in mine if r.id not in gone and (r.get("version_id") not in gone)
                and r.get("visit_id") not in gone
                and (r.get("meeting_id") not in gone or r.model is MeetingDistribution and sent)]
        rows[mark:] = kept
        for model, name in ((Visit, "visits"), (Meeting, "meetings"), (VisitAddendum, "addenda")):
            lost = sum(r.model is model for r in mine) - sum(r.model is model for r in kept)
            setattr(self.out, name, getattr(self.out, name) - lost)
        versions = [r for r in kept if r.model is PlanVersion and r.status != "draft"]
        if versions:
            versions[-1].status = "agreed"  # superseded by a version made after the closure
        if minutes is not None and minutes.id in gone and held:
            needs = [r for r in kept if r.model is PlanNeed and versions
                     and r.version_id == versions[-1].id and r.rag in ("A", "R")]
            self.minutes_moved(child, minutes, held[-1], needs)
        # consents decided after the closure: all of them as sought at the referral
        redate = any(r.model is Consent and r.decided_on > closed for r in kept)
        for row in kept:
            model = row.model
            if model is MeetingDistribution and row.meeting_id in gone:
                row.meeting_id, row.sent_on = held[-1].id, sent
            elif model is Visit and row.finalised_at.date() > closed:
                row.finalised_at = row.visited_at + timedelta(hours=2)  # written up by then
            elif model is Consent and redate:
                row.decided_on = ep.referral_date + timedelta(
                    days=10 if row.decision == "withdrawn" else 0)
            elif model is DirectPayment and row.ended_on is None:
                row.ended_on, row.end_reason = closed, "The case closed."
        if not any(r.model is Visit for r in kept):
            self.visited.discard(child.id)
        booked = self.booked_rows.get(child.id)
        if booked is not None and held and any(r.model is Meeting and r.id in gone for r in mine):
            # booked at the last meeting held: the review it set
            booked.held_on = held[-1].next_review
            booked.starts_at = from_england_time(datetime.combine(booked.held_on, time(16)))
            if child.dob and age_years(child.dob, booked.held_on) < CHILD_INVITE_AGE:
                booked.child_invited = False
                rows[mark:] = [r for r in rows[mark:] if not (
                    r.model is MeetingInvitee and r.meeting_id == booked.id
                    and r.role == "Child")]

    def visits_until(self, child: Child, ep: Episode, mine: list) -> None:
        """A closed child's visits as an open child's are made, the last where the child was
        seen 0-30 working days before the closure rather than before today, and written up;
        actions progressed at them are those of the plan in force then. Drawn from their own
        stream (`closed_rng`), so the rest of the demo stays as it was."""
        versions = [r for r in mine if r.model is PlanVersion and r.status != "draft"
                    and r.created_on <= ep.closure_date]
        if versions:
            picks, last = self.plan_facts.get(child.id, ((),))[0], versions[-1]
            self.plan_facts[child.id] = (picks, last, [
                r for r in mine if r.model is PlanAction and r.version_id == last.id])
        rng, vr = self.rng, self.visit_rng
        self.rng = self.visit_rng = self.closed_rng
        try:
            self.visits(child, ep, until=ep.closure_date)
            self.visit_records(child)
        finally:
            self.rng, self.visit_rng = rng, vr

    def minutes_moved(self, child: Child, was: _Row, last: _Row, needs: list) -> None:
        """The minutes the demo wrote for a meeting after the closure, on the last meeting
        held before it instead (no draws): its kind, day and next review; an item for each
        Amber and Red of the plan agreed at it, worded as the minutes had it where they
        had the need (WIR 2.6); the child's views only from the age of 5."""
        m = Minutes.from_dict(json.loads(was.minutes))
        said = {i.need_key: i for i in m.items}
        name = child.first_name
        items = []
        for pos, need in enumerate(needs):
            before = said.get(need.key)
            items.append(NeedUpdate(
                need_key=need.key, need=need.now, rag_before=need.rag,
                update=before.update if before else
                MEETING_UPDATES[pos % len(MEETING_UPDATES)].format(name=name),
                impact=before.impact if before else
                MEETING_IMPACTS[pos % len(MEETING_IMPACTS)].format(name=name)))
        young = not child.dob or (last.held_on - child.dob).days <= 5 * 365
        day = last.held_on
        m = replace(m, kind=last.kind, held_on=day, items=tuple(items),
                    childs_views="" if young else m.childs_views,
                    decisions=replace(m.decisions, next_review=last.next_review),
                    started_at=datetime.combine(day, m.started_at.time()),
                    ended_at=datetime.combine(day, m.ended_at.time()))
        last.minutes = json.dumps(m.to_dict(), ensure_ascii=False)
        last.still_in_need, last.recommendation = True, "continue"

    # -------------------------------------------------------------- plans
    def no_plan_yet(self, child: Child, ep: Episode) -> None:
        """TRA: no plan is written before the line manager authorises its start (`plan
        start`), so a child at referral or assessment has none. The draws a draft took are
        still made and its rows let go: every other child's plan stays as it was."""
        mark = len(self.out.rows)
        self.plan(child, ep)
        del self.out.rows[mark:]
        self.plan_facts.pop(child.id, None)
        self.plan_drafts.pop(child.id, None)

    def drop_draft(self, child_id) -> None:
        """WIR 3: a plan that ended (at the final meeting, or with the case closed) is not
        re-opened, so it has no draft: the one `plan` made is let go, as `no_plan_yet` lets a
        plan go (its draws still made: every other child stays as it was). Its rows leave
        in one pass once the endings are made (`let_go_ended_drafts`)."""
        self.ended_drafts += self.plan_drafts.pop(child_id, ())

    def let_go_ended_drafts(self) -> None:
        """The rows of the drafts `drop_draft` let go: the version and its needs, actions,
        services and ratings, made one after another. Matched by the rows themselves: by
        their versions' ids (hashing 240,000 UUIDs) it took 140 ms of a 5,000-child demo."""
        gone = {id(row) for row in self.ended_drafts}
        if gone:
            self.out.rows = [row for row in self.out.rows if id(row) not in gone]

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
        in_force: tuple = (None, [])  # the agreed version in force and its actions
        for i in picks:
            path = rng.choice((("A", "A"), ("A", "G"), ("A", "A"), ("R", "A"), ("A", "R"),
                               ("A", "A")))
            needs.append((_new_id(), NEEDS[i], path, [_new_id() for _ in NEEDS[i][3]]))
        strength = (_new_id(), rng.choice(STRENGTHS if age >= 5 else STRENGTHS[:1]
                                             + STRENGTHS[2:3]))
        unowned = rng.random() < 0.12  # an Amber action with no owner: the caseload flags it
        stages = [(m.held_on, m, "agreed") for m in agreed]
        if not stages or rng.random() < 0.15:
            started = self.today - timedelta(days=rng.randrange(0, 10))
            stages.append((max(started, ep.referral_date), None, "draft"))
        prev_stage = 0
        for number, (on, meeting, status) in enumerate(stages, start=1):
            first = len(self.out.rows)  # the stage's rows from here to the end of its loop
            if status == "agreed" and number < len([s for s in stages if s[2] == "agreed"]):
                status = "superseded"
            stage = min(number - 1, 1)
            # As the app says it when a meeting agrees the plan ("Final CIN meeting 23 Aug
            # 2026"; a final meeting was once called a review here).
            where = meeting_label(meeting.kind, meeting.held_on) if meeting else ""
            version = self.add(
                PlanVersion, plan_id=plan.id, child_id=child.id, number=number, status=status,
                created_on=on, agreed_on=on if meeting else None, agreed_at=where,
                meeting_id=meeting.id if meeting else None,
                objectives=f"{name} is safe, settled at home and doing well at school.",
                lead_professional=lead, next_review=add_months(on, 3),
                review_arrangements="CIN review every 3 months, chaired by the social worker.",
                childs_views=("" if rng.random() < 0.1 or age < 0 else rng.choice(VIEWS)
                              if age >= 5 else OBSERVED.format(name=name)),
                lived_experience=f"A typical day for {name} starts with a rushed morning.",
                # BEX 3, STO 6.3: the plan's exit, in fixed words (no draw: the demo's
                # random stream, and so every other row, stays as it was).
                bottom_lines=f"{name} is never left alone at home overnight, and the family "
                             "tell us at once if things get worse.",
                if_not_met=f"If nothing has changed for {name} by the next review, we will "
                           "talk with the family about a child protection conference.",
                good_enough=f"When {name}'s Ambers have been Green for three months, the "
                            "plan can end and early help can support the family.")
            if meeting:
                self.agreed_at.setdefault(meeting.id, []).append(version)
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
                if status == "agreed":
                    self.force_needs.setdefault(child.id, []).append(need)
                for k, ((what, who), akey) in enumerate(zip(acts, akeys, strict=True)):
                    due = on + timedelta(days=rng.randrange(-20, 60) if status == "superseded"
                                         else rng.randrange(20, 120))
                    if due < self.today:  # most past actions were done; some were not
                        status_ = rng.choice(("done",) * 6 + ("in_progress", "not_done"))
                    else:
                        status_ = rng.choice(("done", "in_progress", "in_progress",
                                              "not_started"))
                    owner = "" if unowned and pos == 0 and k == 0 and rag != "G" else who
                    action = self.add(PlanAction, need_id=need.id, version_id=version.id,
                                      key=akey, position=k, what=what.format(name=name),
                                      who=owner, by_when=due, status=status_)
                    if status == "agreed":
                        in_force[1].append(action)
                if number == 1 or path[stage] != path[prev_stage]:
                    self.rating(child, key, version, on, rag,
                                None if number == 1 else path[prev_stage], lead, where)
            self.add(PlanNeed, version_id=version.id, child_id=child.id, key=strength[0],
                     position=len(needs), kind="strength",
                     now=strength[1].format(name=name), rag="G")
            if number == 1:
                self.rating(child, strength[0], version, on, "G", None, lead, where)
            prev_stage = stage
            if status == "agreed":
                in_force = (version, in_force[1])
        self.plan_facts[child.id] = (picks, *in_force)
        if status == "draft":  # the last stage: its rows are the plan's last
            self.plan_drafts[child.id] = self.out.rows[first:]

    def rating(self, child, key, version, on, rag, previous, by, where) -> None:
        detail = {}
        if rag == "G" and previous in ("A", "R"):
            detail = {"maintained_for": f"{self.plan_rng.randrange(6, 13)} weeks",
                      "agreed_at": where or by}
        if rag == "R":
            detail = {"cp_discussion": "Discussed with the team manager: threshold for a CP "
                                       "conference not met; review in 4 weeks."}
        row = self.add(RagChange, child_id=child.id, need_key=key, version_id=version.id,
                       rated_on=on, rating=rag, previous=previous, by=by, **detail)
        if where and detail.get("agreed_at") == where:
            self.agreed_at.setdefault(version.meeting_id, []).append(row)

    def visit(self, child, ep, day: date, seen: bool, alone: bool) -> None:
        at = datetime.combine(day, time(hour=self.rng.randrange(9, 17)), tzinfo=UTC)
        row = self.add(Visit, child_id=child.id, episode_id=ep.id, visited_at=at,
                       kind=self.rng.choice(("home",) * 6 + ("school", "office", "virtual")),
                       child_seen=seen, seen_alone=seen and alone,
                       bedroom_seen=seen and self.rng.random() < 0.7, status="final",
                       author_id=child.worker_id)
        self.out.visits += 1
        # Facts made consistent without a draw (the scenarios' randomness stays as it was):
        # a bedroom is seen only at home; an unborn baby is never seen alone; a baby's
        # "school" visit is the baby clinic.
        if row.kind != "home":
            row.bedroom_seen = False
        band = self.band(child, day)
        if band == "unborn":
            row.seen_alone = False
        if row.kind == "school" and band in ("unborn", "baby"):
            row.kind = "other"
        self.seen_rows.setdefault(child.id, []).append((row, band))

    # -------------------------------------------------------------- meeting records
    def meeting_records(self, child: Child) -> None:
        """Chair and venue for every meeting; minutes (attendance, each Amber's update, the
        boxes, views, decisions) for the latest held one, sent to the parents when it was
        circulated; invitees for a review booked ahead. Drawn from `meeting_rng`."""
        held = self.held.get(child.id, [])
        booked = self.booked.pop(child.id, None)
        if not held and booked is None:
            return
        mr = self.meeting_rng
        worker = self.workers_by_id.get(child.worker_id)
        chair = worker.name if worker else ""
        people = self.links.get(child.id, [])
        for m in held:
            m.chair, m.chair_role = chair, "Social worker"
            m.venue = mr.choice(MEETING_VENUES)
            m.starts_at = from_england_time(datetime.combine(m.held_on, time(16)))
            # WIR 2.3: the papers went out a week before (no draw: the demo is as before).
            m.papers_sent_on = self.cal.add_working_days(m.held_on, -5)
        if booked is not None:
            booked.chair, booked.chair_role = chair, "Social worker"
            for i, (person, relationship, _) in enumerate(people):
                self.add(MeetingInvitee, meeting_id=booked.id, person_id=person.id,
                         position=i, name=person.name, role=relationship,
                         is_parent=relationship in ("Mother", "Father"))
            # BEX 3: the child invited from the age of 5 (meeting_safeguards).
            if child.dob and age_years(child.dob, booked.held_on) >= CHILD_INVITE_AGE:
                booked.child_invited = True
                self.add(MeetingInvitee, meeting_id=booked.id, position=len(people),
                         name=f"{child.first_name} {child.last_name}", role="Child")
        if not held:
            return
        last = held[-1]
        name = child.first_name
        attendance = []
        for person, relationship, _ in people:
            parent = relationship in ("Mother", "Father")
            came = ("present" if relationship == "Mother" or mr.random() < 0.6 else
                    "apologies_report" if not parent else mr.choice(("apologies", "absent")))
            # (held: the attendance lives in the minutes; invitee rows only for booked ones,
            # which keeps 20,000+ rows out of a 5,000-child demo)
            attendance.append(Invitee(person.name, relationship, person.id, parent, came))
        items = tuple(NeedUpdate(
            need_key=n.key, need=n.now, rag_before=n.rag,
            update=mr.choice(MEETING_UPDATES).format(name=name),
            impact=mr.choice(MEETING_IMPACTS).format(name=name))
            for n in self.force_needs.get(child.id, []) if n.rag in ("A", "R"))
        minutes = Minutes(
            kind=last.kind, held_on=last.held_on, attendance=tuple(attendance),
            ground_rules="One person at a time; we talk about what matters for "
                         f"{name}; phones away.",
            items=items, significant_events=mr.choice(MEETING_EVENTS).format(name=name),
            childs_views=mr.choice(VIEWS) if child.dob and (last.held_on - child.dob).days
            > 5 * 365 else "",
            parents_views="Mum said things feel calmer and she wants the plan to carry on.",
            decisions=Decisions(True, last.next_review, "continue"),
            started_at=datetime.combine(last.held_on, time(16)),
            ended_at=datetime.combine(last.held_on, time(17, mr.randrange(0, 50))))
        last.minutes = json.dumps(minutes.to_dict(), ensure_ascii=False)
        last.still_in_need, last.recommendation = True, "continue"
        if last.minutes_circulated:
            for person, relationship, _ in people:
                if relationship in ("Mother", "Father"):
                    self.add(MeetingDistribution, meeting_id=last.id, person_id=person.id,
                             recipient=person.name, sent_on=last.minutes_circulated,
                             method="email")

    # -------------------------------------------------------------- visit records
    def band(self, child, day: date) -> str:
        if child.dob is None:
            return "unborn"
        years = (day - child.dob).days / 365.25
        return ("baby" if years < 2 else "young" if years < 5 else "primary" if years < 11
                else "older" if years >= 16 else "teen")

    def visit_records(self, child: Child) -> None:
        """The text under each WIR 2.11 heading, who else was there, the author and when it
        was finalised, for the child's visits; sometimes an addendum, and plan actions
        progressed. Drawn from `visit_rng` so the rest of the demo is unchanged."""
        rows = self.seen_rows.pop(child.id, None)
        if not rows:
            return
        self.visited.add(child.id)
        vr = self.visit_rng
        worker = self.workers_by_id.get(child.worker_id)
        author = worker.name if worker else ""
        links = self.links.get(child.id, ())
        mum = next(((p.name, p.id) for p, rel, _ in links if rel == "Mother"), None)
        dad = next(((p.name, p.id) for p, rel, lives in links if rel == "Father" and lives),
                   None)
        staff = next(((p.name, p.id) for p, rel, _ in links
                      if rel in ("Designated safeguarding lead", "Head of year")), None)
        picks, version, actions = self.plan_facts.get(child.id, ((), None, []))
        # Plan actions progressed at a visit: the status each has in the plan in force.
        progressed: dict[int, list] = {}
        if version is not None and vr.random() < 0.6:
            moved = [a for a in actions if a.status in ("in_progress", "done")]
            after = [i for i, (v, _) in enumerate(rows)
                     if v.child_seen and v.visited_at.date() >= version.agreed_on]
            if moved and after:
                for action in vr.sample(moved, min(len(moved), vr.choice((1, 1, 2)))):
                    progressed.setdefault(vr.choice(after), []).append(action)
        obj, pos = PRONOUNS.get(child.sex, ("them", "their"))
        facts = {"name": child.first_name, "obj": obj, "pos": pos,  # the same at each visit
                 "pct0": vr.randrange(74, 86), "rent": vr.randrange(2, 5), "dob": child.dob,
                 "expected": child.expected_dob, "surname": child.last_name}
        for i, (v, band) in enumerate(rows):
            self.visit_text(v, band, vr, mum, dad, staff, picks, facts)
            v["author_name"] = author
            v["finalised_at"] = self.finalised(v["visited_at"], vr)
            if i not in progressed:
                continue
            for action in progressed[i]:
                self.add(VisitAction, visit_id=v.id, version_id=version.id,
                         action_key=action.key, status=action.status)
                v.analysis += (f' Progress on the plan: "{action.what}" is '
                               f"{ACTION_STATUS_LABELS[action.status].lower()}.")
        if vr.random() < 1 / 6:
            self.addendum(child, [v for v, _ in rows], vr, worker)

    def finalised(self, at: datetime, vr: random.Random) -> datetime:
        """Written up the same day, or a working day or a few later (never after today)."""
        rand = vr.random
        roll = rand()
        later = at + timedelta(minutes=60 + 5 * int(rand() * 24))  # 1 to 3 hours later
        if roll < 0.55 and at.hour < 15:
            return later
        key = (at.date(), 1 if roll < 0.8 else 2 + int(rand() * 3))
        day = self.later_day.get(key)
        if day is None:
            day = self.later_day[key] = self.cal.add_working_days(*key)
        if day > self.today:
            return later
        return datetime.combine(day, time(8 + int(rand() * 9), 5 * int(rand() * 12)),
                                tzinfo=UTC)

    def day_text(self, day: date) -> str:
        """"4 December": many visits share a day, so each is formatted once."""
        text = self.day_texts.get(day)
        if text is None:
            text = self.day_texts[day] = f"{day.day} {day:%B}"
        return text

    def visit_text(self, v, band, vr, mum, dad, staff, picks, facts) -> None:
        """Fill one visit's headings (and who else was there) from its facts. Rows are read
        as plain dicts here: this runs for every visit of a 5,000-child demo."""
        rand = vr.random

        def pick(options):  # vr.choice, at a third of the cost
            return options[int(rand() * len(options))]

        kind, seen, bedroom = v["kind"], v["child_seen"], v["bedroom_seen"]
        day = v["visited_at"].date()
        answered = True
        unseen = 0
        if not seen and kind == "home":
            unseen = int(rand() * len(V_UNSEEN))
            answered = unseen != 2  # "no answer at the door"
        # Who else was there: a parent at home, in the office or on the call; sometimes
        # school staff at school; a grandmother (typed) when no parent was in. Recorded as
        # workers do: always when it is not just Mum at home, at some visits when it is.
        has_mum = has_dad = False
        if kind == "school":
            if staff is not None and rand() < 0.4:
                self.add(VisitPresent, visit_id=v["id"], person_id=staff[1], position=0,
                         name=staff[0])
        elif answered:
            roll = rand()
            has_mum = mum is not None and (roll < 0.85 or kind == "office" or kind == "virtual")
            has_dad = dad is not None and roll >= 0.85  # when Mum was out
            if has_mum and (has_dad or kind != "home" or roll < 0.3):
                self.add(VisitPresent, visit_id=v["id"], person_id=mum[1], position=0,
                         name=mum[0])
            if has_dad:
                self.add(VisitPresent, visit_id=v["id"], person_id=dad[1], position=int(has_mum),
                         name=dad[0])
            if not (has_mum or has_dad) and kind == "home":
                self.add(VisitPresent, visit_id=v["id"], person_id=None, position=0,
                         name=f"{GRANS[int(roll * 100) % len(GRANS)]} {facts['surname']}, "
                              "maternal grandmother")
        parents = has_mum or has_dad
        parent = "Dad" if has_dad and not has_mum else "Mum"
        place = PLACES.get(kind, "home")
        if kind == "school":
            place = "nursery" if band == "young" else "college" if band == "older" else place
        due = self.due_text.get(day)
        if due is None:
            due = self.due_text[day] = self.day_text(self.cal.add_working_days(day, 20))
        fmt = {**facts, "parent": parent, "mum": "she" if parent == "Mum" else "Mum",
               "carer": parent if parents else "Grandma", "place": place,
               "setting": SETTINGS.get(band, "school"), "due": due,
               "soon": self.day_text(day + timedelta(days=5 + int(rand() * 20))),
               "pct": 86 + int(rand() * 13), "n": 2 + int(rand() * 3)}
        if band == "unborn":
            expected = facts["expected"]
            fmt["weeks"] = 24 if expected is None else \
                min(39, max(12, 40 - (expected - day).days // 7))
        elif band == "teen":
            fmt["year"] = min(11, max(7, (day - facts["dob"]).days // 365 - 4))
        said = "teen" if band == "older" else band
        if band == "unborn":
            purpose = pick(V_PURPOSE["unborn"])
        elif not seen and kind == "home":
            purpose = pick(V_PURPOSE["followup"])
        elif kind == "home" and not parents:
            purpose = pick(V_PURPOSE["home"][:3])
        else:
            purpose = pick(V_PURPOSE["clinic" if kind == "other" else kind])
        if answered and (seen or kind != "school"):
            welfare = pick(V_WELFARE[said if seen else "unseen"])
            health = pick(V_HEALTH[said if seen else "unseen"])
            parents_said = pick(V_PARENTS if parents else V_PARENTS_AWAY)
        elif answered:  # absent from school: nothing observed, Mum rung afterwards
            welfare = "Not seen: welfare not observed today."
            health = "Not seen: no new health information."
            parents_said = pick(V_PARENTS_AWAY)
        else:
            welfare = "Not seen: welfare not observed today."
            health = "Not seen: no new health information."
            parents_said = "No one was in; I rang {parent} and left a message."
        text = {"purpose": purpose,
                "childs_comments": pick(V_SAYS[said if seen or band == "unborn" else "unseen"]),
                "childs_welfare": welfare, "parents_comments": parents_said, "health": health,
                "education": pick(V_EDUCATION[band])}
        if kind != "home":
            care = pick(V_AWAY_HOME)
        elif not answered:
            care = "No one answered; home not seen today."
        elif bedroom:
            care = pick(V_HOME) + " " + pick(V_BEDROOM.get(band, V_BEDROOM["child"]))
        else:
            care = pick(V_HOME)
        if not bedroom or kind != "home":
            care += " " + (pick(V_WARMTH) if parents and seen and band != "unborn"
                           else pick(V_SUPPORT))
        text["care_and_support"] = care
        if seen and picks and rand() < 0.6:  # one of the plan's worries, followed up
            need = pick(picks)
            heading, lines = V_NEED_LINES[need]
            if not (need == 3 and (band == "unborn" or band == "baby")) \
                    and (heading != "parents_comments" or parents):
                text[heading] += " " + pick(lines)
        if not seen and kind != "home":
            analysis = V_UNSEEN_AWAY[kind] + " I will see {name} at home within 2 working days."
        elif not seen:
            analysis = V_UNSEEN[unseen]
        else:
            analysis = pick(V_SUMMARY)
            if not v["seen_alone"]:
                key = "virtual" if kind == "virtual" else band if band in (
                    "unborn", "baby", "young") else "child"
                analysis += " " + pick(V_NOT_ALONE[key])
            if not bedroom:
                if kind == "home":
                    analysis += " " + pick(V_NO_BEDROOM)
                else:
                    where = "Seen on a video call" if kind == "virtual" else (
                        f"Seen at {'the ' if kind in ('office', 'other') else ''}{place}")
                    analysis += " " + where + V_AWAY_BEDROOM
            analysis += " " + pick(V_NEXT)
        text["analysis"] = analysis
        for heading, value in text.items():
            v[heading] = value.format_map(fmt)

    def addendum(self, child: Child, rows: list, vr: random.Random, worker) -> None:
        """A dated, attributed correction or later information under one visit."""
        done = [v for v in rows if v.finalised_at.date() < self.today]
        if not done or worker is None:
            return
        v = vr.choice(done)
        day = v.visited_at.date()
        written = min(self.today, v.finalised_at.date() + timedelta(days=vr.randrange(1, 8)))
        at = datetime.combine(written, time(vr.randrange(9, 17), vr.randrange(0, 60, 5)),
                              tzinfo=UTC)
        band = self.band(child, day)
        options = V_ADDENDA["any"] + (V_ADDENDA["early"] if band in ("baby", "young")
                                      else V_ADDENDA["school"] if band != "unborn" else ())
        first = day + timedelta(days=vr.randrange(5, 20))
        when = written if "rang on" in (text := vr.choice(options)) else first
        later = when + timedelta(days=1 if "not {day1}" in text else vr.randrange(3, 15))
        self.add(VisitAddendum, visit_id=v.id, written_at=at, author_id=worker.id,
                 author_name=worker.name,
                 text=text.format(name=child.first_name, parent="Mum",
                                  pct=vr.randrange(88, 100), day1=f"{when.day} {when:%B}",
                                  day2=f"{later.day} {later:%B}"))
        self.out.addenda += 1

    def drafts(self, workers: list, dropped: set) -> None:
        """One unfinished visit per social worker, from this morning, on one of their CIN
        plan children: every demo user has a draft waiting (kept out of the audit's text)."""
        vr = self.visit_rng
        for _, worker in workers:
            kids = [c for c in self.on_plan.get(worker.id, ()) if c.id not in dropped]
            if not kids:
                continue
            seen = [c for c in kids if c.id in self.visited]  # a history to carry on
            child = vr.choice(seen or kids)
            at = datetime.combine(self.today, time(vr.randrange(9, 12), vr.randrange(0, 60, 5)))
            band = self.band(child, self.today)
            obj, pos = PRONOUNS.get(child.sex, ("them", "their"))
            mother = next((p for p, rel, _ in self.links.get(child.id, ()) if rel == "Mother"),
                          None)
            fmt = {"name": child.first_name, "obj": obj, "pos": pos, "parent": "Mum",
                   "carer": "Mum"}
            content = VisitContent(
                visited_at=at, kind="home", child_seen=True,
                seen_alone=band not in ("unborn", "baby"), bedroom_seen=False,
                present=(Present(mother.name, mother.id),) if mother is not None else (),
                purpose=vr.choice(V_DRAFT).format_map(fmt),
                childs_comments=vr.choice(V_SAYS["teen" if band == "older" else band])
                .format_map(fmt),
                childs_welfare=vr.choice(V_WELFARE["teen" if band == "older" else band])
                .format_map(fmt))
            saved = from_england_time(at) + timedelta(minutes=vr.randrange(70, 150))
            row = self.add(Draft, kind="visit", child_id=child.id, owner=worker.username,
                           payload=json.dumps(content.to_dict(), ensure_ascii=False,
                                              separators=(",", ":")),
                           saved_at=saved)
            row.created_at = saved - timedelta(minutes=vr.randrange(5, 30))
            row.updated_at = saved
            self.out.drafts += 1

ETHNICITY_WEIGHTS = ("WBRI",) * 14 + (
    "WIRI", "WOTH", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "APKN",
    "ABAN", "AOTH", "BCRB", "BAFR", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
)


def build(children: int, seed: int, today: date, levels: tuple[str, ...] = ()) -> DemoCounts:
    """Make the rows (not yet written): deterministic for a seed and today."""
    rng = random.Random(seed)
    b = _Builder(rng, today, england_calendar(), levels)
    b.plan_rng = random.Random(seed + 1_000_003)  # plans draw apart: the rest stays as it was
    b.visit_rng = random.Random(seed + VISIT_SEED)  # so do the visit records
    b.meeting_rng = random.Random(seed + MEETING_SEED)  # and the meeting records
    b.closed_rng = random.Random(seed + CLOSED_SEED)  # and a closed child's visits
    teams = b.workforce(children)
    workers = [(team, w) for team, members in teams for w in members]
    made = 0
    dropped: set = set()
    while made < children:
        team, worker = workers[(made // CHILDREN_PER_WORKER) % len(workers)]
        area = team.name.split(" ")[0]
        b.family(team, worker, area)
        made = b.n_child
        if made > children:  # trim the last family's extra children
            extra = made - children
            b.n_child -= extra
            made = children
            dropped = _drop_last_children(b.out, extra)
    b.drafts(workers, dropped)
    history(b, workers, seed, closed=children // 2)
    _case_steps(b.out.rows)
    b.out.children = children
    kids = [row for row in b.out.rows if row.model is Child]
    b.out.everyone, b.out.closed = len(kids), sum(row.status == "closed" for row in kids)
    return b.out


# The assessment under its headings, as the demo writes it (synthetic, the same for all).
DEMO_RECORD = {
    "developmental_needs": "Meeting most milestones; school attendance has dipped this term.",
    "parenting_capacity": "Warm and caring; routines and boundaries slip when under stress.",
    "family_environment": "Rented flat, one income; grandparents nearby and supportive.",
    "childs_voice": "Says home is 'mostly OK' and wants more time with Dad.",
    "risks_strengths": "Worried about school days missed; going well: family support.",
    "analysis": "A child in need: without help, missed school and low mood are likely.",
    "how_needs_met": "A CIN plan: school, health and family support, reviewed in 3 months.",
}


def _case_steps(rows: list) -> None:
    """Each demo episode's case steps as a worker records them (WAR 4.4, TRA, WIR 1.1): the
    decision on the referral (an assessment, the day it came, by the child's worker), and
    for an assessment authorised, its record under the headings, its factors, level and
    outcome, sent the day it was authorised by the team's manager; a referral from early help
    (source 5D) a step-up, its early help plan 12 weeks before. Without them every demo
    child's case steps said "to do" for steps its plan had long passed. No random draws:
    the rest of the demo stays as it was."""
    names = {r["id"]: r["name"] for r in rows if r.model is Worker}
    managers = {r["team_id"]: r["name"] for r in rows
                if r.model is Worker and r.get("role") == "team_manager"}
    children = {r["id"]: r for r in rows if r.model is Child}
    record = json.dumps(DEMO_RECORD)
    for ep in rows:
        if ep.model is not Episode or not ep.get("assessment_started") \
                or ep.get("referral_decision"):
            continue
        child = children.get(ep["child_id"])
        if child is None:
            continue
        worker = names.get(child.get("worker_id"), "")
        manager = managers.get(child.get("team_id"), "") or worker
        ep.update(referral_decision="assessment", referral_decided_on=ep["referral_date"],
                  referral_decided_by=worker)
        if ep.get("referral_source") == "5D":  # from early help: a step-up (STO 7.13)
            ep.update(referral_route="early_help_step_up", early_help_plan_on=max(
                ep["referral_date"] - timedelta(weeks=12),
                child.get("dob") or ep["referral_date"]))
        if not ep.get("assessment_completed"):
            continue
        outcome = ("cin_plan" if ep.get("cin_plan_start") else
                   "early_help" if ep.get("closure_reason") == "RC9" else "nfa")
        ep.update(assessment_submitted=ep["assessment_completed"],
                  assessment_authorised_by=ep.get("assessment_authorised_by") or manager,
                  assessment_record=record, assessment_outcome=outcome,
                  factors_chosen=ep.get("factors_chosen") or ep.get("assessment_factors")
                  or "", assessment_level=ep.get("assessment_level")
                  or child.get("level") or "")
        if ep.get("cin_plan_start") and not ep.get("cin_plan_authorised_by"):
            ep.update(cin_plan_authorised_by=manager)


def _drop_last_children(out: DemoCounts, extra: int) -> set:
    """Remove the newest `extra` children and every row that belongs to them; return their
    ids. A child's rows all come after the child's own row, so only that tail is read."""
    rows = out.rows
    start, ids = len(rows), set()
    while len(ids) < extra:
        start -= 1
        if rows[start].model is Child:
            ids.add(rows[start].id)
    tail = rows[start:]
    gone = {r.id for r in tail if r.get("child_id") in ids}  # plans, versions, needs...
    kept = [r for r in tail
            if not (r.model is Child and r.id in ids) and r.get("child_id") not in ids
            and r.get("version_id") not in gone and r.get("need_id") not in gone
            and r.get("visit_id") not in gone and r.get("meeting_id") not in gone]
    del rows[start:]
    rows.extend(kept)
    for model, name in ((Visit, "visits"), (Meeting, "meetings"), (VisitAddendum, "addenda")):
        lost = sum(r.model is model for r in tail) - sum(r.model is model for r in kept)
        setattr(out, name, getattr(out, name) - lost)
    return ids


def generate(store, *, children: int, seed: int, today: date, policy: str = "england",
             feed: RowFeed | None = None) -> DemoCounts:
    """Write a demo caseload into an empty store, in one audited transaction: the rows made
    here, or by the process `feed` started (`start_feed`, on a file)."""
    from cintui.reference import policies

    profile = policies.load_policy(policy)
    gc.disable()  # ~100,000 short-lived rows and no cycles: collection is pure overhead here
    try:
        with store.loading_new_file(), store.session(ACTOR) as session:
            # Set up as a user does (`cintui authority set`): named on the letters, plans,
            # minutes and packs, and its LA number the census return's header (they said
            # "Children's services" and nothing, and the return had no LA of its own).
            # Stamped as the demo's other rows are (today, 08:00): the same seed and day make
            # the same store, its audit trail too.
            stamp = datetime.combine(today, time(8), tzinfo=UTC)
            session.add(Authority(name=DEMO_AUTHORITY, la_number=UPN_LA, created_at=stamp,
                                  updated_at=stamp))
            admin.set_authority(session, name=DEMO_AUTHORITY, la=UPN_LA, policy=profile.name)
            cases.mark_demo_store(session)
            indexes = store.indexes_after_load(session.connection(), LOADED_TABLES)
            if feed is not None:
                out = _write_feed(session, feed, indexes)
            else:
                out = build(children, seed, today, profile.levels)
                by_model, drafts = _by_model(out.rows)
                out.rows = []
                for model in WRITE_ORDER:
                    audit.insert_rows(session, model, by_model.pop(model))
                    indexes.filled(model.__tablename__)
                session.add_all(Draft(**row) for row in drafts)
            session.flush()
            indexes.finish()  # the audit trail's, once every entry is in
            return out
    finally:
        gc.enable()


def _by_model(rows: list) -> tuple[dict[type, list[dict]], list[dict]]:
    """The rows by table, in WRITE_ORDER, and the drafts (written through the ORM)."""
    by_model: dict[type, list[dict]] = {model: [] for model in WRITE_ORDER}
    drafts = []
    for row in rows:  # rows are dicts already: handed over as they are, not copied
        (drafts if row.model is Draft else by_model[row.model]).append(row)
    return by_model, drafts


# ------------------------------------------------------------------ two processes
# A 5,000-child demo spends ~6 s making its rows and converting them to what SQLite stores
# (`audit.converted`: checks, values, each audit entry's JSON) and ~5 s writing them. On a
# file the first half runs in a forked process, from before the store is created, and each
# table is written as it arrives: two cores, ~9 s instead of ~13. The rows are the same.


class DemoFailed(Exception):
    """The process making the rows failed (its error, in one line)."""


class RowFeed:
    """The demo's rows, table by table, from the process `start_feed` forked."""

    def __init__(self, process, conn) -> None:
        self.process, self.conn = process, conn

    def __iter__(self):
        while True:
            try:
                kind, payload = self.conn.recv()
            except EOFError:
                self.process.join(5)
                raise DemoFailed("the process making the demo's rows stopped "
                                 f"(exit code {self.process.exitcode})") from None
            if kind == "error":
                raise DemoFailed(payload)
            yield kind, payload
            if kind == "done":
                return

    def close(self) -> None:
        """Stop the process if it still runs (the store failed first); again is harmless."""
        self.conn.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


def start_feed(children: int, seed: int, today: date, policy: str = "england"
               ) -> RowFeed | None:
    """Start making the demo's rows in a forked process (None where this process cannot
    fork safely: no fork, or other threads running)."""
    import multiprocessing
    import threading

    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return None
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_make_rows, args=(send, children, seed, today, policy),
                          name="cintui-demo-rows", daemon=True)
    process.start()
    send.close()
    return RowFeed(process, receive)


def _make_rows(conn, children: int, seed: int, today: date, policy: str) -> None:
    """In the forked process: build, check and convert each table, and send it. A thread
    sends (a pipe holds 64 KB: the next table is converted while the parent reads one)."""
    import pickle
    import queue
    import threading

    global _id_bits
    _id_bits = random.Random().getrandbits  # a stream of ids of its own, never the parent's
    gc.disable()
    outbox: queue.SimpleQueue = queue.SimpleQueue()

    def send() -> None:
        while (data := outbox.get()) is not None:
            conn.send_bytes(data)

    def put(message: tuple) -> None:
        outbox.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        from cintui.reference import policies

        out = build(children, seed, today, policies.load_policy(policy).levels)
        by_model, drafts = _by_model(out.rows)
        out.rows = []
        for model in WRITE_ORDER:
            put((model.__tablename__, audit.converted(model, by_model.pop(model))))
        put(("drafts", [dict(row) for row in drafts]))
        put(("done", out))
    except Exception as exc:  # said by the parent, which rolls its transaction back
        put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        outbox.put(None)
        sender.join()
        conn.close()


def _write_feed(session, feed: RowFeed, indexes) -> DemoCounts:
    from cintui.store.models import table_models

    tables = table_models()
    for kind, payload in feed:
        if kind == "done":
            return payload
        if kind == "drafts":
            session.add_all(Draft(**row) for row in payload)
        else:
            audit.insert_converted(session, tables[kind], *payload)
            indexes.filled(kind)  # made while the other process converts the next table
    raise DemoFailed("the demo's rows ended early")


# ------------------------------------------------------------------ two collection years
# The history behind the caseload (the performance report, the census return): children
# whose cases closed over the two collection years before this one, with every reason for
# closure, durations in every band, step-downs with unmet need, re-referrals at every
# interval; UPNs (or the census reason there is none); quality checks of plans (BEX 3).
# Drawn from their own random stream, after everything else: the open caseload of a seed
# stays as it was.

HISTORY_SEED = 4_000_037
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the DfE check letter alphabet (no I, O, S)
PLAN_REASONS = ("RC7",) * 14 + ("RC1", "RC2", "RC3", "RC3", "RC4", "RC4", "RC5", "RC5", "RC6")
DURATION_DAYS = ((40, 88), (95, 178), (186, 268), (278, 520))  # STO 3.2 bands
FACTORS = ("1B", "2B", "3B", "4B", "16A", "17A", "6B", "7A", "10A")  # census factor codes
REREFERRAL_DAYS = ((4, 27), (35, 88), (96, 176), (190, 355), (380, 520))  # WAR 3.4 bands
QUALITY_FACILITATORS = ("Jo Whitfield (IPSS)", "Sam Okoro (IPSS)", "Dana Price (IPSS)")


# A pseudo-LA code the DfE's UPN rule 1530 accepts (001-005), not a real authority's
# number: demo UPNs are well formed and pass the census rules, and can be no real pupil's.
# It is the demo authority's LA number too.
UPN_LA = "001"
DEMO_AUTHORITY = "Demoshire County Council"  # no real authority's name
# The census sex (M, F; U only for the unborn): seven choices, as the old gender codes had.
SEXES = "MFMFMFM"


def upn(rng: random.Random, la: str, year: int) -> str:
    """A well-formed UPN: check letter, LA number, establishment, year, serial (DfE)."""
    body = f"{la}{rng.randrange(2000, 7000):04d}{year % 100:02d}{rng.randrange(1000):03d}"
    total = sum(int(c) * w for c, w in zip(body, range(2, 14), strict=True))
    return UPN_LETTERS[total % 23] + body


def collection_start(today: date) -> date:
    """1 April of the collection year `today` is in (DOMAIN.md §10)."""
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def history(b: _Builder, workers: list, seed: int, closed: int) -> None:
    hr = random.Random(seed + HISTORY_SEED)
    _tidy_open_history(b, hr)
    start = date(collection_start(b.today).year - 2, 4, 1)  # two whole collection years back
    for n in range(closed):
        team, worker = workers[n % len(workers)]
        # The first nine close for each census reason in turn (RC1-RC9): every demo has all.
        # The next five come back at each interval since their closure (WAR 3.4).
        band = n - 9 if 9 <= n < 9 + len(REREFERRAL_DAYS) else None
        _closed_child(b, hr, team, worker, start, f"RC{n + 1}" if n < 9 else None, band)
    _quality_checks(b, hr)
    _endings(b, hr)
    b.let_go_ended_drafts()
    _supervisions(b, random.Random(seed + SUPERVISION_SEED),
                  random.Random(seed + SUPERVISION_SEED + 1))


def _tidy_open_history(b: _Builder, hr: random.Random) -> None:
    """What the open caseload's generator leaves loose for the census: a UPN or the reason
    there is none; a reason for closure that fits a case that had a CIN plan (RC8 and RC9
    are for cases closed after assessment); the factors an assessment found; an earlier
    episode that ends before the open one starts, and none from before the child was born."""
    episodes: dict = {}
    for row in b.out.rows:
        if row.model is Episode:
            episodes.setdefault(row.child_id, []).append(row)
    unborn_history = set()
    for row in b.out.rows:
        if row.model is not Child:
            continue
        eps = episodes.get(row.id, ())
        for ep in eps:
            if ep.closure_reason in ("RC8", "RC9") and ep.cin_plan_start:
                ep.closure_reason = "RC7"
            if ep.assessment_completed and ep.assessment_completed > b.today:
                # a baby referred at birth weeks ago: assessed by today, not after it
                done = max(ep.referral_date, b.cal.add_working_days(b.today, -1))
                ep.assessment_completed = done
                if ep.cin_plan_start:
                    ep.cin_plan_start = ep.support_started = done
            if ep.assessment_completed and not ep.assessment_factors:
                ep.assessment_factors = " ".join(sorted(hr.sample(FACTORS, 2)))
        current = [ep for ep in eps if ep.closure_date is None]
        # referred no earlier than 40 weeks before an unborn child's expected birth (census)
        earliest = row.dob or (row.expected_dob and row.expected_dob - timedelta(weeks=40))
        for ep in eps:
            if current and ep.closure_date and ep.closure_date >= current[0].referral_date:
                shift = timedelta(days=(ep.closure_date - current[0].referral_date).days + 14)
                for name in ("referral_date", "assessment_started", "assessment_completed",
                             "closure_date"):
                    if ep.get(name):
                        ep[name] = ep[name] - shift
            if ep.closure_date and earliest and ep.referral_date < earliest:
                unborn_history.add(id(ep))  # a history the child is too young to have had
        _give_upn(b, hr, row)
    if unborn_history:
        b.out.rows = [row for row in b.out.rows if id(row) not in unborn_history]


def _give_upn(b: _Builder, hr: random.Random, child) -> None:
    if child.upn or child.dob is None:
        child.upn_unknown = child.upn_unknown or (None if child.upn else "UN6")
        return
    age = (b.today - child.dob).days // 365
    if age < 4:
        child.upn_unknown = "UN1"  # not of school age, no UPN yet
    elif hr.random() < 0.06:
        child.upn_unknown = hr.choice(("UN2", "UN4", "UN5"))  # UN7: for a referral, NFA
    else:
        child.upn = upn(hr, UPN_LA, child.dob.year + 5)


def _closed_child(b: _Builder, hr: random.Random, team, worker, start: date,
                  reason: str | None, rerefer: int | None = None) -> None:
    today = b.today
    last_day = today - timedelta(days=21) if rerefer is None else start + timedelta(days=200)
    referral = start + timedelta(days=hr.randrange((last_day - start).days))
    age = hr.randrange(0, 16) if reason != "RC6" else 17  # RC6: on to adult services
    dob = referral - timedelta(days=age * 365 + hr.randrange(30, 360))
    b.n_child += 1
    child = b.add(Child, reference=f"DEMO{b.n_child:05d}", first_name=hr.choice(FIRST),
                  last_name=hr.choice(LAST), dob=dob, sex=hr.choice(SEXES),
                  ethnicity=hr.choice(ETHNICITY_WEIGHTS),
                  disabilities="NONE" if hr.random() < 0.93 else hr.choice(DISABILITIES),
                  primary_need=hr.choice(PRIMARY_NEEDS), level=hr.choice(b.levels),
                  service=team.service, team_id=team.id, worker_id=worker.id, status="closed")
    _give_upn(b, hr, child)
    if reason is None and rerefer is None and hr.random() < 0.12:
        # A referral taken no further (census ReferralNFA): closed the day it came, RC8.
        b.add(Episode, child_id=child.id, referral_date=referral, referral_nfa=True,
              referral_source=hr.choice(REFERRAL_SOURCES), primary_need=child.primary_need,
              closure_date=referral, closure_reason="RC8")
        if not child.upn or hr.random() < 0.3:
            child.upn, child.upn_unknown = "", "UN7"  # no UPN sought for an NFA referral
        return
    # One coming back (below) closed after assessment early on: back before today.
    closed = _closed_episode(b, hr, child, referral, age, reason=reason,
                             after_assessment=rerefer is not None)
    if rerefer is None and hr.random() >= 0.22:
        return
    # WAR 3.4: back again, at every interval since the closure.
    lo, hi = REREFERRAL_DAYS[rerefer] if rerefer is not None else hr.choice(REREFERRAL_DAYS)
    again = closed + timedelta(days=hr.randrange(lo, hi))
    if again <= today - timedelta(days=60):
        _closed_episode(b, hr, child, again, age, after_assessment=True)


def _closed_episode(b: _Builder, hr: random.Random, child, referral: date, age: int,
                    after_assessment: bool = False, reason: str | None = None) -> date:
    cal, today = b.cal, b.today
    assessed = cal.add_working_days(referral, hr.randrange(8, 44))
    if assessed > today - timedelta(days=10):  # a recent referral: assessed before it closed
        assessed = cal.add_working_days(referral, 8)
    ep = b.add(Episode, child_id=child.id, referral_date=referral,
               referral_source=hr.choice(REFERRAL_SOURCES), primary_need=child.primary_need,
               assessment_started=referral, assessment_completed=assessed,
               assessment_factors=" ".join(sorted(hr.sample(FACTORS, 2))))
    if reason in ("RC8", "RC9"):
        after_assessment = True
    if after_assessment or (reason is None and hr.random() < 0.3):
        # Closed after assessment: no further action (RC8), or to Early Help (RC9).
        ep.closure_date = min(cal.add_working_days(assessed, hr.randrange(1, 6)),
                              today - timedelta(days=1))
        ep.closure_reason = reason or ("RC9" if hr.random() < 0.6 else "RC8")
        ep.unmet_need_stepped_down = ep.closure_reason == "RC9" and hr.random() < 0.5
    else:
        ep.cin_plan_start = assessed
        ep.initial_home_visit = cal.add_working_days(referral, 2)
        ep.support_started = assessed
        lo, hi = hr.choice(DURATION_DAYS)
        closure = referral + timedelta(days=hr.randrange(lo, hi))
        if closure >= today - timedelta(days=7) or closure <= assessed:
            closure = max(assessed + timedelta(days=7), today - timedelta(days=hr.randrange(8, 40)))
        reason = reason or hr.choice(PLAN_REASONS)
        if reason == "RC6" and age < 16:
            reason = "RC7"  # adult services: for a young person about to turn 18
        ep.closure_decided = cal.add_working_days(closure, -4)
        ep.family_told_of_closure = cal.add_working_days(closure, -2)
        ep.closure_date, ep.closure_reason, ep.cin_plan_end = closure, reason, closure
        if reason == "RC7" and hr.random() < 0.3:  # WIR 3 / STO 3.3
            ep.step_down_decided = cal.add_working_days(closure, -6)
            ep.step_down_completed = cal.add_working_days(closure, -2)
            ep.unmet_need_stepped_down = hr.random() < 0.5
    if ep.closure_date <= referral:
        ep.closure_date = referral + timedelta(days=1)
    return ep.closure_date


def _quality_checks(b: _Builder, hr: random.Random) -> None:
    """BEX 3: about half the open plans have had an audit or case-mapping discussion."""
    plans: dict = {}
    for row in b.out.rows:
        if row.model is Episode and row.cin_plan_start and not row.closure_date:
            plans[row.child_id] = row
    for row in list(b.out.rows):
        if row.model is not Child or row.status != "cin_plan" or row.id not in plans:
            continue
        ep = plans[row.id]
        days = (b.today - ep.cin_plan_start).days
        if days < 30 or hr.random() < 0.45:
            continue
        b.add(QualityCheck, child_id=row.id, episode_id=ep.id,
              kind="case_mapping" if hr.random() < 0.6 else "audit",
              held_on=ep.cin_plan_start + timedelta(days=hr.randrange(14, days)),
              facilitator=hr.choice(QUALITY_FACILITATORS),
              needs_met=hr.random() < 0.8,
              findings="The plan addresses the needs found at assessment; outcomes are "
                       "measurable and progressing within the child's timescale.")


# ------------------------------------------------------------------ endings (DOMAIN.md §7)
# Every closure, step-down and transfer behind the episodes above, as the endings screens
# record them: recommended by the worker, decided by the team manager with a rationale
# (a decision on the chronology, BEX 4), the family told; a few disputed (BEX 3) and one
# taken to the service manager; open cases being closed, stepped down (WIR 3) or moving to
# another authority (BEX 4), some with the family's moves still to be considered.

EARLY_HELP = (("Early Help - Family Support Service (Level 3)", "Chris Demo, family support "
               "worker", "01632 960 101"),
              ("Team Around the Family - Oakfield Primary", "Alex Example, learning mentor",
               "01632 960 202"),
              ("Youth Service - targeted support (Level 3)", "Jamie Sample, youth worker",
               "01632 960 303"))
OTHER_AUTHORITIES = (("Northshire County Council, Children's Services", "Duty and advice "
                      "team, 01632 960 404"),
                     ("Southborough Borough Council, Children's Services", "Front door, "
                      "01632 960 505"))
CLOSURE_RATIONALE = {
    "RC1": "The adoption order was made; the child's needs are met in the adoptive family.",
    "RC2": "The child died. Support to the family continues through the bereavement service.",
    "RC3": "A child arrangements order is in place; the family no longer needs CIN support.",
    "RC4": "A special guardianship order is in place; support continues through the SGO team.",
    "RC5": "The family has moved to another authority; the case is transferred.",
    "RC6": "The young person is 18 soon; adult social care has taken over their support.",
    "RC7": "The plan's outcomes are met and sustained; the family agree to the case closing.",
    "RC8": "The assessment found no need for services from children's social care.",
    "RC9": "The assessment found needs Early Help can meet; the family agreed to the referral.",
}


SUPERVISION_SEED = 5_000_011
SUPERVISION_DECISIONS = (
    "Plan continues as agreed; the worker to bring the school's attendance figures to the "
    "next review.",
    "Health needs are not improving: escalate to the GP and consider an early review.",
    "Progress held for two months: at the review, consider whether the child is still in "
    "need and what a step-down would look like.",
    "Father not yet engaged: the worker to invite him to the next meeting and visit him.",
)


def _supervisions(b: _Builder, sr: random.Random, hist: random.Random) -> None:
    """STO 4.5, 8.5: most open cases supervised in the last four weeks by the team's manager;
    about one in eight overdue. Before the last, a supervision about every four weeks back to
    the plan's start, one in six late (`hist`), so a month's compliance report has a history
    to judge (it held only the last, and November read 5%). Their own random streams: the
    rest of the demo stays as it was."""
    managers = {row.team_id: row for row in b.out.rows
                if row.model is Worker and row.role == "team_manager"}
    current: dict = {}
    for row in b.out.rows:
        if row.model is Episode and not row.closure_date:
            current[row.child_id] = row
    for row in list(b.out.rows):
        if row.model is not Child or row.status == "closed" or row.id not in current:
            continue
        manager = managers.get(row.team_id)
        start = current[row.id].cin_plan_start or current[row.id].referral_date
        days = (b.today - start).days
        if manager is None or days < 10 or sr.random() < 0.12:
            continue
        held = b.today - timedelta(days=sr.randrange(1, min(days, 26)))
        b.add(Supervision, child_id=row.id, episode_id=current[row.id].id, held_on=held,
              manager_id=manager.id, manager=manager.name,
              present=f"{manager.name}, the allocated worker",
              discussion="Progress against each Amber; what the child has said since the "
                         "last supervision; visits and the next review.",
              decisions=sr.choice(SUPERVISION_DECISIONS), next_due=None)
        earlier = held - timedelta(days=hist.choice((29, 33, 38)) if hist.random() < 1 / 6
                                   else hist.randrange(21, 29))
        while earlier >= start + timedelta(days=7):
            b.add(Supervision, child_id=row.id, episode_id=current[row.id].id,
                  held_on=earlier, manager_id=manager.id, manager=manager.name,
                  present=f"{manager.name}, the allocated worker",
                  discussion="Progress against each Amber since the last supervision.",
                  decisions=hist.choice(SUPERVISION_DECISIONS), next_due=None)
            earlier -= timedelta(days=hist.choice((29, 33, 38)) if hist.random() < 1 / 6
                                 else hist.randrange(21, 29))


def _endings(b: _Builder, hr: random.Random) -> None:
    managers, service_manager = {}, None
    for row in b.out.rows:
        if row.model is Worker and row.role == "team_manager":
            managers[row.team_id] = row
    children = {row.id: row for row in b.out.rows if row.model is Child}
    episodes = [row for row in b.out.rows if row.model is Episode and not row.referral_nfa]
    workers = {row.id: row for row in b.out.rows if row.model is Worker}
    if managers:
        first_team = next(iter(managers))
        name, username = "Morgan Fielding", "morgan.fielding"  # no demo worker has it
        service_manager = b.add(Worker, username=username, name=name, team_id=first_team,
                                role="service_manager", email=f"{username}@example.invalid")
        b.out.workers += 1
    disputed, moving, stepping, spare = 0, set(), set(), {}
    b.latest_minuted = {}
    for row in b.out.rows:
        if row.model is Meeting and row.held and row.minutes:
            seen = b.latest_minuted.get(row.child_id)
            if seen is None or row.held_on > seen.held_on:
                b.latest_minuted[row.child_id] = row
    for ep in episodes:
        child = children.get(ep.child_id)
        manager = managers.get(child.team_id) if child else None
        if manager is None:
            continue
        worker = workers.get(child.worker_id)
        by = worker.name if worker else manager.name
        if ep.closure_date:
            _closed_ending(b, hr, ep, child, by, manager)
        elif ep.step_down_decided and not ep.step_down_completed:
            _step_down(b, hr, ep, child, by, manager, done=None)
            stepping.add(child.team_id)
        elif ep.closure_decided:
            ending = _ending(b, ep, "closure", "approved", by, manager,
                             b.cal.add_working_days(ep.closure_decided, -3), ep.closure_decided,
                             CLOSURE_RATIONALE["RC7"], closure_reason="RC7",
                             family_told_on=ep.family_told_of_closure,
                             unmet_need=False)
            if disputed < 2 and service_manager is not None:
                disputed += 1
                _dispute(b, hr, ep, ending, manager, service_manager if disputed == 2 else None)
        elif child.status == "cin_plan" and not ep.moved_in:
            if hr.random() < 0.015:
                _transfer(b, hr, ep, child, by, manager, done=None)
                moving.add(child.team_id)
            else:
                spare.setdefault(child.team_id, []).append((ep, child, by, manager))
    # A child who moved in came with the plan agreed where they lived before (BEX 4).
    moved_in = {ep.child_id: ep for ep in episodes if ep.moved_in and not ep.closure_date}
    reference = {}  # chosen by the child's reference, not its (random) id: same seed, same demo
    for row in b.out.rows:
        if row.model is Child and row.id in moved_in:
            reference[row.id] = row.reference
        elif row.model is PlanVersion and row.number == 1 and row.child_id in moved_in:
            which = sum(map(ord, reference[row.child_id])) % 2
            authority = OTHER_AUTHORITIES[which][0].split(",")[0]
            row.agreed_at = f"received from {authority} (transfer-in)"
    # Every team has a family moving away and a step-down under way (the last children of
    # its list with neither: the first children stay as they are, for the screenshots).
    for team_id, candidates in spare.items():
        if team_id not in moving and candidates:
            ep, child, by, manager = candidates.pop()
            _transfer(b, hr, ep, child, by, manager, done=None)
        if team_id not in stepping and candidates:
            ep, child, by, manager = candidates.pop()
            ep.step_down_decided = b.wd_ago(2)  # WIR 3: due in 5 working days
            _step_down(b, hr, ep, child, by, manager, done=None)


def _ending(b: _Builder, ep, kind: str, status: str, by: str, manager, recommended: date,
            decided: date, rationale: str, **fields) -> _Row:
    ending = b.add(Ending, child_id=ep.child_id, episode_id=ep.id, kind=kind, status=status,
                   recommended_on=recommended, recommended_by=by, decided_on=decided,
                   decided_by=manager.name, rationale=rationale, **fields)
    what = {"closure": "Close the case", "step_down": "Step down to Early Help (Level 3)",
            "transfer_out": "Transfer the case to the authority the family has moved to"}[kind]
    b.add(Decision, child_id=ep.child_id, episode_id=ep.id,
          kind="transfer" if kind == "transfer_out" else kind, made_on=decided,
          made_by=manager.name, made_by_role="Team manager", made_by_id=manager.id,
          decision=what, rationale=rationale, ending_id=ending.id)
    return ending


def _closed_ending(b: _Builder, hr: random.Random, ep, child, by: str, manager) -> None:
    cal, reason = b.cal, ep.closure_reason
    booked = b.booked_rows.get(child.id)
    if booked is not None and booked["episode_id"] == ep.id:  # WIR 2.9: none left booked
        booked.update(status="cancelled", cancelled_reason="The case closed.",
                      cancel_told="Everyone invited, by letter")
    decided = ep.closure_decided or cal.add_working_days(ep.closure_date, -3)
    if decided < ep.referral_date:
        decided = ep.closure_date
    if reason == "RC5":
        _transfer(b, hr, ep, child, by, manager, done=ep.closure_date)
        return
    if ep.step_down_completed:
        _step_down(b, hr, ep, child, by, manager, done=ep.step_down_completed)
    told = ep.family_told_of_closure or min(ep.closure_date, cal.add_working_days(decided, 2))
    _ending(b, ep, "closure", "completed", by, manager,
            max(ep.referral_date, cal.add_working_days(decided, -3)), decided,
            CLOSURE_RATIONALE.get(reason, CLOSURE_RATIONALE["RC7"]), closure_reason=reason,
            family_told_on=max(told, decided), completed_on=ep.closure_date,
            unmet_need=bool(ep.unmet_need_stepped_down) if reason in ("RC7", "RC9") else None,
            closure_summary=f"{CLOSURE_RATIONALE.get(reason, '')} Closed "
                            f"{day_long(ep.closure_date)}.")


def _step_down(b: _Builder, hr: random.Random, ep, child, by: str, manager,
               done: date | None) -> None:
    """WIR 3: to a Level 3 service, with the lead professional, the conversation with that
    team, the family's consent and the documents that go."""
    service, lead, contact = hr.choice(EARLY_HELP)
    decided = ep.step_down_decided
    meeting = None
    if done is None:
        # WIR 3: the final CIN meeting recommended it: the child's latest minuted meeting
        # becomes that final meeting (a child with none shows "hold one" on the checklist).
        meeting = b.latest_minuted.get(child.id)
        if meeting is not None:
            minutes = json.loads(meeting.minutes)
            still = bool(ep.unmet_need_stepped_down)
            minutes["kind"] = meeting.kind = "final"
            for row in b.agreed_at.get(meeting.id, ()):  # "Final CIN meeting 23 Aug 2026"
                row.agreed_at = meeting_label("final", meeting.held_on)
                if row.model is PlanVersion and ends_plan_at("final", "step_down"):
                    row.next_review = None  # as the app agrees it: the plan ended (WIR 3)
            minutes["decisions"].update(still_in_need=still, next_review=None,
                                        recommendation="step_down",
                                        notes="Step down to a Level 3 service; the lead "
                                              "professional to meet the family.")
            meeting.minutes = json.dumps(minutes, ensure_ascii=False)
            meeting.recommendation, meeting.still_in_need = "step_down", still
            meeting.next_review = None
            # The plan ended at it (WIR 3): a draft begun after is not left open, asking for
            # a review date (in use, the minutes agree a draft begun before).
            b.drop_draft(child.id)
            if meeting.held_on > decided:
                decided = ep.step_down_decided = meeting.held_on
    ending = _ending(b, ep, "step_down", "completed" if done else "approved", by, manager,
            max(ep.referral_date, b.cal.add_working_days(decided, -2)), decided,
            "The plan's outcomes are mostly met; what is left (school attendance, routines) "
            "can be supported at Level 3 with the family's agreement.",
            receiving_service=service, lead_professional=lead, lead_contact=contact,
            conversation_held=True, family_consent=True,
            conversation_notes="Spoke with the lead professional; they have read the plan "
                               "and will meet the family with the social worker.",
            documents=json.dumps(["assessment", "plan", "minutes", "visits"]),
            unmet_need=bool(ep.unmet_need_stepped_down), completed_on=done)
    if meeting is not None:
        ending.meeting_id = meeting.id


def _transfer(b: _Builder, hr: random.Random, ep, child, by: str, manager,
              done: date | None) -> None:
    """BEX 4: the receiving authority, the move, consent to share (or why it was not
    sought) and, for a family that keeps moving, trafficking and modern slavery considered."""
    authority, contact = hr.choice(OTHER_AUTHORITIES)
    moves = hr.choice((1, 1, 2, 3))
    if done:
        move = done
        decided = max(ep.referral_date, b.cal.add_working_days(done, -5))
    else:
        move = b.today + timedelta(days=hr.randrange(7, 28))
        decided = b.cal.add_working_days(b.today, -hr.randrange(1, 4))
    not_sought = hr.random() < 0.15
    considered = ("Considered with the team manager: the moves follow the family's housing "
                  "offers; no indicators of trafficking or modern slavery.")
    _ending(b, ep, "transfer_out", "completed" if done else "approved", by, manager,
            max(ep.referral_date, b.cal.add_working_days(decided, -2)), decided,
            f"The family moves to {authority.split(',')[0]} on {day_long(move)}: the case "
            "transfers with the assessment, the plan, the latest minutes and a case summary.",
            receiving_authority=authority, receiving_contact=contact, move_date=move,
            consent_to_share="not_sought" if not_sought else "given",
            consent_not_sought_reason="Seeking it would increase the risk to the child: the "
                                      "parent has said she would leave with the children."
                                      if not_sought else "",
            moves_count=moves,
            trafficking_considered=considered if moves >= 2 and (done or hr.random() < 0.5)
            else "",
            # BEX 4's principles for the move (no draws: the rest of the demo is unchanged);
            # one under way has the first two recorded and the rest still to do.
            move_impact="Gran's daily help after school stops; the new area has no one known "
                        "to us who poses a risk.",
            responsibilities_told=f"Told at the visit before the move: register "
                                  f"the children with a school and a GP in {authority.split(',')[0]}.",
            service_gaps="None known: the same family support is offered there." if done else "",
            agencies_asked="The school and the GP asked to send their records on." if done
            else "",
            closure_reason="RC5" if done else None, completed_on=done)


def _dispute(b: _Builder, hr: random.Random, ep, ending, manager, service_manager) -> None:
    """BEX 3: the mother disputes the closure; the team manager hears it (and, once, refers
    it on to the service manager, who has not decided yet)."""
    raised = min(b.today, b.cal.add_working_days(ending.decided_on, 1))
    ending.status = "disputed"
    ending.dispute_raised_on, ending.dispute_raised_by = raised, "Mother"
    ending.dispute_details = ("She feels the support is ending too soon: the school "
                              "attendance worries have not gone away.")
    if service_manager is not None:
        ending.escalated_to_service_manager_on = raised
        b.add(Decision, child_id=ep.child_id, episode_id=ep.id, kind="dispute",
              made_on=raised, made_by=manager.name, made_by_role="Team manager",
              made_by_id=manager.id,
              decision="Dispute by Mother: referred to the service manager",
              rationale="The family and the school disagree about attendance; a decision "
                        "from outside the team is fairer.", ending_id=ending.id)
