"""`cintui import caseload FILE.csv`: a team's existing caseload, all or nothing. Messy but
good files import; a bad one is refused whole with every bad row named and nothing written;
the clocks of the imported children are the ones entering them by hand gives."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from cintui.casework import cases, meetings, record, visits
from cintui.domain.meeting import Decisions, Schedule
from cintui.domain.visit import VisitContent
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.cli.test_cli import one_line_error, sha
from tests.conftest import TODAY
from tests.meeting_consent import consent_to_meetings

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
MOSAIC = SAMPLES / "caseload_mosaic.csv"
MESSY = SAMPLES / "caseload_messy.csv"
LCS = SAMPLES / "caseload_lcs.csv"
DAY = ("--today", TODAY.isoformat())
ACTOR = "test.worker"


def empty_store(cli, path):
    """`cintui db init`, then the team, its worker and the business support officer who
    imports the caseload (as `cintui worker add` will): the computer's login (ACTOR) is a
    worker here, so the import is recorded as theirs (`access.importing_actor`)."""
    assert cli("db", "init", "--db", path, "--no-encrypt").code == 0
    store = open_store(path, None)
    try:
        with store.session(ACTOR) as session:
            team = m.Team(name="North CIN Team", service="Children in Need")
            session.add(team)
            session.add(m.Worker(username="wendy.worker", name="Wendy Worker",
                                 team_id=team.id))
            session.add(m.Worker(username=ACTOR, name="Tess Worker", role="business_support",
                                 team_id=team.id))
    finally:
        store.close()
    return path


@pytest.fixture
def db(cli, new_location):
    return empty_store(cli, new_location("team.db"))


def run(cli, db, *args):
    return cli("import", "caseload", *args, "--db", db, *DAY)


def children(db) -> list[str]:
    store = open_store(db, None)
    try:
        with store.read() as session:
            return sorted(session.exec(select(m.Child.reference)).all())
    finally:
        store.close()


# ---------------------------------------------------------------- a messy but good file


def test_a_dry_run_says_what_would_be_created_and_writes_nothing(cli, db):
    """BOM, Windows line ends, blank lines, an extra column, Mosaic's names, four date forms."""
    before = sha(db)
    result = run(cli, db, MOSAIC, "--dry-run")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "Dry run: caseload_mosaic.csv would import 4 children and 4 people. Nothing was "
        "written.",
        "  Wendy Worker (wendy.worker): 3",
        "  not allocated: 1",
        "Columns not imported: Notes",
        'Note: 4 children with no consent date will show "No valid consent" until it is '
        "recorded: a consent column gives the date the parents consented, as the old system "
        "has it (WAR 4.2).",
        "Note: 1 child with no worker and no team (line 8) will be on no team's list (the "
        "team view, the team's week, a manager's caseload): a team column puts them in one, "
        "or a manager allocates them once imported (u on the record).",
    ]
    assert sha(db) == before


def test_a_child_with_no_worker_and_no_team_is_pointed_out_not_one_in_a_team(cli, db,
                                                                            tmp_path):
    """A referral not yet allocated, imported with no team, is on no team's list: the team
    view, the team's week and the manager's caseload left it out without a word (a manager
    found it only under Everyone). The check says so with its line; one given a team is in
    that team's lists, and not named."""
    head = "reference,first_name,last_name,dob,team,referral_date\n"
    path = tmp_path / "unallocated.csv"
    path.write_text(head + "U1,Ruby,Hart,08/08/2015,,02/11/2026\n"
                    "U2,Ezra,Hart,08/08/2016,North CIN Team,02/11/2026\n")
    result = run(cli, db, path, "--dry-run")
    assert result.code == 0, result.err
    assert "1 child with no worker and no team (line 2) will be on no team's list" in result.out
    assert "line 3" not in result.out


def test_a_person_named_under_two_rows_with_no_household_is_pointed_out(cli, db, tmp_path):
    """A mother named under two siblings whose rows share no household ID would be two
    people records (a name alone does not say they are one person): the dry run, the
    import and the JSON say so, with the lines, and how to record her once."""
    head = "reference,first_name,last_name,dob,worker,referral_date,people,household\n"
    rows = ('M1,Kai,Doyle,12/02/2015,wendy.worker,03/06/2026,"Sara Doyle (Mother, PR)",{h}\n'
            'M2,Lena,Doyle,30/09/2017,wendy.worker,03/06/2026,"Sara Doyle (Mother, PR)",{h}\n')
    apart = tmp_path / "apart.csv"
    apart.write_text(head + rows.format(h=""))
    result = run(cli, db, apart, "--dry-run")
    assert result.code == 0, result.err
    assert "would import 2 children and 2 people" in result.out
    assert ("Note: Sara Doyle is named on lines 2 and 3 with no household ID in common: 2 "
            "people records. If they are one person, give those rows the same household ID "
            "(column household) to record them once.") in result.out
    out = json.loads(run(cli, db, apart, "--dry-run", "--json").out)
    assert out["named_again"] == [{"name": "Sara Doyle", "lines": [2, 3]}]
    together = tmp_path / "together.csv"
    together.write_text(head + rows.format(h="H1"))
    result = run(cli, db, together)
    assert result.code == 0, result.err
    assert "2 children and 1 person" in result.out and "Note: Sara Doyle" not in result.out


def test_consent_from_the_old_system_is_recorded_as_each_pr_holders_war_4_2(cli, db, tmp_path):
    """WAR 4.2, WIR 2.1: a consent column (the date the parents consented to the CIN
    service, as the old system has it) and a meeting_consent one are recorded as given by
    each person with PR in the row, so an imported child is not flagged "No valid consent"
    on day one, nor refused a meeting. A consent date with no one
    holding PR is refused on its line; a file without one says how many will be flagged."""
    head = ("reference,first_name,last_name,dob,worker,referral_date,consent date,"
            "meeting_consent,people\n")
    bad = tmp_path / "bad.csv"
    bad.write_text(head + 'C1,Tia,Lowe,12/02/2015,wendy.worker,03/06/2026,05/06/2026,,'
                   '"Amy Lowe (Mother)"\n')
    refused = run(cli, db, bad)
    assert refused.code == 2
    assert ('line 2, column "consent date": consent to the service is given by someone with '
            "parental responsibility") in refused.err
    good = tmp_path / "good.csv"
    good.write_text(head + 'C1,Tia,Lowe,12/02/2015,wendy.worker,03/06/2026,05/06/2026,'
                    '06/06/2026,'
                    '"Amy Lowe (Mother, PR); Lee Lowe (Father, PR); Nan Lowe (Grandmother)"\n'
                    'C2,Ola,Pike,01/01/2016,wendy.worker,03/06/2026,,,"Eve Pike (Mother, PR)"\n')
    result = run(cli, db, good)
    assert result.code == 0, result.err
    assert "Note: 1 child with no consent date" in result.out
    store = open_store(db, None)
    try:
        with store.read() as session:
            tia = cases.find_child(session, "C1")
            given = [(c.who, c.scope, c.decision, c.decided_on)
                     for c in record.list_consents(session, tia.id, TODAY)]
            assert sorted(given) == [
                ("Amy Lowe (Mother)", "meeting", "given", date(2026, 6, 6)),
                ("Amy Lowe (Mother)", "service", "given", date(2026, 6, 5)),
                ("Lee Lowe (Father)", "meeting", "given", date(2026, 6, 6)),
                ("Lee Lowe (Father)", "service", "given", date(2026, 6, 5))]
            status = record.consent_status(session, tia, TODAY)
            assert status.valid_for_service
            assert status.status["meeting"].name == "GIVEN"  # WIR 2.1: a meeting may be booked
            ola = cases.find_child(session, "C2")
            assert not record.consent_status(session, ola, TODAY).valid_for_service
    finally:
        store.close()


def test_a_primary_need_by_its_former_census_name_is_read_as_its_code(cli, db, tmp_path):
    """DOMAIN.md §10: N1 was "Abuse or neglect" in the census lists to 2024-25 and is "Abuse,
    neglect and exploitation" from 2025-26. An LCS or Mosaic export still says the former:
    it was refused on every such row ("is not a census primary need code"), so a file
    could not come in until each was changed by hand. Both names are N1."""
    path = tmp_path / "needs.csv"
    path.write_text("reference,first_name,dob,worker,referral_date,category of need\n"
                    "C1,Tia,12/02/2015,wendy.worker,03/06/2026,Abuse or neglect\n"
                    "C2,Ola,01/01/2016,wendy.worker,03/06/2026,"
                    '"Abuse, neglect and exploitation"\n'
                    "C3,Una,01/01/2017,wendy.worker,03/06/2026,Family in acute stress\n")
    result = run(cli, db, path)
    assert result.code == 0, result.err
    store = open_store(db, None)
    try:
        with store.read() as session:
            assert [cases.find_child(session, ref).primary_need
                    for ref in ("C1", "C2", "C3")] == ["N1", "N1", "N4"]
    finally:
        store.close()
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("reference,first_name,dob,worker,referral_date,category of need\n"
                     "C9,Ivy,12/02/2015,wendy.worker,03/06/2026,Abuse\n")
    refused = run(cli, db, wrong)
    assert refused.code == 2
    assert ('line 2, column "category of need": \'Abuse\' is not a census primary need '
            "code") in refused.err


def test_upns_and_assessment_factors_come_over_so_the_census_does_not_query_them(
        cli, db, tmp_path):
    """The census (8770Q: a school-age child with no UPN; 8897Q: a completed assessment
    with no factors) queried every imported child: the file gives the UPN (or why it is
    unknown, UN1-UN7) and the assessment's factors (codes or words, as the case steps take
    them). A UPN is checked as the census checks it (its check letter 1510, its LA code
    1530) and is one child's (1520), in the file and on the store."""
    from cintui.casework import census as census_cases

    head = ("reference,first_name,last_name,dob,worker,referral_date,assessment_started,"
            "assessment_completed,upn,factors\n")
    bad = tmp_path / "bad.csv"
    bad.write_text(head
                   + "B1,Eve,Pike,01/01/2015,wendy.worker,03/06/2026,,,R358260000015,\n"
                   + "B2,Fay,Pike,01/01/2016,wendy.worker,03/06/2026,,,R358260000015,\n"
                   + "B3,Gus,Pike,01/01/2016,wendy.worker,03/06/2026,,,X358260000015,\n"
                   + "B4,Hal,Pike,01/01/2016,wendy.worker,03/06/2026,,,A123456789012,\n"
                   + "B5,Ian,Pike,01/01/2016,wendy.worker,03/06/2026,,,,16A\n"
                   + 'B6,Jo,Pike,01/01/2016,wendy.worker,03/06/2026,04/06/2026,,,"16A, 21"\n')
    refused = run(cli, db, bad)
    assert refused.code == 2 and children(db) == []
    for expected in (
            'line 3, column "upn": UPN R358260000015 is also on line 2: a UPN is one '
            "child's (census 1520)",
            "line 4, column \"upn\": UPN 'X358260000015' is invalid (wrong check letter at "
            "character 1): it should be R",
            "line 5, column \"upn\": UPN 'A123456789012' is invalid (characters 2-4, 123, "
            "are not a recognised LA code); the census would leave the child out (1530)",
            'line 6, column "factors": the factors are the assessment\'s: give the date it '
            "started",
            'line 7, column "factors": 21 (no factors identified) cannot go with other '
            "factors (8869)"):
        assert expected in refused.err
    good = tmp_path / "good.csv"
    good.write_text(head
                    + "G1,Eve,Pike,01/01/2015,wendy.worker,03/06/2026,04/06/2026,15/07/2026,"
                    + 'R358260000015,"1B; domestic violence: child"\n'
                    + "G2,Fay,Pike,01/01/2016,wendy.worker,03/06/2026,04/06/2026,15/07/2026,"
                    + "un5,21\n")
    result = run(cli, db, good)
    assert result.code == 0, result.err
    store = open_store(db, None)
    try:
        with store.read() as session:
            eve, fay = (cases.find_child(session, r) for r in ("G1", "G2"))
            assert (eve.upn, eve.upn_unknown, fay.upn, fay.upn_unknown) == (
                "R358260000015", None, "", "UN5")
            assert cases.current_episode(session, eve.id).assessment_factors == "1B 3A"
            ret = census_cases.build_return(session, 2027, today=TODAY)
    finally:
        store.close()
    found = {(f.reference, f.rule) for f in (*ret.excluded, *ret.queries)}
    assert not found & {("G1", "8770Q"), ("G2", "8770Q"), ("G1", "8897Q"), ("G2", "8897Q")}
    assert {"G1", "G2"} <= {c.reference for c in ret.children}  # in the return
    again = tmp_path / "again.csv"
    again.write_text(head + "A1,Kit,Pike,01/01/2016,wendy.worker,03/06/2026,,,R358260000015,\n")
    refused = run(cli, db, again)
    assert "UPN R358260000015 is already G1's on this store" in refused.err


def test_a_good_file_imports_every_child_with_their_people_and_history(cli, db):
    result = run(cli, db, MOSAIC, "--json")
    assert result.code == 0, result.err
    out = json.loads(result.out)
    assert (out["children"], out["people"], out["dry_run"]) == (4, 4, False)
    assert out["references"] == ["M100201", "M100202", "M100203", "M100204"]
    store = open_store(db, None)
    try:
        with store.read() as session:
            maya = cases.find_child(session, "M100201")
            leo = cases.find_child(session, "M100202")
            assert (maya.status, maya.sex, cases.find_child(session, "M100203").status,
                    cases.find_child(session, "M100204").status) == (
                "cin_plan", "F", "assessment", "referral")
            # Siblings of household H1: their mother is one person, on both records.
            mother = {p.person_id for p in record.list_people(session, maya.id)} & {
                p.person_id for p in record.list_people(session, leo.id)}
            assert len(mother) == 1
            chronology = [e.summary for e in record.chronology(session, maya.id, TODAY)]
            audited = session.exec(select(m.AuditEntry).where(
                m.AuditEntry.entity == "child", m.AuditEntry.entity_id == maya.id.hex)).all()
    finally:
        store.close()
    assert "Other: Case imported into cintui from caseload_mosaic.csv (line 2)" in chronology
    assert "CIN review meeting held; next review 10 Dec 2026" in chronology
    # What the file did not give is not told as a fact: no "minutes circulated" on the day
    # of each meeting, no "seen alone" at the last visit (WIR 2.3, 2.11).
    assert not any(e.startswith("Minutes of the") for e in chronology)
    assert "Other visit: child seen (imported: whether alone and the bedroom not known)" \
        in chronology
    assert audited and audited[0].actor == ACTOR


def test_an_import_is_refused_the_second_time(cli, db):
    """The same file again is the same request (issue 24: a retry never duplicates): it
    says it was done, as it said then; asked as another request, its rows are refused."""
    first = run(cli, db, MOSAIC)
    assert first.code == 0
    before = sha(db)
    again = run(cli, db, MOSAIC)
    assert (again.code, again.out) == (0, first.out)
    assert again.err.startswith("Already done: request import-")
    assert sha(db) == before
    result = run(cli, db, MOSAIC, "--request-id", "second-import")
    assert result.code == 2
    assert 'line 2, column "Person ID": M100201 is already a child on this store' in result.err
    assert result.err.splitlines()[-1] == ("cintui: caseload_mosaic.csv refused, nothing "
                                           "imported: 4 problems on 4 lines")
    assert sha(db) == before


# ---------------------------------------------------------------- a bad file


def test_a_bad_file_is_refused_whole_each_bad_row_named_and_nothing_written(cli, db):
    before = sha(db)
    result = run(cli, db, MESSY)
    assert result.code == 2 and result.out == ""
    assert "Traceback" not in result.err
    assert result.err.splitlines() == [
        'line 1, column "Asessment Start Date": not a column we know; did you mean '
        "'assessment_started'? (or list it under ignore in a mapping file)",
        'line 3, column "Date of Birth": 31/02/2019 is not a date: February 2019 has no day 31',
        'line 4, column "Person ID": M200001 is also on line 2: each child once',
        'line 5, column "Referral Date": 03/25/2026 is not a date: 25 is not a month (dates '
        "are day first, as 31/12/2026)",
        "line 6, column \"Allocated Worker\": no worker called 'Nobody Known': add the "
        "worker in set-up first (or `cintui worker add`)",
        'line 7, column "Assessment Completion Date": 4 Mar 2026 is before the Asessment '
        "Start Date (10 Apr 2026)",
        'line 9, column "Last Visit Date": 30 Nov 2026 is in the future',
        "line 10: 22 values but the header has 21 columns: a value with a comma in it needs "
        "double quotes",
        "cintui: caseload_messy.csv refused, nothing imported: 8 problems on 8 lines",
    ]
    assert sha(db) == before and children(db) == []


def test_a_row_with_a_bad_date_and_an_unknown_worker_names_both_at_once(cli, db, tmp_path):
    """Every problem of a row in one run: a row refused for its dates still has its worker
    looked up, so a typo in a name is not found only after the dates are mended."""
    bad = tmp_path / "caseload.csv"
    bad.write_text("reference,first_name,last_name,dob,worker,team,referral_date\n"
                   "LCS1,Ava,Brook,12/31/2016,wendy.wroker,North,02/03/2026\n"
                   "LCS2,Ben,Carr,05/06/2019,wendy.worker,Southh,02/03/2026\n")
    result = run(cli, db, bad, "--dry-run")
    assert result.code == 2
    assert result.err.splitlines() == [
        'line 2, column "dob": 12/31/2016 is not a date: 31 is not a month (dates are day '
        "first, as 31/12/2026)",
        # A name close to one on the store was mistyped, not left out of set-up.
        "line 2, column \"worker\": no worker called 'wendy.wroker' (did you mean "
        "'wendy.worker'?)",
        "line 3, column \"team\": no team called 'Southh': add the team in set-up first "
        "(or `cintui team add`)",
        "cintui: caseload.csv refused, nothing imported: 3 problems on 2 lines",
    ]
    assert children(db) == []


def test_a_worker_not_set_up_is_said_once_with_the_lines_naming_them(cli, db, tmp_path):
    """A new team's first import, before every worker is set up: each name the store does
    not have is said once, with its lines (not once per child), and how to put it right;
    a name on one line only is said on that line, as any other problem."""
    rows = ["reference,first_name,last_name,dob,worker,team,referral_date"]
    priya = ["Priya Newstarter"] * 7 + ["PRIYA  NEWSTARTER"]  # one as another system spells her
    rows += [f"LCS{i},Child,Number{i},05/06/2019,{name},North,02/03/2026"
             for i, name in enumerate(priya, start=1)]
    rows += ["LCS9,Child,Nine,05/06/2019,Sam Agency,North,02/03/2026"]
    bad = tmp_path / "caseload.csv"
    bad.write_text("\n".join(rows) + "\n")
    result = run(cli, db, bad, "--dry-run")
    assert result.code == 2
    assert result.err.splitlines() == [
        "1 worker not set up yet: 'Priya Newstarter' (lines 2, 3, 4, 5, 6, 7 and 2 more). "
        "Add it in set-up first (Ctrl+P → Set up, or `cintui worker add`), then import "
        "again.",
        "line 10, column \"worker\": no worker called 'Sam Agency': add the worker in "
        "set-up first (or `cintui worker add`)",
        "cintui: caseload.csv refused, nothing imported: 9 problems on 9 lines",
    ]
    assert children(db) == []


def test_the_reports_judge_an_imported_caseload_only_from_the_day_it_came(cli, db, tmp_path):
    """WIR 2.11, BEX 3: an imported case brings its last visit and last review, not the
    ones between, and its meetings' minutes are taken as sent. The compliance report does
    not call the last visit late against a plan start months before (the team's first
    report once said 0% of visits in time), nor count the minutes; what is overdue today,
    as `cintui due` and the app show it, still counts."""
    good = tmp_path / "caseload.csv"
    good.write_text(
        "reference,first_name,last_name,dob,worker,referral_date,assessment_started,"
        "assessment_completed,cin_plan_start,initial_meeting,last_review,next_review,"
        "last_visit\n"
        "LCS1,Ava,Brook,31/12/2016,wendy.worker,02/03/2026,04/03/2026,10/04/2026,"
        "14/04/2026,24/04/2026,17/09/2026,17/12/2026,13/11/2026\n"
        "LCS2,Ben,Carr,05/06/2019,wendy.worker,02/06/2026,04/06/2026,10/07/2026,"
        "14/07/2026,24/07/2026,,,02/10/2026\n")
    assert run(cli, db, good).code == 0
    report = json.loads(cli("report", "compliance", "--db", db, "--from", "2026-04-01",
                            "--to", TODAY.isoformat(), "--json").out)["total"]
    due = json.loads(cli("due", "--db", db, *DAY, "--json").out)["items"]
    late = {i["key"] for i in due if i["state"] == "overdue"}
    assert {"visit", "first_review"} <= late  # Ben: no visit since 2 Oct, no review
    assert (report["visits"]["met"], report["visits"]["total"]) == (0, 1)  # Ben's, now
    assert (report["reviews"]["met"], report["reviews"]["total"]) == (0, 1)  # Ben's, now
    assert report["minutes"]["total"] == 0  # taken as sent in the old system: no fact
    assert (report["initial_meetings"]["met"], report["initial_meetings"]["total"]) == (2, 2)


def pack_visits(cli, db, reference: str) -> tuple[str, ...]:
    """The visits as the child's step-down pack gives them (a step-down recorded first)."""
    from cintui.casework import transfer

    cli("stepdown", "record", reference, "--service", "Early Help Hub", "--lead", "Ms Hill",
        "--conversation", "yes", "--family-consent", "yes", "--documents", "visits",
        "--on", "2026-11-23", "--db", db, *DAY)
    store = open_store(db, None)
    try:
        with store.read() as session:
            child = cases.find_child(session, reference)
            return transfer.step_down_pack(session, child.id, TODAY).visits
    finally:
        store.close()


def test_an_imported_last_visit_has_no_gap_before_it_and_the_next_is_judged_from_it(
        cli, db, tmp_path):
    """WIR 2.11: the file gives the last visit, not those before it, so `visit list` marks
    no gap before the imported visit (it once showed "37 wd late" against the plan start)
    and names it as imported; the first visit recorded in cintui is judged from it."""
    good = tmp_path / "caseload.csv"
    good.write_text("reference,first_name,last_name,dob,worker,referral_date,cin_plan_start,"
                    "last_visit\nLCS2,Ben,Carr,05/06/2019,wendy.worker,02/06/2026,14/07/2026,"
                    "02/10/2026\n")
    assert run(cli, db, good).code == 0
    # WIR 3, TRA: the step-down pack named the file as who visited ("by imported
    # (caseload.csv)") and counted the imported visit as seen alone.
    assert pack_visits(cli, db, "LCS2") == (
        "1 visit on 2 October 2026; the child seen at 1, seen alone at 0 "
        "(1 imported: not known) (WIR 2.11).",
        "Last visit: 2 October 2026, from the previous system's record.")  # days in full
    assert cli("visit", "record", "LCS2", "--at", "2026-11-23 09:00", "--purpose",
               "Planned visit", "--analysis", "Ben seen alone, all well", "--db", db,
               *DAY).code == 0
    newer, imported = json.loads(cli("visit", "list", "LCS2", "--db", db, *DAY,
                                     "--json").out)
    assert imported["visited_at"].startswith("2026-10-02") and imported["gap"] is None
    assert imported["author"] == "imported (caseload.csv)"
    assert newer["gap"]["after"] == "2026-10-02" and newer["gap"]["working_days_late"] > 0
    # Only its day came over: no time, and whether alone or the bedroom seen is not known
    # (it once read "00:00" and "bedroom: no" in red, as if the file had said so).
    assert (imported["imported"], imported["seen_alone"], imported["bedroom_seen"]) == (
        True, None, None)
    assert (newer["imported"], newer["seen_alone"]) == (False, True)
    table = cli("visit", "list", "LCS2", "--db", db, *DAY).out
    line = next(row for row in table.splitlines() if "2 Oct 2026" in row)
    assert "00:00" not in line and "—" in line and " no " not in line
    out = tmp_path / "visits.md"
    assert cli("export", "visits", "LCS2", "-o", out, "--db", db, *DAY).code == 0
    text = out.read_text()
    assert "## Visit 1: 2 Oct 2026, Other" in text
    assert "**Bedroom seen:** not known (only the date was imported)" in text
    assert "child seen at 2, seen alone at 1" in text
    assert pack_visits(cli, db, "LCS2") == (
        "2 visits from 2 October 2026 to 23 November 2026; the child seen at 2, seen alone "
        "at 1 (1 imported: not known) (WIR 2.11).",
        "Last visit: 23 November 2026, home, by Tess Worker.")


def test_an_imported_case_on_a_plan_has_no_step_left_to_do_that_the_old_system_took(
        cli, db, tmp_path):
    """WAR 4.4.2, TRA: `child steps` on a case imported on a CIN plan shows the steps its
    file left out (the referral decision, the initial home visit, support starting) as
    taken before the import, not as to do, and no next step to chase."""
    good = tmp_path / "caseload.csv"
    good.write_text("reference,first_name,last_name,dob,worker,referral_date,"
                    "assessment_started,assessment_completed,cin_plan_start,last_visit\n"
                    "LCS2,Ben,Carr,05/06/2019,wendy.worker,02/06/2026,04/06/2026,10/07/2026,"
                    "14/07/2026,02/10/2026\n")
    assert run(cli, db, good).code == 0
    shown = cli("child", "steps", "LCS2", "--db", db)
    assert shown.code == 0
    assert "  · " not in shown.out  # nothing to do
    assert "Decision on the referral (before the import; its date not in the file)" in shown.out
    assert shown.out.strip().endswith("Next: All the steps are recorded: the plan, visits and "
                                      "meetings carry the case on.")
    steps = json.loads(cli("child", "steps", "LCS2", "--db", db, "--json").out)["steps"]
    assert all(st["done"] for st in steps)


def test_meetings_held_before_the_import_are_not_flagged_for_their_papers(cli, db, tmp_path):
    """WIR 2.3: the file gives the days meetings were held, never whether their papers went
    out beforehand; the old system's meetings are not called "papers not circulated" (the
    Meetings tab once showed NOT SENT in red on every imported one) and their minutes read
    as the old system's."""
    good = tmp_path / "caseload.csv"
    good.write_text("reference,first_name,last_name,dob,worker,referral_date,cin_plan_start,"
                    "initial_meeting,last_review,next_review\n"
                    "LCS1,Ava,Brook,31/12/2016,wendy.worker,02/03/2026,14/04/2026,24/04/2026,"
                    "17/09/2026,17/12/2026\n")
    assert run(cli, db, good).code == 0
    listed = json.loads(cli("meeting", "list", "LCS1", "--db", db, *DAY, "--json").out)
    assert [m["papers_flag"] for m in listed] == [None, None]
    text = cli("meeting", "list", "LCS1", "--db", db, *DAY).out
    assert text.count("before import") == 2 and "papers not circulated" not in text


def test_a_dry_run_of_a_bad_file_lists_the_problems_as_json(cli, db):
    result = run(cli, db, MESSY, "--dry-run", "--json")
    assert result.code == 2
    out = json.loads(result.out)
    assert out["ok"] is False and out["children"] == 1
    assert [p["line"] for p in out["problems"]] == [1, 3, 4, 5, 6, 7, 9, 10]


@pytest.mark.parametrize(("args", "fragment"), [
    (("nowhere.csv",), "nowhere.csv: no such file"),
    ((MOSAIC, "--mapping", "nowhere.toml"), "nowhere.toml: no such file"),
    ((MOSAIC, "--mapping", SAMPLES / ".gitattributes"), "a mapping file is .toml or .csv"),
    ((), "give the caseload file"),
])
def test_bad_arguments_are_one_line(cli, db, args, fragment):
    before = sha(db)
    one_line_error(run(cli, db, *args), fragment)
    assert sha(db) == before


def test_a_file_that_is_not_csv_is_one_line(cli, db, tmp_path):
    book = tmp_path / "caseload.xlsx"
    book.write_bytes(b"PK\x03\x04\x14\x00workbook")
    one_line_error(run(cli, db, book), "caseload.xlsx: this is not a CSV file: save the "
                   "spreadsheet as 'CSV UTF-8 (Comma delimited)'; nothing imported")


# ---------------------------------------------------------------- other column names


def test_other_column_names_by_a_mapping_file_toml_or_csv(cli, db):
    refused = run(cli, db, LCS, "--dry-run")
    assert refused.code == 2 and "no column for the child's ID" in refused.err
    for mapping in ("lcs_mapping.toml", "lcs_mapping.csv"):
        result = run(cli, db, LCS, "--mapping", SAMPLES / mapping, "--dry-run", "--json")
        assert result.code == 0, result.err
        out = json.loads(result.out)
        assert out["references"] == ["LCS-0001", "LCS-0002"] and out["ignored_columns"] == []
    assert run(cli, db, LCS, "--mapping", SAMPLES / "lcs_mapping.toml").code == 0
    store = open_store(db, None)
    try:
        with store.read() as session:
            zoe = cases.find_child(session, "LCS-0001")  # cp1252 from Excel
            assert zoe.first_name == "Zoë" and zoe.status == "cin_plan"
    finally:
        store.close()


def test_the_template_and_the_columns_tell_a_team_what_to_send(cli, db, tmp_path):
    listed = cli("import", "caseload", "--columns")
    assert listed.code == 0 and "referral_date" in listed.out and "also: surname" in listed.out
    template = cli("import", "caseload", "--template")
    assert template.out.startswith("reference,first_name,last_name,dob,")
    path = tmp_path / "ours.csv"
    path.write_text(template.out)
    assert run(cli, db, path).code == 0 and children(db) == ["LCS104233"]


# ---------------------------------------------------------------- the same as by hand


def by_hand(path: Path) -> None:
    """The children of caseload_mosaic.csv entered one by one through the use cases: the
    child, the episode's steps, the meetings minuted and circulated, the last visit."""
    store = open_store(path, None)
    try:
        with store.session(ACTOR) as session:
            ids = {}
            for ref, first, last, dob, expected, sex, referral, worker in (
                    ("M100201", "Maya", "Testwood", date(2018, 5, 4), None, "F",
                     date(2026, 3, 2), "wendy.worker"),
                    ("M100202", "Leo", "Testwood", date(2021, 1, 12), None, "M",
                     date(2026, 3, 2), "wendy.worker"),
                    ("M100203", "Ava", "Examplefield", date(2015, 9, 30), None, "F",
                     date(2026, 10, 1), "wendy.worker"),
                    ("M100204", "", "Unbornfield", None, date(2027, 2, 10), "U",
                     date(2026, 11, 16), None)):
                ids[ref] = cases.add_child(session, cases.NewChild(
                    first, last, referral, dob=dob, expected_dob=expected, reference=ref,
                    sex=sex, worker=worker), TODAY).id
            steps = {"M100201": (date(2026, 3, 4), date(2026, 4, 10), date(2026, 4, 14)),
                     "M100202": (date(2026, 3, 4), date(2026, 4, 10), date(2026, 4, 14)),
                     "M100203": (date(2026, 10, 5), None, None)}
            for ref, (started, completed, plan) in steps.items():
                child = session.get(m.Child, ids[ref])
                child.status = "cin_plan" if plan else "assessment"
                episode = cases.current_episode(session, child.id)
                episode.assessment_started, episode.assessment_completed = started, completed
                episode.cin_plan_start = plan
                session.add_all([child, episode])
            for ref in ("M100201", "M100202"):
                record.add_person(session, ids[ref], record.PersonInput(
                    "Layla Testwood", relationship="Mother", parental_responsibility=True,
                    lives_with_child=True))
        held = {"M100201": [("initial", date(2026, 4, 24), date(2026, 7, 24)),
                            ("review", date(2026, 9, 17), date(2026, 12, 10))],
                "M100202": [("initial", date(2026, 4, 24), date(2026, 7, 24))]}
        for ref, kinds in held.items():
            for kind, on, next_review in kinds:
                hold_meeting(store, ids[ref], kind, on, next_review)
        for ref, seen in (("M100201", date(2026, 11, 13)), ("M100202", date(2026, 10, 30))):
            with store.session(ACTOR) as session:
                visits.finalise(session, ids[ref], VisitContent(
                    visited_at=datetime.combine(seen, datetime.min.time()).replace(hour=16),
                    purpose="Statutory visit", analysis="All well"),
                    actor=ACTOR, now=datetime(2026, 11, 23, 9))
    finally:
        store.close()


def hold_meeting(store, child_id, kind: str, on: date, next_review: date) -> None:
    with store.read() as session:
        invitees = tuple(meetings.invitee_choices(session, child_id))
    with store.session(ACTOR) as session:
        consent_to_meetings(session, child_id, date(2026, 3, 1))  # WIR 2.1, 2.3
        meeting_id = meetings.schedule(session, child_id, Schedule(
            kind, datetime.combine(on, datetime.min.time()).replace(hour=16), venue="Office",
            chair="Tess Manager", chair_role="Team manager", invitees=invitees,
            not_invited_reason="The child is at school"), now=datetime(2026, 3, 1, 9))
        held = datetime.combine(on, datetime.min.time()).replace(hour=16)  # as booked
        draft = meetings.start_minutes(session, meeting_id, ACTOR, held)
        minutes = replace(draft.minutes, held_on=on, attendance=tuple(
            replace(p, attendance="present") for p in draft.minutes.attendance),
            decisions=Decisions(True, next_review, "continue"))
        meetings.finish(session, meeting_id, minutes, actor=ACTOR,
                        now=datetime(2026, 11, 23, 9), draft_id=draft.id)
        meetings.record_distribution(session, meeting_id, [("Layla Testwood", None)], on)


def due_dates(cli, db) -> list[tuple]:
    result = cli("due", "--json", "--within", "260", "--db", db, *DAY)
    assert result.code == 0, result.err
    items = json.loads(result.out)["items"]
    return sorted((i["child"]["reference"], i["key"], i["due"], i["state"], i["rule"])
                  for i in items)


def test_a_good_file_gives_the_same_due_dates_as_entering_the_children_by_hand(
        cli, db, new_location):
    """Clocks right on the first day (DOMAIN.md §6): the assessment from the referral, the
    visit from the last visit where the child was seen (WIR 2.11), the review from the last
    meeting and the date it set (WIR 2.3), an overdue review overdue."""
    assert run(cli, db, MOSAIC).code == 0
    hand = empty_store(cli, new_location("by-hand.db"))
    by_hand(hand)
    imported = due_dates(cli, db)
    assert imported == due_dates(cli, hand)
    assert ("M100201", "review", "2026-12-10", "upcoming",
            "on the review date set at the meeting of 17 Sep 2026 (sooner than 3 months)"
            ) in imported
    assert ("M100202", "first_review", "2026-07-24", "overdue") in [i[:4] for i in imported]
    assert ("M100203", "assessment") in [i[:2] for i in imported]
    for ref in ("M100201", "M100202", "M100203", "M100204"):
        shown = [json.loads(cli("child", "show", ref, "--json", "--db", path, *DAY).out)
                 for path in (db, hand)]
        assert shown[0]["deadlines"] == shown[1]["deadlines"]
        assert shown[0]["status"] == shown[1]["status"]


def test_a_control_character_in_a_file_is_refused_naming_its_line_and_column(cli, db, tmp_path):
    """Trust: output is inert. An escape sequence in a cell is refused, not stored."""
    lines = MOSAIC.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace("Maya", "Maya\x1b]0;pwned\x07")
    bad = tmp_path / "caseload.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = sha(db)
    result = run(cli, db, bad)
    assert result.code == 2 and "\x1b" not in result.err
    assert result.err.splitlines()[0] == (
        'line 2, column "Forename": contains a control character (U+001B ESC); type plain text')
    assert sha(db) == before and children(db) == []


def test_a_batch_export_names_the_imported_children_with_no_plan_written(cli, db, tmp_path):
    """WIR 2.7: a caseload comes in with children on CIN plans but no plans in the file.
    `export plans --all` wrote the plans it had and said nothing of the rest: business
    support circulating plans did not know whose were missing."""
    good = tmp_path / "caseload.csv"
    good.write_text("reference,first_name,last_name,dob,worker,referral_date,cin_plan_start\n"
                    "LCS1,Ava,Brook,31/12/2016,wendy.worker,02/03/2026,14/04/2026\n"
                    "LCS2,Ben,Carr,05/06/2019,wendy.worker,02/06/2026,\n")
    assert run(cli, db, good).code == 0
    out = cli("export", "plans", "--all", "-o", tmp_path / "out", "--db", db, *DAY)
    assert out.code == 0, out.err
    assert out.out.splitlines() == [
        "Wrote no plans to " + str(tmp_path / "out"),
        "1 child on a CIN plan has no plan written yet, so none exported: LCS1 Ava Brook"]
    assert list((tmp_path / "out").iterdir()) == []


def test_a_new_teams_first_batch_export_of_one_plan_says_it_in_the_singular(
        cli, db, tmp_path):
    """JOURNEYS.md, Thursday, a new team's first week: one plan written so far. The export
    said "Wrote 1 plan to out, each marked DRAFT (--final for the copies to circulate; 1 fail
    checks: LCS1)"; it says it of the one plan now."""
    good = tmp_path / "caseload.csv"
    good.write_text("reference,first_name,last_name,dob,worker,referral_date,cin_plan_start\n"
                    "LCS1,Ava,Brook,31/12/2016,wendy.worker,02/03/2026,14/04/2026\n")
    assert run(cli, db, good).code == 0
    begun = cli("plan", "exit", "LCS1", "--good-enough", "Ava in school every day for a term",
                "--db", db, *DAY)
    assert begun.code == 0, begun.err
    out = cli("export", "plans", "--all", "-o", tmp_path / "out", "--db", db, *DAY)
    assert out.code == 0, out.err
    assert out.out.splitlines() == [
        f"Wrote 1 plan to {tmp_path / 'out'}, marked DRAFT (--final for the copy to "
        "circulate; 1 fails checks: LCS1)"]


# ---------------------------------------------------------------- who imports it


def test_an_import_before_anyone_says_who_they_are_is_refused_naming_worker_whoami(
        cli, db, monkeypatch):
    """A fresh laptop's store, the team set up; no one has said who they are and the
    computer's login is no worker here. Every child an import brings would be recorded as
    made by that login: refused in one line naming `cintui worker whoami`, nothing written
    (a dry run still answers). `worker whoami` says who cintui records you as and why; said
    once, the import goes in under the worker's name."""
    monkeypatch.setenv("LOGNAME", "kiosk")  # getpass.getuser: a login no worker has
    before = sha(db)
    refused = run(cli, db, MOSAIC)
    one_line_error(refused, "who is importing a caseload? No one has said who they are, and "
                   "this computer's login (kiosk) is no worker on this store: say who you "
                   "are once with `cintui worker whoami USERNAME`", "nothing was imported")
    assert sha(db) == before and children(db) == []
    assert run(cli, db, MOSAIC, "--dry-run").code == 0

    said = cli("worker", "whoami", "--db", db)
    assert said.code == 0, said.err
    assert said.out.strip() == (
        "Recorded as kiosk: this computer's login, no worker on this store: say who you are "
        "with `cintui worker whoami USERNAME` (an import is refused until you do).")
    one_line_error(cli("worker", "whoami", "wendy.wroker", "--db", db),
                   "whoami: no worker called 'wendy.wroker' (did you mean 'wendy.worker'?)")
    said = cli("worker", "whoami", "wendy.worker", "--db", db)
    assert said.out.strip() == ("You are Wendy Worker (wendy.worker): said with `cintui "
                                "worker whoami` or the app's Who am I.")
    assert run(cli, db, MOSAIC).code == 0
    assert children(db) == ["M100201", "M100202", "M100203", "M100204"]
    store = open_store(db, None)
    try:
        with store.read() as session:
            actors = set(session.exec(select(m.AuditEntry.actor).where(
                m.AuditEntry.entity == "child")).all())
    finally:
        store.close()
    assert actors == {"wendy.worker"}


def test_the_computers_login_that_is_a_workers_username_imports_as_them(cli, db):
    """The login is a worker's username here (ACTOR, the team's business support officer):
    who they are is known without saying it, and `worker whoami` says why."""
    said = cli("worker", "whoami", "--db", db)
    assert said.out.strip() == (f"Recorded as Tess Worker ({ACTOR}): this computer's login, "
                                "a worker on this store.")
    assert run(cli, db, MOSAIC).code == 0
