"""Conformance: the returns cintui writes pass the DfE's CIN census rules as local
authorities maintain them, run by Data to Insight's open validator (`csc-validator-be-cin`,
MIT) in its own venv (`make cinvalidator`; it pins its own pandas and rich), for every
collection year cintui returns, from a demo store and from a store built without the demo.

For each return: the validator finds no error, every query it raises on a child is one
cintui also lists for that child, every query on the return as a whole one cintui lists,
and none of its rules crashed on the file (a crashed rule would check nothing).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / ".venv-cinvalidator" / "bin" / "python"
REPORT = Path(__file__).with_name("cin_validator_report.py")
# The demo's history covers the two collection years before today's: a demo made a year
# earlier holds the 2023-24 collection too.
DEMO_YEARS = {TODAY: (2025, 2026, 2027), date(2025, 11, 24): (2024, 2025)}


def validate(xml: Path) -> dict:
    if not VALIDATOR.exists():
        pytest.fail(f"the CIN census validator is not installed ({VALIDATOR} is missing): "
                    "run `make cinvalidator` (make test does)", pytrace=False)
    done = subprocess.run([str(VALIDATOR), str(REPORT), str(xml)], capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def export(cli, db: Path, year: int, out: Path, today: date) -> dict:
    result = cli("export", "census", "--db", db, "--year", str(year), "-o", out, "--la", "820",
                 "--json", "--today", today.isoformat())
    assert result.code in (0, 1), result.err  # 1: some children left out (listed)
    return json.loads(result.out)


def assert_conforms(found: dict, ours: dict) -> None:
    errors = [i for i in found["issues"] if i["kind"] == "error"]
    errors += [i for i in found["return_level"] if i["kind"] == "error"]
    assert errors == [], f"{found['ruleset']}: the DfE rules find errors cintui let through"
    assert found["crashed"] == []
    our_queries = {(q["reference"], q["rule"]) for q in ours["queries"]}
    missed = [i for i in found["issues"] if (i["child"], i["rule"]) not in our_queries]
    assert missed == [], f"{found['ruleset']}: queries cintui did not report"
    our_return = {q["rule"] for q in ours["queries"] if q["reference"] is None}
    assert {i["rule"] for i in found["return_level"]} <= our_return


@pytest.mark.slow
@pytest.mark.parametrize("today", list(DEMO_YEARS), ids=str)
def test_the_demo_returns_pass_the_dfe_rules(cli, tmp_path, today):
    db = tmp_path / "demo.db"
    made = cli("demo", "--children", "60", "--seed", "5", "--db", db, "--no-encrypt",
               "--today", today.isoformat())
    assert made.code == 0, made.err
    for year in DEMO_YEARS[today]:
        out = tmp_path / f"cin{year}.xml"
        ours = export(cli, db, year, out, today)
        assert ours["excluded"] == [], f"{year}: the demo's return leaves children out"
        assert_conforms(validate(out), ours)


@pytest.mark.slow
def test_a_store_built_through_the_cli_passes_the_dfe_rules(cli, tmp_path):
    from tests.conformance.cli_store import build_cli_store

    db = build_cli_store(cli, tmp_path / "cli.db")
    for year in (2025, 2026, 2027):
        out = tmp_path / f"cin{year}.xml"
        ours = export(cli, db, year, out, TODAY)
        assert out.exists(), f"{year}: no file written"
        found = validate(out)
        assert_conforms(found, ours)
        if year == 2027:  # the store raises queries the DfE's rules raise too
            assert {i["rule"] for i in found["issues"]} >= {"8770Q"}
            assert {i["rule"] for i in found["return_level"]} >= {"2887Q"}


def test_2024_is_returned_in_the_2023_24_layout(cli, tmp_path):
    from tests.conformance.cli_store import build_cli_store

    db = build_cli_store(cli, tmp_path / "cli.db", today=date(2024, 2, 20))
    out = tmp_path / "cin2024.xml"
    ours = export(cli, db, 2024, out, date(2024, 2, 20))
    assert "<GenderCurrent>" in out.read_text() and "<Sex>" not in out.read_text()
    assert_conforms(validate(out), ours)


def test_without_the_validator_the_test_fails_and_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "VALIDATOR", tmp_path / "missing" / "python")
    with pytest.raises(pytest.fail.Exception, match="make cinvalidator"):
        validate(tmp_path / "cin.xml")
