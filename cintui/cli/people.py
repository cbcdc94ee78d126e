"""`cintui person add|list`: the people around a child, the family network and the
professionals, with phone and email (WIR 2.9: the meeting contact list; DOMAIN.md §1).
Bad input: one line on stderr, exit 2, nothing written."""

from __future__ import annotations

from typing import Annotated

import typer

from cintui.cli.common import (
    ChildArg,
    DbOption,
    JsonOption,
    RequestOption,
    TodayOption,
    _echo_json,
    _open,
    access,
    app,
)

person_app = typer.Typer(help="People around a child: family and professionals, with phone "
                         "and email (WIR 2.9).", no_args_is_help=True)
app.add_typer(person_app, name="person")


def _json(p) -> dict:
    return {"name": p.name, "kind": p.kind, "relationship": p.relationship,
            "agency": p.agency, "role": p.role, "phone": p.phone, "email": p.email,
            "parental_responsibility": p.parental_responsibility,
            "lives_with_child": p.lives_with_child, "warnings": list(p.warnings)}


@person_app.command("add")
def person_add(
    ctx: typer.Context, child: ChildArg,
    name: Annotated[str, typer.Option("--name", help="Their name.")],
    relationship: Annotated[str, typer.Option(
        "--relationship", help="To the child: Mother, Grandfather, Class teacher.")] = "",
    professional: Annotated[bool, typer.Option(
        "--professional", help="A professional (default: family network).")] = False,
    agency: Annotated[str, typer.Option("--agency", help="Professionals: school, GP, ...")
                      ] = "",
    role: Annotated[str, typer.Option("--role", help="Professionals: DSL, health visitor.")
                    ] = "",
    phone: Annotated[str, typer.Option(
        "--phone", help="A UK phone number: 07700 900123, 0161 496 0809 ext 12.")] = "",
    email: Annotated[str, typer.Option("--email", help="An email address.")] = "",
    address: Annotated[str, typer.Option(
        "--address", help="Their address, for letters.")] = "",
    pr: Annotated[bool, typer.Option("--pr", help="Holds parental responsibility (a mother "
                                     "or an adoptive parent does by law: Children Act 1989 "
                                     "s2).")] = False,
    lives_with: Annotated[bool, typer.Option("--lives-with", help="Lives with the child.")
                          ] = False,
    interpreter: Annotated[str, typer.Option("--interpreter", help="Interpreter language "
                                             "(WIR 2.8).")] = "",
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Add someone to the child's People: the meeting contact list, parents who consent and
    are invited, professionals who get the minutes and closure letters."""
    from cintui.casework import cases, record

    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        child_row = cases.find_child(session, child)
        row = record.add_person(session, child_row.id, record.PersonInput(
            name=name, kind="professional" if professional else "family",
            relationship=relationship, agency=agency, role=role, phone=phone, email=email,
            address=address, parental_responsibility=pr, lives_with_child=lives_with,
            interpreter_language=interpreter))
        ref = child_row.reference
    if as_json:
        _echo_json({"reference": ref, **_json(row)})
        return
    typer.echo(f"Added {row.name} ({row.relationship or row.kind}) to {ref}'s People.")
    for w in row.warnings:
        typer.echo(f"Warning: {w}", err=True)


@person_app.command("list")
def person_list(ctx: typer.Context, child: ChildArg, db: DbOption = None,
                as_json: JsonOption = False, today: TodayOption = None) -> None:
    """The child's People: name, relationship, parental responsibility, phone and email."""
    from cintui.casework import cases, record

    with _open(ctx, db) as store, store.read() as session:
        child_row = cases.find_child(session, child)
        rows = record.list_people(session, child_row.id)
        ref, name = child_row.reference, child_row.full_name
    if as_json:
        _echo_json([_json(p) for p in rows])
        return
    typer.echo(f"{name} ({ref}): {len(rows)} {'person' if len(rows) == 1 else 'people'}")
    for p in rows:
        who = p.relationship or p.role or p.kind
        pr = "; PR" if p.parental_responsibility else ""
        typer.echo(f"  {p.name} ({who}{pr}) {p.phone} {p.email}".rstrip())
