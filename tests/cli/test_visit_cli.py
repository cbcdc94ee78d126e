"""`cintui visit list` and `cintui export visits` (DOMAIN.md §4; WIR 2.11): the visits a
worker recorded, newest first with over-long gaps marked, and the record of visits in a
period as Markdown, DOCX or JSON. One-line errors, exit 2, nothing written. Synthetic
children (Zephyrine and Bo Quillfeather) added to the demo store."""

from __future__ import annotations

import json
import stat
from datetime import date, datetime, timedelta

import pytest
from docx import Document

from cintui.casework import cases, visits
from cintui.domain.visit import VisitContent
from cintui.export import visits as visit_export
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.cli.test_cli import one_line_error
from tests.conftest import TODAY, run_subprocess

DAY = ("--today", TODAY.isoformat())
PLAN_START = date(2026, 9, 1)


def _content(at: datetime, **changes) -> VisitContent:
    values = {"child_seen": True, "seen_alone": True, "bedroom_seen": True,
              "purpose": "Planned home visit to see Zephyrine.",
              "childs_comments": "Zephyrine said school is 'better now'.",
              "analysis": "The plan is on track. Next visit in four weeks."}
    return VisitContent(visited_at=at, **{**values, **changes})


@pytest.fixture
def zephyrine(cli, demo_store) -> str:
    """A child with a CIN plan from 1 Sep 2026 and three visits with text (the demo writes
    visits without it): 1 Sep and 15 Sep 2026, then none until 20 Nov 2026; an addendum under
    the second and a draft in progress."""
    added = cli("child", "add", "--first-name", "Zephyrine", "--last-name", "Quillfeather",
                "--dob", "2015-02-11", "--referral-date", "2026-08-03", "--db", demo_store,
                "--json", *DAY)
    assert added.code == 0, added.err
    ref = json.loads(added.out)["reference"]
    store = open_store(demo_store, None)
    try:
        with store.session("test.worker") as session:
            child = cases.find_child(session, ref)
            episode = cases.current_episode(session, child.id)
            session.get(m.Episode, episode.id).cin_plan_start = PLAN_START
            record = [
                _content(datetime(2026, 9, 1, 10, 0)),
                _content(datetime(2026, 9, 15, 15, 30), kind="school", bedroom_seen=False,
                         analysis="Seen alone at school; bedroom not seen (school visit)."),
                _content(datetime(2026, 11, 20, 9, 15), parents_comments="Mum is worried "
                         "about the rent arrears."),
            ]
            ids = [visits.finalise(session, child.id, c, actor="test.worker",
                                   now=c.visited_at + timedelta(hours=6)) for c in record]
            visits.add_addendum(session, ids[1], "The visit was at 15:30, not 14:30.",
                                actor="test.worker", now=datetime(2026, 11, 21, 10, 2))
            visits.start_draft(session, child.id, "test.worker", datetime(2026, 11, 23, 9, 0))
    finally:
        store.close()
    return ref


# ---------------------------------------------------------------- visit list


def test_visit_list_json_newest_first_with_the_gap_a_visit_ended(cli, demo_store, zephyrine):
    """WIR 2.11: every 20 working days. 15 Sep + 20 wd = 13 Oct; the next visit, 20 Nov,
    came 28 working days after that (14-16 Oct, then five full weeks)."""
    result = cli("visit", "list", zephyrine, "--db", demo_store, "--json", *DAY)
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert [r["visited_at"] for r in rows] == ["2026-11-20T09:15:00", "2026-09-15T15:30:00",
                                               "2026-09-01T10:00:00"]
    assert [r["addenda"] for r in rows] == [0, 1, 0]
    assert rows[1]["kind"] == "school" and rows[1]["bedroom_seen"] is False
    assert rows[0]["gap"] == {"after": "2026-09-15", "until": "2026-11-20",
                              "due": "2026-10-13", "working_days_late": 28}
    assert rows[1]["gap"] is None and rows[2]["gap"] is None
    assert rows[0]["author"] == "test.worker"


def test_visit_list_table_marks_gaps_drafts_and_the_open_gap(cli, demo_store, zephyrine,
                                                              monkeypatch):
    """DOMAIN.md §6: 20 Nov + 20 wd = 18 Dec; on 8 Jan 2027 the gap is 12 working days late
    (Christmas Day, the Boxing Day substitute on 28 Dec and New Year's Day do not count)."""
    monkeypatch.setenv("COLUMNS", "140")
    result = cli("visit", "list", zephyrine, "--db", demo_store, "--today", "2027-01-08")
    assert result.code == 0, result.err
    out = result.out
    assert "Zephyrine Quillfeather" in out and "every 20 working days" in out
    assert out.index("20 Nov 2026") < out.index("15 Sep 2026") < out.index("1 Sep 2026")
    assert "28 wd late" in out and "School" in out
    assert "Draft in progress: a visit on 23 Nov 2026 09:00 by test.worker" in out
    assert ("Gap: since 20 Nov 2026, still open, due 18 Dec 2026, 12 working days late by "
            "8 Jan 2027") in out
    today = cli("visit", "list", zephyrine, "--db", demo_store, *DAY)
    assert "still open" not in today.out


def test_visit_list_keeps_every_word_whole_at_80_columns(cli, demo_store, zephyrine,
                                                         monkeypatch):
    """WIR 2.11's facts on a laptop's terminal: seen, seen alone and the bedroom, without a
    heading or a name cut in two ("bedroo" over "m")."""
    monkeypatch.setenv("COLUMNS", "80")
    out = cli("visit", "list", zephyrine, "--db", demo_store, *DAY).out
    assert all(len(line) <= 80 for line in out.splitlines())
    for word in ("when", "type", "child", "seen", "bedroom", "author", "addenda", "before",
                 "20 Nov 2026 09:15"):
        assert word in out, word
    assert "alone" in out  # seen alone: the visit that restarts the clock


def test_visit_list_for_a_child_with_no_visits(cli, demo_store):
    added = cli("child", "add", "--first-name", "Bo", "--last-name", "Quillfeather",
                "--dob", "2019-06-30", "--referral-date", "2026-11-02", "--db", demo_store,
                "--json", *DAY)
    assert added.code == 0, added.err
    ref = json.loads(added.out)["reference"]
    result = cli("visit", "list", ref, "--db", demo_store, *DAY)
    assert result.code == 0 and "No visits recorded yet." in result.out
    assert json.loads(cli("visit", "list", ref, "--db", demo_store, "--json", *DAY).out) == []


# ---------------------------------------------------------------- export visits


def test_export_markdown_is_the_record_of_visits(cli, demo_store, zephyrine, tmp_path):
    """WIR 2.11 headings in order under each visit; the addendum under its visit."""
    out = tmp_path / "visits.md"
    result = cli("export", "visits", zephyrine, "-o", out, "--db", demo_store, *DAY)
    assert result.code == 0, result.err
    assert f"Wrote 3 visits for {zephyrine} (all visits) to {out}" in result.out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    md = out.read_text()
    assert md.startswith("# Record of visits: Zephyrine Quillfeather\n")
    assert "3 visits; child seen at 3, seen alone at 3; bedroom seen at 2." in md
    assert "- Gap: 15 Sep 2026 to 20 Nov 2026, due 13 Oct 2026, 28 working days late" in md
    second = md[md.index("## Visit 2: 15 Sep 2026 15:30, School"):md.index("## Visit 3:")]
    assert ("**Addendum, 21 Nov 2026 10:02, by test.worker:** The visit was at 15:30, not "
            "14:30.") in second
    third = md[md.index("## Visit 3: 20 Nov 2026 09:15, Home"):]
    assert third.index("### Purpose of visit") < third.index("### Parent's comments") \
        < third.index("#### Health") < third.index("### Analysis of visit & actions")
    assert "Mum is worried about the rent arrears." in third


def test_export_period_filter_docx_and_json(cli, demo_store, zephyrine, tmp_path):
    """--from/--to keep the visits in the period; the gap that runs into it is listed."""
    docx = tmp_path / "autumn.docx"
    result = cli("export", "visits", zephyrine, "--format", "docx", "-o", docx,
                 "--from", "2026-09-10", "--to", "2026-11-20", "--db", demo_store, *DAY)
    assert result.code == 0, result.err
    assert "Wrote 2 visits" in result.out and "(10 Sep 2026 to 20 Nov 2026)" in result.out
    paragraphs = [p.text for p in Document(str(docx)).paragraphs]
    assert [p for p in paragraphs if p.startswith("Visit ")] == [
        "Visit 1: 15 Sep 2026 15:30, School", "Visit 2: 20 Nov 2026 09:15, Home"]
    assert "Gap: 15 Sep 2026 to 20 Nov 2026, due 13 Oct 2026, 28 working days late" in paragraphs
    assert stat.S_IMODE(docx.stat().st_mode) == 0o600

    data_path = tmp_path / "september.json"
    result = cli("export", "visits", zephyrine, "-f", "json", "-o", data_path,
                 "--from", "2026-09-01", "--to", "2026-09-14", "--db", demo_store, *DAY)
    assert result.code == 0, result.err
    history = visit_export.from_json(data_path.read_text())
    assert history.child_reference == zephyrine
    assert (history.start, history.end) == (date(2026, 9, 1), date(2026, 9, 14))
    assert [v.visited_at for v in history.visits] == [datetime(2026, 9, 1, 10, 0)]
    assert history.visits[0].content.purpose == "Planned home visit to see Zephyrine."
    assert history.gaps == ()


def test_a_name_finds_the_child_and_an_ambiguous_one_lists_candidates(cli, demo_store,
                                                                       zephyrine, tmp_path):
    assert cli("visit", "list", "Zephyrine Quillfeather", "--db", demo_store, *DAY).code == 0
    added = cli("child", "add", "--first-name", "Bo", "--last-name", "Quillfeather",
                "--dob", "2019-06-30", "--db", demo_store, *DAY)
    assert added.code == 0, added.err
    out = tmp_path / "x.md"
    for args in (("visit", "list", "Quillfeather"),
                 ("export", "visits", "Quillfeather", "-o", out)):
        result = cli(*args, "--db", demo_store, *DAY)
        one_line_error(result, "'Quillfeather' matches 2 children", zephyrine,
                       "Zephyrine Quillfeather", "Bo Quillfeather")
    assert not out.exists()


@pytest.mark.parametrize("args, fragment", [
    (("visit", "list", "Nobody Atall"), "no child with reference or name 'Nobody Atall'"),
    (("export", "visits", "Nobody Atall", "-o", "{tmp}/v.md"), "no child with reference"),
    (("export", "visits", "{ref}", "-o", "{tmp}/v.md", "--from", "2026-11-01", "--to",
      "2026-10-01"), "--from 2026-11-01 is after --to 2026-10-01"),
    (("export", "visits", "{ref}", "-o", "{tmp}/v.md", "--from", "2026-02-30"),
     "--from: '2026-02-30' is not a date"),
    (("export", "visits", "{ref}", "-o", "{tmp}/v.md", "--to", "soon"),
     "--to: 'soon' is not a date"),
    (("export", "visits", "{ref}", "-o", "{tmp}/v.pdf", "--format", "pdf"),
     "unknown format 'pdf': choose one of md, docx, json"),
    (("export", "visits", "{ref}", "-o", "{tmp}/missing/v.md"), "no such folder"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(cli, demo_store, zephyrine, tmp_path,
                                                          args, fragment):
    args = [a.format(tmp=tmp_path, ref=zephyrine) for a in args]
    result = cli(*args, "--db", demo_store, *DAY)
    one_line_error(result, fragment)
    assert not any(tmp_path.rglob("v.*"))


def test_a_real_process_exits_2_with_one_line_and_writes_nothing(demo_store, zephyrine,
                                                                  tmp_path):
    out = tmp_path / "v.md"
    done = run_subprocess("export", "visits", zephyrine, "-o", out, "--from", "2026-11-01",
                          "--to", "2026-10-01", "--db", demo_store, *DAY)
    assert done.returncode == 2 and not out.exists()
    assert done.stderr.strip() == "cintui: --from 2026-11-01 is after --to 2026-10-01"
    done = run_subprocess("export", "visits", zephyrine, "-f", "docx", "-o", tmp_path / "v.docx",
                          "--db", demo_store, *DAY)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((tmp_path / "v.docx").stat().st_mode) == 0o600


def test_a_visit_late_on_the_day_given_with_today_is_recorded_whatever_the_real_hour(
        cli, demo_store, zephyrine):
    """`--today` a day already past: a visit at 23:30 on it has happened, so it is recorded
    (WIR 2.11) however early in the real day the command runs; one on the next day is
    still in the future."""
    late = cli("visit", "record", zephyrine, "--at", f"{TODAY.isoformat()} 23:30", "--purpose",
               "Evening visit after a call from the school", "--analysis", "Settled at home.",
               "--seen", "--db", demo_store, "--json", *DAY)
    assert late.code == 0, late.err
    tomorrow = cli("visit", "record", zephyrine, "--at",
                   f"{(TODAY + timedelta(days=1)).isoformat()} 00:10", "--purpose", "Early",
                   "--analysis", "Not yet", "--seen", "--db", demo_store, *DAY)
    assert tomorrow.code == 2 and "in the future" in tomorrow.err
    listed = json.loads(cli("visit", "list", zephyrine, "--db", demo_store, "--json",
                            *DAY).out)
    assert sum(v["visited_at"].startswith(f"{TODAY.isoformat()}T23:30") for v in listed) == 1


def test_today_with_a_time_is_now_for_the_command(cli, demo_store, zephyrine):
    """`--today 'DAY HH:MM'` stops the clock there (scripts and simulations never depend on
    the real hour): a visit after it is in the future (WIR 2.11), one before it is recorded;
    a time that is no time is one line, exit 2."""
    now = ("--today", f"{TODAY.isoformat()} 10:00")
    visit = ("visit", "record", zephyrine, "--purpose", "Planned visit", "--analysis",
             "Settled.", "--seen", "--db", demo_store)
    later = cli(*visit, "--at", f"{TODAY.isoformat()} 10:30", *now)
    assert later.code == 2 and "in the future" in later.err
    earlier = cli(*visit, "--at", f"{TODAY.isoformat()} 09:30", *now)
    assert earlier.code == 0, earlier.err
    bad = cli(*visit, "--at", f"{TODAY.isoformat()} 09:30", "--today",
              f"{TODAY.isoformat()} 25:00")
    one_line_error(bad, "--today")


def test_visit_record_says_when_the_next_visit_is_due(cli, demo_store, zephyrine):
    """As the app says it once a visit is finalised: the visit clock from the rule the
    caseload uses (England default, cf. WIR 2.11: within 20 working days of the last visit
    where the child was seen alone). Seen alone on Mon 23 Nov 2026: 20 working days on is
    Mon 21 Dec 2026. Not alone: the clock still runs from Fri 20 Nov, to Fri 18 Dec."""
    visit = ("visit", "record", zephyrine, "--purpose", "Planned visit", "--db", demo_store,
             *DAY)
    not_alone = cli(*visit, "--at", f"{TODAY.isoformat()} 09:00", "--not-alone",
                    "--analysis", "Not seen alone: asleep when we called.")
    assert not_alone.code == 0, not_alone.err
    assert "Next visit due 18 Dec 2026 (within 20 working days of the last visit where the " \
        "child was seen alone, in person, England default (cf. WIR 2.11))." in not_alone.out
    alone = cli(*visit, "--at", f"{TODAY.isoformat()} 10:00", "--analysis", "Settled.",
                "--json")
    assert alone.code == 0, alone.err
    said = json.loads(alone.out)
    assert said["next_visit_due"] == "2026-12-21"
    assert said["next_visit_source"] == "England default (cf. WIR 2.11)"
