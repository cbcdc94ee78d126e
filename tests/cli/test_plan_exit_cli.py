"""The plan's exit and an early review from the command line, from an empty store (`cintui
db init`, then only what a user can do). BEX 3: bottom lines and "what action may be taken
if the plan is not successful"; "If there are significant changes in the family
circumstances, an early review should take place"; STO 6.3: plans with exit strategies."""

from __future__ import annotations

import json

from tests.cli.test_case_journey import add_team
from tests.cli.test_supervision_cli import _store


def test_the_plan_check_asks_for_the_exit_until_it_is_written_bex_3_sto_6_3(
        cli, tmp_path, monkeypatch):
    db = _store(cli, tmp_path, monkeypatch)
    out = cli("plan", "exit", "CIN000001", "--good-enough",
              "Leo in school 95% of days for a term: the plan can end.", "--db", db, "--json",
              "--today", "2026-11-23")
    assert out.code == 0, out.err
    assert json.loads(out.out)["version"] == 1
    problems = " ".join(json.loads(cli("plan", "check", "CIN000001", "--version", "1",
                                       "--db", db, "--json", "--today", "2026-11-23").out)
                        ["problems"])
    assert "No bottom lines" in problems and "(BEX 3)" in problems
    assert "not successful" in problems
    assert "No exit" not in problems  # good enough is written (STO 6.3)
    out = cli("plan", "exit", "CIN000001", "--bottom-lines", "Leo is not left alone at night.",
              "--if-not-met", "We will talk about a child protection conference.",
              "--db", db, "--json", "--today", "2026-11-23")
    saved = json.loads(out.out)
    assert (saved["version"], saved["bottom_lines"]) == (1, "Leo is not left alone at night.")
    assert saved["good_enough"].startswith("Leo in school")  # kept
    problems = " ".join(json.loads(cli("plan", "check", "CIN000001", "--version", "1",
                                       "--db", db, "--json", "--today", "2026-11-23").out)
                        ["problems"])
    assert "bottom lines" not in problems.lower() and "not successful" not in problems
    refused = cli("plan", "exit", "CIN000001", "--db", db)
    assert refused.code == 2 and "give --bottom-lines" in refused.err
    assert cli("audit", "verify", "--db", db).code == 0


def test_a_review_brought_forward_after_significant_change_bex_3(cli, tmp_path, monkeypatch):
    """BEX 3: the review clock is due on the date the review is brought forward to; a date
    in the past, or no reason, is one line and nothing changes. The initial meeting of
    2 Nov 2026 set the first review for 2 Feb 2027 (England: 3 months)."""
    db = tmp_path / "team.db"
    monkeypatch.setenv("CINTUI_USER", "amira")
    assert cli("db", "init", "--db", db, "--no-encrypt").code == 0
    add_team(cli, db)
    caseload = tmp_path / "caseload.csv"
    caseload.write_text(
        "reference,first_name,last_name,dob,worker,referral_date,assessment_started,"
        "assessment_completed,cin_plan_start,initial_meeting\n"
        "CIN000001,Leo,Ward,02/05/2017,amira,01/09/2026,02/09/2026,12/10/2026,14/10/2026,"
        "02/11/2026\n", encoding="utf-8")
    assert cli("import", "caseload", caseload, "--db", db, "--today", "2026-11-20").code == 0

    def review_clock() -> dict:
        shown = json.loads(cli("child", "show", "CIN000001", "--db", db, "--json",
                               "--today", "2026-11-23").out)
        return next(d for d in shown["deadlines"] if d["key"] == "first_review")

    assert review_clock()["due"] == "2027-02-02"
    bad = cli("meeting", "bring-forward", "CIN000001", "--by", "2026-11-20", "--reason",
              "Dad left", "--db", db, "--today", "2026-11-23")
    assert bad.code == 2 and "is in the past" in bad.err and "Traceback" not in bad.err
    no_reason = cli("meeting", "bring-forward", "CIN000001", "--by", "2026-12-04",
                    "--db", db, "--today", "2026-11-23")
    assert no_reason.code == 2 and "what has changed" in no_reason.err
    late = cli("meeting", "bring-forward", "CIN000001", "--by", "2027-03-01", "--reason",
               "x", "--db", db, "--today", "2026-11-23")
    assert late.code == 2 and "already due by 2 Feb 2027" in late.err
    assert review_clock()["due"] == "2027-02-02"  # nothing changed
    done = cli("meeting", "bring-forward", "CIN000001", "--by", "2026-12-04", "--reason",
               "Dad has left the family home; mum is struggling", "--db", db, "--json",
               "--today", "2026-11-23")
    assert done.code == 0, done.err
    clock = review_clock()
    assert (clock["due"], clock["source"]) == ("2026-12-04", "BEX 3")
    assert "significant change" in clock["rule"]
    assert cli("audit", "verify", "--db", db).code == 0


def test_no_plan_is_written_before_the_manager_starts_it_tra(cli, new_location, tmp_path,
                                                            monkeypatch):
    """TRA: the CIN plan is authorised by the line manager before it is written (`cintui plan
    start`). `plan exit` on a child whose plan had not started wrote a first draft, exit 0.
    Now it is one line naming the step and its command with the child's reference, exit 2,
    nothing written; an imported child whose file gave the plan's start is written as
    before."""
    db = _store(cli, tmp_path, monkeypatch, new_location("team.db"))
    refused = cli("plan", "exit", "CIN000002", "--good-enough", "Mia is in school every day.",
                  "--db", db, "--json", "--today", "2026-11-23")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == (
        "cintui: CIN000002 has no CIN plan to write yet: it starts with the line "
        "manager's authorisation (TRA): cintui plan start CIN000002 --authorised-by MANAGER "
        "(in the app: K on the record, then p)\n")
    nothing = cli("plan", "show", "CIN000002", "--db", db, "--today", "2026-11-23")
    assert nothing.code == 2 and "has no plan yet" in nothing.err
    written = cli("plan", "exit", "CIN000001", "--good-enough", "Leo is in school every day.",
                  "--db", db, "--json", "--today", "2026-11-23")
    assert written.code == 0, written.err
    assert json.loads(written.out)["version"] == 1
    assert cli("audit", "verify", "--db", db).code == 0
