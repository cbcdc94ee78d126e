"""The team view (issue 7 §2), driven by keys: F4, per-worker lines that add up, drill-down
to a worker's caseload, recording a quality check (BEX 3). Synthetic people only."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from sqlmodel import select

from cintui.domain.roles import ROLE_LABELS
from cintui.domain.text import counted
from cintui.store.models import AuditEntry, QualityCheck, Worker
from tests.conftest import TODAY, connect, reading
from tests.screens.test_child import read, text_of
from tests.screens.test_my_week import REFERENCE, WeekHost
from tests.screens.test_shell import (
    held_back,
    post_burst,
    press_to,
    settle,
    type_text,
    until,
    until_shown,
    words,
)

SIZE = (140, 45)


async def open_team(pilot):
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    await settle(pilot)
    screen = pilot.app.screen
    assert type(screen).__name__ == "TeamScreen"
    return screen


def worker_rows(screen) -> list[list[str]]:
    table = screen.query_one("#workers")
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_f4_shows_each_worker_and_a_team_line_that_adds_up(demo_store):
    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot)
        view = screen.view
        assert view is not None and view.workers
        rows = worker_rows(screen)
        assert rows[-1][0] == "Team"
        # The team line is the sum of the worker lines (children and overdue items).
        assert int(rows[-1][1]) == sum(int(r[1]) for r in rows[:-1])
        assert int(rows[-1][2]) == sum(int(r[2]) for r in rows[:-1])
        # My own line agrees with My week's overdue items for me.
        mine = next(r for r, w in zip(rows, view.workers, strict=False)
                    if w.username == app.worker)
        title = str(screen.query_one("#team-title").render())
        assert view.team in title and "open children" in title
        await pilot.press("escape", "f3")
        await settle(pilot)
        week = app.screen
        assert int(mine[2]) == sum(1 for i in week.items.values()
                                   if i.state.value == "overdue")


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_enter_on_a_worker_opens_their_caseload_and_esc_returns(demo_store, size):
    """Month end: Enter on a worker's line is their caseload, headed with their name (at
    80x24 it read "My caseload (of felix.shackleton, from the team view…)": the manager's
    own, it seemed, by a username); Esc comes back."""
    app = WeekHost(demo_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_team(pilot)
        first = screen.view.workers[0]
        screen.query_one("#workers").move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot)
        caseload = app.screen
        assert type(caseload).__name__ == "CaseloadScreen"
        assert caseload.for_worker == first.username
        assert len(caseload.all_rows) == first.children
        assert {r.worker_username for r in caseload.all_rows} <= {first.username}
        summary = " ".join(text_of(caseload, "#summary").split())
        assert summary.startswith(f"{first.name}'s caseload (from the team view: Esc goes "
                                  f"back) · {counted(first.children, 'open child', 'open children')}")
        assert "My caseload" not in summary and first.username not in summary
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_enter_on_a_child_of_the_quality_checks_opens_their_record(demo_store):
    """BEX 3: a manager looking down the children with no quality check opens one with
    Enter, as on a caseload; Esc comes back to the team view."""
    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot)
        await pilot.press("tab")  # from the workers to the quality checks
        quality = screen.query_one("#quality")
        assert app.focused is quality
        first = screen.view.quality[0]
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ChildScreen"
        assert app.screen.child_id == first.child_id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_recording_a_case_mapping_discussion_takes_the_child_off_the_none_list(
        demo_store):
    """BEX 3: every child with a plan has an audit or case-mapping discussion."""
    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot)
        quality = screen.view.quality
        unchecked = [q for q in quality if not q.status.checked]
        assert unchecked, "the demo has plans nobody has checked yet"
        before = screen.view.total.no_quality_check
        assert before == len(unchecked)
        target = unchecked[0]
        screen.query_one("#quality").focus()
        screen.query_one("#quality").move_cursor(row=0)
        await pilot.press("q")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "QualityCheckFormScreen"
        # Nothing said about who facilitated it or what it found: refused, nothing written.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "facilitated" in str(form.query_one("#facilitator-error").render())
        form.query_one("#facilitator").focus()
        await type_text(pilot, "Jo Synthetic IPSS")
        form.query_one("#findings").focus()
        await type_text(pilot, "Plan meets needs; school outcome not yet measurable")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is screen
        assert screen.view.total.no_quality_check == before - 1
        row = next(q for q in screen.view.quality if q.child_id == target.child_id)
        assert row.status.checked and "Case-mapping" in row.status.describe()

    saved = read(demo_store, lambda s: s.exec(
        select(QualityCheck).where(QualityCheck.child_id == target.child_id)).all())
    assert [(q.child_id, q.facilitator, q.kind) for q in saved] == [
        (target.child_id, "Jo Synthetic IPSS", "case_mapping")]
    audited = read(demo_store, lambda s: s.exec(
        select(AuditEntry).where(AuditEntry.entity == "quality_check",
                                 AuditEntry.entity_id == saved[0].id.hex)).all())
    assert len(audited) == 1 and audited[0].actor == app.actor


@pytest.mark.both_stores
async def test_the_months_step_downs_are_audited_from_the_team_view_sto_7_13(demo_store):
    """STO 7.13, monthly: `s` lists the team's cases that stepped down to early help (or up
    from it) in a month, opening on the newest of this month and the two before with one
    not yet audited (at the start of a month, last month's are the work); Enter on one
    records its audit, offered as audited by the user (who, whether the step was right,
    what was learned), and the list says so. An audit of a step is not the plan's quality
    check (BEX 3): the QA counts do not move."""
    app = WeekHost(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        no_qa = screen.view.total.no_quality_check
        await press_to(pilot, "s", screen="StepAuditScreen")
        audits = app.screen
        title = str(audits.query_one("#step-audits").border_title)
        assert title.split(":")[0] in ("Nov 2026", "Oct 2026", "Sep 2026"), title
        assert re.search(r"0 of \d+ step-downs/ups audited \(STO 7\.13\)", title), title
        opened = audits.first
        later = [audits.first]
        while later[-1].month != 11:  # the months after it have nothing left to audit
            await pilot.press("right_square_bracket")
            await settle(pilot)
            later.append(audits.first)
            assert all(c.audited for c in audits.cases.values()), later
        for _ in later[1:]:
            await pilot.press("left_square_bracket")
            await settle(pilot)
        assert audits.first == opened and audits.cases
        case = audits.cases["0"]
        await press_to(pilot, "enter", screen="StepAuditFormScreen")
        form = app.screen
        me = read(demo_store, lambda s: s.exec(
            select(Worker).where(Worker.username == app.worker)).one())
        assert form.value("facilitator") == f"{me.name} ({ROLE_LABELS[me.role]})"
        assert form.focused.id == "right"  # who audited is offered: the answer comes first
        await pilot.press("ctrl+s")  # nothing learned said: refused where the cursor goes
        await settle(pilot)
        assert app.screen is form
        assert "say what was learned" in str(form.query_one("#findings-error").render())
        assert form.focused.id == "findings"
        form.query_one("#right").focus()
        await pilot.press("y", "tab")
        await type_text(pilot, "The TAF plan carried the school actions")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is audits, (str(form.query_one("#form-error").render()),
                                      form.focused, form.value("findings"))
        await settle(pilot)
        assert any(c.audited and c.reference == case.reference for c in audits.cases.values())
        assert re.search(r"1 of \d+ step-downs/ups audited",
                         str(audits.query_one("#step-audits").border_title))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.view.total.no_quality_check == no_qa
    saved = read(demo_store, lambda s: s.exec(
        select(QualityCheck).where(QualityCheck.kind == "step_audit")).all())
    assert [(q.facilitator, q.needs_met, q.findings) for q in saved] == [
        (f"{me.name} ({ROLE_LABELS[me.role]})", True, "The TAF plan carried the school actions")]


@pytest.mark.parametrize("size", [SIZE, (120, 40), (80, 24)],
                         ids=["140x45", "120x40", "80x24"])
def test_team_view_snapshot(demo_store, snap_compare, size):
    """The team view at 140x45, 120x40 and on a laptop's 80x24 (narrower measures; it once
    failed to open there): the team's totals whole beside its choice, worker lines, the Team
    line, the 12-week trend and the quality checks with supervision (demo seed 7, fixed
    TODAY)."""
    app = WeekHost(demo_store)

    async def ready(pilot) -> None:
        await open_team(pilot)
        app.sub_title = "UNENCRYPTED STORE · demo.db"
        # On a busy machine the census table and the loading indicator settle a frame later.
        for _ in range(50):
            await pilot.pause(0.05)
            if not any(t.loading for t in app.screen.query("DataTable")):
                break
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)


async def test_on_a_laptops_80x24_every_heading_is_whole_and_several_children_show(
        demo_store):
    """At 80x24 the team view once cut its headings ("Visits in ti", "Last quality che") and
    left the quality table, which q and u act on, no line for a child; a resize lost the
    census lines. Now every heading is whole, five or more children show, and the census
    comes back after a resize."""
    app = WeekHost(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.query_one("#census").row_count > 0)
        census = screen.query_one("#census").row_count
        for name in ("#workers", "#quality", "#census"):
            for column in screen.query_one(name).columns.values():
                assert len(str(column.label)) <= column.width, (name, str(column.label))
        quality = screen.query_one("#quality")
        assert quality.row_count >= 5
        assert quality.size.height - 1 >= 5  # lines for children under the heading
        columns = list(quality.columns.values())
        for row in range(quality.row_count):
            # "none yet", and the supervision's date whole (STO 8.5: "due soon: 27 Nov 202"
            # lost its year's last digit)
            cells = [str(c) for c in quality.get_row_at(row)]
            assert all(len(c) <= col.width for c, col in zip(cells[2:], columns[2:],
                                                             strict=True)), cells
            assert re.search(r" \d{4}$", cells[3]), cells
        await pilot.resize_terminal(140, 45)
        await settle(pilot)
        assert screen.query_one("#census").row_count == census
        assert "Reviews in time" in [str(c.label) for c in screen.query_one("#workers")
                                     .columns.values()]


SHORT_QA = r"[ \d]\d [A-Z][a-z]{2} 20\d\d( met| NOT met)?"


def quality_cells(quality) -> list[list[str]]:
    return [[str(c) for c in quality.get_row_at(row)] for row in range(quality.row_count)]


async def the_quality_table_drawn_whole(pilot, quality) -> None:
    """Every row of the quality table, scrolled through, is drawn with its last check and
    its supervision whole (what the table holds is what the manager reads)."""
    quality.focus()
    for row, cells in enumerate(quality_cells(quality)):
        quality.move_cursor(row=row)
        await pilot.pause()
        drawn = [quality.render_line(y).text for y in range(quality.size.height)]
        assert any(cells[2] in line and cells[3] in line for line in drawn), (cells, drawn)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (140, 45)],
                         ids=["80x24", "120x40", "140x45"])
async def test_the_last_quality_check_says_its_year_whole_and_lines_up(demo_store, size):
    """BEX 3: the quality table's "Last QA check" said "15 Dec 25 NOT met", a two-digit year
    a manager could read as a day, and "3 Oct 26 met" a column left of "22 Nov 26 met". Now
    it starts with the house's short form for a column, " 3 Oct 2026 met", "15 Dec 2025 NOT
    met" (`day_words(pad=True)`): the year whole, the months under each other, whole in its
    column. Where the column has room (120 columns and wider) the kind of check and who
    facilitated it follow, each under the one above ("15 Dec 2025 NOT met  case mapping  Jo
    Whitfield (IPSS)"): at 120x40 the short form left 35 characters empty, and at 140x45 the
    whole description ran past the column and lost "needs NOT met" off its end."""
    from cintui.domain.oversight import KIND_WORDS

    app = WeekHost(demo_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_team(pilot)
        quality = screen.query_one("#quality")
        await until(pilot, lambda: quality.row_count > 0)
        column = list(quality.columns.values())[2]
        checked = [cells[2] for cells in quality_cells(quality)
                   if not cells[2].startswith("none")]
        starts = [re.match(SHORT_QA, cell) for cell in checked]
        assert all(starts), checked
        shorts = [m.group(0) for m in starts]
        assert "15 Dec 2025 NOT met" in shorts and " 5 Jul 2026 met" in shorts, checked
        for cell, short in zip(checked, shorts, strict=True):
            assert len(cell) <= column.width, (cell, column.width)
            if size[0] < 100:
                assert cell == short
            else:  # the kind and who facilitated it, after the day and the answer, each
                # starting where the one above starts
                assert cell[19:21] == "  " and cell[21:33].rstrip() in KIND_WORDS.values()
                assert cell[33:35] == "  " and cell[35:].endswith(")"), cell
        await the_quality_table_drawn_whole(pilot, quality)


async def test_on_a_laptop_a_workers_name_too_long_for_its_column_ends_in_an_ellipsis(
        demo_store):
    """At 80x24 the team view's Worker column (14 characters) cut "Felix Shackleton" to
    "Felix Shacklet", a name the manager could take as whole ("Iris Greenhalg" in the
    demo of 120 children); it ends in "…", as every cut cell of the app's tables does."""
    app = WeekHost(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        workers = screen.query_one("#workers")
        await until(pilot, lambda: workers.row_count > 0 and not screen.reading())
        await pilot.pause()
        drawn = [workers.render_line(y).text for y in range(workers.size.height)]
        assert any("Felix Shackle… " in line for line in drawn), drawn
        assert not any("Felix Shacklet" in line for line in drawn), drawn
        assert any(line.startswith(" Poppy Jessop ") for line in drawn), drawn  # whole


@pytest.mark.parametrize("size", [(120, 40), (128, 40), (140, 45)],
                         ids=["120x40", "128x40", "140x45"])
async def test_each_sections_heading_takes_one_line(demo_store, size):
    """At 120 and 128 columns the quality checks' heading (BEX 3) took two lines, "q records
    one." alone on the second, and at 120 the census's too ("to fix."): the quality table,
    which q and u act on, showed two children fewer. The long heading where it fits, else
    the short one a short terminal has."""
    app = WeekHost(demo_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.census_year is not None and not screen.reading())
        await pilot.pause()
        for name in ("#quality-title", "#census-title"):
            title = screen.query_one(name)
            assert title.size.height == 1, (name, str(title.render()))  # padding aside
            assert "q records one." in str(screen.query_one("#quality-title").render())
        wide = size[0] >= 140
        assert ("reflective discussion" in str(screen.query_one("#quality-title").render())) \
            == wide


WIDE_QA = (r"[ \d]\d [A-Z][a-z]{2} 20\d\d( met    | NOT met|        )  "
           r"(audit       |case mapping)  \S.*")


@pytest.mark.parametrize("size", [(140, 45), (160, 45)], ids=["140x45", "160x45"])
async def test_on_a_wide_terminal_the_last_quality_check_lines_up(demo_store, size):
    """BEX 3: from 128 columns the "Last quality check" column wrote the whole sentence,
    "Quality assurance audit 19 Jun 2026, Dana Price (IPSS), needs NOT met" over
    "Case-mapping reflective discussion 6 May 2026, Sam Oko", each date where its kind's
    words ended and "needs met" cut off. Now each part is under the one above: the day
    (padded, the year whole), met or NOT met, the kind, who facilitated it, whole at 140
    columns and wider."""
    app = WeekHost(demo_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_team(pilot)
        quality = screen.query_one("#quality")
        await until(pilot, lambda: quality.row_count > 0 and not screen.reading())
        column = list(quality.columns.values())[2]
        checked = [c[2] for c in quality_cells(quality) if not c[2].startswith("none")]
        assert len(checked) >= 10, checked
        assert {c[11:19] for c in checked} >= {" met    ", " NOT met"}, checked
        assert {c[21:33] for c in checked} == {"audit       ", "case mapping"}, checked
        for cell in checked:
            assert re.fullmatch(WIDE_QA, cell), cell
            assert cell.endswith("(IPSS)") and len(cell) <= column.width, (cell, column.width)
        await the_quality_table_drawn_whole(pilot, quality)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_supervision_column_lines_its_months_up(demo_store, size):
    """STO 8.5: the Supervision column read "due 4 Dec 2026" over "overdue: 27 Oct 2025",
    each month where its words ended. Now, as the QA column beside it (`day_words(pad=True)`),
    the words take the same room and the day is padded: every month under the one above,
    every year whole, at 80x24 as at 120x40."""
    app = WeekHost(demo_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_team(pilot)
        quality = screen.query_one("#quality")
        await until(pilot, lambda: quality.row_count > 0 and not screen.reading())
        cells = [c[3] for c in quality_cells(quality) if c[3] != "—"]
        words = {c.split()[0] for c in cells}
        assert "due" in words and len(words) >= 2, words  # states of more than one kind
        months = {re.search(r"[A-Z][a-z]{2} \d{4}$", c).start() for c in cells}
        assert len(months) == 1, cells
        quality.focus()  # as drawn, too: each month a column under the one above
        drawn = [quality.render_line(y).text for y in range(quality.size.height)]
        rows = [line for line in drawn if re.search(r"\b(due|soon:|today:|overdue:) ", line)]
        starts = {list(re.finditer(r"[A-Z][a-z]{2} 20\d\d", line))[-1].start() for line in rows}
        assert len(rows) >= 3 and len(starts) == 1, rows


async def test_a_date_prefilled_with_today_is_overtyped_as_it_is_reached(demo_store):
    """The QA check's "Held on" is today, filled in; the form opens past it. Reached by
    Tab (or Shift+Tab) its date is selected, so the day typed replaces it whole: no End and
    ten Backspaces first (Textual's `Input.select_on_focus`, which every form's box keeps).
    A guard: from the form's opening, Shift+Tab and the 10 characters of the day."""
    app = WeekHost(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        quality = screen.query_one("#quality")
        await until(pilot, lambda: quality.row_count > 0 and not screen.reading())
        quality.focus()
        await press_to(pilot, "q", screen="QualityCheckFormScreen")
        form = app.screen
        assert form.focused.id == "facilitator"  # past the date, as it is right most days
        await pilot.press("shift+tab", "shift+tab", "tab")
        assert form.focused.id == "held_on"
        await type_text(pilot, "01/12/2026")
        assert form.query_one("#held_on").value == "01/12/2026"
        post_burst(app, [("shift+tab", None), ("tab", None), *words("02/12/2026")])
        await settle(pilot)  # typed at once behind the Tab, as a quick typist does
        assert form.query_one("#held_on").value == "02/12/2026"


async def test_a_team_of_six_at_80x24_shows_each_date_whole(make_demo):
    """STO 8.5, BEX 3: on the demo a user makes (`cintui demo`: six workers a team) the team
    view at 80x24 scrolls, and its scrollbar left the quality table two columns short: the
    supervision read "overdue: 19 Nov 202" and a horizontal scrollbar took a child's line.
    Now the names give up a character and every date is whole on the screen."""
    from cintui.app import CintuiApp
    from cintui.casework import cases as case_reads
    from cintui.store import access

    path = make_demo("--seed", "1", "--today", TODAY.isoformat(), name="full.db")
    manager = read(path, lambda session: next(
        w for w in case_reads.list_workers(session) if w.role == "team_manager"))
    app = CintuiApp(access.locate(path), today=TODAY, worker=manager.username)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        screen = await open_team(pilot)
        quality = screen.query_one("#quality")
        await until(pilot, lambda: quality.row_count > 0 and not screen.reading())
        await settle(pilot)
        cells = quality_cells(quality)
        assert any(c[3].startswith("overdue: ") for c in cells)
        assert any(re.fullmatch(SHORT_QA, c[2]) for c in cells)
        assert quality.virtual_size.width <= quality.scrollable_content_region.width
        await the_quality_table_drawn_whole(pilot, quality)


def drawn_lines(widget) -> list[str]:
    """A widget's lines as drawn on the screen."""
    lines = (widget.render_line(y).text.strip() for y in range(widget.size.height))
    return [line for line in lines if line]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_teams_totals_are_whole_beside_its_choice_at_80_and_120(make_demo, size):
    """WIR 2.3, STO 8.5: the team's totals beside the team's choice. On the demo as a user
    makes it (`cintui demo`: 120 children, two teams) they wrapped past the three lines
    there are and were cut off: at 80x24 "overdue supervision (STO" and the "no change"
    count gone, at 120x40 "months (WIR 2.3)". Every fact is now whole, on the lines shown,
    for each team (the rules' keys left out where they would not fit)."""
    from textual.widgets import Select

    from cintui.app import CintuiApp
    from cintui.casework import cases as case_reads
    from cintui.store import access

    path = make_demo("--seed", "1", "--today", TODAY.isoformat(), name="full.db")
    manager = read(path, lambda session: next(
        w for w in case_reads.list_workers(session) if w.role == "team_manager"))
    app = CintuiApp(access.locate(path), today=TODAY, worker=manager.username)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        screen = await open_team(pilot)
        choice = screen.query_one("#team-choice", Select)
        teams = [value for _label, value in choice._options if value is not Select.NULL]
        assert len(teams) == 2
        for team in teams:
            choice.value = team
            await until(pilot, lambda team=team: screen.view is not None
                        and screen.view.team == team and not screen.reading())
            await settle(pilot)
            total, view = screen.view.total, screen.view
            lines = drawn_lines(screen.query_one("#team-title"))
            facts = [f"{total.children} open", f"{total.overdue_total} overdue",
                     f"{total.no_quality_check} no QA",
                     f"{total.supervision_overdue} overdue supervision",
                     f"{total.no_change} no change in 6 months"] if size[0] < 100 else [
                     view.team, counted(total.overdue_total, "overdue item"),
                     f"{counted(total.no_quality_check, 'plan')} with no quality check",
                     f"{total.supervision_overdue} overdue supervision",
                     f"{counted(total.no_change, 'plan')} with no change in 6 months"]
            if view.to_decide:  # BEX 3: a dispute referred on is not the team manager's
                facts.append(f"{len(view.to_decide)} to decide (w)")
            elif view.waiting:
                facts.append(f"{len(view.waiting)} with the service manager (w)")
            for fact in facts:
                assert any(fact in line for line in lines), (fact, lines)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_service_managers_f4_opens_on_every_team_and_enter_picks_one(make_demo, size):
    """A service manager could see one team at a time, with no line for the service; then
    F4 opened on the team they are in (the demo's first) and v was a second key. F4 alone
    now lists every team's line, the measures a monthly performance meeting reads (WAR 3.5
    caseloads, open children per worker; WAR 8.1, 9.3, STO 8.4-8.5 visits, reviews and plans
    in timescale), each as the team view counts it, and a Service line adding them up;
    Enter on a team shows it in the team view, Esc there comes back to every team's, and
    Esc again to where F4 was pressed."""
    from textual.widgets import Select

    from cintui.app import CintuiApp
    from cintui.casework import caseload as caseload_reads
    from cintui.casework import cases as case_reads
    from cintui.casework import team as team_cases
    from cintui.store import access

    path = make_demo("--seed", "1", "--today", TODAY.isoformat(), name="full.db")
    manager = read(path, lambda session: next(
        w for w in case_reads.list_workers(session) if w.role == "service_manager"))
    app = CintuiApp(access.locate(path), today=TODAY, worker=manager.username)
    async with app.run_test(size=size) as pilot:
        caseload = await until_caseload(pilot)
        await pilot.press("f4")
        await until(pilot, lambda: type(app.screen).__name__ == "ServiceScreen"
                    and app.screen.views is not None)
        service = app.screen
        team_screen = app.screen_stack[-2]
        assert type(team_screen).__name__ == "TeamScreen" and team_screen.view is None
        with caseload_reads.reading(app.store) as rows:
            first_team = next(v for v in team_cases.load_service(rows, TODAY)
                              if v.team == team_cases.my_team(rows, app.worker))
        table = service.query_one("#service")
        labels = [str(c.label) for c in table.columns.values()]
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        teams = [v.team for v in service.views]
        assert len(teams) == 2 and len(rows) == 3 and rows[-1][0] == "Service"
        for column in ("Open", "Overdue"):
            at = labels.index(column)
            assert int(rows[-1][at]) == sum(int(r[at]) for r in rows[:-1])
        mine = rows[teams.index(first_team.team)]
        total = first_team.total
        assert [mine[labels.index(c)] for c in ("Open", "Overdue", "Visits in time",
                                                "Reviews in time", "Plans pass")] == [
            str(total.children), str(total.overdue_total), total.visits.describe(),
            total.reviews.describe(), total.plans.describe()]
        assert all(r[0] in v.team for r, v in zip(rows, service.views, strict=False))
        assert all(len(r[0]) <= table.columns[table.ordered_columns[0].key].width
                   for r in rows)
        assert f"{total.children + int(rows[1 - teams.index(first_team.team)][1])} open" \
            in str(table.border_title)
        drawn = sum(c.get_render_width(table) for c in table.columns.values())
        assert drawn <= table.scrollable_content_region.width
        other = next(t for t in teams if t != first_team.team)
        table.move_cursor(row=teams.index(other))
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is team_screen and team_screen.view is not None
                    and team_screen.view.team == other)
        assert team_screen.query_one("#team-choice", Select).value == other
        await pilot.press("escape")  # back to every team's
        await until(pilot, lambda: type(app.screen).__name__ == "ServiceScreen")
        await pilot.press("escape")  # and to where F4 was pressed
        await until(pilot, lambda: app.screen is caseload)
        assert [type(s).__name__ for s in app.screen_stack].count("TeamScreen") == 0


async def until_caseload(pilot):
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "CaseloadScreen")
    await settle(pilot)
    return pilot.app.screen


async def test_a_team_managers_f4_opens_on_their_team_and_v_esc_comes_back(make_demo):
    """A team manager's F4 is still their own team; v shows every team's, Esc comes back to
    the team view (only a service manager's F4 opens on every team)."""
    from cintui.app import CintuiApp
    from cintui.casework import cases as case_reads
    from cintui.store import access

    path = make_demo("--seed", "1", "--today", TODAY.isoformat(), name="full.db")
    manager = read(path, lambda session: next(
        w for w in case_reads.list_workers(session) if w.role == "team_manager" and w.team))
    app = CintuiApp(access.locate(path), today=TODAY, worker=manager.username)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_caseload(pilot)
        team_screen = await open_team(pilot)
        await until(pilot, lambda: team_screen.view is not None)
        assert team_screen.view.team == manager.team
        await press_to(pilot, "v", screen="ServiceScreen")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is team_screen)
        await settle(pilot)
        assert app.screen is team_screen and team_screen.view.team == manager.team


async def test_a_service_managers_v_esc_comes_back_to_the_team_and_f4_to_all_teams(
        make_demo):
    """A service manager with one team's view open (Enter on it in all teams): v then Esc
    left the team view altogether (to where F4 was pressed), and F4 did nothing. Now v and
    Esc come back to the team shown, as a team manager's do, and F4 goes back to all
    teams, as Esc does; Esc there leaves, as on the list F4 first opened."""
    from cintui.app import CintuiApp
    from cintui.casework import cases as case_reads
    from cintui.store import access

    path = make_demo("--seed", "1", "--today", TODAY.isoformat(), name="full.db")
    manager = read(path, lambda session: next(
        w for w in case_reads.list_workers(session) if w.role == "service_manager"))
    app = CintuiApp(access.locate(path), today=TODAY, worker=manager.username)
    async with app.run_test(size=(80, 24)) as pilot:
        caseload = await until_caseload(pilot)
        await pilot.press("f4")
        await until(pilot, lambda: type(app.screen).__name__ == "ServiceScreen"
                    and app.screen.views is not None)
        team_screen = app.screen_stack[-2]
        shown = app.screen.views[1].team
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.screen is team_screen and team_screen.view is not None
                    and team_screen.view.team == shown)
        await settle(pilot)
        await press_to(pilot, "v", screen="ServiceScreen")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is not None
                    and type(app.screen).__name__ != "ServiceScreen")
        await settle(pilot)
        assert app.screen is team_screen and team_screen.view.team == shown
        await press_to(pilot, "f4", screen="ServiceScreen")
        await pilot.press("escape")  # the list F4 opens: Esc leaves, as at first
        await until(pilot, lambda: app.screen is caseload)
        assert [type(s).__name__ for s in app.screen_stack].count("TeamScreen") == 0


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_all_teams_snapshot(demo_store, snap_compare, size):
    """F4 v: every team's line and the Service line (demo seed 7, fixed TODAY)."""
    app = WeekHost(demo_store)

    async def ready(pilot) -> None:
        await open_team(pilot)
        await pilot.press("v")
        await until(pilot, lambda: type(app.screen).__name__ == "ServiceScreen"
                    and app.screen.views is not None)
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_a_long_team_name_is_its_word_that_tells_it_apart():
    from cintui.screens.team import short_team

    two = ["North Strengthening Families", "South Safeguarding and Support"]
    assert [short_team(n, two, 14) for n in two] == ["North", "South"]
    alike = ["Safeguarding North", "Safeguarding South"]
    assert [short_team(n, alike, 14) for n in alike] == ["North", "South"]
    assert short_team("Safeguarding North", alike, 22) == "Safeguarding North"  # fits
    same = ["Children North A", "Children North B"]
    assert short_team("Children North A", same, 10) == "A"
    assert short_team(two[0], two[:1], 14) == "North"  # the only team


def help_lines(app) -> list[str]:
    """The help as drawn on the screen, a line each, at its widget's width."""
    from rich.console import Console

    widget = app.screen.query_one("#help-text")
    console = Console(width=widget.content_region.width, record=True, file=io.StringIO())
    console.print(widget.render())
    return console.export_text().splitlines()


async def test_at_80x24_the_footer_keeps_every_key_and_help_says_them_in_full(demo_store):
    """Issue 20: at 80x24 the footer keeps the screen's main keys. The team view's footer
    once ended "o Overd": Help and the rest were cut off. The footer's words are now short
    ("o Overdue"), and ? says each in full (STO 8.5)."""
    from tests.screens.test_small_terminal import footer_keys_cut

    app = WeekHost(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_team(pilot)
        keys = [str(k.render()) for k in app.screen.query("FooterKey")]
        # What waits for a manager (w) before reallocating (a, listed in ? help).
        assert keys == ["esc Back", "q QA check", "u Supervision", "o Overdue",
                        "w To decide", "? Help", "^p palette"]
        assert footer_keys_cut(app) == []
        await press_to(pilot, "question_mark", screen="HelpScreen")
        shown = text_of(app.screen, "#help-text")
        assert "Children overdue supervision, most overdue first (STO 8.5)" in shown
        assert "space there marks several for one session" in " ".join(shown.split())
        assert "Record a QA check of the highlighted child's record (BEX 3)" in shown
        assert "Reallocate several of the highlighted worker's children" in shown
        # Drawn at 80 columns, a key's words too long for a line wrap under themselves,
        # beside the keys ("(BEX 3)" once went back to the left edge).
        drawn = [line.rstrip() for line in help_lines(app)]
        qa = next(n for n, line in enumerate(drawn) if line.strip().startswith("q "))
        assert drawn[qa + 1].strip() == "(BEX 3)", drawn[qa:qa + 2]
        assert drawn[qa + 1].index("(") == drawn[qa].index("Record")
        await pilot.press("escape")
        await pilot.resize_terminal(140, 45)  # room again: F1 is named beside ?
        await settle(pilot)
        assert "f1 / ? Help" in [str(k.render()).strip() for k in app.screen.query("FooterKey")]


async def test_census_counts_per_worker_and_enter_lists_what_to_fix(demo_store):
    """Issue: completeness before the deadline: per worker, how many children would be
    left out of the census return or queried; Enter lists them with the DfE rule and what
    to fix, as `cintui report census` does."""
    from cintui.casework import census
    from cintui.domain.census import completeness

    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot)
        await settle(pilot)
        table = screen.query_one("#census")
        assert "CIN census 2026-27 (--year 2027)" in str(
            screen.query_one("#census-title").render())
        rows = {str(table.get_row_at(i)[0]): (int(str(table.get_row_at(i)[1])),
                                              int(str(table.get_row_at(i)[2])))
                for i in range(table.row_count)}
        with reading(demo_store) as conn:
            expected, _ = completeness(census.build_return(conn, 2027))
        assert rows == {w.worker: (len({f.reference for f in w.left_out}),
                                   len({f.reference for f in w.queried}))
                        for w in expected}
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot)
        items = app.screen.query_one("#census-items")
        first = expected[0]
        await until(pilot, lambda: items.row_count == len(first.left_out) + len(first.queried))
        row = [str(c) for c in items.get_row_at(0)]
        found = (*first.left_out, *first.queried)[0]
        assert row[0].endswith(f" {found.reference}")  # the child's name, then reference
        assert row[1] == found.rule and row[3] == found.message
        await press_to(pilot, "escape", screen="TeamScreen")
        assert type(app.screen).__name__ == "TeamScreen"


async def test_p_lists_the_plans_failing_their_checks_and_enter_opens_the_one_read(
        demo_store):
    """WIR 2.3, BEX 2: month end, the team view's "Plans pass" said how many plans failed
    their checks (actions without owners…) but no key led to the children behind it: a
    manager went worker by worker, child by child. At 80x24, p lists every child whose plan
    in force fails, by worker, with what the checks found in a few words ("an action
    without an owner"; in full under the list); Enter opens that child's plan at the version
    the checks read (it opened on a newer draft that passed them), Esc is the team view."""
    from cintui.casework import plans
    from cintui.domain.plan_checks import check_plan
    from cintui.reference.plain_words import load_plain_words

    app = WeekHost(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None and not screen.reading())
        plans_pass = screen.view.total.plans
        await press_to(pilot, "p", screen="PlansFailingScreen")
        listed = app.screen.query_one("#plans-failing")
        rows = [[str(c) for c in listed.get_row_at(i)] for i in range(listed.row_count)]
        assert len(rows) == plans_pass.total - plans_pass.met > 0
        assert f"{len(rows)} of {plans_pass.total} plans fail" in str(listed.border_title)
        failing = app.screen.view.plans_failing
        assert [r[1] for r in rows] == sorted(r[1] for r in rows)  # by worker
        jargon = load_plain_words()
        with app.store.read() as session:
            found = {f.child_id: check_plan(plans.load_version(session, f.version_id),
                                            TODAY, jargon) for f in failing if f.version_id}
        assert all(found.values())  # each fails, read afresh
        assert all(rows[i][2] == "no plan agreed yet"  # counted as failing
                   for i, f in enumerate(failing) if f.child_id not in found)
        owners = [i for i, f in enumerate(failing)
                  if any(p.check == "action_no_owner" for p in found.get(f.child_id, ()))]
        assert owners and all("without an owner" in rows[i][2] for i in owners)
        at = owners[0]
        listed.move_cursor(row=at)
        await pilot.pause()
        detail = " ".join(text_of(app.screen, "#plans-failing-detail").split())
        assert "has no owner: name the person or agency (WIR 2.3)" in detail
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "PlanScreen"
                    and app.screen.version is not None)
        shown = app.screen.version
        assert shown.id == failing[at].version_id and shown.status == "agreed"
        assert any(p.check == "action_no_owner" for p in check_plan(shown, TODAY, jargon))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)


@pytest.mark.both_stores
async def test_children_overdue_supervision_and_u_opens_the_childs_supervision(demo_store):
    """STO 4.5, 8.5: the team view counts the children overdue supervision (the manager's
    list against drift) and shows each plan's next supervision; u opens that child's
    supervision screen, Esc comes back."""
    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot)
        view = screen.view
        title = str(screen.query_one("#team-title").render())
        overdue = view.total.supervision_overdue
        assert f"{overdue} overdue supervision (STO 8.5)" in title
        assert overdue == len(view.supervision_overdue) > 0  # the demo has some
        assert all(q.supervision.overdue for q in view.supervision_overdue)
        quality = screen.query_one("#quality")
        first = view.quality[0]
        assert str(quality.get_row_at(0)[3]) == first.supervision.column()
        quality.focus()
        quality.move_cursor(row=0)
        await press_to(pilot, "u", screen="SupervisionScreen")
        assert type(app.screen).__name__ == "SupervisionScreen"
        assert app.screen.child_id == first.child_id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        # q and who facilitated the QA check typed at once: the words wait for its form
        # (they once reached the list, whose "s" opened the step audits), which opens on
        # who facilitated it (the kind and the day are filled in)
        post_burst(app, [("q", "q"), *words("Jo Synthetic IPSS")])
        await until(pilot, lambda: type(app.screen).__name__ == "QualityCheckFormScreen")
        assert app.screen.query_one("#facilitator").value == "Jo Synthetic IPSS"
        await pilot.press("escape")  # something typed: asked first, y discards it
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        # In the open list of teams a letter searches it, never the view's keys (u, s, …)
        screen.query_one("#team-choice").focus()
        await pilot.press("enter", "s")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")


async def test_u_from_the_workers_lines_chooses_the_child_first_sto_8_5(demo_store):
    """STO 4.5, 8.5: the team view opens on the workers' lines; u there opened the
    supervision of whichever child topped the plans' list below, unchosen (q asked for the
    child first). Now u moves to that list and says to choose the child; u again opens the
    highlighted child's supervision."""
    app = WeekHost(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None and not screen.reading())
        workers, quality = screen.query_one("#workers"), screen.query_one("#quality")
        assert screen.focused is workers
        await pilot.press("u")
        await settle(pilot)
        assert app.screen is screen and screen.focused is quality
        assert "Choose the child, then press u again." in [
            str(n.message) for n in app._notifications]
        await press_to(pilot, "down", "u", screen="SupervisionScreen")
        assert app.screen.child_id == screen.view.quality[1].child_id


async def test_o_lists_every_child_overdue_supervision_even_without_a_plan(demo_store):
    """STO 4.5, 8.5: the title counts every child of the team overdue supervision, but the
    quality table lists only children with a plan; o lists them all (the longest overdue
    first) and Enter opens the chosen child's supervision, to record one."""
    app = WeekHost(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        view = screen.view
        with_plan = {q.child_id for q in view.quality}
        without = [q for q in view.supervision_overdue if q.child_id not in with_plan]
        assert without, "the demo team has a child overdue supervision before any plan"
        await press_to(pilot, "o", screen="SupervisionOverdueScreen")
        listed = app.screen.query_one("#supervision-overdue")
        assert listed.row_count == view.total.supervision_overdue
        names = [str(listed.get_row_at(i)[1]) for i in range(listed.row_count)]  # after ✓
        assert f"{without[0].name} {without[0].reference}" in names
        listed.move_cursor(row=names.index(f"{without[0].name} {without[0].reference}"))
        await press_to(pilot, "enter", screen="SupervisionScreen")
        assert app.screen.child_id == without[0].child_id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_a_new_teams_view_says_why_u_and_o_have_nothing_to_open(cli, new_location):
    """A team just set up (no children yet): u, o and w do nothing, and say why rather than
    look dead (issue 20, "nothing looks dead")."""
    from cintui.app import CintuiApp
    from cintui.store import access
    from tests.screens.test_case_journey import MANAGER, set_up

    db = new_location("team.db")
    set_up(cli, db)
    app = CintuiApp(access.locate(db), worker=MANAGER)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None)
        assert screen.view.quality == [] and screen.view.supervision_overdue == []
        title = str(screen.query_one("#team-title").render()).replace("\n", " · ")
        assert ("0 open · 0 overdue · 0 no QA · 0 overdue supervision (STO 8.5) · 0 no "
                "change in 6 months (WIR 2.3)") in title
        await pilot.press("u", "o", "w")
        await settle(pilot)
        said = " ".join(str(n.message) for n in app._notifications)
        assert "No child with a CIN plan in this team: o lists every child overdue" in said
        assert "No child in this team is overdue supervision." in said
        assert "Nothing waits for a manager's decision, in this team or another." in said
        assert app.screen is screen


async def test_a_caseload_imported_this_week_has_one_known_week_in_the_trend(
        cli, new_location, tmp_path):
    """An imported case is judged only from the day it came (revision 0027): the team's
    12-week visit trend has this week alone, and says so, where it once drew eleven weeks
    of 0% from the visits the old system did not carry over; its supervision is due from
    the import, not overdue from the plan's start."""
    from cintui.app import CintuiApp
    from cintui.store import access
    from tests.cli.test_import_cli import empty_store

    friday = date(2026, 11, 20)  # imported on a Friday: the trend's last point is that day
    db = empty_store(cli, new_location("team.db"))
    csv = tmp_path / "caseload.csv"
    csv.write_text("reference,first_name,last_name,dob,worker,referral_date,cin_plan_start,"
                   "last_visit\nLCS1,Ava,Brook,31/12/2016,wendy.worker,02/03/2026,14/04/2026,"
                   "13/11/2026\n")
    assert cli("import", "caseload", csv, "--db", db, "--today", friday.isoformat()).code == 0
    app = CintuiApp(access.locate(db), today=friday, worker="wendy.worker")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None)
        assert [p.measure.total for p in screen.view.trend] == [0] * 11 + [1]
        label = str(screen.query_one("#trend-label").render())
        assert "20 Nov: 100% (the only week known)" in label
        # The one week is one full bar in its place, the eleven unjudged weeks dots; a
        # sparkline once filled the whole width with a block for a single week.
        bars = str(screen.query_one("#trend").render()).splitlines()
        assert bars == [" " * 33 + "██", " ".join(["··"] * 11 + ["██"])]
        # STO 4.5, 8.5: no supervision came with the file, so none is "overdue since May":
        # the first here is due within 4 weeks of the import.
        assert screen.view.supervision_overdue == []
        assert [(q.supervision.due, q.supervision.overdue) for q in screen.view.quality] == [
            (date(2026, 12, 18), False)]



def test_the_trend_bars_are_on_a_fixed_scale_not_the_datas_own():
    """A manager reads the visit trend (WAR 8.1, 9.3) against 100%, not against the team's own
    best and worst weeks: Textual's sparkline drew 96% then 95% as a full bar and an empty
    one. Here 100% is always full, 50% half, 0% a bottom eighth, a week with nothing to
    judge a dot; and they narrow to fit a laptop's width."""
    from cintui.screens.widgets.bars import bar_lines, fitting

    top, bottom = bar_lines([100, 96, 95, 50, 0, None], height=2, width=1)
    assert (top, bottom) == ("█ ▇ ▇      ", "█ █ █ █ ▁ ·")
    assert fitting(12, 35) == (2, 1) and fitting(12, 34) == (1, 1) and fitting(12, 20) == (1, 0)


async def test_plans_with_no_positive_change_are_counted_per_worker_wir_2_3(demo_store):
    """WIR 2.3 (drift): a plan with a worry still Red or Amber and no need rated better in
    six months, nor a conference considered, leads to discussing a child protection
    conference. The team view counts such plans per worker (the same children whose
    Summary says so) in a "No change" column, and the team's total in its title."""
    from cintui.casework import caseload, record

    def stalled(session):
        out: dict = {}
        for c in caseload.list_children(session, TODAY, open_only=True):
            if record.no_change_prompt(session, c.id, TODAY):
                out[c.worker] = out.get(c.worker, 0) + 1
        return out

    expected = read(demo_store, stalled)
    assert sum(expected.values()) > 0  # the demo has drift to find
    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None)
        assert {w.name: w.no_change for w in screen.view.workers if w.no_change} == expected
        table = screen.query_one("#workers")
        labels = [str(c.label) for c in table.columns.values()]
        column = labels.index("No change")
        shown = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[column])
                 for i in range(table.row_count)}
        for name, n in expected.items():
            assert shown[name] == str(n)
        total = sum(expected.values())
        assert shown["Team"] == str(total)
        assert (f"{counted(total, 'plan')} with no change in 6 months (WIR 2.3)"
                in str(screen.query_one("#team-title").render()))


async def test_c_lists_the_children_behind_no_change_and_enter_opens_the_record_wir_2_3(
        demo_store):
    """WIR 2.3 (drift): the team view counted the plans with no change in six months (23 in
    the demo's title at 80x24) but no key led to which children: c lists them, the longest
    without a need rated better first (the same children whose Summary says so); Enter opens
    the child's record, where D records the conference considered; Esc is the team view."""
    from cintui.casework import caseload, record

    def stalled(session):
        return {c.name for c in caseload.list_children(session, TODAY, open_only=True)
                if record.no_change_prompt(session, c.id, TODAY)}

    expected = read(demo_store, stalled)
    assert expected
    app = WeekHost(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None and not screen.reading())
        await press_to(pilot, "c", screen="NoChangeScreen")
        listed = app.screen.query_one("#no-change")
        names = [str(listed.get_row_at(i)[0]) for i in range(listed.row_count)]
        assert set(names) == expected and len(names) == screen.view.total.no_change
        assert f"{len(names)} with no change in 6 months (WIR 2.3)" in str(listed.border_title)
        since = [since for _row, since in app.screen.view.no_change]
        assert since == sorted(since)  # the longest first
        await press_to(pilot, "down", "enter", screen="ChildScreen")
        assert app.screen.child_id == screen.view.no_change[1][0].child_id
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)


async def test_w_lists_what_waits_for_the_manager_and_enter_takes_them_to_it_tra(
        cli, new_location, monkeypatch, tmp_path):
    """A team manager's first look: "1 to decide (w)" beside the team's counts; w lists the
    assessment Amira sent for authorisation, the longest waiting first; Enter opens Leo's
    case steps, where a authorises it (TRA); back on the team view the plan's start is what
    waits now. At 80x24: the footer keeps w, and every word of the list is whole."""
    from cintui.app import CintuiApp
    from cintui.store import access
    from tests.cli.test_steps_cli import to_completed
    from tests.screens.test_case_journey import MANAGER, WORKER, set_up

    db = new_location("team.db")
    set_up(cli, db)
    monkeypatch.setenv("CINTUI_USER", WORKER)
    assert cli("child", "add", "--db", db, "--first-name", "Leo", "--last-name", "Ward",
               "--dob", "2017-05-02", "--referral-date", "2026-09-01", "--worker",
               WORKER).code == 0
    to_completed(cli, db, tmp_path)  # sent to the line manager on 12 October
    monkeypatch.setenv("CINTUI_USER", MANAGER)
    app = CintuiApp(access.locate(db), worker=MANAGER, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        # Tom holds no children: he opens on the team's, told where to look (F4 w).
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen"
                    and app.screen.view == "team")
        assert "(you hold none: 1 for yours; F4 w: what waits for a manager)" in text_of(
            app.screen, "#summary")
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None)
        assert str(screen.query_one("#team-title").render()).startswith(
            "1 to decide (w) · 1 open · ")
        keys = [str(k.render()) for k in app.screen.query("FooterKey")]
        assert "w To decide" in keys and "? Help" in keys
        await press_to(pilot, "w", screen="WaitingScreen")
        table = app.screen.query_one("#waiting")
        assert [str(c) for c in table.get_row_at(0)] == [
            "Leo Ward", "Amira Khan", "Authorise assessment", "12 Oct, 30 days"]
        assert "(working days)" in str(table.border_title)
        await press_to(pilot, "enter", screen="CaseStepsScreen")
        await press_to(pilot, "a", screen="AuthoriseFormScreen")
        await press_to(pilot, "ctrl+s", screen="CaseStepsScreen")
        await pilot.press("escape", "escape")  # the steps, Leo's record: the team view
        await until(pilot, lambda: app.screen is screen and screen.view.waiting
                    and screen.view.waiting[0].kind == "plan_start")
        # "w Enter" typed at once: the list, then its first (the plan's start) opened.
        post_burst(app, [("w", "w"), ("enter", None)])
        await until(pilot, lambda: type(app.screen).__name__ == "CaseStepsScreen")
        assert [type(s).__name__ for s in app.screen_stack[-3:]] == [
            "TeamScreen", "ChildScreen", "CaseStepsScreen"]


async def test_t_on_what_waits_shows_all_teams_then_this_one_again(demo_store):
    """A service manager's view: w lists this team's decisions waiting; t every team's,
    each with its team (a closure recommended in another team is there); t this team's."""
    from cintui.app import CintuiApp
    from cintui.casework import admin, caseload, cases, endings
    from cintui.store import access
    from cintui.store.engine import open_store

    store = open_store(demo_store, None)
    try:
        recommended = {}  # team -> the child whose closure was recommended
        with store.session("tests") as session:
            (north,) = {c.team for c in caseload.list_children(session, TODAY)}
            for child in caseload.list_children(session, TODAY, open_only=True):
                try:
                    endings.recommend_closure(session, child.id, on=TODAY, by="A Worker",
                                              today=TODAY)
                except endings.EndingError:
                    continue  # one already under way
                recommended[north] = child.name
                break
            admin.add_team(session, admin.TeamInput("Disability South", "Disability"))
            admin.add_worker(session, "zara.south", admin.WorkerInput(
                "Zara South", "social worker", "Disability South", ""))
            zed = cases.add_child(session, cases.NewChild(
                first_name="Zed", last_name="Other", dob=date(2015, 1, 5),
                referral_date=date(2026, 11, 2), worker="zara.south"), TODAY)
            endings.recommend_closure(session, zed.id, on=TODAY, by="Zara South", today=TODAY)
            recommended["Disability South"] = "Zed Other"
            teams = [north, "Disability South"]
            manager = next(w for w in cases.list_workers(session)  # the team view's own
                           if w.team == north)
    finally:
        store.close()
    assert len(recommended) == 2
    app = CintuiApp(access.locate(demo_store), today=TODAY, worker=manager.username)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None and screen.view.team == teams[0])
        await press_to(pilot, "w", screen="WaitingScreen")

        def shown() -> tuple[str, list[list[str]]]:
            table = app.screen.query_one("#waiting")
            return str(table.border_title), [[str(c) for c in table.get_row_at(i)]
                                             for i in range(table.row_count)]

        title, rows = shown()
        assert "t: all teams" in title
        assert [r[0] for r in rows if r[0] in recommended.values()] == [recommended[teams[0]]]
        await pilot.press("t")
        await settle(pilot)
        title, rows = shown()
        assert title.startswith(f"{len(rows)} to decide, all teams (working days)")
        (team_shown,) = [r[1] for r in rows if r[0] == recommended[teams[1]]]
        assert teams[1].startswith(team_shown.rstrip("…"))  # its team, cut to the column
        await pilot.press("t")
        await settle(pilot)
        assert recommended[teams[1]] not in [r[0] for r in shown()[1]]


async def test_f4_w_at_once_waits_for_the_team_then_lists_what_to_decide(demo_store,
                                                                         monkeypatch):
    """"F4 w", as the caseload's note tells a manager, typed at once on a slow store: the
    team view reads the team in the background, and the "w" waits for it, then acts (the
    decisions waiting, or that none wait). It once did nothing at all."""

    from cintui.app import CintuiApp
    from cintui.casework import cases
    from cintui.casework import team as team_cases
    from cintui.store import access
    from cintui.store.engine import open_store

    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            manager = next(w for w in cases.list_workers(session)
                           if w.role == "team_manager" and w.team)
    finally:
        store.close()
    released = held_back(monkeypatch, team_cases, "load_team_view")
    app = CintuiApp(access.locate(demo_store), today=TODAY, worker=manager.username)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        post_burst(app, [("f4", None), ("w", "w")])
        await until_shown(pilot, lambda: type(app.screen).__name__ == "TeamScreen")
        await pilot.pause(0.3)  # the key read meanwhile has not acted yet
        assert type(app.screen).__name__ == "TeamScreen"
        released.set()
        await until(pilot, lambda: type(app.screen).__name__ == "WaitingScreen" or any(
            "Nothing waits" in str(n.message) for n in app._notifications))


async def test_a_service_managers_f4_w_at_once_lists_every_teams_decisions(
        make_demo, monkeypatch):
    """TRA, BEX 3: "F4 w", as the caseload tells a service manager holding no children,
    typed at once while every team is read: F4 opens on all teams and the "w" waits for
    them, then lists every team's decisions waiting, longest first (the list's t, to one
    team, left out: there is none). Enter opens one; Esc comes back to all teams."""
    from cintui.app import CintuiApp
    from cintui.casework import caseload, cases
    from cintui.casework import team as team_cases
    from cintui.store import access
    from cintui.store.engine import open_store

    path = make_demo("--seed", "1", "--today", TODAY.isoformat(), name="full.db")  # 2 teams
    store = open_store(path, None)
    try:
        with store.read() as session:
            manager = next(w for w in cases.list_workers(session)
                           if w.role == "service_manager")
        with caseload.reading(store) as rows:
            expected = team_cases.waiting_for_manager(rows)
    finally:
        store.close()
    assert expected
    released = held_back(monkeypatch, team_cases, "load_service")
    app = CintuiApp(access.locate(path), today=TODAY, worker=manager.username)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        post_burst(app, [("f4", None), ("w", "w")])
        await until_shown(pilot, lambda: type(app.screen).__name__ == "ServiceScreen")
        await pilot.pause(0.3)  # the key read meanwhile has not acted yet
        assert type(app.screen).__name__ == "ServiceScreen"
        released.set()
        await until(pilot, lambda: type(app.screen).__name__ == "WaitingScreen")
        waiting = app.screen
        table = waiting.query_one("#waiting")
        assert table.row_count == len(expected)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [
            w.name for w in expected]
        assert "t: this team" not in str(table.border_title)
        await pilot.press("t")  # nothing to go back to: the list stays every team's
        assert waiting.every and table.row_count == len(expected)
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ not in ("WaitingScreen",
                                                                     "ServiceScreen"))
        for _ in range(3):  # the closure, the record, then all teams
            if type(app.screen).__name__ == "ServiceScreen":
                break
            await pilot.press("escape")
            await settle(pilot)
        assert type(app.screen).__name__ == "ServiceScreen"
        assert type(app.screen_stack[-2]).__name__ == "TeamScreen"


async def test_a_key_as_another_teams_rows_are_read_acts_on_that_team(demo_store, cli,
                                                                      monkeypatch):
    """Another team chosen in the list, then "a" (reallocate the highlighted worker's
    children) as its rows are read, on a slow store: the key waits for them and acts on the
    chosen team's first worker. It once acted on the team shown before: a manager about to
    reallocate the children of a worker in the wrong team."""
    from cintui.casework import team as team_cases

    db = ("--db", str(demo_store))
    assert cli("team", "add", "South Family Support", "--service", "Safeguarding",
               *db).code == 0
    assert cli("worker", "add", "zed.south", "--name", "Zed South", "--role", "SW",
               "--team", "South Family Support", *db).code == 0
    children = json.loads(cli("child", "list", "--json", *db).out)
    moved = next(c["reference"] for c in children
                 if c["reference"] != REFERENCE and c["status"] == "cin_plan")
    manager = next(w["username"] for w in json.loads(cli("worker", "list", "--json", *db).out)
                   if w["role"] == "team_manager")
    assert cli("child", "reallocate", moved, "--to", "zed.south", "--by", manager,
               *db).code == 0
    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot)
        before = screen.team
        choice = screen.query_one("#team-choice")
        teams = [value for _label, value in choice._options if isinstance(value, str)]
        steps = teams.index("South Family Support") - teams.index(before)
        released = held_back(monkeypatch, team_cases, "load_team_view")
        choice.focus()
        await pilot.press("enter")  # the list of teams, open
        await settle(pilot)
        await pilot.press(*["down" if steps > 0 else "up"] * abs(steps), "enter")
        assert screen.team == "South Family Support"  # its rows still being read
        post_burst(app, [("a", "a")])
        await pilot.pause(0.3)  # the "a" has not acted on the team shown before
        assert type(app.screen).__name__ == "TeamScreen"
        released.set()
        await until(pilot, lambda: type(app.screen).__name__ == "ReallocateScreen")
        assert app.screen.username == "zed.south"


@pytest.mark.parametrize("width", [80, 106, 120, 128])
async def test_the_team_view_fits_the_screen_at_every_width(demo_store, width):
    """Every column of the team view's tables is on the screen whatever its width: at 120
    columns both tables once ran off its edge. From 128 "Overdue by kind" is shown and the
    quality table names each child with their reference; under it, as on a laptop."""
    from textual.widgets import DataTable

    app = WeekHost(demo_store)
    async with app.run_test(size=(width, 40)) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None)
        for table in screen.query(DataTable):
            assert table.max_scroll_x == 0, (table.id, table.max_scroll_x)
        labels = [str(c.label) for c in screen.query_one("#workers").columns.values()]
        assert ("Overdue by kind" in labels) == (width >= 128)
        assert ("Plans pass" in labels) and ("Reviews in time" in labels)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_reallocation_form_fits_a_laptops_screen_title_and_all(demo_store, size):
    """At 80x24 the reallocation form (a on a worker's line) opened scrolled to its list of
    children, 10 high, and its title (whose children, and how: space marks each) was off
    the top. The list gives up rows (three children at least) so the whole form is on the
    screen, title to Save, and stays so when its problems are shown; at 120x40 it is 10."""
    app = WeekHost(demo_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None)
        screen.query_one("#workers").focus()
        await press_to(pilot, "a", screen="ReallocateScreen")
        form = app.screen
        await until(pilot, lambda: form.query_one("#children").row_count > 0)
        await settle(pilot)

        def in_view(selector: str) -> bool:
            return form.query_one("#form").scrollable_content_region.contains_region(
                form.query_one(selector).region)
        title = " ".join(text_of(form, "#form-title").split())
        assert title.startswith("Reallocate ") and title.endswith(
            "space marks each child, then choose who takes them")
        assert all(in_view(s) for s in ("#form-title", "#children", "#reason", "#save"))
        table = form.query_one("#children")
        assert table.size.height == 10 if size == (120, 40) else 4 <= table.size.height < 10
        await pilot.press("ctrl+s")  # nothing marked, no one chosen: two problems' lines
        await settle(pilot)
        assert "mark at least one child" in text_of(form, "#children-error")
        assert all(in_view(s) for s in ("#form-title", "#children-error", "#to-error",
                                        "#save"))
        assert table.size.height >= 4


def _manager_with_a_visit_after_closure(cli, new_location, monkeypatch, today=TODAY):
    """The app, as the team's manager, on a store set up from empty where Leo Ward's case
    closed and a laptop's visit dated after the closure arrived (TRA, BEX 3); `today`: the
    app's."""
    from cintui.app import CintuiApp
    from cintui.store import access
    from cintui.store.engine import open_store
    from tests.casework.test_waiting import closed_with_a_later_visit
    from tests.screens.test_case_journey import MANAGER, WORKER, set_up

    db = new_location("team.db")
    set_up(cli, db)
    monkeypatch.setenv("CINTUI_USER", WORKER)
    added = cli("child", "add", "--db", db, "--first-name", "Leo", "--last-name", "Ward",
                "--dob", "2017-05-02", "--referral-date", "2026-09-01", "--worker", WORKER,
                "--json")
    assert added.code == 0, added.err
    store = open_store(db, None)
    try:
        with store.read() as session:
            from cintui.casework import cases
            leo = cases.find_child(session, "Leo Ward").id
        closed_with_a_later_visit(store, leo, "Amira Khan")
    finally:
        store.close()
    monkeypatch.setenv("CINTUI_USER", MANAGER)
    return CintuiApp(access.locate(db), worker=MANAGER, today=today)


@pytest.mark.parametrize(("today", "since"), [(date(2027, 4, 16), "21 Nov, 100 days"),
                                              (date(2031, 11, 21), "21 Nov, 1,265 days")],
                         ids=["100", "1265"])
async def test_a_wait_of_a_hundred_working_days_or_more_is_read_whole_at_80x24(
        cli, new_location, monkeypatch, today, since):
    """TRA, BEX 3: a visit kept after the closure that has waited 100 working days or more
    (21 Nov 2026 to Fri 16 Apr 2027: 100; to 21 Nov 2031: 1,265, thousands grouped) reads
    whole on the manager's list at 80x24: it was cut ("21 Nov, 100 da…"). The child's
    name still reads whole beside it, and nothing scrolls sideways."""
    app = _manager_with_a_visit_after_closure(cli, new_location, monkeypatch, today)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None)
        await press_to(pilot, "w", screen="WaitingScreen")
        table = app.screen.query_one("#waiting")
        row = [str(c) for c in table.get_row_at(0)]
        assert row == ["Leo Ward", "Amira Khan", "Visit after closure", since]
        widths = [c.width for c in table.columns.values()]
        assert all(len(cell) <= width for cell, width in zip(row, widths, strict=True))
        assert table.virtual_size.width <= table.size.width  # no sideways scrolling


async def test_the_waiting_list_stays_open_when_its_last_item_is_decided_elsewhere(
        cli, new_location, monkeypatch):
    """BEX 4: the manager's list is open on the one visit kept after the closure; a decision
    on the child recorded in another terminal answers it, and the list, read again in place,
    is empty (its column widths are worked out from the waits shown: with none, none)."""
    from tests.conftest import run_subprocess
    from tests.screens.test_case_journey import MANAGER

    app = _manager_with_a_visit_after_closure(cli, new_location, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None)
        await press_to(pilot, "w", screen="WaitingScreen")
        waiting = app.screen
        assert len(waiting.rows) == 1
        watcher = app.live_updates
        watcher.look_now()
        done = run_subprocess("decision", "add", "Leo Ward", "--kind", "case_direction",
                              "--decision", "The case stays closed", "--rationale",
                              "A goodbye visit", "--db",
                              app.location.url or str(app.location.path), "--today",
                              TODAY.isoformat(), env={"CINTUI_USER": MANAGER})
        assert done.returncode == 0, done.stderr
        watcher.look_now()
        await until(pilot, lambda: waiting.rows == [])
        await settle(pilot)
        assert app.screen is waiting and waiting.query_one("#waiting").row_count == 0


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_waiting_list_with_a_long_wait_snapshot(cli, new_location, monkeypatch,
                                                snap_compare, size):
    """F4 w, the manager's waiting list, with a visit kept after the closure that has waited
    1,265 working days (TRA, BEX 3): the wait whole, the child's name beside it."""
    app = _manager_with_a_visit_after_closure(cli, new_location, monkeypatch,
                                              date(2031, 11, 21))

    async def ready(pilot) -> None:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None)
        await press_to(pilot, "w", screen="WaitingScreen")
        app.sub_title = "team.db"
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)


async def test_a_decision_typed_on_as_enter_opens_its_form_goes_into_its_boxes(
        cli, new_location, monkeypatch):
    """Nothing typed is lost (BEX 4: a decision recorded with its rationale): on the
    manager's waiting list, Enter and the decision typed straight after it, faster than the
    record and its decision form open, go into the form's boxes in order. The keys read
    behind Enter went to the list and were lost; a burst once put both texts into the
    rationale and overwrote "Decided by"."""
    from textual.widgets import Input, TextArea

    app = _manager_with_a_visit_after_closure(cli, new_location, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None)
        await press_to(pilot, "w", screen="WaitingScreen")
        post_burst(app, [("enter", None), *((c if c != " " else "space", c)
                                            for c in "Stays closed"),
                         ("tab", None), *((c if c != " " else "space", c)
                                          for c in "A goodbye visit")])
        await until(pilot, lambda: type(app.screen).__name__ == "DecisionFormScreen"
                    and app.screen.query_one("#rationale", TextArea).text != "")
        form = app.screen
        assert form.query_one("#decision", Input).value == "Stays closed"
        assert form.query_one("#rationale", TextArea).text == "A goodbye visit"
        assert form.query_one("#by", Input).value == "Tom Hale"


async def test_a_visit_after_the_closure_waits_for_the_manager_and_enter_records_a_decision(
        cli, new_location, monkeypatch):
    """TRA, BEX 3: a visit a laptop recorded offline after the case closed on the server is
    kept; the manager finds it under w ("Decide on a visit after the closure (BEX 3)", the day
    of the visit), at 80x24 with every word whole; Enter opens the decision form on the
    child's record (BEX 4), and once it is saved the list no longer has it."""
    app = _manager_with_a_visit_after_closure(cli, new_location, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None)
        assert str(screen.query_one("#team-title").render()).startswith("1 to decide (w)")
        await press_to(pilot, "w", screen="WaitingScreen")
        table = app.screen.query_one("#waiting")
        assert [str(c) for c in table.get_row_at(0)] == [
            "Leo Ward", "Amira Khan", "Visit after closure", "21 Nov, 1 day"]
        await press_to(pilot, "enter", screen="DecisionFormScreen")
        assert str(app.screen.query_one("#decision-about").render()) == (
            "About a visit on 21 Nov 2026 by Amira Khan, kept after the case closed "
            "(TRA, BEX 3)")
        await type_text(pilot, "The case stays closed; the visit is kept on the record")
        await pilot.press("tab")
        await type_text(pilot, "The family had moved; it was a goodbye visit")
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen and screen.view is not None
                    and not screen.view.waiting)
        assert "to decide" not in str(screen.query_one("#team-title").render())


def _manager_with_casework_after_closure(cli, new_location, monkeypatch):
    """As `_manager_with_a_visit_after_closure`, with casework of every other kind a laptop
    may bring after the closure (tests.casework.test_waiting), not a visit."""
    from cintui.app import CintuiApp
    from cintui.store import access
    from cintui.store.engine import open_store
    from tests.casework.test_waiting import closed_with_later_casework
    from tests.screens.test_case_journey import MANAGER, WORKER, set_up

    db = new_location("team.db")
    set_up(cli, db)
    monkeypatch.setenv("CINTUI_USER", WORKER)
    added = cli("child", "add", "--db", db, "--first-name", "Leo", "--last-name", "Ward",
                "--dob", "2017-05-02", "--referral-date", "2026-09-01", "--worker", WORKER,
                "--json")
    assert added.code == 0, added.err
    store = open_store(db, None)
    try:
        with store.read() as session:
            from cintui.casework import cases
            leo = cases.find_child(session, "Leo Ward").id
        closed_with_later_casework(store, leo, "Amira Khan")
    finally:
        store.close()
    monkeypatch.setenv("CINTUI_USER", MANAGER)
    return CintuiApp(access.locate(db), worker=MANAGER, today=date(2026, 12, 7))


SHORT_KEPT = ["Meeting held, closed", "Booked after closure", "Supervision, closed",
              "GCP2 after closure", "Statement, closed", "Goal after closure",
              "Scaling, closed", "FGC after closure", "FGC held, closed", "Short break, closed",
              "Direct pay, closed"]


async def test_the_decision_form_from_the_list_says_which_record_it_is_about_tra_bex_4(
        cli, new_location, monkeypatch):
    """BEX 4, TRA, BEX 3: Enter on casework kept after the closure opens the decision form
    saying, at its top, which record it decides on: the kind, its day, who made it and when
    it was recorded (it said only "Record a decision", for a visit too). The decision and its
    rationale are left to the manager, empty; D later on the record is a decision of its own,
    about nothing named. At 80x24."""
    from textual.widgets import Input, Select, TextArea

    app = _manager_with_casework_after_closure(cli, new_location, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None)
        await press_to(pilot, "w", screen="WaitingScreen")
        await pilot.press("down", "enter")  # the meeting booked for 22 Nov, booked on 21 Nov
        await until(pilot, lambda: type(app.screen).__name__ == "DecisionFormScreen")
        form = app.screen
        about = form.query_one("#decision-about")
        assert str(about.render()) == (
            "About a meeting booked for 22 Nov 2026 by Amira Khan, recorded 21 Nov 2026, "
            "kept after the case closed (TRA, BEX 3)")  # who booked it: `meeting.booked_by`
        top = form.query_one("#form").region
        assert about.region.y < form.query_one("#kind").region.y  # at the top, in view
        assert top.contains_region(about.region)
        assert (form.query_one("#decision", Input).value,
                form.query_one("#rationale", TextArea).text) == ("", "")
        assert form.query_one("#kind", Select).value == "case_direction"
        await press_to(pilot, "escape", screen="ChildScreen")
        await press_to(pilot, "D", screen="DecisionFormScreen")
        assert not app.screen.query("#decision-about")


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (140, 45)],
                         ids=["80x24", "120x40", "140x45"])
async def test_casework_after_the_closure_waits_under_w_each_in_its_words_whole(
        cli, new_location, monkeypatch, size):
    """TRA, BEX 3: a meeting held or booked, a supervision, a GCP2, Signs of Safety, an FGC,
    a short break or direct payment a laptop brought after the case closed each waits under
    w in words for its kind (none was listed), every word whole: the rule's words where
    they all fit (140 columns), else the short words (80 and 120). Enter on one opens the decision form (BEX 4), and once a decision
    is saved none is left."""
    from tests.casework.test_waiting import KEPT_WORDS

    app = _manager_with_casework_after_closure(cli, new_location, monkeypatch)
    async with app.run_test(size=size) as pilot:
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None)
        assert "11 to decide (w)" in str(screen.query_one("#team-title").render())
        await press_to(pilot, "w", screen="WaitingScreen")
        table = app.screen.query_one("#waiting")
        said = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        room = list(table.columns.values())[2].width
        full = [what[:1].upper() + what[1:] for what, _day, _by in KEPT_WORDS]
        # At 120 most of the rule's words do not fit: the kind says each in its short words
        # (not the scaling's whole and the rest short).
        assert said == (full if size == (140, 45) else SHORT_KEPT)
        assert max(len(s) for s in said) <= room  # every word whole
        assert table.virtual_size.width <= table.size.width  # no sideways scrolling
        since = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        # Each from when it was recorded: the meeting booked for 22 Nov was booked on 21 Nov
        # (it read "22 Nov": a booking for a day to come read "today" until that day).
        assert since[:3] == ["21 Nov, 11 days", "21 Nov, 11 days", "23 Nov, 10 days"]
        assert max(len(s) for s in since) <= list(table.columns.values())[3].width  # whole
        await press_to(pilot, "enter", screen="DecisionFormScreen")
        await type_text(pilot, "The case stays closed; what was recorded is kept")
        await pilot.press("tab")
        await type_text(pilot, "The family had moved away")
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen and screen.view is not None
                    and not screen.view.waiting)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_dispute_referred_on_waits_on_the_service_manager_not_the_team_manager(
        demo_store, size):
    """BEX 3 (DOMAIN.md §7: disputes go to the team manager, then the service manager): the
    demo's dispute the team manager has referred on. On his `w` it is not his to do: "1 to
    decide" counts only his, and its line says whom it waits on, by name ("With Morgan
    Fielding"; it said "Settle dispute", and `s` let him record it). On the service
    manager's all-teams `w` it is theirs to settle, and counted."""
    from cintui.app import CintuiApp
    from cintui.casework import cases, endings
    from cintui.store import access
    from cintui.store.engine import open_store

    with connect(demo_store) as conn:
        ref, name, manager, service, service_name = conn.execute(
            "SELECT c.reference, c.first_name || ' ' || c.last_name, tm.username, "
            "sm.username, sm.name FROM ending e JOIN child c ON c.id = e.child_id "
            "JOIN worker tm ON tm.team_id = c.team_id AND tm.role = 'team_manager' "
            "JOIN worker sm ON sm.role = 'service_manager' WHERE e.status = 'disputed'"
        ).fetchone()
    store = open_store(demo_store, None)
    try:  # the team manager refers it on
        with store.session(manager) as session:
            endings.settle_dispute(session, cases.find_child(session, ref).id,
                                   outcome="escalated", rationale="A view from outside",
                                   on=TODAY, today=TODAY, actor=manager)
    finally:
        store.close()

    def shown(app) -> tuple[str, dict[str, list[str]]]:
        table = app.screen.query_one("#waiting")
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        return str(table.border_title), {r[0].split(" DEMO")[0]: r for r in rows}

    app = CintuiApp(access.locate(demo_store), today=TODAY, worker=manager)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        screen = await open_team(pilot)
        await until(pilot, lambda: screen.view is not None and not screen.reading())
        view = screen.view
        theirs = [w for w in view.waiting if w.kind != "dispute_referred"]
        assert len(view.waiting) == len(theirs) + 1
        title = " ".join(drawn_lines(screen.query_one("#team-title")))
        assert (f"{len(theirs)} to decide (w)" if theirs else
                "1 with the service manager (w)") in title, title
        await press_to(pilot, "w", screen="WaitingScreen")
        border, rows = shown(app)
        assert border.startswith(f"{len(theirs)} to decide, 1 with the service manager")
        assert "…" not in border  # whole at 80 columns too
        said = rows[name][-2]
        assert said == (f"With {service_name}" if size[0] < 120 else
                        f"With {service_name} (service manager)")
        assert list(rows)[-1] == name  # after what is his to decide
    app = CintuiApp(access.locate(demo_store), today=TODAY, worker=service)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        screen = await open_team(pilot)  # one team: F4 is its view
        await until(pilot, lambda: screen.view is not None and not screen.reading())
        title = " ".join(drawn_lines(screen.query_one("#team-title")))
        assert f"{len(theirs) + 1} to decide (w)" in title, title
        await press_to(pilot, "w", screen="WaitingScreen")
        border, rows = shown(app)
        assert border.startswith(f"{len(rows)} to decide (working days)")
        assert rows[name][-2] == ("Settle dispute" if size[0] < 120 else
                                  "Settle the dispute referred on (BEX 3)")
