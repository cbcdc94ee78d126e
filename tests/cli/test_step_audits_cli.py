"""STO 7.13: "An audit tool ... auditing cases that have recently stepped down to Early Help
or stepped up from Early Help to Children's Services with an aim to identify any learning
... on a monthly basis." `cintui step-audit list|record`: the month's cases, not yet
audited first; an audit records who did it, whether the step was right and what was
learned. Refusals are one line and write nothing."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_steps_cli import DAY, leo_store, ok, refused, run
from tests.conftest import TODAY


@pytest.fixture
def db(scripted_db, monkeypatch):
    return leo_store(scripted_db, monkeypatch)


def test_a_step_up_from_early_help_is_listed_in_its_month_until_audited_sto_7_13(cli, db):
    ok(cli, db, "referral", "record", "CIN000001", "--route", "early-help-step-up",
       "--early-help-plan", "2026-06-10", "--source", "early help")
    month = ok(cli, db, "step-audit", "list", "--month", "2026-09")
    assert (month["cases"], month["audited"]) == (1, 0)
    (case,) = month["items"]
    assert (case["reference"], case["direction"], case["stepped_on"], case["audited"]) == (
        "CIN000001", "up", "2026-09-01", None)
    assert ok(cli, db, "step-audit", "list", "--month", "2026-10")["cases"] == 0
    refused(cli, db, "step-audit", "record", "CIN000001", "--month", "2026-09", "--by",
            "Sam Okoro", "--learning", " ", says=("what was learned",))
    refused(cli, db, "step-audit", "record", "CIN000001", "--month", "2026-10", "--by",
            "Sam Okoro", "--learning", "x", says=("did not step", "October 2026"))
    done = ok(cli, db, "step-audit", "record", "CIN000001", "--month", "2026-09", "--by",
              "Sam Okoro (IPSS)", "--learning", "Early help's plan showed the need rising: "
              "the step-up was right and timely", "--right", "yes", "--on", "2026-10-05")
    assert done["audited"] == {"held_on": "2026-10-05", "by": "Sam Okoro (IPSS)",
                               "step_was_right": True,
                               "learning": "Early help's plan showed the need rising: the "
                                           "step-up was right and timely"}
    month = ok(cli, db, "step-audit", "list", "--month", "2026-09")
    assert (month["cases"], month["audited"]) == (1, 1)
    refused(cli, db, "step-audit", "record", "CIN000001", "--month", "2026-09", "--by", "X",
            "--learning", "again", says=("was audited on 5 Oct 2026 by Sam Okoro (IPSS)",))


def test_bad_months_and_answers_are_one_line(cli, db):
    refused(cli, db, "step-audit", "list", "--month", "2026-13", says=("not a month",))
    refused(cli, db, "step-audit", "list", "--month", "2026-12", says=("has not begun",))
    refused(cli, db, "step-audit", "record", "CIN000001", "--by", "X", "--learning", "Y",
            "--right", "perhaps", says=("give yes or no",))


def test_the_demos_step_downs_are_the_months_cases_and_an_audit_is_not_a_plans_qa(
        cli, demo_store):
    """A closure to early help (a WIR 3 step-down, RC9) and a step-up are listed in the month
    they happened; an audit is not counted as the plan's quality check (BEX 3)."""
    def listed(month: str) -> dict:
        out = cli("step-audit", "list", "--month", month, "--db", demo_store, "--json",
                  "--today", TODAY.isoformat())
        assert out.code == 0, out.err
        return json.loads(out.out)

    months = [f"{y}-{m:02d}" for y, m in [(2025, m) for m in range(12, 13)]
              + [(2026, m) for m in range(1, 12)]]
    found = {m: listed(m) for m in months}
    downs = [(m, c) for m, f in found.items() for c in f["items"] if c["direction"] == "down"]
    assert downs and all(c["stepped_on"].startswith(m) for m, c in downs)
    # A demo referral from early help (source 5D) is a step-up, in its referral's month.
    ups = [(m, c) for m, f in found.items() for c in f["items"] if c["direction"] == "up"]
    assert ups and all(c["stepped_on"].startswith(m) for m, c in ups)
    month, case = downs[0]
    out = cli("step-audit", "record", case["reference"], "--month", month, "--by", "Sam Okoro",
              "--learning", "The TAF plan carried the school actions", "--db", demo_store,
              "--today", TODAY.isoformat())
    assert out.code == 0, out.err
    assert "Audit recorded for" in out.out and "(STO 7.13)" in out.out
    after = listed(month)
    assert after["audited"] == found[month]["audited"] + 1
    text = cli("step-audit", "list", "--month", month, "--db", demo_store, "--today",
               TODAY.isoformat()).out
    assert "Step-down and step-up audits" in text and "STO 7.13" in text



def test_without_a_month_the_list_and_the_audit_take_the_month_with_one_waiting_sto_7_13(
        cli, db):
    """Month end and after (STO 7.13, "on a monthly basis"): with no --month, `list` opens
    on the newest of this month and the two before with a case not yet audited, as the team
    view's `s` does, and says so; `record` finds the child's step there. Both took this
    month: early in a month they listed nothing while last month's steps waited, and the
    audit was refused ("did not step ... in November")."""
    ok(cli, db, "referral", "record", "CIN000001", "--route", "early-help-step-up",
       "--early-help-plan", "2026-06-10", "--source", "early help")
    listed = ok(cli, db, "step-audit", "list")  # 23 Nov 2026: September's step waits
    assert (listed["month"], listed["cases"], listed["audited"]) == ("2026-09", 1, 0)
    said = run(cli, db, "step-audit", "list", day=DAY)
    assert said.code == 0, said.err
    assert said.out.splitlines()[:2] == [
        "Step-down and step-up audits, September 2026 (STO 7.13): 0 of 1 audited",
        "September 2026 has a case not yet audited; --month 2026-11 for this month."]
    done = ok(cli, db, "step-audit", "record", "CIN000001", "--by", "Sam Okoro (IPSS)",
              "--learning", "The step-up was timely", "--on", "2026-11-20")
    assert done["stepped_on"] == "2026-09-01" and done["audited"]["by"] == "Sam Okoro (IPSS)"
    assert ok(cli, db, "step-audit", "list")["month"] == "2026-11"  # nothing waits now
    refused(cli, db, "step-audit", "record", "CIN000001", "--by", "X", "--learning", "again",
            says=("was audited on 20 Nov 2026",))
