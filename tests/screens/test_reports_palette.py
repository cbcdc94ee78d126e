"""The monthly reports from the app (Ctrl+P "report", "census"): a team manager found them
command line only. Each writes what the CLI writes (the same casework and writers) to a
file in the exports folder, and the notice says where it went (DOMAIN.md §6, §8, §10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select

from cintui.app import CintuiApp
from cintui.reference import config
from cintui.store import access
from tests.conftest import TODAY
from tests.screens.test_child import SIZE, fill, text_of
from tests.screens.test_shell import screen_name, settle, type_text


def said(app) -> str:
    return " ".join(str(n.message) for n in app._notifications)


async def from_palette(pilot, words: str) -> None:
    await settle(pilot)
    await pilot.press("ctrl+p")
    await settle(pilot)
    await type_text(pilot, words)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.both_stores
async def test_compliance_report_written_from_the_palette_as_the_cli_writes_it(
        demo_store, cli):
    """Ctrl+P "report compliance": the last full month by default (as `cintui report
    compliance`), a Markdown file in the exports folder named for the month, and the notice
    says where it went; the file is the CLI's `--md` word for word."""
    app = CintuiApp(access.locate(demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await from_palette(pilot, "report compliance")
        form = app.screen
        assert screen_name(app) == "ReportExportScreen"
        period = form.query_one("#period", Select)
        assert {v: str(p) for p, v in period._options}[period.value] == (
            "October 2026, the last full month")
        expected = config.exports_dir() / "compliance-2026-10.md"
        assert form.query_one("#file", Input).value == str(expected)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"
        assert f"Compliance report, October 2026, the last full month, written to {expected}" \
            in said(app)
    cli_md = cli("report", "compliance", "--md", "--db", demo_store, "--today",
                 TODAY.isoformat())
    assert cli_md.code == 0, cli_md.err
    assert expected.read_text(encoding="utf-8") == cli_md.out


async def test_performance_report_as_csv_the_file_name_following_the_choice(demo_store, cli):
    """Ctrl+P "report performance": the financial year to date by default; choosing CSV
    renames the file to .csv, and it holds what `cintui report performance --csv` prints."""
    app = CintuiApp(access.locate(demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await from_palette(pilot, "report performance")
        form = app.screen
        assert screen_name(app) == "ReportExportScreen"
        form.query_one("#format", Select).focus()
        await pilot.press("enter", "down", "enter")  # Markdown → CSV
        await settle(pilot)
        expected = config.exports_dir() / "performance-2026-04-to-2026-11.csv"
        assert form.query_one("#file", Input).value == str(expected)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert f"written to {expected}" in said(app)
    cli_csv = cli("report", "performance", "--csv", "--db", demo_store, "--today",
                  TODAY.isoformat())
    assert expected.read_text(encoding="utf-8") == cli_csv.out


async def test_a_report_to_a_folder_that_does_not_exist_is_refused_beside_the_box(
        demo_store, tmp_path):
    """Bad input: the file's folder does not exist: said beside the box, nothing written,
    the form stays open."""
    app = CintuiApp(access.locate(demo_store), today=TODAY)
    target = tmp_path / "no-such-folder" / "compliance.md"
    async with app.run_test(size=SIZE) as pilot:
        await from_palette(pilot, "report compliance")
        form = app.screen
        await fill(pilot, "#file", str(target))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert f"no such folder: {target.parent}" in text_of(form, "#file-error")
    assert not target.parent.exists()


@pytest.mark.both_stores
async def test_census_return_exported_from_the_palette_as_the_cli_writes_it(
        demo_store, cli, tmp_path):
    """Ctrl+P "census export": the newest collection year that has ended (as `cintui export
    census`), the XML in the exports folder; the notice names the file, the children in it
    and those left out, and points to the team view for what to fix (DfE CIN census)."""
    app = CintuiApp(access.locate(demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await from_palette(pilot, "census export")
        form = app.screen
        assert screen_name(app) == "CensusExportScreen"
        assert form.query_one("#year", Select).value == 2026
        years = [v for _, v in form.query_one("#year", Select)._options if v != Select.BLANK]
        assert 2027 in years and max(years) == 2027  # 2026-27 began in April: offered
        expected = config.exports_dir() / "cin-census-2026.xml"
        assert form.query_one("#file", Input).value == str(expected)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"
        notice = said(app)
    by_cli = tmp_path / "by-cli.xml"
    done = cli("export", "census", "--year", "2026", "-o", by_cli, "--db", demo_store,
               "--today", TODAY.isoformat())
    line = done.out.splitlines()[0]
    children = line.split("), ")[1].split(",")[0]  # "34 children"
    assert f"Wrote {expected}: the 2026 CIN census return (2025-26), {children}" in notice
    if done.code == 1:  # children left out (a DfE error): named, and where to fix them
        assert "Left out" in notice and "team view (F4)" in notice
    assert Path(expected).read_bytes() == by_cli.read_bytes()


async def test_census_children_to_clear_opens_the_team_views_census_list(demo_store):
    """Ctrl+P "census clear": the team view with its CIN census list focused, per worker
    the children who would be left out or queried (as `cintui report census`)."""
    app = CintuiApp(access.locate(demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await from_palette(pilot, "census clear")
        assert screen_name(app) == "TeamScreen"
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "census"
