"""`cintui referral record`, `cintui assessment start|record|factors|outcome|complete|
authorise|show`, `cintui plan start`, `cintui support home-visit|start`, `cintui child
steps|circumstances|consent` (the old `child direct-payments` points to `cintui
direct-payment`), `cintui person add|list`, `cintui visit
record`, `cintui meeting hold`. Every refusal is one line on stderr, exit 2, and writes
nothing (the store file is byte for byte the same)."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_case_journey import ASSESSMENT, TEAM
from tests.cli.test_cli import one_line_error, sha

DAY = "2026-11-23"


@pytest.fixture
def db(scripted_db, monkeypatch):
    return leo_store(scripted_db, monkeypatch)


LEO = (*TEAM, ("child", "add", "--first-name", "Leo", "--last-name", "Ward", "--dob",
               "2017-05-02", "--referral-date", "2026-09-01", "--sex", "M", "--worker",
               "amira"))


def leo_store(scripted_db, monkeypatch):
    """A team's store with one child, Leo, referred on 1 September 2026, set up by the
    command line (`LEO`); the test goes on as Amira."""
    monkeypatch.setenv("CINTUI_USER", "amira")
    return scripted_db(LEO, "team.db", user="amira")


def run(cli, db, *args, day=DAY):
    return cli(*args, "--db", db, "--today", day)


def ok(cli, db, *args, day=DAY) -> dict:
    result = run(cli, db, *args, "--json", day=day)
    assert result.code == 0, result.err
    return json.loads(result.out)


def refused(cli, db, *args, says: tuple[str, ...] = (), day=DAY) -> None:
    before = sha(db)
    one_line_error(run(cli, db, *args, day=day), *says)
    assert sha(db) == before, "a refused command wrote to the store"


def to_completed(cli, db, tmp_path) -> None:
    ok(cli, db, "referral", "record", "CIN000001", "--source", "GP", "--route", "marat",
       "--decision", "assessment", "--decided-on", "2026-09-01", "--by", "tom")
    ok(cli, db, "assessment", "start", "CIN000001", "--on", "2026-09-02")
    record = tmp_path / "a.md"
    record.write_text(ASSESSMENT, encoding="utf-8")
    ok(cli, db, "assessment", "record", "CIN000001", "--file", record)
    ok(cli, db, "assessment", "factors", "CIN000001", "--factor", "neglect")
    ok(cli, db, "assessment", "outcome", "CIN000001", "cin-plan")
    ok(cli, db, "assessment", "complete", "CIN000001", "--on", "2026-10-12")


@pytest.mark.parametrize("args, says", [
    ((), ("give what to record",)),
    (("--on", "2026-11-24"), ("in the future",)),
    (("--on", "1/9/2026"), ("--on", "not a date")),
    (("--source", "the moon"), ("no referral source matches 'the moon'",)),
    (("--source", "individual"), ("matches 4 referral sources", "add a word")),
    (("--need", "N12"), ("no primary need matches",)),
    (("--route", "carrier pigeon"), ("not a route",)),
    (("--route", "early-help-step-up"), ("date of the early help plan",)),
    (("--decision", "assessment"), ("say who made the decision",)),
    (("--decision", "assessment", "--by", "tom", "--decided-on", "2026-08-31"),
     ("before the referral",)),
])
def test_referral_refusals(cli, db, args, says):
    refused(cli, db, "referral", "record", "CIN000001", *args, says=says)


def test_a_step_up_from_early_help_with_its_plan_date(cli, db):
    out = ok(cli, db, "referral", "record", "CIN000001", "--route", "early-help-step-up",
             "--early-help-plan", "2026-06-10", "--source", "early help", "--decision",
             "assessment", "--by", "Duty Manager (not on the store)", "--decided-on",
             "2026-09-03")
    r = out["referral"]
    assert (r["route"], r["early_help_plan_on"], r["source"]) == (
        "early_help_step_up", "2026-06-10", "LA services – early help")
    assert r["decided_by"] == "Duty Manager (not on the store)"
    assert r["timeliness"] == "late: due by 2 Sep 2026, 1 working day, Working Together 2023"


def test_steps_out_of_order_are_refused(cli, db):
    """Each refusal naming the step to take first names it for this child: it said
    "cintui assessment start", which run as said is a usage error (no CHILD)."""
    refused(cli, db, "assessment", "start", "CIN000001", says=(
        "record it first (cintui referral record CIN000001 --decision assessment)",))
    refused(cli, db, "assessment", "record", "CIN000001", "--analysis", "x",
            says=("has not started: cintui assessment start CIN000001",))
    refused(cli, db, "assessment", "complete", "CIN000001", says=("has not started",))
    refused(cli, db, "plan", "start", "CIN000001", "--authorised-by", "tom",
            says=("a CIN plan follows an assessment authorised",))
    refused(cli, db, "support", "start", "CIN000001",
            says=("record the initial home visit first (WAR 4.4.2)",))


def test_assessment_refusals(cli, db, tmp_path):
    ok(cli, db, "referral", "record", "CIN000001", "--decision", "assessment", "--by", "tom",
       "--decided-on", "2026-09-01")
    ok(cli, db, "assessment", "start", "CIN000001", "--on", "2026-09-02")
    bad = tmp_path / "bad.md"
    bad.write_text("## Housing\nDamp\n", encoding="utf-8")
    refused(cli, db, "assessment", "record", "CIN000001", says=("give --file or a heading",))
    refused(cli, db, "assessment", "record", "CIN000001", "--file", bad,
            says=("no heading of the assessment record matches 'Housing'",))
    refused(cli, db, "assessment", "factors", "CIN000001", "--factor", "sexual abuse",
            says=("matches 2 assessment factors",))
    refused(cli, db, "assessment", "factors", "CIN000001", "--factor", "domestc violence",
            says=("did you mean: domestic violence",))
    refused(cli, db, "assessment", "factors", "CIN000001", "--none", "--factor", "neglect",
            says=("cannot go with --factor",))
    refused(cli, db, "assessment", "factors", "CIN000001", says=("give --factor",))
    refused(cli, db, "assessment", "outcome", "CIN000001", "maybe", says=("not an outcome",))
    refused(cli, db, "assessment", "complete", "CIN000001",
            says=("still empty: The child's developmental needs",))


def test_authorisation_needs_the_line_manager(cli, db, tmp_path):
    to_completed(cli, db, tmp_path)
    # TRA: the line manager authorises; the worker using cintui (CINTUI_USER) is not one.
    refused(cli, db, "assessment", "authorise", "CIN000001",
            says=("TRA: authorising the assessment needs a team manager or service "
                  "manager; Amira Khan is a social worker",))
    refused(cli, db, "assessment", "authorise", "CIN000001", "--by", "Nobody",
            says=("Nobody is not a worker on this store",))
    refused(cli, db, "assessment", "authorise", "CIN000001", "--by", "tom", "--on",
            "2026-10-11", says=("before its completion",))
    out = ok(cli, db, "assessment", "authorise", "CIN000001", "--by", "tom", "--on",
             "2026-10-13")
    assert (out["assessment"]["authorised"], out["assessment"]["authorised_by"]) == (
        "2026-10-13", "Tom Hale")
    refused(cli, db, "assessment", "record", "CIN000001", "--analysis", "more",
            says=("it is final",))
    refused(cli, db, "plan", "start", "CIN000001", "--on", "2026-10-14",
            says=("TRA: authorising the CIN plan needs a team manager",))
    out = ok(cli, db, "plan", "start", "CIN000001", "--on", "2026-10-14", "--authorised-by",
             "tom")
    assert (out["status"], out["cin_plan"]) == ("cin_plan", {"start": "2026-10-14",
                                                             "authorised_by": "Tom Hale"})


def test_show_the_steps_and_the_assessment(cli, db, tmp_path):
    to_completed(cli, db, tmp_path)
    text = run(cli, db, "child", "steps", "CIN000001")
    assert text.code == 0
    assert "✓ Assessment completed (sent for authorisation) 2026-10-12" in text.out
    assert "Next: The line manager authorises the assessment (TRA)." in text.out
    shown = run(cli, db, "assessment", "show", "CIN000001")
    assert "## Analysis [WIR 1.1; TRA]" in shown.out
    assert "Factors: neglect (16A)" in shown.out


def test_circumstances_and_their_refusals(cli, db):
    out = ok(cli, db, "child", "circumstances", "CIN000001", "--young-carer", "yes",
             "--private-fostering", "family-arrangement", "--disability", "mobility, AUT",
             "--on", "2026-10-01")
    assert out == {"reference": "CIN000001", "disabilities": "MOB AUT",
                   "circumstances": {"young_carer": "yes",
                                     "private_fostering": "family_arrangement"},
                   "census_factors": ["7A", "8E"], "adult_social_care_contact": ""}
    shown = run(cli, db, "child", "circumstances", "CIN000001")
    assert "Young carer; Privately fostered: UK child, alternative family arrangement" \
        in shown.out
    refused(cli, db, "child", "circumstances", "CIN000001", "--asylum", "yes",
            says=("answer unaccompanied, accompanied, no",))
    refused(cli, db, "child", "circumstances", "CIN000001", "--disability", "wings",
            says=("no disability matches 'wings'",))
    refused(cli, db, "child", "circumstances", "CIN000001", "--sen", "ehcp", "--on",
            "2026-12-01", says=("in the future",))


def test_direct_payments_are_recorded_once_war_7_2_1(cli, db):
    """WAR 7.2, 7.2.1: the old `cintui child direct-payments` is gone: one line points to
    `cintui direct-payment`, exit 2, nothing written, whatever it is given. There, direct
    payments for a disabled child start, are reviewed at least annually (started 5 Jan
    2026: due 5 Jan 2027; reviewed 2 Nov 2026: due 2 Nov 2027), and `child steps` shows
    them."""
    for args in ((), ("--started", "2026-01-05"), ("--reviewed", "2026-11-02", "--json"),
                 ("--help",)):
        refused(cli, db, "child", "direct-payments", "CIN000001", *args,
                says=("cintui direct-payment", "nothing was written"))
    refused(cli, db, "direct-payment", "add", "CIN000001", "--amount", "90", "--managed-by",
            "Mother", "--start", "2026-01-05", says=("for a disabled child (WAR 7.1)",))
    ok(cli, db, "child", "circumstances", "CIN000001", "--disability", "MOB")
    out = ok(cli, db, "direct-payment", "add", "CIN000001", "--amount", "90", "--managed-by",
             "Mother", "--start", "2026-01-05")
    assert out["direct_payment"]["review_due"] == "2027-01-05"  # WAR 7.2.1: annually
    refused(cli, db, "direct-payment", "review", "CIN000001", "--on", "2025-12-01",
            says=("before the start",))
    out = ok(cli, db, "direct-payment", "review", "CIN000001", "--on", "2026-11-02")
    assert ([r["on"] for r in out["direct_payment"]["reviews"]],
            out["direct_payment"]["review_due"]) == (["2026-11-02"], "2027-11-02")
    steps = ok(cli, db, "child", "steps", "CIN000001")
    assert [(p["started"], p["reviews"], p["review_due"]) for p in steps["direct_payments"]] \
        == [("2026-01-05", ["2026-11-02"], "2027-11-02")]
    shown = ok(cli, db, "child", "show", "CIN000001")  # every timescale running: once
    assert [(d["due"], d["source"], d["anchor_label"]) for d in shown["deadlines"]
            if d["key"] == "direct_payment_review"] == [
        ("2027-11-02", "England default (cf. WAR 7.2.1)", "the last review (2 Nov 2026)")]


def test_a_mother_added_without_parental_responsibility_is_said_children_act_s2(cli, db):
    """Children Act 1989 s2: a mother holds parental responsibility by law. Added without
    --pr (a flag forgotten in a script), she is added, with a warning on stderr and in the
    JSON, since her consent would not count (WAR 4.2); "birth mother" (of a child adopted)
    and a father are not presumed either way."""
    added = cli("person", "add", "CIN000001", "--name", "Layla Ward", "--relationship",
                "Mother", "--db", db)
    assert added.code == 0 and added.out.startswith("Added Layla Ward (Mother)")
    assert "Warning: Layla Ward is recorded as the child's mother without parental " \
        "responsibility, which she or he holds by law (Children Act 1989 s2)" in added.err
    listed = ok(cli, db, "person", "list", "CIN000001")
    assert "Children Act 1989 s2" in listed[0]["warnings"][0]
    for relationship in ("Birth mother", "Father"):
        other = cli("person", "add", "CIN000001", "--name", f"{relationship} Ward",
                    "--relationship", relationship, "--db", db)
        assert other.code == 0 and "Children Act" not in other.err


def test_a_professional_added_as_family_is_said_wir_2_9(cli, db):
    """WIR 2.9, TRA/BEX 3: a school's DSL added without --professional was recorded as
    family, silently: no agency on the contact list, and no closure letter as a
    professional. She is added (said, not refused) with a warning naming the role."""
    added = cli("person", "add", "CIN000001", "--name", "Jane Hollis", "--relationship",
                "School DSL", "--db", db)
    assert added.code == 0 and added.out.startswith("Added Jane Hollis (School DSL)")
    assert "Warning: Jane Hollis is recorded as family, but \"School DSL\" names a " \
        "professional (DSL): record them as a professional, with their agency" in added.err
    listed = ok(cli, db, "person", "list", "CIN000001")
    assert "names a professional" in listed[0]["warnings"][0]
    for relationship, kind in (("Grandmother", ()), ("Class teacher", ("--professional",
                                                                       "--agency", "Oak"))):
        other = cli("person", "add", "CIN000001", "--name", f"{relationship} Ward",
                    "--relationship", relationship, *kind, "--db", db)
        assert other.code == 0 and "names a professional" not in other.err, other.err


def test_people_consent_visits_and_meetings(cli, db):
    refused(cli, db, "person", "add", "CIN000001", "--name", "Layla Ward", "--email", "nope",
            says=("email",))
    ok(cli, db, "person", "add", "CIN000001", "--name", "Layla Ward", "--relationship",
       "Mother", "--pr")
    assert [p["name"] for p in ok(cli, db, "person", "list", "CIN000001")] == ["Layla Ward"]
    refused(cli, db, "child", "consent", "CIN000001", "--decision", "given", "--person",
            "Zed", says=("not one of the child's People",))
    refused(cli, db, "child", "consent", "CIN000001", "--decision", "given", "--on",
            "2026-11-24", says=("future",))
    out = ok(cli, db, "child", "consent", "CIN000001", "--decision", "given", "--person",
             "layla")
    assert (out["who"], out["scope"]) == ("Layla Ward (Mother)", "service")
    refused(cli, db, "visit", "record", "CIN000001", "--at", "2026-11-30 10:00", "--purpose",
            "p", "--analysis", "a", says=("in the future",))
    refused(cli, db, "visit", "record", "CIN000001", "--at", "2026-11-20 10:00", "--purpose",
            "p", "--analysis", "a", "--not-seen", says=("not seen: say why",))
    ok(cli, db, "visit", "record", "CIN000001", "--at", "2026-11-20 10:00", "--purpose",
       "Home visit", "--analysis", "Seen alone, bedroom seen.")
    book = ("meeting", "schedule", "CIN000001", "--kind", "initial", "--at",
            "2026-11-25 16:00", "--venue", "Home", "--chair", "Tom Hale")
    refused(cli, db, *book, says=("WIR 2.1, 2.3: no meeting without consent",))
    ok(cli, db, "child", "consent", "CIN000001", "--decision", "given", "--person", "layla",
       "--scope", "meeting")
    booked = ok(cli, db, *book)
    refused(cli, db, "meeting", "hold", booked["id"], "--still-in-need", "yes",
            "--recommendation", "continue", "--next-review", "2027-02-01", "--present",
            "Layla Ward", says=("minute it on the day",))
    refused(cli, db, "meeting", "hold", "not-an-id", "--still-in-need", "yes",
            "--recommendation", "continue", says=("not a meeting id",))
    refused(cli, db, "meeting", "hold", booked["id"], "--still-in-need", "yes",
            "--recommendation", "continue", day="2026-11-25", says=("tick who is present",))
    refused(cli, db, "meeting", "hold", booked["id"], "--still-in-need", "yes",
            "--recommendation", "continue", "--present", "Layla Ward", day="2026-11-25",
            says=("set the next review",))
    out = ok(cli, db, "meeting", "hold", booked["id"], "--still-in-need", "yes",
             "--recommendation", "continue", "--next-review", "2027-02-01", "--present",
             "Layla Ward", "--present", "Leo", day="2026-11-25")
    assert out["held_on"] == "2026-11-25"
    held = ok(cli, db, "meeting", "list", "CIN000001", day="2026-11-25")
    assert [(m["status"], m["next_review"]) for m in held] == [("held", "2027-02-01")]


def test_the_new_commands_are_in_the_help(cli):
    top = cli("--help").out
    for group in ("referral", "assessment", "support", "person"):
        assert group in top
    assert "start" in cli("plan", "--help").out
    child = cli("child", "--help").out
    for command in ("steps", "circumstances", "consent"):
        assert command in child
    assert "direct-payments" not in child  # gone: `cintui direct-payment` (WAR 7.2)
    for command in ("start", "record", "factors", "outcome", "complete", "authorise", "show"):
        assert command in cli("assessment", "--help").out


def test_a_disabled_childs_assessment_is_prompted_to_the_cwdt_war_4_4_1(cli, db):
    """WAR 4.4.1: "If a child has a disability the assessment will be completed by the
    CwDT." On Warwickshire's policy, a disabled child with another service is prompted to
    the Children with Disability Team at each step until the assessment is authorised;
    never refused. A child with no disability, or already with the CwDT, is not."""
    def policy(name: str) -> None:
        assert cli("authority", "set", "--policy", name, "--db", db).code == 0

    policy("warwickshire")
    assert ok(cli, db, "child", "steps", "CIN000001")["prompts"] == []  # no disability
    ok(cli, db, "child", "circumstances", "CIN000001", "--disability", "autism")
    (prompt,) = ok(cli, db, "child", "steps", "CIN000001")["prompts"]
    assert prompt == ("The child has a disability: their assessment is completed by the "
                      "Children with Disability Team (WAR 4.4.1); their service is "
                      "Safeguarding and Support")
    said = cli("referral", "record", "CIN000001", "--route", "mash", "--decision",
               "assessment", "--by", "tom", "--decided-on", "2026-09-01", "--db", db,
               "--today", "2026-11-23")
    assert said.code == 0 and f"⚠ {prompt}" in said.out  # said, not refused
    assert "cintui child edit CIN000001 --service" in said.out  # and how to act on it
    refused(cli, db, "child", "edit", "CIN000001", "--level", "Mega",
            says=("level: 'Mega' is not a level in this store's policy",))
    changed = ok(cli, db, "child", "edit", "CIN000001", "--service",
                 "Children with Disability Team")
    assert changed["changed"] == {"service": "Children with Disability Team"}
    assert ok(cli, db, "child", "steps", "CIN000001")["prompts"] == []
    ok(cli, db, "child", "edit", "CIN000001", "--service", "Strengthening Families")
    cli("child", "add", "--db", db, "--first-name", "Mia", "--last-name", "Ward", "--dob",
        "2015-03-02", "--referral-date", "2026-09-01", "--sex", "F", "--worker", "amira",
        "--disability", "autism", "--service", "Children with Disability Team")
    mia = ok(cli, db, "child", "steps", "CIN000002")
    assert mia["disabilities"] == "AUT" and mia["prompts"] == []  # words, as circumstances
    refused(cli, db, "child", "add", "--first-name", "Bo", "--last-name", "Ward", "--dob",
            "2015-03-02", "--disability", "flying",
            says=("--disability: no disability matches 'flying'",))
    policy("england")  # names no such service
    assert ok(cli, db, "child", "steps", "CIN000001")["prompts"] == []


def test_a_referral_from_early_help_is_prompted_as_a_step_up_until_recorded_sto_7_13(cli, db):
    """STO 7.13: a referral from early help (census source 5D) not recorded as a step-up
    would be missed by the month's step-up audit. Each step from the shell says so, with
    the command that records it, until it is recorded; then `step-audit list` has it."""
    said = run(cli, db, "referral", "record", "CIN000001", "--source", "5D")
    assert said.code == 0
    assert ("(cintui referral record CIN000001 --route early-help-step-up "
            "--early-help-plan YYYY-MM-DD)") in said.out
    (prompt,) = ok(cli, db, "child", "steps", "CIN000001")["prompts"]
    assert "from early help" in prompt and "STO 7.13" in prompt
    assert "step-up" in run(cli, db, "child", "steps", "CIN000001").out
    said = run(cli, db, "referral", "record", "CIN000001", "--route", "early-help-step-up",
               "--early-help-plan", "2026-06-10")
    assert said.code == 0 and "⚠" not in said.out
    assert ok(cli, db, "child", "steps", "CIN000001")["prompts"] == []
    audits = ok(cli, db, "step-audit", "list", "--month", "2026-09")
    assert [(c["reference"], c["direction"]) for c in audits["items"]] == [("CIN000001", "up")]
    added = run(cli, db, "child", "add", "--first-name", "Ada", "--last-name", "Ward", "--dob",
                "2018-01-02", "--sex", "F", "--referral-source", "5D", "--worker", "amira")
    assert added.code == 0 and added.out.startswith("Added Ada Ward as CIN000002.\n⚠ ")
    assert "cintui referral record CIN000002 --route early-help-step-up" in added.out


def test_a_manager_lists_what_waits_for_their_decision_tra(cli, db, tmp_path, monkeypatch):
    """`cintui team waiting`: the assessment sent for authorisation, then the plan's start,
    each until the manager has taken it (TRA); a team by a word of its name; --json for a
    tracker; an unknown team is one line, exit 2."""
    assert run(cli, db, "team", "waiting").out == "Nothing waits for a manager's decision.\n"
    to_completed(cli, db, tmp_path)
    monkeypatch.setenv("COLUMNS", "160")  # each cell on one line
    shown = run(cli, db, "team", "waiting", "--team", "south")
    assert shown.code == 0
    assert shown.out.startswith("1 waiting for a manager's decision in South Safeguarding "
                                "and Support on Mon 23 Nov 2026:")
    (row,) = [[cell.strip() for cell in line.split("│")[1:-1]]
              for line in shown.out.splitlines() if "CIN000001" in line]
    assert row == ["CIN000001", "Leo Ward", "Amira Khan", "authorise the assessment (TRA)",
                   "sent 12 Oct, 30 working days"]
    every = run(cli, db, "team", "waiting").out  # every team's: each with its team
    (row,) = [[cell.strip() for cell in line.split("│")[1:-1]]
              for line in every.splitlines() if "CIN000001" in line]
    assert row[2:4] == ["Amira Khan", "South Safeguarding and Support"]
    ok(cli, db, "assessment", "authorise", "CIN000001", "--by", "tom", "--on", "2026-10-13")
    out = ok(cli, db, "team", "waiting")
    assert (out["team"], out["waiting"]) == (None, [{
        "child": "CIN000001", "name": "Leo Ward", "worker": "Amira Khan",
        "team": "South Safeguarding and Support", "waiting_for": "plan_start", "what": "authorise the CIN plan's start (TRA)",
        "since": "2026-10-13", "by": "", "working_days": 29}])
    ok(cli, db, "plan", "start", "CIN000001", "--on", "2026-10-14", "--authorised-by", "tom")
    assert ok(cli, db, "team", "waiting")["waiting"] == []
    refused(cli, db, "team", "waiting", "--team", "north", says=("no team called 'north'",))


def test_a_upn_typed_is_checked_as_the_census_checks_it_and_one_held_is_kept(cli, db):
    """Census 1510/1530: a child with a malformed UPN is left out of the return, so a UPN
    typed in (`child edit`, the form) is checked as it would be there and refused with why.
    One the record already holds (from before this check) is kept when other details are
    edited: the worker is not stopped from changing a service over it."""
    from sqlmodel import select

    from cintui.store import models as m
    from cintui.store.engine import open_store

    refused(cli, db, "child", "edit", "CIN000001", "--upn", "X358260000015",
            says=("upn: UPN 'X358260000015' is invalid (wrong check letter at character 1): "
                  "it should be R",))
    ok(cli, db, "child", "edit", "CIN000001", "--upn", "r358260000015")

    def upn(set_to: str | None = None) -> str:
        store = open_store(db, None)
        try:
            with store.session("amira") as session:
                leo = session.exec(select(m.Child).where(m.Child.reference == "CIN000001")
                                   ).one()
                if set_to is not None:
                    leo.upn = set_to
                    session.add(leo)
                return leo.upn
        finally:
            store.close()

    assert upn() == "R358260000015"
    upn("A123456789012")  # held from before: LA code 123 is no LA's
    ok(cli, db, "child", "edit", "CIN000001", "--service", "Strengthening Families")
    assert upn() == "A123456789012"


def test_a_meeting_to_name_is_named_with_where_its_id_is(cli, db):
    """`meeting sent CHILD` with no minutes to go out said "give a meeting id (`cintui
    meeting list CHILD`)": neither the child nor where the table hides the ids (--json)."""
    refused(cli, db, "meeting", "sent", "CIN000001", "--to", "everyone", says=(
        "CIN000001: no held meeting whose minutes are still to go out; give a meeting id "
        "(`cintui meeting list CIN000001 --json`)",))
    refused(cli, db, "export", "minutes", "not-an-id", "-o", "minutes.pdf",
            says=("copy one from `cintui meeting list CHILD --json`",))
