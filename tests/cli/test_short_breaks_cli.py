"""Short breaks and direct payments from the command line, from an empty store (`cintui db
init`, then only what a user can do): WAR 7.1 (a disabled child's), WAR 4.2 and 7.2.1
(direct payments reviewed at least annually), TRA CAN team and BEX short breaks. Bad input
is one line, exit 2, and nothing written; the reviews join `cintui due`."""

from __future__ import annotations

import json

from tests.cli.test_supervision_cli import _store

DAY = ("--today", "2026-11-23")


def _listed(cli, db, kind: str) -> list[dict]:
    out = cli(kind, "list", "CIN000001", "--json", "--db", db)
    assert out.code == 0, out.err
    return json.loads(out.out)[kind.replace("-", "_") + "s"]


def test_war_7_1_refused_until_the_child_is_disabled_then_added_and_listed(
        cli, tmp_path, monkeypatch):
    db = _store(cli, tmp_path, monkeypatch)
    add = ("short-break", "add", "CIN000001", "--provider", "Rainbow House", "--type",
           "overnight", "--hours", "8", "--per", "month", "--start", "2026-10-01", "--db", db,
           *DAY)
    refused = cli(*add)
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert "short breaks here are for a disabled child (WAR 7.1)" in refused.err
    assert _listed(cli, db, "short-break") == []
    assert cli("child", "circumstances", "CIN000001", "--disability", "AUT", "--db", db,
               *DAY).code == 0
    done = cli(*add)
    assert done.code == 0, done.err
    assert done.out == ("CIN000001 1: added. Overnight short break, 8 h a month, Rainbow "
                        "House: from 1 Oct 2026, next review by 1 Oct 2027.\n")
    (found,) = _listed(cli, db, "short-break")
    assert (found["provider"], found["type"], found["hours"], found["per"],
            found["review_due"], found["recorded_by"]) == (
        "Rainbow House", "overnight", 8.0, "month", "2027-10-01", "amira")


def test_bad_input_is_one_line_and_writes_nothing(cli, tmp_path, monkeypatch):
    db = _store(cli, tmp_path, monkeypatch)
    assert cli("child", "circumstances", "CIN000001", "--disability", "AUT", "--db", db,
               *DAY).code == 0
    base = ("CIN000001", "--db", db, *DAY)
    cases = [
        (("short-break", "add", *base, "--provider", "X", "--type", "weekly", "--hours", "3"),
         "'weekly' is not one of overnight, day, community, other"),
        (("short-break", "add", *base, "--provider", "X", "--type", "day", "--hours", "lots"),
         "--hours: 'lots' is not a number of hours"),
        (("short-break", "add", *base, "--provider", "X", "--type", "day", "--hours", "200",
          "--per", "week"), "200 hours a week is more than there are (168)"),
        (("short-break", "add", *base, "--type", "day", "--hours", "3"), "name the provider"),
        (("short-break", "add", *base, "--provider", "X", "--type", "day", "--hours", "3",
          "--start", "2026-10-01", "--review", "2028-01-01"),
         "reviewed at least every 12 months (England default (cf. WAR 7.2.1)): by 1 Oct "
         "2027 at the latest"),
        (("short-break", "add", *base, "--provider", "X\x1b[31m", "--type", "day", "--hours",
          "3"), "control character"),
        (("short-break", "add", *base, "--provider", "X", "--type", "day", "--hours", "3",
          "--start", "1/10/26"), "--start: '1/10/26' is not a date"),
        (("direct-payment", "add", *base, "--amount", "lots", "--managed-by", "Jo"),
         "--amount: 'lots' is not an amount of money"),
        (("direct-payment", "add", *base, "--amount", "120", "--period", "daily",
          "--managed-by", "Jo"), "'daily' is not one of week, four-weeks, month, year"),
        (("direct-payment", "add", *base, "--amount", "120"), "say who manages the payment"),
        (("direct-payment", "review", *base), "no direct payment on the child's record"),
        (("short-break", "end", *base, "--reason", "x"), "no short break on the child's "
                                                          "record"),
        (("short-break", "list", "CIN000999", "--db", db), "CIN000999"),
    ]
    for args, words in cases:
        result = cli(*args)
        assert result.code == 2, (args, result)
        assert words in result.err and result.err.count("\n") == 1, (args, result.err)
        assert "Traceback" not in result.err
    assert _listed(cli, db, "short-break") == [] and _listed(cli, db, "direct-payment") == []
    assert cli("audit", "verify", "--db", db).code == 0


def test_war_7_2_1_the_annual_review_is_due_reviewed_edited_and_ended(cli, tmp_path,
                                                                      monkeypatch):
    """WAR 7.2.1: a direct payment started Mon 3 Nov 2025 is overdue its annual review on
    23 Nov 2026 (`cintui due`); reviewed, the next is a year on; ended, it leaves the due
    list. A short break set for review on 1 Dec 2026 is due then."""
    db = _store(cli, tmp_path, monkeypatch)
    assert cli("child", "circumstances", "CIN000001", "--disability", "AUT", "--db", db,
               *DAY).code == 0
    base = ("CIN000001", "--db", db, *DAY)
    assert cli("direct-payment", "add", *base, "--amount", "£120.50", "--period",
               "four-weeks", "--managed-by", "Jo Ward (mother)", "--start", "2025-11-03"
               ).code == 0
    assert cli("short-break", "add", *base, "--provider", "Play scheme", "--type",
               "community", "--hours", "3", "--start", "2026-11-02", "--review", "2026-12-01"
               ).code == 0
    due = json.loads(cli("due", "--json", "--db", db, *DAY).out)
    mine = {i["key"]: i for i in due["items"] if i["child"]["reference"] == "CIN000001"}
    assert (mine["direct_payment_review"]["due"], mine["direct_payment_review"]["state"],
            mine["direct_payment_review"]["source"]) == ("2026-11-03", "overdue",
                                                         "England default (cf. WAR 7.2.1)")
    assert mine["direct_payment_review"]["detail"] == (
        "Direct payment of £120.50 every 4 weeks, managed by Jo Ward (mother)")
    assert (mine["short_break_review"]["due"], mine["short_break_review"]["group"]) == (
        "2026-12-01", "next_two_weeks")
    # `child show` lists each open package's review among the child's clocks, once.
    shown = json.loads(cli("child", "show", *base, "--json").out)["deadlines"]
    assert [(d["key"], d["due"]) for d in shown if d["key"].endswith("_review")
            and d["key"] != "review"] == [("direct_payment_review", "2026-11-03"),
                                          ("short_break_review", "2026-12-01")]

    late = cli("direct-payment", "review", *base, "--on", "2026-11-20", "--next", "2028-01-01")
    assert late.code == 2 and "by 19 Nov 2027 at the latest" in late.err
    reviewed = cli("direct-payment", "review", *base, "--on", "2026-11-20", "--notes",
                   "Paying for a PA two evenings a week", "--json")
    assert reviewed.code == 0, reviewed.err
    dp = json.loads(reviewed.out)["direct_payment"]
    assert dp["review_due"] == "2027-11-19" and dp["reviews"][0]["by"] == "amira"
    assert cli("direct-payment", "edit", *base[:3], "--amount", "130").code == 0
    (dp,) = _listed(cli, db, "direct-payment")
    assert (dp["amount"], dp["managed_by"], dp["review_due"]) == (
        "130.00", "Jo Ward (mother)", "2027-11-19")
    assert cli("direct-payment", "end", *base, "--on", "2026-11-23").code == 2  # no reason
    ended = cli("direct-payment", "end", *base, "--on", "2026-11-23", "--reason",
                "Moved to a managed account")
    assert ended.code == 0 and "ended 23 Nov 2026 (Moved to a managed account)" in ended.out
    due = json.loads(cli("due", "--json", "--db", db, "--within", "260", *DAY).out)
    keys = {i["key"] for i in due["items"] if i["child"]["reference"] == "CIN000001"}
    assert "direct_payment_review" not in keys and "short_break_review" in keys
    shown = json.loads(cli("child", "show", *base, "--json").out)["deadlines"]
    assert {d["key"] for d in shown} & {"direct_payment_review", "short_break_review"} == {
        "short_break_review"}
    assert cli("audit", "verify", "--db", db).code == 0


def test_many_children_at_once_with_each(cli, tmp_path, monkeypatch):
    """The batch convention (`cintui each`): one command for several children."""
    db = _store(cli, tmp_path, monkeypatch)
    for ref in ("CIN000001", "CIN000002"):
        assert cli("child", "circumstances", ref, "--disability", "AUT", "--db", db,
                   *DAY).code == 0
    done = cli("each", "--child", "CIN000001", "--child", "CIN000002", "--db", db, "--",
               "short-break", "add", "{}", "--provider", "Holiday scheme", "--type",
               "community", "--hours", "20", "--per", "month", "--start", "2026-11-02", *DAY)
    assert done.code == 0, done.err
    assert "CIN000001 1: added." in done.out and "CIN000002 1: added." in done.out
