"""`cintui person add|edit|remove|list`: the people around a child, the family network and the
professionals, with phone and email (WIR 2.9: the meeting contact list; DOMAIN.md §1).
Bad input: one line on stderr, exit 2, nothing written."""

from __future__ import annotations

from typing import Annotated

import typer

from cintui.cli.common import (
    ChildArg,
    CliError,
    DbOption,
    JsonOption,
    RequestOption,
    TodayOption,
    _echo_json,
    _open,
    access,
    app,
    pick_person,
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
    parental_responsibility: Annotated[bool, typer.Option(
        "--pr", help="Holds parental responsibility (a mother or an adoptive parent does by "
        "law: Children Act 1989 s2).")] = False,
    lives_with_child: Annotated[bool, typer.Option("--lives-with",
                                                   help="Lives with the child.")] = False,
    interpreter_language: Annotated[str, typer.Option(
        "--interpreter", help="Interpreter language (WIR 2.8).")] = "",
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
            address=address, parental_responsibility=parental_responsibility,
            lives_with_child=lives_with_child, interpreter_language=interpreter_language))
        ref = child_row.reference
    if as_json:
        _echo_json({"reference": ref, **_json(row)})
        return
    typer.echo(f"Added {row.name} ({row.relationship or row.kind}) to {ref}'s People.")
    _warn(ref, row)


def _warn(ref: str, row) -> None:
    """The warnings the person form shows, each on stderr; one saying a professional was
    recorded as family says the command that puts it right."""
    from cintui.domain.people import professional_hint

    hint = professional_hint(row.name, row.kind, row.relationship)
    for w in row.warnings:
        fix = (f" (cintui person edit {ref} {_quoted(row.name)} --professional --agency "
               "AGENCY)") if w == hint else ""
        typer.echo(f"Warning: {w}{fix}", err=True)


def _quoted(name: str) -> str:
    return f'"{name}"' if " " in name.strip() else name.strip()


# What `person edit` says it changed, in the person form's words.
_LABELS = {"name": "name", "kind": "family or professional", "relationship": "relationship",
           "agency": "agency", "role": "job role", "phone": "phone", "email": "email",
           "address": "address", "parental_responsibility": "parental responsibility",
           "lives_with_child": "lives with the child",
           "interpreter_language": "interpreter"}
_LINK_FIELDS = ("relationship", "parental_responsibility", "lives_with_child")  # this child's

PersonArg = Annotated[str, typer.Argument(
    metavar="PERSON", help="One of the child's People by name: the whole name, or a part "
    "only they have (Layla).")]


@person_app.command("edit")
def person_edit(
    ctx: typer.Context, child: ChildArg, person: PersonArg,
    name: Annotated[str | None, typer.Option("--name", help="Their name.")] = None,
    relationship: Annotated[str | None, typer.Option(
        "--relationship", help="To the child: Mother, Grandfather, Class teacher.")] = None,
    professional: Annotated[bool | None, typer.Option(
        "--professional/--family", help="A professional, or of the family network.")] = None,
    agency: Annotated[str | None, typer.Option(
        "--agency", help="Professionals: school, GP, ...")] = None,
    role: Annotated[str | None, typer.Option(
        "--role", help="Professionals: DSL, health visitor.")] = None,
    phone: Annotated[str | None, typer.Option(
        "--phone", help="A UK phone number: 07700 900123, 0161 496 0809 ext 12.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="An email address.")] = None,
    address: Annotated[str | None, typer.Option(
        "--address", help="Their address, for letters.")] = None,
    parental_responsibility: Annotated[bool | None, typer.Option(
        "--pr/--no-pr", help="Holds parental responsibility (Children Act 1989 s2), or "
        "not.")] = None,
    lives_with_child: Annotated[bool | None, typer.Option(
        "--lives-with/--not-lives-with", help="Lives with the child, or not.")] = None,
    interpreter_language: Annotated[str | None, typer.Option(
        "--interpreter", help="Interpreter language (WIR 2.8); '' for none.")] = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Change someone on the child's People: only the options given change, checked as
    the person form checks them (the app's e on People). Their contact details change on
    the record of every child they are on."""
    from dataclasses import replace

    from cintui.casework import cases, record

    given = {k: v for k, v in (
        ("name", name), ("relationship", relationship), ("agency", agency), ("role", role),
        ("phone", phone), ("email", email), ("address", address),
        ("parental_responsibility", parental_responsibility),
        ("lives_with_child", lives_with_child),
        ("interpreter_language", interpreter_language)) if v is not None}
    if professional is not None:
        given["kind"] = "professional" if professional else "family"
    if not given:
        raise CliError("say what to change: --name, --relationship, --professional or "
                       "--family, --agency, --role, --phone, --email, --address, --pr or "
                       "--no-pr, --lives-with or --not-lives-with, --interpreter")
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        child_row = cases.find_child(session, child)
        ref = child_row.reference
        was = pick_person(record.list_people(session, child_row.id), person, ref)
        new = replace(record.PersonInput(
            name=was.name, kind=was.kind, relationship=was.relationship, agency=was.agency,
            role=was.role, phone=was.phone, email=was.email, address=was.address,
            parental_responsibility=was.parental_responsibility,
            lives_with_child=was.lives_with_child,
            interpreter_language=was.interpreter_language, access_needs=was.access_needs,
            notes=was.notes), **given)
        row = record.update_person(session, child_row.id, was.person_id, new, seen=was.stamp)
    if as_json:
        _echo_json({"reference": ref, **_json(row)})
        return
    changed = [label for field, label in _LABELS.items()
               if getattr(row, field) != getattr(was, field)]
    changed = [f"now {'a professional' if row.kind == 'professional' else 'family'}"
               if c == _LABELS["kind"] else c for c in changed]
    shared = set(changed) - {_LABELS[f] for f in _LINK_FIELDS}
    also = (f"; also on the record of {row.other_children} other "
            f"child{'ren' if row.other_children > 1 else ''}, where it changes too"
            if row.other_children and shared else "")
    typer.echo(f"Changed {row.name} ({row.relationship or row.kind}) on {ref}'s People: "
               + (", ".join(changed) or "nothing new") + f"{also}.")
    _warn(ref, row)


@person_app.command("remove")
def person_remove(
    ctx: typer.Context, child: ChildArg, person: PersonArg, db: DbOption = None,
    request_id: RequestOption = None, as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """Take someone off the child's People, as d on the record's People tab does. Someone on
    a sibling's record stays there; someone a consent decision names stays in the store,
    with that decision (DOMAIN.md §9)."""
    from cintui.casework import cases, record

    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        child_row = cases.find_child(session, child)
        ref = child_row.reference
        was = pick_person(record.list_people(session, child_row.id), person, ref)
        deleted = record.remove_person(session, child_row.id, was.person_id)
    if as_json:
        _echo_json({"reference": ref, "name": was.name, "removed": True,
                    "others": was.other_children, "kept_in_store": not deleted})
        return
    also = (f"; they stay on the record of {was.other_children} other "
            f"child{'ren' if was.other_children > 1 else ''}" if was.other_children else
            "; the consent decision naming them stays on the record" if not deleted else "")
    typer.echo(f"Removed {was.name} ({was.relationship or was.kind}) from {ref}'s People"
               f"{also}.")


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
