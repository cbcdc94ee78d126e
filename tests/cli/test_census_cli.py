"""`cintui export census` (issue 7 §5, DOMAIN.md §10): the return written as XML, a summary
or JSON, every child left out listed with its rule (exit 1), bad input one line and exit 2,
an encrypted store opened with CINTUI_PASSPHRASE. Synthetic people only."""

from __future__ import annotations

import json
import stat

import pytest
from lxml import etree

from tests.conftest import PASSPHRASE, TODAY, connect, run_subprocess
from tests.export.test_census_export import build_small_store, year_schema


@pytest.fixture
def store(new_db):
    return build_small_store(new_db("census.db"))


def _census(cli, store, out, *args):
    return cli("export", "census", "--db", store, "-o", out, "--today", TODAY.isoformat(), *args)


def _drop(store, *refs: str) -> None:
    marks = ", ".join("?" for _ in refs)
    with connect(store) as conn:
        conn.execute(f"DELETE FROM episode WHERE child_id IN "
                     f"(SELECT id FROM child WHERE reference IN ({marks}))", refs)


def test_summary_names_the_file_and_lists_each_child_left_out(cli, store, tmp_path):
    out = tmp_path / "cin.xml"
    result = _census(cli, store, out, "--year", "2026")
    assert result.code == 1, result.err  # children were left out
    lines = result.out.splitlines()
    assert lines[0] == (f"Wrote {out}: the 2026 CIN census return (2025-26, 1 April 2025 to "
                        "31 March 2026), 3 children, 3 episodes.")
    assert lines[1].startswith("Left out 2 children whose record breaks a DfE validation rule")
    assert lines[2].split(None, 2)[:2] == ["F1", "1103"]
    assert "assessment start 1 Jun 2025 is before the referral date" in lines[2]
    assert lines[3].split(None, 2)[:2] == ["G1", "1510"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    refs = etree.parse(str(out)).xpath("//LAchildID/text()")
    assert refs == ["A1", "B1", "C1"]


def test_json_for_scripts(cli, store, tmp_path):
    out = tmp_path / "cin.xml"
    result = _census(cli, store, out, "--year", "2026", "--json")
    assert result.code == 1, result.err
    data = json.loads(result.out)
    assert {k: data[k] for k in ("year", "reference_date", "children", "episodes", "file")} == {
        "year": 2026, "reference_date": "2026-03-31", "children": 3, "episodes": 3,
        "file": str(out)}
    assert [(e["reference"], e["rule"]) for e in data["excluded"]] == [("F1", "1103"),
                                                                       ("G1", "1510")]
    assert all(e["message"] for e in data["excluded"])


def test_a_clean_return_exits_0_and_validates(cli, store, tmp_path):
    _drop(store, "F1", "G1")
    out = tmp_path / "cin.xml"
    result = _census(cli, store, out, "--year", "2026", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["excluded"] == []
    schema = year_schema(2026)
    assert schema.validate(etree.parse(str(out))), schema.error_log


def test_queries_are_warnings_the_child_stays_in_the_file(cli, store, tmp_path):
    # DfE 8770Q: A1 (born 2015, of school age) with no UPN nor a reason: a query, not an
    # error. The child is in the file, the query listed, and the exit code 0.
    _drop(store, "F1", "G1")
    with connect(store) as conn:
        conn.execute("UPDATE child SET upn = '' WHERE reference = 'A1'")
    out = tmp_path / "cin.xml"
    result = _census(cli, store, out, "--year", "2026")
    assert result.code == 0, result.err
    assert "A1" in etree.parse(str(out)).xpath("//LAchildID/text()")
    lines = result.out.splitlines()
    warning = lines.index(next(x for x in lines if x.startswith("Warning:")))
    assert "check the data, or give the DfE the reason" in lines[warning]
    assert any(x.split()[:2] == ["A1", "8770Q"] for x in lines[warning + 1:])
    data = json.loads(_census(cli, store, out, "--year", "2026", "--json").out)
    assert {(q["reference"], q["rule"]) for q in data["queries"]} >= {("A1", "8770Q")}


def test_the_year_in_progress_can_be_returned_but_not_one_not_started(cli, store, tmp_path):
    # Today is 23 Nov 2026: the 2027 collection (from 1 April 2026) has started.
    result = _census(cli, store, tmp_path / "y2027.xml", "--year", "2027", "--json")
    assert json.loads(result.out)["children"] == 3  # A1, B1 and E1
    result = cli("export", "census", "--db", store, "-o", tmp_path / "y.xml", "--year",
                 "2027", "--today", "2026-03-31")
    assert result.code == 2
    assert result.err.strip() == ("cintui: --year: the 2027 collection (1 April 2026 to "
                                  "31 March 2027) has not started yet")
    assert not (tmp_path / "y.xml").exists()


@pytest.mark.parametrize(("year", "says"), [
    ("26", "is not a year"), ("20260", "is not a year"), ("next", "is not a year"),
    ("1999", "not a collection cintui returns (2024 to 2027"),
    ("2028", "not a collection cintui returns (2024 to 2027"),
])
def test_a_bad_year_is_one_line_and_exit_2(cli, store, tmp_path, year, says):
    result = _census(cli, store, tmp_path / "x.xml", "--year", year)
    assert result.code == 2
    assert result.err.startswith("cintui: --year") and says in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert result.out == "" and not (tmp_path / "x.xml").exists()


def test_the_la_number_goes_in_the_header_and_a_bad_one_is_exit_2(cli, store, tmp_path):
    out = tmp_path / "cin.xml"
    result = _census(cli, store, out, "--year", "2026", "--la", "820")
    assert result.code == 1, result.err
    assert etree.parse(str(out)).findtext("Header/Source/LEA") == "820"
    bad = _census(cli, store, tmp_path / "x.xml", "--year", "2026", "--la", "82")
    assert bad.code == 2
    assert bad.err.strip() == "cintui: --la: '82' is not a DfE LA number (three digits, e.g. 820)"
    assert not (tmp_path / "x.xml").exists()


def test_without_a_year_the_newest_year_ended_is_returned(cli, store, tmp_path):
    # 23 Nov 2026: the 2025-26 collection (to 31 March 2026) is the newest that has ended.
    said = json.loads(_census(cli, store, tmp_path / "d.xml", "--json").out)
    named = json.loads(_census(cli, store, tmp_path / "n.xml", "--year", "2026", "--json").out)
    assert said["year"] == 2026 and said["reference_date"] == "2026-03-31"
    assert {**said, "file": None} == {**named, "file": None}
    assert (tmp_path / "d.xml").read_bytes() == (tmp_path / "n.xml").read_bytes()
    # From 1 April the year just ended is the one the DfE collects.
    result = cli("export", "census", "--db", store, "-o", tmp_path / "a.xml", "--today",
                 "2027-04-01")
    assert "the 2027 CIN census return (2026-27" in result.out and (tmp_path / "a.xml").exists()
    result = cli("export", "census", "--db", store, "-o", tmp_path / "m.xml", "--today",
                 "2027-03-31")
    assert "the 2026 CIN census return (2025-26" in result.out and (tmp_path / "m.xml").exists()


def test_missing_output_or_folder_is_exit_2(cli, store, tmp_path):
    result = cli("export", "census", "--db", store, "--year", "2026")
    assert result.code == 2 and "--output" in result.err
    result = _census(cli, store, tmp_path / "no" / "x.xml", "--year", "2026")
    assert result.code == 2 and result.err.strip() == f"cintui: no such folder: {tmp_path / 'no'}"


def test_when_every_child_is_left_out_no_file_is_written(cli, store, tmp_path):
    _drop(store, "A1", "B1", "C1")
    out = tmp_path / "cin.xml"
    result = _census(cli, store, out, "--year", "2026", "--json")
    assert result.code == 1
    data = json.loads(result.out)
    assert data["children"] == 0 and data["file"] is None and len(data["excluded"]) == 2
    assert not out.exists()
    text = _census(cli, store, out, "--year", "2026")
    assert text.out.startswith("No file written: every child in the 2026 return")


def test_a_year_with_nobody_in_it_says_so(cli, store, tmp_path):
    _drop(store, "D1")  # the only child open in the 2023-24 year
    result = _census(cli, store, tmp_path / "x.xml", "--year", "2024")
    assert result.code == 2
    assert result.err.strip() == ("cintui: no child had an episode open in the 2024 collection "
                                  "year (1 April 2023 to 31 March 2024); nothing written")


def test_an_encrypted_store_needs_its_passphrase(cli, encrypted_demo_store, tmp_path,
                                                 monkeypatch):
    out = tmp_path / "cin.xml"
    locked = _census(cli, encrypted_demo_store, out, "--year", "2026")
    assert locked.code == 2 and "CINTUI_PASSPHRASE" in locked.err and not out.exists()
    monkeypatch.setenv("CINTUI_PASSPHRASE", PASSPHRASE)
    result = _census(cli, encrypted_demo_store, out, "--year", "2026", "--json")
    data = json.loads(result.out)
    assert result.code == (1 if data["excluded"] else 0), result.err
    assert data["children"] > 0 and data["file"] == str(out)
    assert len(etree.parse(str(out)).xpath("//Child")) == data["children"]


def test_exit_codes_from_a_real_process(store, tmp_path):
    proc = run_subprocess("export", "census", "--year", "2026", "-o", tmp_path / "cin.xml",
                          "--db", store, env={"CINTUI_TODAY": TODAY.isoformat()})
    assert proc.returncode == 1, proc.stderr
    assert "G1  1510" in proc.stdout
    proc = run_subprocess("export", "census", "--year", "x", "-o", tmp_path / "cin.xml",
                          "--db", store)
    assert proc.returncode == 2 and proc.stderr.startswith("cintui: --year")
