"""`cintui report compliance` and `cintui report performance` (DOMAIN.md §6, §8): every
report in every format on the demo store (synthetic people), formats agreeing with each other,
and one-line errors with exit 2 for bad input. The demo's own numbers change as the generator
grows, so these tests check reconciliation and consistency, not fixed counts."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cintui.domain.reports import COMPLIANCE_MEASURES, DURATION_BANDS, REREFERRAL_BANDS
from cintui.export import reports as report_export
from cintui.export.plan import read_envelope
from tests.cli.test_cli import one_line_error
from tests.conftest import TODAY, connect, run_subprocess

DAY = ("--today", TODAY.isoformat())
PERIOD = ("--from", "2025-04-01", "--to", "2026-11-23")


def run(cli, demo_store, *args):
    result = cli("report", *args, "--db", demo_store, *DAY)
    assert result.code == 0, result.err
    return result.out


@pytest.fixture
def compliance(cli, demo_store) -> dict:
    out = run(cli, demo_store, "compliance", *PERIOD, "--json")
    return read_envelope(out, report_export.COMPLIANCE_FORMAT, report_export.FORMAT_VERSION,
                         "compliance report")


@pytest.fixture
def performance(cli, demo_store) -> dict:
    out = run(cli, demo_store, "performance", *PERIOD, "--json")
    return read_envelope(out, report_export.PERFORMANCE_FORMAT, report_export.FORMAT_VERSION,
                         "performance report")


def test_compliance_json_adds_up_by_worker_and_team(compliance):
    assert compliance["from"] == "2025-04-01" and compliance["to"] == "2026-11-23"
    assert compliance["total"]["visits"]["total"] > 0
    for k in COMPLIANCE_MEASURES:
        m = compliance["total"][k]
        assert 0 <= m["met"] <= m["total"]
        for part in ("by_worker", "by_team"):
            assert sum(line[k]["met"] for line in compliance[part]) == m["met"]
            assert sum(line[k]["total"] for line in compliance[part]) == m["total"]


def test_compliance_csv_agrees_with_json(cli, demo_store, compliance):
    rows = list(csv.DictReader(io.StringIO(run(cli, demo_store, "compliance", *PERIOD,
                                               "--csv"))))
    total = {r["measure"]: r for r in rows if r["scope"] == "total"}
    assert set(total) == set(COMPLIANCE_MEASURES)
    for k, r in total.items():
        m = compliance["total"][k]
        assert (int(r["met"]), int(r["total"])) == (m["met"], m["total"])
        assert (float(r["percent"]) if r["percent"] else None) == m["percent"]
    workers = {r["worker"] for r in rows if r["scope"] == "worker"}
    assert workers == {w["worker"] for w in compliance["by_worker"]}


def test_compliance_tables_name_every_measure(cli, demo_store, compliance):
    out = run(cli, demo_store, "compliance", *PERIOD)
    for k, info in compliance["measures"].items():
        assert info["label"] in out, k
    v = compliance["total"]["visits"]
    assert f"({v['met']}/{v['total']})" in out
    # Each table's columns are whole at 80 columns ("supervision" was cut to "supervi…").
    header = next(line for line in out.splitlines() if "visits" in line and "plans" in line)
    assert "…" not in header and "superv." in header


def test_compliance_for_one_team_is_that_teams_line(cli, demo_store, compliance):
    line = next(t for t in compliance["by_team"] if t["team"])
    out = json.loads(run(cli, demo_store, "compliance", *PERIOD, "--team", line["team"],
                         "--json"))
    assert out["team"] == line["team"]
    assert {k: out["total"][k] for k in COMPLIANCE_MEASURES} == \
        {k: line[k] for k in COMPLIANCE_MEASURES}


def test_performance_json_reconciles(performance):
    r, c, rr = performance["referrals"], performance["closures"], performance["rereferrals"]
    assert sum(q["count"] for q in r["by_quarter"]) == r["total"] > 0
    assert list(c["by_duration"]) == list(DURATION_BANDS)
    assert sum(c["by_duration"].values()) == c["total"]
    assert c["stepped_down_unmet_need"]["total"] == c["total"]
    assert list(rr["by_interval"]) == list(REREFERRAL_BANDS)
    assert sum(rr["by_interval"].values()) == rr["total"]
    assert rr["rate"]["total"] == r["total"]
    assert rr["within_12_months"] == rr["rate"]["met"] == \
        rr["total"] - rr["by_interval"]["over 12 months"]
    assert [m["month_end"] for m in performance["open_by_month"]][-1] == "2026-10-31"
    loads = [w["children"] for w in performance["caseload"]["by_worker"]]
    assert performance["caseload"]["max"] == max(loads)


def test_performance_csv_and_markdown_agree_with_json(cli, demo_store, performance):
    rows = list(csv.DictReader(io.StringIO(run(cli, demo_store, "performance", *PERIOD,
                                               "--csv"))))
    got = {(r["section"], r["item"]): int(r["count"]) for r in rows}
    assert got[("referrals", "total")] == performance["referrals"]["total"]
    assert got[("closures", "total")] == performance["closures"]["total"]
    for band, n in performance["closures"]["by_duration"].items():
        assert got[("closures_by_duration", band)] == n
    for band, n in performance["rereferrals"]["by_interval"].items():
        assert got[("rereferrals_by_interval", band)] == n
    for q in performance["referrals"]["by_quarter"]:
        row = next(r for r in rows if r["section"] == "referrals" and r["item"] == q["quarter"])
        assert (int(row["count"]), int(row["year_before"])) == (q["count"], q["year_before"])
    md = run(cli, demo_store, "performance", *PERIOD, "--md")
    assert md.startswith("# Children in Need performance")
    assert f"New referrals (STO 3.1): {performance['referrals']['total']}" in md
    assert f"(STO 3.2): {performance['closures']['total']}" in md
    table = run(cli, demo_store, "performance", *PERIOD)
    assert f"New referrals: {performance['referrals']['total']}" in table
    # WAR 9.3: sustainable step-downs, the same in every format
    sd = performance["closures"]["sustained_step_downs"]
    assert sd["total"] > 0 and 0 <= sd["met"] <= sd["total"]  # the demo has step-downs
    assert got[("sustained_step_downs", "not re-referred within 12 months")] == sd["met"]
    assert got[("sustained_step_downs", "too recent to tell")] == sd["too_recent"]
    assert (f"Sustainable step-downs to Early Help (WAR 9.3): {sd['met']} of {sd['total']} "
            f"not re-referred within 12 months") in md
    assert f"{sd['too_recent']} too recent to tell" in " ".join(table.split())


def test_compliance_markdown_has_the_json_figures_for_a_committee_paper(cli, demo_store):
    """DOMAIN.md §6: Priya pastes the compliance tables into the committee paper as she does
    the performance ones; `report compliance --md` was "No such option". Its Markdown has
    the JSON's figures: in total with each measure's source, by team and by worker."""
    data = json.loads(run(cli, demo_store, "compliance", "--json"))
    md = run(cli, demo_store, "compliance", "--md")
    assert md.startswith("# Children in Need compliance\n\nOctober 2026, the last full "
                         "month: 1 Oct 2026 to 31 Oct 2026.")

    def cell(m: dict) -> str:
        return "—" if not m["total"] else f"{m['percent']:.0f}% ({m['met']}/{m['total']})"

    for k in COMPLIANCE_MEASURES:
        info = data["measures"][k]
        assert f"| {info['label']} | {cell(data['total'][k])} | {info['source']} |" in md
    for line in data["by_team"] + data["by_worker"]:
        who = line.get("name") or line.get("worker") or line["team"]
        assert ("| " + " | ".join([who, *(cell(line[k]) for k in COMPLIANCE_MEASURES)])
                + " |") in md, who
    assert md.index("## By team") < md.index("## By worker")
    one_line_error(cli("report", "compliance", "--md", "--csv", "--db", demo_store, *DAY),
                   "choose one output: --csv or --md")


def test_performance_for_each_team_adds_up_to_everyone(cli, demo_store, performance):
    with connect(demo_store) as conn:
        teams = [n for (n,) in conn.all("SELECT name FROM team")]
    parts = [json.loads(run(cli, demo_store, "performance", *PERIOD, "--team", t, "--json"))
             for t in teams]
    for key in ("referrals", "closures", "rereferrals"):
        assert sum(p[key]["total"] for p in parts) == performance[key]["total"]


def test_defaults_to_the_financial_year_to_date(cli, demo_store):
    out = json.loads(run(cli, demo_store, "performance", "--json"))
    assert (out["from"], out["to"]) == ("2026-04-01", "2026-11-23")
    out = json.loads(run(cli, demo_store, "compliance", "--to", "2026-03-01", "--json"))
    assert (out["from"], out["to"]) == ("2025-04-01", "2026-03-01")


def test_performance_says_its_period_the_financial_year_to_date(cli, demo_store):
    """DOMAIN.md §8 (STO 3.1: referrals by financial quarter against a year before): the
    performance report stays the financial year to date, and now says so in its heading,
    JSON and committee page, as compliance says its month. Its heading gave two dates only;
    in April it names the year just ended, the one to read."""
    out = json.loads(run(cli, demo_store, "performance", "--json"))
    assert out["period"] == "financial year 2026-27 to date"
    lines = run(cli, demo_store, "performance").splitlines()
    assert lines[0].startswith("Performance financial year 2026-27 to date "
                               "(1 Apr 2026 to 23 Nov 2026)")  # it said 2026-04-01
    assert lines[1].startswith("Another period: --month YYYY-MM")
    md = run(cli, demo_store, "performance", "--md")
    assert "Financial year 2026-27 to date: 1 Apr 2026 to 23 Nov 2026." in md
    assert "## Caseloads on 23 Nov 2026 (WAR 3.5)" in md and "| 30 Apr 2026 |" in md
    april = cli("report", "performance", "--db", demo_store, "--today", "2027-04-10")
    assert april.code == 0, april.err
    assert april.out.startswith("Performance financial year 2027-28 to date "
                                "(1 Apr 2027 to 10 Apr 2027)")
    assert "the year just ended: --from 2026-04-01 --to 2027-03-31" in " ".join(
        april.out.split())


def test_performance_for_a_month_as_compliance(cli, demo_store):
    """`--month` on performance, as on compliance (one month; this month runs to today);
    `--from`/`--to` still any period, not named."""
    for report in ("performance", "compliance"):
        out = json.loads(run(cli, demo_store, report, "--month", "2026-10", "--json"))
        assert (out["from"], out["to"], out["period"]) == ("2026-10-01", "2026-10-31",
                                                           "October 2026")
        out = json.loads(run(cli, demo_store, report, "--month", "2026-11", "--json"))
        assert (out["from"], out["to"], out["period"]) == ("2026-11-01", "2026-11-23",
                                                           "November 2026 so far")
    out = json.loads(run(cli, demo_store, "performance", *PERIOD, "--json"))
    assert (out["from"], out["to"], out["period"]) == ("2025-04-01", "2026-11-23", None)
    heading = run(cli, demo_store, "performance", "--month", "2026-10").splitlines()[0]
    assert heading.startswith("Performance October 2026 (1 Oct 2026 to 31 Oct 2026)")


def test_compliance_defaults_to_the_last_full_month(cli, demo_store):
    """Month end (DOMAIN.md §8; WAR 3, 11): with no dates the compliance report is the last
    full month, and its heading says so. It was the financial year to date: on 10 April that
    was ten days, and the report read 0% or nearly nothing."""
    out = json.loads(run(cli, demo_store, "compliance", "--json"))
    assert (out["from"], out["to"]) == ("2026-10-01", "2026-10-31")
    assert out["period"] == "October 2026, the last full month"
    assert out["total"]["visits"]["total"] > 0 and out["total"]["reviews"]["total"] > 0
    heading = run(cli, demo_store, "compliance").splitlines()[0]
    assert heading.startswith("Compliance October 2026, the last full month "
                              "(1 Oct 2026 to 31 Oct 2026)")
    april = cli("report", "compliance", "--json", "--db", demo_store, "--today", "2027-04-10")
    assert april.code == 0, april.err
    out = json.loads(april.out)
    assert (out["from"], out["to"], out["period"]) == (
        "2027-03-01", "2027-03-31", "March 2027, the last full month")


def test_compliance_for_a_month_and_explicit_dates(cli, demo_store):
    """`--month` names one month (this month runs to today); `--from`/`--to` still give any
    period, with no month named."""
    out = json.loads(run(cli, demo_store, "compliance", "--month", "2026-09", "--json"))
    assert (out["from"], out["to"], out["period"]) == ("2026-09-01", "2026-09-30",
                                                       "September 2026")
    out = json.loads(run(cli, demo_store, "compliance", "--month", "2026-11", "--json"))
    assert (out["from"], out["to"], out["period"]) == ("2026-11-01", "2026-11-23",
                                                       "November 2026 so far")
    out = json.loads(run(cli, demo_store, "compliance", *PERIOD, "--json"))
    assert (out["from"], out["to"], out["period"]) == ("2025-04-01", "2026-11-23", None)
    out = json.loads(run(cli, demo_store, "compliance", "--from", "2026-06-01", "--json"))
    assert (out["from"], out["to"]) == ("2026-06-01", "2026-11-23")


@pytest.mark.parametrize("args, fragment", [
    (("compliance", "--month", "2026-12"), "--month: December 2026 has not begun"),
    (("compliance", "--month", "Nov"), "--month: 'Nov' is not a month: give it as YYYY-MM"),
    (("compliance", "--month", "2026-10", "--to", "2026-10-31"),
     "--month is a period of its own"),
    (("compliance", "--from", "2026-13-01"), "--from: '2026-13-01' is not a date"),
    (("performance", "--month", "2026-12"), "--month: December 2026 has not begun"),
    (("performance", "--month", "10/2026"), "--month: '10/2026' is not a month"),
    (("performance", "--month", "2026-10", "--from", "2026-10-01", "--md"),
     "--month is a period of its own"),
    (("performance", "--to", "yesterday"), "--to: 'yesterday' is not a date"),
    (("performance", "--from", "2026-06-01", "--to", "2026-05-01"),
     "--from 2026-06-01 is after --to 2026-05-01"),
    (("compliance", "--team", "Nowhere"), "no team called 'Nowhere'"),
    (("performance", "--team", "Nowhere", "--md"), "no team called 'Nowhere'"),
    (("performance", "--json", "--csv"), "choose one output"),
    # A report counts what has happened: with --to after today, visits not yet due were
    # counted as missed and children "open" at month ends still to come.
    (("compliance", "--from", "2026-10-01", "--to", "2026-12-31"),
     "--to 2026-12-31 is after today (23 Nov 2026)"),
    (("performance", "--to", "2026-11-24", "--md"), "leave --to out for the period to today"),
])
def test_bad_input_is_one_line_and_exit_2(cli, demo_store, args, fragment):
    result = cli("report", *args, "--db", demo_store, *DAY)
    one_line_error(result, fragment)
    assert result.out == ""


def test_unknown_option_is_exit_2_in_a_real_process(demo_store):
    done = run_subprocess("report", "compliance", "--pdf", "--db", demo_store, *DAY)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_the_census_report_defaults_to_the_collection_in_progress(cli, demo_store):
    """`report census` once stopped at "Missing option '--year'"; without it, the report
    is the collection in progress today (23 Nov 2026: 2026-27, --year 2027), as the team
    view's census lines are."""
    out = json.loads(run(cli, demo_store, "census", "--json"))
    assert (out["year"], out["collection"]) == (2027, "2026-27")
    assert out == json.loads(run(cli, demo_store, "census", "--year", "2027", "--json"))


def test_sto_8_5_the_demos_supervision_history_reads_as_a_team_that_supervises(cli,
                                                                            demo_store):
    """The last full month's supervision in time (STO 4.5, 8.5; WAR 12) on the demo: each
    open case supervised about every four weeks back to its plan's start, a few late, about
    one in eight never. The demo held only each child's last supervision, so any month
    before it read near 0%: a manager trying the report saw a failing service."""
    out = json.loads(run(cli, demo_store, "compliance", "--json"))
    supervision = out["total"]["supervision"]
    assert out["measures"]["supervision"] == {"label": "Supervision in time",
                                              "source": "STO 4.5, 8.5; WAR 12"}
    assert supervision["total"] > 0 and 50 <= supervision["percent"] < 100
