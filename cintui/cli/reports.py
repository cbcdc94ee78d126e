"""`cintui report compliance|performance`: the manager's and committee's reports (DOMAIN.md
§6, §8); `cintui step-audit list|record`: the monthly audits of the cases that stepped down
to early help or up from it (STO 7.13). Registered on the Typer app when `cintui.cli` is
imported."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated

import typer

from cintui.cli.common import (
    ChildArg,
    CliError,
    DbOption,
    JsonOption,
    OnOption,
    TodayOption,
    _echo_json,
    _open,
    _parse_date,
    _reading,
    _rich_console,
    _today,
    app,
)
from cintui.domain.dates import day_short, day_words

report_app = typer.Typer(help="Reports for managers and committees: compliance with "
                              "timescales, performance, and census completeness.",
                         no_args_is_help=True)
app.add_typer(report_app, name="report")

FromOption = Annotated[str | None, typer.Option(
    "--from", help="First day, YYYY-MM-DD (default: 1 April of this financial year).")]
ToOption = Annotated[str | None, typer.Option(
    "--to", help="Last day, YYYY-MM-DD (default: today).")]
TeamOption = Annotated[str | None, typer.Option(
    "--team", help="One team: its name, or a word only one team's name has (south).")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
CsvFlag = Annotated[bool, typer.Option("--csv", help="Print CSV, one measure a row.")]
MdFlag = Annotated[bool, typer.Option("--md", help="Print Markdown for a committee paper.")]


def _period(start: str | None, end: str | None, today: str | None) -> tuple[date, date]:
    from cintui.domain.reports import financial_year_start

    now = _today(today)
    last = _parse_date(end, "--to") if end is not None else now
    first = _parse_date(start, "--from") if start is not None else financial_year_start(last)
    if first > last:
        raise CliError(f"--from {first.isoformat()} is after --to {last.isoformat()}")
    if last > now:
        # A report counts what has happened: a visit due after today was counted as missed
        # and children "open" at a month end still to come.
        raise CliError(f"--to {last.isoformat()} is after today ({day_words(now)}): a report "
                       "counts what has happened; leave --to out for the period to today")
    return first, last


def _words(iso: str) -> str:
    """A report's ISO day (its JSON's, its CSV's) as the heading says it: "7 Dec 2026"."""
    return day_words(date.fromisoformat(iso))


def _one_format(**flags: bool) -> str | None:
    chosen = [name for name, on in flags.items() if on]
    if len(chosen) > 1:
        raise CliError("choose one output: " + " or ".join(f"--{n}" for n in chosen))
    return chosen[0] if chosen else None


def _team(rows, team: str | None) -> str | None:
    from cintui.casework import reports

    try:
        return reports.resolve_team(rows, team)
    except reports.ReportError as exc:
        raise CliError(str(exc)) from None


ComplianceFromOption = Annotated[str | None, typer.Option(
    "--from", help="First day, YYYY-MM-DD (with --to: default 1 April of its financial "
                   "year; without either, the last full month).")]
ComplianceToOption = Annotated[str | None, typer.Option(
    "--to", help="Last day, YYYY-MM-DD (default: today; without --from either, the last "
                 "full month).")]
ReportMonthOption = Annotated[str | None, typer.Option(
    "--month", help="One month, YYYY-MM (this month: to today). Default: the last full "
                    "month.")]
PerformanceMonthOption = Annotated[str | None, typer.Option(
    "--month", help="One month, YYYY-MM (this month: to today). Default: the financial "
                    "year to date.")]


def _financial_year_to_date(now: date) -> tuple[date, date, str]:
    from cintui.domain.reports import named_period

    return named_period("financial_year", now)


def _last_full_month(now: date) -> tuple[date, date, str]:
    from cintui.domain.reports import named_period

    return named_period("last_full_month", now)


def _report_period(start: str | None, end: str | None, month: str | None,
                   today: str | None, default) -> tuple[date, date, str]:
    """The period and how the heading names it: with no dates `default(today)` (compliance:
    the last full month, as a manager at month end reads it; the financial year to date
    read 0% on 10 April. Performance: the financial year to date, its referrals by quarter
    against the year before, STO 3.1); `--month` one month (this month to today);
    `--from`/`--to` as given, not named."""
    import calendar

    now = _today(today)
    if month is not None:
        if start is not None or end is not None:
            raise CliError("--month is a period of its own: give it, or --from/--to, not both")
        try:
            year, number = (int(part) for part in month.strip().split("-"))
            first = date(year, number, 1)
        except ValueError:
            raise CliError(f"--month: {month!r} is not a month: give it as YYYY-MM "
                           f"({now:%Y-%m})") from None
        if first > now:
            raise CliError(f"--month: {first:%B %Y} has not begun: a report counts what has "
                           "happened")
        last = date(year, number, calendar.monthrange(year, number)[1])
        if last >= now:
            return first, now, f"{first:%B %Y} so far"
        return first, last, f"{first:%B %Y}"
    if start is None and end is None:
        return default(now)
    first, last = _period(start, end, today)
    return first, last, ""


def _other_periods(data: dict, default: str, *, year_ended: bool = False) -> str | None:
    """The line under a default period's heading: how to ask for another. In the first month
    of a financial year its year to date is days long: the year just ended is named."""
    if not (data.get("period") or "").endswith(default):
        return None
    hint = "Another period: --month YYYY-MM (this month: to today), or --from/--to"
    first, last = date.fromisoformat(data["from"]), date.fromisoformat(data["to"])
    if year_ended and (last - first).days < 31:
        hint += (f"; the year just ended: --from {first.year - 1}-04-01 "
                 f"--to {first.year}-03-31")
    return hint + "."


@report_app.command("compliance")
def report_compliance(ctx: typer.Context, start: ComplianceFromOption = None,
                      end: ComplianceToOption = None, month: ReportMonthOption = None,
                      team: TeamOption = None, db: DbOption = None, as_json: JsonFlag = False,
                      as_csv: CsvFlag = False, as_md: MdFlag = False,
                      today: TodayOption = None) -> None:
    """Timescales kept over a period (default: the last full month): visits, reviews,
    minutes, initial meetings, plans passing their checks — in total, per team and per
    worker (DOMAIN.md §6)."""
    from cintui.casework import reports
    from cintui.export import reports as out

    fmt = _one_format(json=as_json, csv=as_csv, md=as_md)
    first, last, named = _report_period(start, end, month, today, _last_full_month)
    with _reading(ctx, db) as rows:
        team = _team(rows, team)
        data = out.compliance_data(reports.compliance_report(rows, first, last, team=team),
                                   team=team, period=named)
    if fmt is not None:
        sys.stdout.write(out.report_text("compliance", data, fmt))
    else:
        _print_compliance(data)


@report_app.command("performance")
def report_performance(ctx: typer.Context, start: FromOption = None, end: ToOption = None,
                       month: PerformanceMonthOption = None, team: TeamOption = None, db: DbOption = None, as_json: JsonFlag = False,
                       as_csv: CsvFlag = False, as_md: MdFlag = False,
                       today: TodayOption = None) -> None:
    """Referrals by quarter against a year before, closures by duration, unmet need stepped
    down, re-referrals, open episodes by month, caseloads (DOMAIN.md §8); default: the
    financial year to date."""
    from cintui.casework import reports
    from cintui.export import reports as out

    fmt = _one_format(json=as_json, csv=as_csv, md=as_md)
    first, last, named = _report_period(start, end, month, today, _financial_year_to_date)
    with _reading(ctx, db) as rows:
        team = _team(rows, team)
        data = out.performance_data(reports.performance_report(rows, first, last, team=team),
                                    team=team, period=named)
    if fmt is not None:
        sys.stdout.write(out.report_text("performance", data, fmt))
    else:
        _print_performance(data)


# ---------------------------------------------------------------------- Rich tables


def _m(m: dict) -> str:
    from cintui.export.reports import in_policy

    return in_policy(m)


def _p(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _title(console, text: str) -> None:
    """A table's title on a line of its own, at the console's width: as a Rich table's
    title it was wrapped to the table's width ("unmet need stepped down to Early / Help")."""
    console.print(f"[italic]{text}[/]")


def _print_compliance(data: dict) -> None:
    from rich.markup import escape
    from rich.table import Table

    from cintui.domain.reports import COMPLIANCE_MEASURES

    console = _rich_console()
    scope = f" — {escape(data['team'])}" if data["team"] else ""
    period = f"{_words(data['from'])} to {_words(data['to'])}"
    if data.get("period"):  # "November 2026, the last full month (1 Nov 2026 to 30 Nov 2026)"
        period = f"{escape(data['period'])} ({period})"
    console.print(f"[bold]Compliance{scope}[/] {period} (policy: {escape(data['policy'])})")
    hint = _other_periods(data, "the last full month")
    if hint:
        console.print(f"[italic]{hint}[/]")
    _title(console, "In total")
    table = Table()
    table.add_column("measure")
    table.add_column("in policy", justify="right")
    table.add_column("source")
    for k in COMPLIANCE_MEASURES:
        info = data["measures"][k]
        table.add_row(info["label"], _m(data["total"][k]), info["source"])
    console.print(table)
    short = {"visits": "visits", "reviews": "reviews", "minutes": "minutes",
             "initial_meetings": "initial mtgs", "plans": "plans",
             "supervision": "superv."}  # at 80 columns "supervision" was cut
    for title, key, lines in (("By team", "team", data["by_team"]),
                              ("By worker", "name", data["by_worker"])):
        _title(console, title)
        table = Table()
        table.add_column(key if key == "team" else "worker")
        for k in COMPLIANCE_MEASURES:
            table.add_column(short[k], justify="right")
        for line in lines:
            label = line[key] or line.get("worker") or "(unallocated)"
            table.add_row(escape(label), *(_m(line[k]) for k in COMPLIANCE_MEASURES))
        console.print(table)


def _print_performance(data: dict) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = _rich_console()
    r, c, rr, cl = data["referrals"], data["closures"], data["rereferrals"], data["caseload"]
    scope = f" — {escape(data['team'])}" if data["team"] else ""
    period = f"{_words(data['from'])} to {_words(data['to'])}"
    if data.get("period"):  # "financial year 2026-27 to date (1 Apr 2026 to 7 Dec 2026)"
        period = f"{escape(data['period'])} ({period})"
    console.print(f"[bold]Performance{scope}[/] {period}")
    hint = _other_periods(data, "to date", year_ended=True)
    if hint:
        console.print(f"[italic]{hint}[/]")
    _title(console, f"New referrals: {r['total']} (STO 3.1)")
    t = Table()
    for col in ("quarter", "referrals", "a year before", "change", "change %"):
        t.add_column(col, justify="left" if col == "quarter" else "right")
    for q in r["by_quarter"]:
        t.add_row(q["quarter"], str(q["count"]), str(q["year_before"]), f"{q['change']:+d}",
                  _p(q["change_percent"]))
    console.print(t)
    s = c["stepped_down_unmet_need"]
    _title(console, f"Closures: {c['total']} by duration (STO 3.2); unmet need stepped down "
                    f"to Early Help {_m(s)} (STO 3.3)")
    t = Table()
    t.add_column("referral to closure")
    t.add_column("closures", justify="right")
    for band, n in c["by_duration"].items():
        t.add_row(band, str(n))
    console.print(t)
    sd = c["sustained_step_downs"]
    console.print(f"Sustainable step-downs to Early Help (WAR 9.3): {_m(sd)} not re-referred "
                  f"within 12 months; {sd['too_recent']} too recent to tell")
    _title(console, f"Re-referrals: {rr['total']} by interval since closure; rate "
                    f"{_m(rr['rate'])} within 12 months (WAR 3.2-3.4)")
    t = Table()
    t.add_column("interval")
    t.add_column("re-referrals", justify="right")
    for band, n in rr["by_interval"].items():
        t.add_row(band, str(n))
    console.print(t)
    _title(console, "Open episodes at each month end (WAR 3.1)")
    t = Table()
    t.add_column("month end")
    t.add_column("open", justify="right")
    for m in data["open_by_month"]:
        t.add_row(_words(m["month_end"]), str(m["open"]))
    console.print(t)
    mean = "—" if cl["mean"] is None else f"{cl['mean']:.1f}"
    console.print(f"[bold]Caseloads on {_words(cl['at'])}[/] (WAR 3.5): mean {mean}, fewest "
                  f"{cl['min'] if cl['min'] is not None else '—'}, most "
                  f"{cl['max'] if cl['max'] is not None else '—'}, unallocated "
                  f"{cl['unallocated']}")
    t = Table(show_header=True)
    t.add_column("worker")
    t.add_column("open children", justify="right")
    for w in cl["by_worker"]:
        t.add_row(escape(w["name"] or w["worker"]), str(w["children"]))
    console.print(t)


@report_app.command("census")
def report_census(
    ctx: typer.Context,
    year: Annotated[str | None, typer.Option(
        "--year", metavar="YYYY", help="The collection year, named for the 31 March it ends "
        "on (2026: the 2025-26 collection). 2024 to 2027. Default: the one in progress today, "
        "as the team view shows.")] = None,
    db: DbOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Census completeness, per worker: each child who would be left out of the year's CIN
    census return (an error) or queried by the DfE, and what to fix, so the team can clear
    them before the return is due. Writes no file."""
    from cintui.casework import census
    from cintui.domain.census import completeness, current_collection, fix_for

    now = _today(today)
    year = year if year is not None else str(current_collection(now))
    try:
        census.census_period(year, now)
    except census.InvalidCensusInput as exc:
        raise CliError(str(exc)) from None
    with _reading(ctx, db) as rows:
        ret = census.build_return(rows, year, today=now)
    workers, whole = completeness(ret)
    period = ret.period

    def item(f) -> dict:
        return {"reference": f.reference or None, "rule": f.rule,
                "kind": "query" if f.query else "error", "message": f.message,
                "fix": fix_for(f.rule) or None}

    if as_json:
        _echo_json({
            "format": "cintui-census-completeness", "format_version": 1,
            "year": period.year, "collection": period.label,
            "reference_date": period.reference_date.isoformat(),
            "children_in_return": len(ret.children) + len(ret.excluded_children),
            "left_out": len(ret.excluded_children),
            "queried": len({q.reference for q in ret.queries if q.reference}),
            "workers": [{"worker": w.worker or None, "children": len(w.children),
                         "items": [item(f) for f in (*w.left_out, *w.queried)]}
                        for w in workers],
            "return": [item(q) for q in whole],
        })
        return
    from cintui.cli.common import hanging

    total = len(ret.children) + len(ret.excluded_children)
    typer.echo(hanging("", f"CIN census {period.label} (--year {period.year}, reference date "
                       f"{day_words(period.reference_date)}): {total} children; "
                       f"{len(ret.excluded_children)} would be left out, "
                       f"{len({q.reference for q in ret.queries if q.reference})} queried."))
    if not workers and not whole:
        typer.echo("Nothing to fix: every child goes in the return with no query.")
    for w in workers:
        typer.echo("")
        typer.echo(f"{w.worker or '(no worker allocated)'}: {len(w.children)} "
                   f"child{'ren' if len(w.children) != 1 else ''} to clear")
        for f in (*w.left_out, *w.queried):
            kind = "query" if f.query else "LEFT OUT"
            fix = fix_for(f.rule)
            lead = f"  {f.reference}  {f.rule:<6} {kind:<8} "
            typer.echo(hanging(lead, f.message))
            if fix:
                typer.echo(hanging(" " * len(lead), f"fix: {fix}"))
    if whole:
        typer.echo("")
        typer.echo("The return as a whole (a reason for the DfE, or records to check):")
        for q in whole:
            typer.echo(hanging(f"  {q.rule:<6} ", q.message))


# ---------------------------------------------------------------- STO 7.13: step audits

step_audit_app = typer.Typer(help="Monthly audits of the cases that stepped down to early "
                                  "help or up from it, for learning (STO 7.13).",
                             no_args_is_help=True)
app.add_typer(step_audit_app, name="step-audit")
MonthOption = Annotated[str | None, typer.Option(
    "--month", help="The month, YYYY-MM (default: the newest of this month and the two "
                    "before with a case not yet audited, else this month).")]


def _month(month: str | None, today: date) -> tuple[date, date]:
    from cintui.domain.oversight import month_of

    try:
        return month_of(month, today)
    except ValueError as exc:
        raise CliError(f"--month: {exc}") from None


def _case_json(c) -> dict:
    a = c.audit
    return {"reference": c.reference, "name": c.name, "worker": c.worker,
            "direction": c.direction, "stepped_on": c.stepped_on.isoformat(),
            "audited": None if a is None else {
                "held_on": a.held_on.isoformat(), "by": a.facilitator,
                "step_was_right": a.needs_met, "learning": c.learning}}


@step_audit_app.command("list")
def step_audit_list(ctx: typer.Context, month: MonthOption = None, team: TeamOption = None,
                    db: DbOption = None, as_json: JsonOption = False,
                    today: TodayOption = None) -> None:
    """The month's cases stepped down to early help or up from it (STO 7.13), those not
    yet audited first, each with its audit and what was learned."""
    from cintui.casework import step_audits
    from cintui.cli.table import Column, print_table
    from cintui.domain.oversight import DIRECTIONS

    now = _today(today)
    with _reading(ctx, db) as rows:
        team = _team(rows, team)
        # As the team view's `s`: early in a month, last month's cases are the work (on 7
        # December "this month" listed none while November's waited).
        if month is None:
            opening = step_audits.month_to_audit(rows, now, team=team)
            first, last = _month(f"{opening:%Y-%m}", now)
        else:
            first, last = _month(month, now)
        cases = step_audits.month_cases(rows, first, last, team=team)
    done = sum(1 for c in cases if c.audited)
    if as_json:
        _echo_json({"month": f"{first:%Y-%m}", "team": team, "cases": len(cases),
                    "audited": done, "items": [_case_json(c) for c in cases]})
        return
    console = _rich_console()
    console.print(f"[bold]Step-down and step-up audits, {first:%B %Y}[/] (STO 7.13): "
                  f"{done} of {len(cases)} audited")
    if month is None and (first.year, first.month) != (now.year, now.month):
        console.print(f"[italic]{first:%B %Y} has a case not yet audited; --month "
                      f"{now:%Y-%m} for this month.[/]")
    if not cases:
        console.print("No case stepped down to early help or up from it in this month.")
        return
    print_table(console, (Column("child", ratio=2), Column("step", ratio=2),
                          Column("on", no_wrap=True), Column("audit", ratio=3)),
                [(f"{c.name} {c.reference}", DIRECTIONS[c.direction],
                  day_short(c.stepped_on, pad=True),
                  f"{day_short(c.audit.held_on)} by {c.audit.facilitator}: {c.learning}"
                  if c.audit else f"not yet: cintui step-audit record {c.reference} "
                  f"--month {first:%Y-%m} --by NAME --learning TEXT")
                 for c in cases], expand=True)


def _child_step_month(session, reference: str, month: str | None, now: date):
    """The month of the child's step to audit: `--month`'s; without it, the newest of this
    month and the two before in which the child stepped and is not yet audited (else the
    newest in which they stepped), as `list` opens on it. Returns (first, last, cases)."""
    from cintui.casework import step_audits
    from cintui.domain.calendar import add_months

    if month is not None:
        first, last = _month(month, now)
        return first, last, step_audits.month_cases(session, first, last, reference=reference)
    months = []
    for back in range(3):
        first, last = _month(f"{add_months(date(now.year, now.month, 1), -back):%Y-%m}", now)
        found = step_audits.month_cases(session, first, last, reference=reference)
        if any(not c.audited for c in found):
            return first, last, found
        months.append((first, last, found))
    return next((m for m in months if m[2]), months[0])


@step_audit_app.command("record")
def step_audit_record(
    ctx: typer.Context, child: ChildArg,
    by: Annotated[str, typer.Option("--by", help="Who audited the case.")],
    learning: Annotated[str, typer.Option(
        "--learning", help="What was learned, to share with the workforce.")],
    right: Annotated[str | None, typer.Option(
        "--right", help="Was the step right for the child? yes or no.")] = None,
    month: MonthOption = None, on: OnOption = None, db: DbOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Record the audit of a case that stepped down or up in the month (STO 7.13)."""
    from cintui.casework import cases, step_audits
    from cintui.store import access

    now = _today(today)
    held = _parse_date(on, "--on") if on is not None else now
    if right is not None and right.lower() not in ("yes", "no"):
        raise CliError(f"--right: {right!r}: give yes or no")
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        first, last, found = _child_step_month(session, record.reference, month, now)
        if not found:
            raise CliError(f"{record.reference} did not step down to early help or up from "
                           f"it in {first:%B %Y}"
                           + (" (--month)" if month is not None else
                              " nor the two months before (--month for another)"))
        case = found[0]
        if case.audited:
            raise CliError(f"{record.reference}'s step in {first:%B %Y} was audited on "
                           f"{day_words(case.audit.held_on)} by {case.audit.facilitator}")
        try:
            step_audits.record_step_audit(
                session, case.episode_id, held_on=held, auditor=by, learning=learning,
                step_was_right=None if right is None else right.lower() == "yes", today=now,
                stepped_on=case.stepped_on, recorded_by=access.current_actor())
        except step_audits.StepAuditError as exc:
            raise CliError.of(exc) from None
        (case,) = [c for c in step_audits.month_cases(session, first, last,
                                                      reference=record.reference)
                   if c.episode_id == case.episode_id][:1]
    if as_json:
        _echo_json(_case_json(case))
    else:
        typer.echo(f"Audit recorded for {case.name} ({case.reference}), "
                   f"{'stepped down' if case.direction == 'down' else 'stepped up'} on "
                   f"{day_words(case.stepped_on)} (STO 7.13)")
