"""`cintui cp strategy|s47|icpc|list` (Working Together 2023; BEX 3): from an empty store,
a strategy discussion, the section 47 enquiry and its conference, as the census return's
Section47 module, the chronology and the clocks show them; bad input one line, exit 2,
nothing written. Synthetic people only."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from tests.conftest import TODAY  # Monday 23 November 2026


@pytest.fixture
def store(cli, new_db):
    db = new_db("cp.db")
    added = cli("child", "add", "--db", db, "--first-name", "Ava", "--last-name", "Stone",
                "--dob", "2014-05-01", "--sex", "F", "--referral-date", "2026-10-01",
                "--today", TODAY.isoformat())
    assert added.code == 0, added.err
    return db


def cp(cli, store, *args):
    return cli("cp", *args, "--db", store, "--today", TODAY.isoformat())


def test_strategy_s47_and_icpc_in_the_census_return_and_the_chronology(cli, store, tmp_path):
    assert cp(cli, store, "strategy", "CIN000001", "--on", "2026-11-02", "--outcome", "s47",
              "--notes", "Police, school nurse").out == (
        "CIN000001: strategy discussion 2 Nov 2026: section 47 enquiry.\n")
    started = cp(cli, store, "s47", "CIN000001", "--started", "2026-11-03", "--json")
    # Working Together 2023: ICPC within 15 working days of the discussion: 23 Nov 2026.
    assert json.loads(started.out)["icpc_target"] == "2026-11-23"
    held = cp(cli, store, "icpc", "CIN000001", "--held", "2026-11-20")
    assert held.code == 0 and "ICPC held 20 Nov 2026" in held.out
    listed = json.loads(cli("cp", "list", "CIN000001", "--db", store, "--json").out)
    assert [(q["strategy_on"], q["s47_started"], q["icpc_held"], q["s47_outcome"])
            for q in listed] == [("2026-11-02", "2026-11-03", "2026-11-20", "icpc")]

    out = tmp_path / "cin2027.xml"
    result = cli("export", "census", "--db", store, "--year", "2027", "-o", out,
                 "--today", TODAY.isoformat())
    assert result.code == 0, result.err
    module = etree.parse(str(out)).find(".//CINdetails/Section47")
    assert [(e.tag, e.text) for e in module] == [
        ("S47ActualStartDate", "2026-11-03"), ("InitialCPCtarget", "2026-11-23"),
        ("DateOfInitialCPC", "2026-11-20"), ("ICPCnotRequired", "false")]

    from cintui.casework import record
    from cintui.store.engine import open_store

    st = open_store(store, None)
    try:
        with st.read() as session:
            from cintui.casework.cases import find_child

            child = find_child(session, "CIN000001")
            lines = [(e.when.isoformat(), e.summary) for e in record.chronology(
                session, child.id, TODAY) if e.kind == "protection"]
    finally:
        st.close()
    assert lines == [("2026-11-02", "Strategy discussion: section 47 enquiry"),
                     ("2026-11-03", "Section 47 enquiry started (ICPC target 23 Nov 2026)"),
                     ("2026-11-20", "Initial child protection conference held")]


def test_the_clocks_run_from_the_strategy_discussion(cli, store):
    cp(cli, store, "strategy", "CIN000001", "--on", "2026-11-10", "--outcome", "s47")
    shown = json.loads(cli("child", "show", "CIN000001", "--db", store, "--json",
                           "--today", TODAY.isoformat()).out)
    due = {d["key"]: (d["due"], d["state"]) for d in shown["deadlines"]}
    assert due["s47_start"] == ("2026-11-11", "overdue")
    assert due["icpc"] == ("2026-12-01", "upcoming")  # 15 working days from 10 Nov


def test_no_conference_needed_ends_the_icpc_clock(cli, store, tmp_path):
    cp(cli, store, "strategy", "CIN000001", "--on", "2026-11-02", "--outcome", "s47")
    cp(cli, store, "s47", "CIN000001", "--started", "2026-11-02")
    done = cp(cli, store, "icpc", "CIN000001", "--not-required", "2026-11-13")
    assert done.code == 0 and "no conference needed (13 Nov 2026)" in done.out
    shown = json.loads(cli("child", "show", "CIN000001", "--db", store, "--json",
                           "--today", TODAY.isoformat()).out)
    assert "icpc" not in {d["key"] for d in shown["deadlines"]}
    out = tmp_path / "cin.xml"
    cli("export", "census", "--db", store, "--year", "2027", "-o", out, "--today",
        TODAY.isoformat())
    assert etree.parse(str(out)).findtext(".//Section47/ICPCnotRequired") == "true"


@pytest.mark.parametrize(("args", "says"), [
    (("strategy", "CIN000001", "--outcome", "maybe"), "not one of: s47, no-s47"),
    (("strategy", "CIN000001", "--outcome", "s47", "--on", "2026-09-01"),
     "--on: 1 Sep 2026 is before the referral"),  # by the option typed (it said on:)
    (("strategy", "CIN000001", "--outcome", "s47", "--on", "2026-12-01"), "--on: 1 Dec 2026 is in the future"),
    (("strategy", "NOBODY", "--outcome", "s47"), "NOBODY"),
    (("s47", "CIN000001"), "no strategy discussion has decided"),
    (("icpc", "CIN000001", "--held", "2026-11-20"), "no section 47 enquiry has started"),
    (("icpc", "CIN000001"), "give --held DATE, --not-required DATE or --target DATE"),
    (("icpc", "CIN000001", "--held", "2026-11-20", "--not-required", "2026-11-20"),
     "not both"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(cli, store, args, says):
    result = cp(cli, store, *args)
    assert result.code == 2 and says in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert json.loads(cli("cp", "list", "CIN000001", "--db", store, "--json").out) == []
