"""A store built as a user would, through the CLI, without the demo: children of several
ages and situations, strategy discussions and section 47 enquiries (one to its conference,
one needing none, one still open), for the conformance test (synthetic people only).

Two children go through the case steps by the CLI (referral decision, assessment recorded,
completed and authorised by the line manager, CIN plan started); the others stay at
referral, so the DfE queries a section 47 with no assessment (2991Q), which cintui lists too.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from tests.cli.test_case_journey import ASSESSMENT, add_team
from tests.conftest import TODAY


def build_cli_store(cli, db: Path, today: date = TODAY) -> Path:
    def run(*args) -> str:
        result = cli(*args, "--db", db, "--today", today.isoformat())
        assert result.code == 0, (args, result.err)
        return result.out

    def ago(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    assert cli("db", "init", "--no-encrypt", "--db", db).code == 0
    add = ("child", "add")
    # School age, no UPN recorded yet: the DfE queries it (8770Q).
    run(*add, "--first-name", "Ava", "--last-name", "Stone", "--dob", "2014-05-01",
        "--sex", "F", "--disability", "MOB", "--disability", "LD", "--ethnicity", "WBRI",
        "--primary-need", "N1", "--referral-source", "2A", "--referral-date", ago(700))
    run(*add, "--first-name", "Ben", "--last-name", "Hale", "--dob", "2019-03-03",
        "--sex", "M", "--primary-need", "N4", "--referral-source", "3B",
        "--referral-date", ago(120))
    # Unborn: sex U, referred within 40 weeks of the expected birth.
    run(*add, "--first-name", "Baby", "--last-name", "Hale",
        "--expected-dob", (today + timedelta(days=60)).isoformat(), "--sex", "U",
        "--primary-need", "N3", "--referral-source", "3A", "--referral-date", ago(20))
    # Sex not known: counts towards the DfE's 2% query on the return (2886Q).
    run(*add, "--first-name", "Cal", "--last-name", "Reed", "--dob", "2021-08-08",
        "--sex", "U", "--disability", "AUT", "--ethnicity", "MWBA", "--referral-date", ago(40))
    # A reference with a hyphen: from 2024-25 not a valid LA child ID (1580), left out.
    run(*add, "--first-name", "Dee", "--last-name", "Marsh", "--dob", "2016-10-10",
        "--sex", "F", "--reference", "CIN-77", "--referral-date", ago(200))
    def weekday(days: int) -> str:  # a working day about `days` ago
        d = today - timedelta(days=days)
        return (d - timedelta(days=max(0, d.weekday() - 4))).isoformat()

    # Ava: strategy discussion, s47 the next day, conference held (cintui cp).
    run("cp", "strategy", "CIN000001", "--on", weekday(60), "--outcome", "s47")
    run("cp", "s47", "CIN000001", "--started", weekday(59))
    run("cp", "icpc", "CIN000001", "--held", weekday(50))
    # Ben: an enquiry that found no conference was needed; then one still open.
    run("cp", "strategy", "CIN000002", "--on", weekday(100), "--outcome", "s47")
    run("cp", "s47", "CIN000002", "--started", weekday(100))
    run("cp", "icpc", "CIN000002", "--not-required", weekday(90))
    run("cp", "strategy", "CIN000002", "--on", weekday(10), "--outcome", "s47")
    run("cp", "s47", "CIN000002", "--started", weekday(9))
    # Cal: a strategy discussion that decided no enquiry.
    run("cp", "strategy", "CIN000004", "--on", weekday(30), "--outcome", "no-s47")

    # Ava and Ben: the assessment and the plan, step by step, the manager authorising.
    add_team(cli, db)
    # Beside a store file; for a database URL, in this test's own data folder.
    folder = db.parent if isinstance(db, Path) else Path(os.environ["CINTUI_DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    record = folder / "assessment.md"
    record.write_text(ASSESSMENT, encoding="utf-8")
    for child, referred in (("CIN000001", 700), ("CIN000002", 120)):
        run("referral", "record", child, "--decision", "assessment", "--by", "tom",
            "--on", ago(referred), "--decided-on", ago(referred))
        run("assessment", "start", child, "--on", ago(referred - 1))
        run("assessment", "record", child, "--file", record)
        run("assessment", "factors", child, "--factor", "neglect")
        run("assessment", "outcome", child, "cin-plan")
        run("assessment", "complete", child, "--on", ago(referred - 20))
        run("assessment", "authorise", child, "--by", "tom", "--on", ago(referred - 21))
        run("plan", "start", child, "--authorised-by", "tom", "--on", ago(referred - 22))
    return db
