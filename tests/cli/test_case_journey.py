"""A real team's first week, end to end through the CLI only, from `cintui db init` (never
the demo): a child is referred, assessed, the assessment recorded and authorised by the line
manager, the CIN plan started, the initial meeting held, visits and a review recorded, and
the case closed with the manager's approval. Each clock is asserted as it starts and stops
(DOMAIN.md §6), and the census return for the year then validates (DOMAIN.md §10).

Every command runs on the day it happens (`--today`), so the clocks read as they would have
on that day."""

from __future__ import annotations

import json

from lxml import etree

from tests.export.test_census_export import year_schema

ASSESSMENT = """\
## The child's developmental needs
Leo is 9. School attendance 87%, down from 94% last year; two dental appointments missed
in three months.

## Parenting capacity
Mum's care is warm; routines slip when her depression is bad.

## Family and environment
Private rented flat with damp in Leo's room; dad lost his job in August.

## The child's voice and lived experience
Leo, seen alone, says he likes school but is tired and worries about mum.

## Risks and strengths
Going well: a strong bond with his grandmother. Worried: missed health care, low mood.

## Analysis
Leo is a child in need. If these needs are not met his health and education will decline
in the short term, and his emotional development in the long term (WIR 1.1).

## How the needs will be met
Family support worker weekly; school nurse; GP review for mum; CIN plan reviewed in 3 months.
"""


# The team from the CLI: a team, its social worker and its manager.
TEAM = (("team", "add", "South Safeguarding and Support", "--service",
         "Safeguarding and Support"),
        ("worker", "add", "amira", "--name", "Amira Khan", "--role", "social worker",
         "--team", "south"),
        ("worker", "add", "tom", "--name", "Tom Hale", "--role", "team manager",
         "--team", "south"))


def add_team(cli, path) -> None:
    """`TEAM` set up on the store at `path`."""
    for args in TEAM:
        result = cli(*args, "--db", path)
        assert result.code == 0, result.err


def test_a_childs_case_from_referral_to_closure(cli, tmp_path, monkeypatch, new_location):
    monkeypatch.setenv("CINTUI_USER", "amira")
    db = new_location("team.db")

    def run(day: str, *args: str):
        return cli(*args, "--db", db, "--today", day)

    def ok(day: str, *args: str) -> dict:
        result = run(day, *args, "--json")
        assert result.code == 0, result.err
        return json.loads(result.out) if result.out.strip() else {}

    def clocks(day: str) -> dict[str, str]:
        """The child's running clocks on `day`: key -> due date."""
        shown = ok(day, "child", "show", "CIN000001")
        return {d["key"]: d["due"] for d in shown["deadlines"]}

    def status(day: str) -> str:
        return ok(day, "child", "show", "CIN000001")["status"]

    assert cli("db", "init", "--db", db, "--no-encrypt").code == 0
    add_team(cli, db)

    # Tuesday 1 September 2026: a referral from the police through the MASH.
    ok("2026-09-01", "child", "add", "--first-name", "Leo", "--last-name", "Ward",
       "--dob", "2017-05-02", "--sex", "M", "--ethnicity", "WBRI", "--upn-unknown", "UN5",
       "--worker", "amira", "--referral-date", "2026-09-01")
    assert status("2026-09-01") == "referral"
    # Working Together 2023: the assessment within 45 working days of the referral.
    assert clocks("2026-09-01") == {"assessment": "2026-11-03"}
    out = ok("2026-09-01", "referral", "record", "CIN000001", "--source", "police",
             "--need", "abuse or neglect", "--route", "mash", "--decision", "assessment",
             "--by", "tom")
    assert out["referral"]["timeliness"] == "in time: 1 working day, Working Together 2023"
    assert (out["referral"]["decided_by"], out["status"]) == ("Tom Hale", "referral")

    # The assessment starts; the initial home visit starts the support clock (WAR 4.4.2).
    assert ok("2026-09-02", "assessment", "start", "CIN000001")["status"] == "assessment"
    ok("2026-09-03", "support", "home-visit", "CIN000001")
    assert clocks("2026-09-03") == {"assessment": "2026-11-03", "support_start": "2026-10-01"}

    record = tmp_path / "assessment.md"
    record.write_text(ASSESSMENT, encoding="utf-8")
    ok("2026-10-09", "assessment", "record", "CIN000001", "--file", record)
    out = ok("2026-10-09", "assessment", "factors", "CIN000001",
             "--factor", "mental health: parent", "--factor", "neglect")
    assert out["assessment"]["factors"] == [
        {"code": "4B", "name": "mental health: parent or carer"},
        {"code": "16A", "name": "neglect"}]
    ok("2026-10-09", "child", "circumstances", "CIN000001", "--young-carer", "yes")
    ok("2026-10-09", "assessment", "outcome", "CIN000001", "cin-plan")
    ok("2026-10-12", "assessment", "complete", "CIN000001")
    # Completed by the worker, the assessment clock runs on until the manager authorises.
    assert "assessment" in clocks("2026-10-12")
    refused = run("2026-10-12", "assessment", "authorise", "CIN000001")
    assert refused.code == 2 and "a team manager or service manager" in refused.err
    out = ok("2026-10-13", "assessment", "authorise", "CIN000001", "--by", "tom")
    # The young carer's factor (7A) goes to the census with the two chosen.
    assert out["assessment"]["census_factors"] == ["4B", "16A", "7A"]
    assert clocks("2026-10-13") == {"support_start": "2026-10-01"}  # overdue, still running

    # Mum consents to the service (WAR 4.2); then the plan, authorised by the line manager
    # (TRA): the initial meeting clock (15 working days, WIR 2.3) and the visit clock start.
    ok("2026-10-13", "person", "add", "CIN000001", "--name", "Layla Ward", "--relationship",
       "Mother", "--pr", "--lives-with", "--phone", "07700 900123")
    ok("2026-10-13", "child", "consent", "CIN000001", "--person", "Layla", "--decision",
       "given")
    # WIR 2.1, 2.3: and to CIN meetings, without which none is booked.
    ok("2026-10-13", "child", "consent", "CIN000001", "--person", "Layla", "--decision",
       "given", "--scope", "meeting")
    ok("2026-10-14", "plan", "start", "CIN000001", "--authorised-by", "tom")
    assert status("2026-10-14") == "cin_plan"
    assert clocks("2026-10-14") == {"support_start": "2026-10-01",
                                    "initial_meeting": "2026-11-04", "visit": "2026-11-11"}
    ok("2026-10-15", "support", "start", "CIN000001")
    assert "support_start" not in clocks("2026-10-15")

    # A visit: the child seen alone moves the visit clock on (WIR 2.11: 20 working days).
    ok("2026-10-21", "visit", "record", "CIN000001", "--at", "2026-10-20 16:30",
       "--purpose", "Meet Leo at home after school", "--analysis", "Leo seen alone in his "
       "bedroom; damp noted. Chase the landlord.")
    assert clocks("2026-10-21")["visit"] == "2026-11-17"

    # The initial meeting, booked and held: its clock stops; the first review, minutes and
    # plan circulation clocks start.
    booked = ok("2026-10-21", "meeting", "schedule", "CIN000001", "--kind", "initial",
                "--at", "2026-10-28 16:00", "--venue", "Family home", "--chair", "Tom Hale")
    ok("2026-10-28", "meeting", "hold", booked["id"], "--present", "Layla Ward",
       "--present", "Leo Ward", "--still-in-need", "yes", "--recommendation", "continue",
       "--next-review", "2027-01-20", "--childs-views", "Wants mum to feel better")
    running = clocks("2026-10-28")
    assert "initial_meeting" not in running
    assert running["first_review"] == "2027-01-20"  # the date the meeting set, sooner
    assert running["minutes"] == "2026-11-11"  # 10 working days (BEX 3 default)

    # The plan written (its exit, BEX 3; STO 6.3) and agreed: its review is the one the
    # initial meeting set (WIR 2.7).
    ok("2026-10-29", "plan", "exit", "CIN000001", "--good-enough",
       "Leo at school 95% of days for a term; mum's GP review kept")
    ok("2026-10-29", "plan", "agree", "CIN000001", "--by", "Tom Hale, TM")
    shown = ok("2026-10-29", "plan", "show", "CIN000001")["version"]
    assert (shown["status"], shown["next_review"], shown["ended_on"]) == (
        "agreed", "2027-01-20", None)

    ok("2026-11-16", "visit", "record", "CIN000001", "--at", "2026-11-13 16:00",
       "--purpose", "Progress of the plan", "--analysis", "Seen alone; bedroom dry now.")
    assert clocks("2026-11-16")["visit"] == "2026-12-11"

    # The review: the child no longer in need; it recommends closure.
    booked = ok("2026-11-16", "meeting", "schedule", "CIN000001", "--kind", "review",
                "--at", "2027-01-18 16:00", "--venue", "Family home", "--chair", "Tom Hale")
    ok("2027-01-18", "meeting", "hold", booked["id"], "--present", "Layla Ward",
       "--still-in-need", "no", "--recommendation", "close")
    running = clocks("2027-01-18")
    assert "first_review" not in running and "review" in running

    # Closure with the manager's approval (TRA, BEX 3): the family told within 5 working
    # days; once closed, no clock runs.
    ok("2027-01-18", "close", "recommend", "CIN000001", "--summary",
       "Needs met: attendance back to 95%, mum supported by her GP.")
    ok("2027-01-19", "close", "decide", "CIN000001", "--approve", "--rationale",
       "Change maintained for three months", "--by", "tom")
    assert clocks("2027-01-19")["closure_notification"] == "2027-01-26"
    ok("2027-01-20", "close", "told", "CIN000001")
    assert "closure_notification" not in clocks("2027-01-20")
    ok("2027-01-21", "close", "complete", "CIN000001", "--reason", "RC7",
       "--unmet-need", "no")
    assert status("2027-01-21") == "closed"
    assert clocks("2027-01-21") == {}
    # WIR 3, TRA: the closure ends the plan in force with the case, as a final meeting does:
    # no review asked for (it said "next review 20 Jan 2027" of a closed case's plan).
    shown = ok("2027-02-01", "plan", "show", "CIN000001")["version"]
    assert (shown["status"], shown["next_review"], shown["ended_on"], shown["ended_by"]) == (
        "agreed", None, "2027-01-21", "closure")
    said = run("2027-02-01", "plan", "show", "CIN000001")
    assert "no further review: the plan ended at the closure on 21 Jan 2027" in " ".join(
        said.out.split())
    assert "next review" not in said.out
    refused = run("2027-02-01", "plan", "exit", "CIN000001", "--good-enough", "More")
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert "the plan ended at the closure on 21 Jan 2027: no further review" in refused.err

    # Every step is on the chronology, in order.
    steps = ok("2027-01-21", "child", "steps", "CIN000001")
    assert [s["key"] for s in steps["steps"] if s["done"]] == [
        "referral", "decision", "assessment_start", "assessment_record",
        "assessment_complete", "assessment_authorise", "plan_start", "home_visit",
        "support_start"]

    # The census return for the 2027 collection year takes the child, and validates.
    out = tmp_path / "cin.xml"
    result = run("2027-01-21", "export", "census", "--year", "2027", "-o", out, "--json")
    assert result.code == 0, result.out + result.err
    data = json.loads(result.out)
    assert (data["children"], data["episodes"], data["excluded"]) == (1, 1, [])
    tree = etree.parse(str(out))
    text = etree.tostring(tree, encoding="unicode")
    for element in ("<AssessmentAuthorisationDate>2026-10-13</AssessmentAuthorisationDate>",
                    "<CINPlanStartDate>2026-10-14</CINPlanStartDate>",
                    "<ReasonForClosure>RC7</ReasonForClosure>"):
        assert element in text
    schema = year_schema(2027)
    assert schema.validate(tree), schema.error_log
