"""`cintui short-break …` and `cintui direct-payment …`: a disabled child's short breaks and
direct payments (WAR 7; TRA CAN team; BEX short breaks; WAR 7.2.1 reviewed at least
annually): add, edit, review (the next review set), end, list. A package is named by its
number in `list` (1 the oldest); with one open package the number may be left out. Their
review dates join `cintui due`. Many children at once: `cintui each`. Bad input: one line,
exit 2, nothing written."""

from __future__ import annotations

from typing import Annotated

import typer

from cintui.cli.common import (
    ChildArg,
    CliError,
    DbOption,
    JsonOption,
    OnOption,
    RequestOption,
    TodayOption,
    _echo_json,
    _open,
    _parse_date,
    _today,
    app,
)
from cintui.store import access

short_break_app = typer.Typer(
    help="A disabled child's short breaks (WAR 7; TRA CAN team; BEX): provider, type, "
         "hours, start, review, end.", no_args_is_help=True)
direct_payment_app = typer.Typer(
    help="A disabled child's direct payments (WAR 4.2, 7.2.1): amount, period, who manages "
         "it, start, annual review, end.", no_args_is_help=True)
app.add_typer(short_break_app, name="short-break")
app.add_typer(direct_payment_app, name="direct-payment")

NumberArg = Annotated[int | None, typer.Argument(
    metavar="[NUMBER]", help="Which one, as `list` numbers them (1 the oldest); left out: "
                             "the only open one.")]
StartOption = Annotated[str | None, typer.Option(
    "--start", help="When it started (or starts), YYYY-MM-DD.")]
ReviewOption = Annotated[str | None, typer.Option(
    "--review", help="The review date (left out: the policy's interval from the start, or "
    "the 18th birthday if sooner: s17(10)).")]
NotesOption = Annotated[str | None, typer.Option("--notes", help="Anything to add.")]


def _day(d) -> str | None:
    return d.isoformat() if d else None


def _date(value: str | None, what: str):
    return _parse_date(value, what) if value else None


def _review_json(r) -> dict:
    return {"on": _day(r.on), "by": r.by, "notes": r.notes, "next_due": _day(r.next_due)}


def fact_json(f) -> dict:
    common = {"started_on": _day(f.started_on), "review_due": _day(f.review_due),
              "ended_on": _day(f.ended_on), "end_reason": f.end_reason, "notes": f.notes,
              "recorded_by": f.recorded_by, "open": f.open,
              "reviews": [_review_json(r) for r in f.reviews], "describe": f.describe()}
    if hasattr(f, "provider"):
        return {"provider": f.provider, "type": f.kind, "hours": f.hours, "per": f.per,
                **common}
    # null: not recorded (a payment moved from the case steps' record, revision 0024)
    return {"amount": None if f.amount_pence is None else f"{f.amount_pence / 100:.2f}",
            "amount_pence": f.amount_pence, "period": f.period or None,
            "managed_by": f.managed_by or None, **common}


def _facts(session, child_id, kind: str):
    from cintui.casework import short_breaks as sb

    return (sb.short_break_facts if kind == "short_break" else sb.direct_payment_facts)(
        session, child_id)


def _write(ctx, db, child: str, kind: str, do):
    """Run `do(session, child_id)` in one audited write; the child's reference, the id of
    the package written and the child's packages of `kind` after."""
    from cintui.casework import cases

    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        row = do(session, record.id)
        package = str(getattr(row, f"{kind}_id", None) or row.id)  # a review: its package
        return record.reference, package, _facts(session, record.id, kind)


def _show(ref: str, facts, package: str, verb: str, as_json: bool, kind: str) -> None:
    """The package written as one line or JSON."""
    index = next(i for i, f in enumerate(facts) if f.ref == package)
    f = facts[index]
    if as_json:
        _echo_json({"reference": ref, "number": index + 1, kind: fact_json(f)})
        return
    from cintui.domain.short_breaks import package_line

    typer.echo(f"{ref} {index + 1}: {verb}. {package_line(f)}.")


def _list(ctx, db, child: str, kind: str, as_json: bool) -> None:
    from cintui.casework import cases
    from cintui.casework import short_breaks as sb
    from cintui.domain.short_breaks import package_line

    with _open(ctx, db) as store, store.read() as session:
        record = cases.find_child(session, child)
        found = _facts(session, record.id, kind)
        ts = sb.timescale(session, kind)
    word = sb.WORDS[kind]
    if as_json:
        _echo_json({"reference": record.reference, "review_every": ts.describe(),
                    "source": ts.source, f"{kind}s": [fact_json(f) for f in found]})
        return
    if not found:
        typer.echo(f"{record.reference}: no {word}.")
    for i, f in enumerate(found, start=1):
        typer.echo(f"{record.reference} {i}: {package_line(f)}.")


def _review(ctx, db, child, kind, number, on, by, notes, next_due, today, as_json) -> None:
    from cintui.casework import short_breaks as sb

    now = _today(today)
    day = _parse_date(on, "--on") if on else now
    nxt = _date(next_due, "--next")
    ref, row, facts = _write(ctx, db, child, kind, lambda s, cid: sb.record_review(
        s, cid, kind, number, on=day, by=by or access.current_actor(), notes=notes or "",
        next_due=nxt, today=now))
    _show(ref, facts, row, "reviewed", as_json, kind)


def _end(ctx, db, child, kind, number, on, reason, today, as_json) -> None:
    from cintui.casework import short_breaks as sb

    now = _today(today)
    day = _parse_date(on, "--on") if on else now
    ref, row, facts = _write(ctx, db, child, kind, lambda s, cid: sb.end(
        s, cid, kind, number, on=day, reason=reason, today=now))
    _show(ref, facts, row, "ended", as_json, kind)


ByOption = Annotated[str | None, typer.Option(
    "--by", help="Who reviewed it (left out: you).")]
NextOption = Annotated[str | None, typer.Option(
    "--next", help="The next review (left out: the policy's interval from this one, or the "
    "18th birthday if sooner: s17(10)).")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why it ended. Required.")]


# ------------------------------------------------------------------ short breaks


def _hours(value: str | None):
    if value is None:
        return None
    from cintui.domain.short_breaks import parse_hours

    try:
        return parse_hours(value)
    except ValueError as exc:
        raise CliError(f"--hours: {exc}") from None


KindOption = Annotated[str | None, typer.Option(
    "--type", help="overnight, day, community or other.")]
HoursOption = Annotated[str | None, typer.Option("--hours", help="Hours of short breaks.")]
PerOption = Annotated[str | None, typer.Option("--per", help="week or month.")]
ProviderOption = Annotated[str | None, typer.Option(
    "--provider", help="Who provides it: a unit, a carer, a scheme.")]


@short_break_app.command("add")
def short_break_add(
    ctx: typer.Context, child: ChildArg, provider: ProviderOption = None,
    kind: KindOption = None, hours: HoursOption = None, per: PerOption = "week",
    start: StartOption = None, review: ReviewOption = None, notes: NotesOption = None,
    db: DbOption = None,
    request_id: RequestOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Add a short-break package; its review is due the date given or the policy's interval
    from its start (`cintui policy show`: short_break_review)."""
    from cintui.casework import short_breaks as sb

    new = sb.ShortBreakInput(provider or "", kind or "", _hours(hours), per or "",
                             _date(start, "--start") or _today(today),
                             _date(review, "--review"), notes or "")
    ref, row, facts = _write(ctx, db, child, "short_break", lambda s, cid: sb.add_short_break(
        s, cid, new, by=access.current_actor()))
    _show(ref, facts, row, "added", as_json, "short_break")


@short_break_app.command("edit")
def short_break_edit(
    ctx: typer.Context, child: ChildArg, number: NumberArg = None,
    provider: ProviderOption = None, kind: KindOption = None, hours: HoursOption = None,
    per: PerOption = None, start: StartOption = None, review: ReviewOption = None,
    notes: NotesOption = None, db: DbOption = None,
    request_id: RequestOption = None, as_json: JsonOption = False,
) -> None:
    """Change an open short break: only what is given changes."""
    from cintui.casework import short_breaks as sb

    def do(session, cid):
        current = _current(session, cid, "short_break", number)
        new = sb.ShortBreakInput(
            current.provider if provider is None else provider,
            current.kind if kind is None else kind,
            current.hours if hours is None else _hours(hours),
            current.per if per is None else per,
            _date(start, "--start") or current.started_on, _date(review, "--review"),
            current.notes if notes is None else notes)
        return sb.edit_short_break(session, cid, number, new)
    ref, row, facts = _write(ctx, db, child, "short_break", do)
    _show(ref, facts, row, "changed", as_json, "short_break")


def _current(session, child_id, kind: str, number: int | None):
    from cintui.casework import short_breaks as sb

    row = sb._row(session, child_id, kind, number)
    return next(f for f in _facts(session, child_id, kind) if f.ref == str(row.id))


@short_break_app.command("review")
def short_break_review(
    ctx: typer.Context, child: ChildArg, number: NumberArg = None, on: OnOption = None,
    by: ByOption = None, notes: NotesOption = None, next_due: NextOption = None,
    db: DbOption = None,
    request_id: RequestOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Record a review of a short break; the next review is set (WAR 7.2.1)."""
    _review(ctx, db, child, "short_break", number, on, by, notes, next_due, today, as_json)


@short_break_app.command("end")
def short_break_end(
    ctx: typer.Context, child: ChildArg, number: NumberArg = None, on: OnOption = None,
    reason: ReasonOption = "", db: DbOption = None,
    request_id: RequestOption = None, as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """End a short break (its review clock stops)."""
    _end(ctx, db, child, "short_break", number, on, reason, today, as_json)


@short_break_app.command("list")
def short_break_list(ctx: typer.Context, child: ChildArg, db: DbOption = None,
                     as_json: JsonOption = False) -> None:
    """The child's short breaks, oldest first, numbered."""
    _list(ctx, db, child, "short_break", as_json)


# ------------------------------------------------------------------ direct payments


def _money(value: str | None):
    if value is None:
        return None
    from cintui.domain.short_breaks import parse_money

    try:
        return parse_money(value)
    except ValueError as exc:
        raise CliError(f"--amount: {exc}") from None


def _period(value: str | None):
    return None if value is None else value.strip().lower().replace("-", "_")


AmountOption = Annotated[str | None, typer.Option(
    "--amount", help="The amount paid each period, in pounds: 120.50.")]
PeriodOption = Annotated[str | None, typer.Option(
    "--period", help="week, four-weeks, month or year.")]
ManagedOption = Annotated[str | None, typer.Option(
    "--managed-by", help="Who manages it: a parent, the young person, a managed account.")]


@direct_payment_app.command("add")
def direct_payment_add(
    ctx: typer.Context, child: ChildArg, amount: AmountOption = None,
    period: PeriodOption = "week", managed_by: ManagedOption = None,
    start: StartOption = None, review: ReviewOption = None, notes: NotesOption = None,
    db: DbOption = None,
    request_id: RequestOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Add a direct payment; reviewed at least every 12 months (WAR 7.2.1): its review is
    due the date given or the policy's interval from its start."""
    from cintui.casework import short_breaks as sb

    new = sb.DirectPaymentInput(_money(amount), _period(period) or "", managed_by or "",
                                _date(start, "--start") or _today(today),
                                _date(review, "--review"), notes or "")
    ref, row, facts = _write(ctx, db, child, "direct_payment",
                              lambda s, cid: sb.add_direct_payment(
                                  s, cid, new, by=access.current_actor()))
    _show(ref, facts, row, "added", as_json, "direct_payment")


@direct_payment_app.command("edit")
def direct_payment_edit(
    ctx: typer.Context, child: ChildArg, number: NumberArg = None,
    amount: AmountOption = None, period: PeriodOption = None,
    managed_by: ManagedOption = None, start: StartOption = None, review: ReviewOption = None,
    notes: NotesOption = None, db: DbOption = None,
    request_id: RequestOption = None, as_json: JsonOption = False,
) -> None:
    """Change an open direct payment: only what is given changes."""
    from cintui.casework import short_breaks as sb

    def do(session, cid):
        current = _current(session, cid, "direct_payment", number)
        new = sb.DirectPaymentInput(
            current.amount_pence if amount is None else _money(amount),
            current.period if period is None else _period(period),
            current.managed_by if managed_by is None else managed_by,
            _date(start, "--start") or current.started_on, _date(review, "--review"),
            current.notes if notes is None else notes)
        return sb.edit_direct_payment(session, cid, number, new)
    ref, row, facts = _write(ctx, db, child, "direct_payment", do)
    _show(ref, facts, row, "changed", as_json, "direct_payment")


@direct_payment_app.command("review")
def direct_payment_review(
    ctx: typer.Context, child: ChildArg, number: NumberArg = None, on: OnOption = None,
    by: ByOption = None, notes: NotesOption = None, next_due: NextOption = None,
    db: DbOption = None,
    request_id: RequestOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Record the review of a direct payment (WAR 7.2.1: at least annually); the next is
    set."""
    _review(ctx, db, child, "direct_payment", number, on, by, notes, next_due, today, as_json)


@direct_payment_app.command("end")
def direct_payment_end(
    ctx: typer.Context, child: ChildArg, number: NumberArg = None, on: OnOption = None,
    reason: ReasonOption = "", db: DbOption = None,
    request_id: RequestOption = None, as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """End a direct payment (its review clock stops)."""
    _end(ctx, db, child, "direct_payment", number, on, reason, today, as_json)


@direct_payment_app.command("list")
def direct_payment_list(ctx: typer.Context, child: ChildArg, db: DbOption = None,
                        as_json: JsonOption = False) -> None:
    """The child's direct payments, oldest first, numbered."""
    _list(ctx, db, child, "direct_payment", as_json)


__all__ = ["direct_payment_app", "fact_json", "short_break_app"]
