"""`cintui report census --year YYYY [--json]` (completeness before the deadline): per
worker, each child who would be left out of the year's CIN census return or queried, with
the DfE rule and what to fix, from a store built through the CLI. Synthetic people only."""

from __future__ import annotations

import json
import re

import pytest

from tests.conformance.cli_store import build_cli_store
from tests.conftest import TODAY


def test_per_worker_what_would_be_left_out_or_queried_and_what_to_fix(cli, tmp_path, new_location):
    db = build_cli_store(cli, new_location("cli.db"))
    result = cli("report", "census", "--year", "2027", "--db", db, "--today", TODAY.isoformat())
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("CIN census 2026-27 (--year 2027, reference date 31 Mar 2027):")
    assert "1 would be left out" in lines[0]
    # CIN-77's reference has a hyphen: left out from 2024-25 (DfE 1580), and the fix.
    left = next(i for i, x in enumerate(lines) if x.split()[:3] == ["CIN-77", "1580", "LEFT"])
    assert "fix: change the case reference to letters and digits only" in lines[left + 1]
    # Ava, of school age with no UPN: a query (8770Q), with its fix.
    ava = next(i for i, x in enumerate(lines) if x.split()[:3] == ["CIN000001", "8770Q", "query"])
    assert "fix: record the UPN, or why it is unknown (UN2-UN7)" in lines[ava + 1]
    assert "The return as a whole" in result.out and "2887Q" in result.out
    assert not list(tmp_path.glob("*.xml"))  # writes no file


@pytest.mark.parametrize("width", [80, 120])
def test_in_a_terminal_each_finding_wraps_at_whole_words_under_its_message(
        cli, new_location, tmp_path, monkeypatch, width):
    """In an 80-column terminal the findings ran past the edge and the terminal broke them
    mid-word ("assess|ment", "stil|l open") back at column 0, under the references: each
    now wraps at whole words to the terminal's width, under the start of its message, for
    `report census` and `export census` alike. Piped, each stays one line (above)."""
    db = build_cli_store(cli, new_location("cli.db"))
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", str(width))
    report = cli("report", "census", "--year", "2027", "--db", db, "--today", TODAY.isoformat())
    export = cli("export", "census", "--year", "2027", "-o", tmp_path / "cin.xml", "--db", db,
                 "--today", TODAY.isoformat())
    assert report.code == 0 and export.code == 1, (report.err, export.err)  # CIN-77 left out
    for out in (report.out, export.out):
        lines = out.splitlines()
        assert max(len(x) for x in lines if "cin.xml" not in x) <= width  # the path is whole
        ava = next(i for i, x in enumerate(lines) if x.split()[:2] == ["CIN000001", "8770Q"])
        lead = re.match(r"\s+CIN000001\s+8770Q\s+(query\s+)?", lines[ava]).end()
        follow = lines[ava + 1]  # the message goes on under its start, whole words
        assert len(follow) - len(follow.lstrip()) == lead, (lines[ava], follow)
        assert "no UPN for a child of school age" in " ".join(out.split())
    assert "fix: record the UPN, or why it is unknown (UN2-UN7)" in " ".join(report.out.split())


def test_json_groups_items_by_worker(cli, new_location):
    db = build_cli_store(cli, new_location("cli.db"))
    data = json.loads(cli("report", "census", "--year", "2027", "--db", db, "--json",
                          "--today", TODAY.isoformat()).out)
    assert data["format"] == "cintui-census-completeness" and data["collection"] == "2026-27"
    (nobody,) = data["workers"]  # no worker allocated on this store
    assert nobody["worker"] is None
    kinds = {(i["reference"], i["rule"]): i["kind"] for i in nobody["items"]}
    assert kinds[("CIN-77", "1580")] == "error" and kinds[("CIN000001", "8770Q")] == "query"
    assert all(i["fix"] for i in nobody["items"] if i["rule"] in ("1580", "8770Q"))
    assert {i["rule"] for i in data["return"]} >= {"2887Q"}


def test_a_bad_year_is_one_line_and_exit_2(cli, new_location):
    db = build_cli_store(cli, new_location("cli.db"))
    result = cli("report", "census", "--year", "2030", "--db", db, "--today", TODAY.isoformat())
    assert result.code == 2 and result.err.startswith("cintui: --year: 2030 is not a collection")
