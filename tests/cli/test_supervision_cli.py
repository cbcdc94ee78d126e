"""Supervision and case direction from the command line, from an empty store (`cintui db
init`, then only what a user can do): STO 4.5 "Improve the quality of supervision", STO 8.5
"Sharper focus on care planning during supervision preventing drift", WAR 12 (Supervision
Policy). Only a manager records it; its actions join the worker's due list; the team's
children overdue supervision are listed."""

from __future__ import annotations

import json

from tests.cli.test_case_journey import add_team


def _store(cli, tmp_path, monkeypatch, db=None):
    """A team's store (a file, or `db`: a location on either store) with two imported
    children: Leo, his plan started 14 Oct 2026; Mia, at referral."""
    db = db if db is not None else tmp_path / "team.db"
    monkeypatch.setenv("CINTUI_USER", "amira")
    assert cli("db", "init", "--db", db, "--no-encrypt").code == 0
    add_team(cli, db)
    caseload = tmp_path / "caseload.csv"
    caseload.write_text(
        "reference,first_name,last_name,dob,worker,referral_date,assessment_started,"
        "assessment_completed,cin_plan_start\n"
        "CIN000001,Leo,Ward,02/05/2017,amira,01/09/2026,02/09/2026,12/10/2026,14/10/2026\n"
        "CIN000002,Mia,Cole,04/03/2019,amira,01/09/2026,,,\n", encoding="utf-8")
    result = cli("import", "caseload", caseload, "--db", db, "--today", "2026-10-14")
    assert result.code == 0, result.err
    return db


RECORD = ("supervision", "record", "CIN000001", "--on", "2026-11-02",
          "--present", "Amira Khan (social worker), Tom Hale",
          "--discussion", "School attendance up to 91%; dental check still not booked.",
          "--decisions", "Plan continues; escalate health to the GP as mum has not booked.",
          "--action", "Ask the GP to book Leo's dental check | Amira Khan | 2026-11-09")


def test_only_a_manager_records_supervision_sto_4_5(cli, tmp_path, monkeypatch):
    """STO 4.5, 8.5: supervision is the manager's: a social worker is refused with the role
    needed, in one line, and nothing is written."""
    db = _store(cli, tmp_path, monkeypatch)
    refused = cli(*RECORD, "--db", db, "--today", "2026-11-02")
    assert refused.code == 2
    assert "recording supervision needs a team manager or service manager; amira is a " \
           "social worker" in refused.err
    assert "Traceback" not in refused.err
    listed = json.loads(cli("supervision", "list", "CIN000001", "--db", db, "--json",
                            "--today", "2026-11-02").out)
    assert listed["supervisions"] == []
    audit = cli("audit", "verify", "--db", db)
    assert audit.code == 0, audit.err


def test_supervision_recorded_its_action_due_and_next_supervision_sto_8_5(
        cli, tmp_path, monkeypatch):
    """STO 8.5: the manager's supervision, with its action, is on the record; the action is
    on the worker's due list (`cintui due`); the next supervision is due by the policy's
    4 weeks (England default: no seed gives a figure) from this one."""
    db = _store(cli, tmp_path, monkeypatch)
    monkeypatch.setenv("CINTUI_USER", "tom")
    done = cli(*RECORD, "--db", db, "--today", "2026-11-02")
    assert done.code == 0, done.err
    assert "next supervision by 30 Nov 2026" in done.out
    listed = json.loads(cli("supervision", "list", "CIN000001", "--db", db, "--json",
                            "--today", "2026-11-03").out)
    (one,) = listed["supervisions"]
    assert one["manager"] == "Tom Hale" and one["held_on"] == "2026-11-02"
    assert one["actions"] == [{"what": "Ask the GP to book Leo's dental check",
                               "who": "Amira Khan", "by": "2026-11-09",
                               "status": "not_started", "number": 1}]
    assert listed["next"]["due"] == "2026-11-30"
    assert "STO 4.5" in listed["next"]["source"]

    due = json.loads(cli("due", "--worker", "amira", "--db", db, "--json",
                         "--today", "2026-11-03").out)
    actions = [i for i in due["items"] if i["key"] == "supervision_action"]
    assert [(a["due"], a["source"]) for a in actions] == [("2026-11-09", "STO 8.5")]
    assert "dental check" in actions[0]["detail"]

    # Done: it leaves the due list.
    monkeypatch.setenv("CINTUI_USER", "amira")
    assert cli("supervision", "action", "CIN000001", "1", "--db", db).code == 0
    due = json.loads(cli("due", "--worker", "amira", "--db", db, "--json",
                         "--today", "2026-11-03").out)
    assert not [i for i in due["items"] if i["key"] == "supervision_action"]

    assert cli("audit", "verify", "--db", db).code == 0


def test_list_numbers_each_open_action_as_action_takes_it_sto_8_5(cli, tmp_path, monkeypatch):
    """STO 8.5: with two supervisions, each agreeing one action, `list` showed both as
    "Action 1", but `supervision action CHILD 1` takes the oldest open one: the worker who
    made the FGC referral (the newest "Action 1") marked the dental check done, and a done
    action cannot be set back. `list` now numbers open actions as `action` takes them, and
    that number marks the action the worker read."""
    db = _store(cli, tmp_path, monkeypatch)
    monkeypatch.setenv("CINTUI_USER", "tom")
    assert cli(*RECORD, "--db", db, "--today", "2026-11-02").code == 0
    later = cli("supervision", "record", "CIN000001", "--on", "2026-11-30",
                "--present", "Amira Khan, Tom Hale", "--discussion", "Gran's support",
                "--decisions", "Ask the family to an FGC: Gran wants to help.",
                "--action", "Refer to the FGC service | Amira Khan | 2026-12-07",
                "--db", db, "--today", "2026-11-30")
    assert later.code == 0, later.err

    listed = cli("supervision", "list", "CIN000001", "--db", db, "--today", "2026-11-30").out
    fgc = next(line for line in listed.splitlines() if "FGC service" in line)
    dental = next(line for line in listed.splitlines() if "dental check (" in line)
    assert fgc.strip().startswith("Action 2:") and dental.strip().startswith("Action 1:")
    assert "`cintui supervision action CIN000001 N` marks open action N done" in listed
    as_json = json.loads(cli("supervision", "list", "CIN000001", "--db", db, "--json",
                             "--today", "2026-11-30").out)
    assert [[a["number"] for a in s["actions"]] for s in as_json["supervisions"]] == [[2], [1]]

    monkeypatch.setenv("CINTUI_USER", "amira")
    done = cli("supervision", "action", "CIN000001", "2", "--db", db)
    assert done.code == 0, done.err
    assert "Refer to the FGC service — done" in done.out
    after = json.loads(cli("supervision", "list", "CIN000001", "--db", db, "--json",
                           "--today", "2026-11-30").out)
    statuses = {a["what"]: (a["status"], a["number"])
                for s in after["supervisions"] for a in s["actions"]}
    assert statuses == {"Refer to the FGC service": ("done", None),
                        "Ask the GP to book Leo's dental check": ("not_started", 1)}


def test_team_children_overdue_supervision_sto_8_5(cli, tmp_path, monkeypatch):
    """STO 8.5 "preventing drift": with no supervision, the clock runs from the CIN plan's
    start (or the referral while there is no plan), or, for a case imported after that,
    from the day it came in (the file carries no supervision); the team's overdue children
    are listed; a supervision takes the child off the list."""
    db = _store(cli, tmp_path, monkeypatch)
    out = json.loads(cli("supervision", "overdue", "--team", "south", "--db", db, "--json",
                         "--today", "2026-11-20").out)
    # Imported 14 Oct: Mia (referred 1 Sep, once "due 29 Sep") from the import, + 4 weeks
    # = 11 Nov; Leo from his plan's start the same day, 14 Oct + 4 weeks = 11 Nov.
    assert sorted((c["reference"], c["next"]["due"]) for c in out["children"]) == [
        ("CIN000001", "2026-11-11"), ("CIN000002", "2026-11-11")]
    monkeypatch.setenv("CINTUI_USER", "tom")
    assert cli(*RECORD, "--db", db, "--today", "2026-11-20").code == 0
    out = json.loads(cli("supervision", "overdue", "--team", "south", "--db", db, "--json",
                         "--today", "2026-11-20").out)
    assert [c["reference"] for c in out["children"]] == ["CIN000002"]


def test_bad_supervision_input_is_one_line_and_nothing_written(cli, tmp_path, monkeypatch):
    """A date later than the policy allows for the next supervision, an action without a
    date, a date in the future: one line each, exit 2, nothing written."""
    db = _store(cli, tmp_path, monkeypatch)
    monkeypatch.setenv("CINTUI_USER", "tom")
    late = cli(*RECORD, "--next", "2027-01-31", "--db", db, "--today", "2026-11-02")
    assert late.code == 2 and "by 30 Nov 2026 at the latest" in late.err
    no_date = cli(*RECORD[:-2], "--action", "Call school | Amira |", "--db", db,
                  "--today", "2026-11-02")
    assert no_date.code == 2 and "action 1: give the date" in no_date.err
    future = cli(*RECORD, "--db", db, "--today", "2026-10-30")
    assert future.code == 2 and "is in the future" in future.err
    for result in (late, no_date, future):
        assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    listed = json.loads(cli("supervision", "list", "CIN000001", "--db", db, "--json",
                            "--today", "2026-11-02").out)
    assert listed["supervisions"] == []


SESSION = ("supervision", "record", "--on", "2026-11-20",
           "--present", "Amira Khan (social worker), Tom Hale",
           "--child", "CIN000001", "--child", "CIN000002",
           "--discussion", "Leo: attendance up to 91%.",
           "--discussion", "Mia: assessment late; school worried about lateness.",
           "--decisions", "Leo: plan continues.",
           "--decisions", "Mia: finish the assessment this week; visit school.",
           "--action", "CIN000002: Visit the school | Amira Khan | 2026-11-27")


def test_one_session_covers_several_children_each_with_its_own_record_sto_8_5(
        cli, tmp_path, monkeypatch):
    """STO 4.5, 8.5: a monthly session covering a worker's overdue children is one command:
    the date and who was there typed once; each child's record keeps its own discussion,
    decisions and actions; both leave the overdue list, each next due 4 weeks on."""
    db = _store(cli, tmp_path, monkeypatch)
    monkeypatch.setenv("CINTUI_USER", "tom")
    done = cli(*SESSION, "--db", db, "--today", "2026-11-20")
    assert done.code == 0, done.err
    assert done.out.splitlines() == [
        "Supervision of 20 Nov 2026 recorded for 2 children:",
        "  CIN000001: recorded; next supervision by 18 Dec 2026 (England default "
        "(cf. STO 4.5, 8.5; WAR 12)).",
        "  CIN000002: recorded with 1 action; next supervision by 18 Dec 2026 (England "
        "default (cf. STO 4.5, 8.5; WAR 12))."]
    leo, mia = (json.loads(cli("supervision", "list", ref, "--db", db, "--json",
                               "--today", "2026-11-20").out)
                for ref in ("CIN000001", "CIN000002"))
    assert [(s["present"], s["discussion"], s["decisions"], len(s["actions"]))
            for s in leo["supervisions"]] == [
        ("Amira Khan (social worker), Tom Hale", "Leo: attendance up to 91%.",
         "Leo: plan continues.", 0)]
    assert [(s["discussion"], [a["what"] for a in s["actions"]])
            for s in mia["supervisions"]] == [
        ("Mia: assessment late; school worried about lateness.", ["Visit the school"])]
    out = json.loads(cli("supervision", "overdue", "--team", "south", "--db", db, "--json",
                         "--today", "2026-11-20").out)
    assert out["children"] == []
    assert cli("audit", "verify", "--db", db).code == 0


def test_overdue_of_a_worker_takes_their_overdue_children_sto_8_5(cli, tmp_path, monkeypatch):
    """`--overdue-of amira` records the session for each of her children overdue
    supervision, in the order `supervision overdue` lists them."""
    db = _store(cli, tmp_path, monkeypatch)
    monkeypatch.setenv("CINTUI_USER", "tom")
    order = [c["reference"] for c in json.loads(cli(
        "supervision", "overdue", "--team", "south", "--db", db, "--json",
        "--today", "2026-11-20").out)["children"]]
    assert sorted(order) == ["CIN000001", "CIN000002"]
    done = cli("supervision", "record", "--overdue-of", "amira", "--on", "2026-11-20",
               "--present", "Amira Khan, Tom Hale", "--discussion", "First child",
               "--discussion", "Second child", "--decisions", "Continue",
               "--decisions", "Continue", "--db", db, "--today", "2026-11-20", "--json")
    assert done.code == 0, done.err
    assert [c["reference"] for c in json.loads(done.out)["children"]] == order
    first = json.loads(cli("supervision", "list", order[0], "--db", db, "--json",
                           "--today", "2026-11-20").out)
    assert first["supervisions"][0]["discussion"] == "First child"
    none_left = cli("supervision", "record", "--overdue-of", "amira", "--present", "X",
                    "--discussion", "Y", "--decisions", "Z", "--db", db,
                    "--today", "2026-11-20")
    assert none_left.code == 2
    assert none_left.err.strip().endswith(
        "none of Amira Khan's children is overdue supervision: nothing recorded")


def test_a_session_with_one_child_wrong_records_none_in_one_line_sto_4_5(
        cli, tmp_path, monkeypatch):
    """All or none: the second child's decisions blank, a discussion missing, an action not
    saying its child: one line naming what is wrong, exit 2, neither child's record changed."""
    db = _store(cli, tmp_path, monkeypatch)
    monkeypatch.setenv("CINTUI_USER", "tom")
    blank = list(SESSION)
    blank[blank.index("Mia: finish the assessment this week; visit school.")] = " "
    refused = cli(*blank, "--db", db, "--today", "2026-11-20")
    assert refused.code == 2
    assert "CIN000002: decisions: record the case direction decided" in refused.err
    short = [a for a in SESSION if a != "Leo: attendance up to 91%."]
    short.remove("--discussion")
    missing = cli(*short, "--db", db, "--today", "2026-11-20")
    assert missing.code == 2
    assert "--discussion: give one for each child, in their order (2 children, 1 given)" \
        in missing.err
    unnamed = cli(*SESSION[:-2], "--action", "Visit the school | Amira Khan | 2026-11-27",
                  "--db", db, "--today", "2026-11-20")
    assert unnamed.code == 2 and "start it with the child's reference" in unnamed.err
    for result in (refused, missing, unnamed):
        assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    for ref in ("CIN000001", "CIN000002"):
        listed = json.loads(cli("supervision", "list", ref, "--db", db, "--json",
                                "--today", "2026-11-20").out)
        assert listed["supervisions"] == []
