"""The case's steps, every one recordable (DOMAIN.md §11; WAR 4.4, TRA, WIR 1.1):
`cintui referral record`, `cintui assessment start|record|factors|outcome|complete|
authorise|show`, `cintui plan start`, `cintui support home-visit|start`, and on the child
`cintui child steps|circumstances` (direct payments: `cintui direct-payment`). Each step is checked first (dates in
order, not in the future; the order of the steps; the line manager for authorisations):
bad input is one line on stderr, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path
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
    _parse_date,
    _today,
    access,
    app,
    child_app,
    pick_person,
    plan_app,
)

referral_app = typer.Typer(help="The referral: when and where from, the primary need, how it "
                           "came, and the decision on it (WAR 4.4, TRA).", no_args_is_help=True)
assessment_app = typer.Typer(help="The assessment: start, the record under its headings "
                             "(WIR 1.1, TRA), factors by words, outcome, completion and the "
                             "line manager's authorisation.", no_args_is_help=True)
support_app = typer.Typer(help="The initial home visit and the start of CIN support "
                          "(WAR 4.4.2: within 20 working days).", no_args_is_help=True)
app.add_typer(referral_app, name="referral")
app.add_typer(assessment_app, name="assessment")
app.add_typer(support_app, name="support")

OnOption = Annotated[str | None, typer.Option("--on", help="The date, YYYY-MM-DD "
                                              "(default: today).")]
ByManager = Annotated[str | None, typer.Option(
    "--by", help="The line manager authorising: username or name (default: you, "
    "CINTUI_USER). A team manager or service manager (TRA).")]


def _date(value: str | None, what: str, today):
    return _parse_date(value, what) if value is not None else today


def _step(ctx, db, child: str, today: str | None, fn, as_json: bool, message: str) -> None:
    """Run `fn(session, child_row, today)` in one audited write; print where the case now
    stands (JSON), or `message` with the next step."""
    from cintui.casework import cases
    from cintui.casework import steps as case_steps

    now = _today(today)
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        fn(session, record, now)
        state = case_steps.case_steps(session, record.id)
    if as_json:
        _echo_json(case_steps.steps_json(state))
        return
    typer.echo(f"{message} for {state.name} ({state.reference}); status: {state.status}. "
               f"Next: {state.next_step}")
    for prompt in state.prompts:  # WAR 4.4.1, STO 7.13
        typer.echo(prompt.for_shell(state.reference))


# ---------------------------------------------------------------- referral


@referral_app.command("record")
def referral_record(
    ctx: typer.Context, child: ChildArg,
    on: Annotated[str | None, typer.Option("--on", help="The referral date (default: as "
                                           "recorded when the child was added).")] = None,
    source: Annotated[str | None, typer.Option(
        "--source", help="Census referral source, by words or code: police, GP, 'health "
        "visitor', 'early help', 2A.")] = None,
    need: Annotated[str | None, typer.Option(
        "--need", help="Primary need, by words or code: 'abuse or neglect', N4.")] = None,
    route: Annotated[str | None, typer.Option(
        "--route", help="How it came: mash, marat, self-referral or early-help-step-up.")] = None,
    early_help_plan: Annotated[str | None, typer.Option(
        "--early-help-plan", help="A step-up: the date of the early help plan.")] = None,
    decision: Annotated[str | None, typer.Option(
        "--decision", help="assessment, strategy-discussion, early-help or nfa (no further "
        "action; early-help and nfa close the referral).")] = None,
    decided_on: Annotated[str | None, typer.Option(
        "--decided-on", help="The date of the decision (default: today).")] = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="Who made the decision: a worker's username or name, or anyone's "
        "name.")] = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Record the referral and how it came (MASH, MARAT, self-referral, step-up from early
    help with the plan's date) and the decision on it, who made it and when; the decision
    is checked against the policy's time (Working Together: 1 working day). Repeat to add
    the decision later; changed only until the assessment starts."""
    from cintui.domain.steps import Referral

    if all(v is None for v in (on, source, need, route, early_help_plan, decision,
                               decided_on, by)):
        raise CliError("give what to record: --on, --source, --need, --route, "
                       "--early-help-plan, --decision (with --by)")

    def step(session, record, now):
        from cintui.casework import steps as case_steps

        r = Referral(
            on=_parse_date(on, "--on") if on is not None else None, source=source, need=need,
            route=route.strip().lower().replace("-", "_") if route else None,
            early_help_plan_on=_parse_date(early_help_plan, "--early-help-plan")
            if early_help_plan else None,
            decision=decision.strip().lower().replace("-", "_") if decision else None,
            decided_on=_parse_date(decided_on, "--decided-on") if decided_on is not None else None,
            decided_by=by)
        case_steps.record_referral(session, record.id, r, today=now,
                                   actor=access.current_actor())

    _step(ctx, db, child, today, step, as_json, "Referral recorded")


# ---------------------------------------------------------------- assessment


@assessment_app.command("start")
def assessment_start(ctx: typer.Context, child: ChildArg, on: OnOption = None,
                     db: DbOption = None,
                     request_id: RequestOption = None,
                     as_json: JsonOption = False,
                     today: TodayOption = None) -> None:
    """The assessment started (after a decision to assess). The assessment clock runs from
    the referral until the line manager authorises the assessment (DOMAIN.md §6)."""
    from cintui.casework import steps as case_steps

    _step(ctx, db, child, today, lambda s, r, now: case_steps.start_assessment(
        s, r.id, _date(on, "--on", now), now), as_json, "Assessment started")


def _heading_options():
    from cintui.domain.steps import HEADINGS

    return ", ".join(f"--{h.key.replace('_', '-')}" for h in HEADINGS)


@assessment_app.command("record")
def assessment_record(
    ctx: typer.Context, child: ChildArg,
    file: Annotated[Path | None, typer.Option(
        "--file", help="A Markdown file: each '## Heading' (by a few of its words) starts the "
        "text under it.", exists=True, dir_okay=False)] = None,
    developmental_needs: Annotated[str | None, typer.Option(
        "--developmental-needs", help="The child's developmental needs.")] = None,
    parenting_capacity: Annotated[str | None, typer.Option(
        "--parenting-capacity", help="Parenting capacity.")] = None,
    family_environment: Annotated[str | None, typer.Option(
        "--family-environment", help="Family and environment.")] = None,
    childs_voice: Annotated[str | None, typer.Option(
        "--childs-voice", help="The child's voice and lived experience.")] = None,
    risks_strengths: Annotated[str | None, typer.Option(
        "--risks-strengths", help="Risks and strengths.")] = None,
    analysis: Annotated[str | None, typer.Option(
        "--analysis", help="Analysis, including what happens if the needs are not met "
        "(WIR 1.1).")] = None,
    how_needs_met: Annotated[str | None, typer.Option(
        "--how-needs-met", help="How the needs will be met (TRA).")] = None,
    level: Annotated[str | None, typer.Option(
        "--level", help="Level of need, in the policy's names (TRA: level of "
        "vulnerability).")] = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Write the assessment record under its headings (WIR 1.1, TRA): the child's
    developmental needs, parenting capacity, family and environment, the child's voice and
    lived experience, risks and strengths, the analysis, how the needs will be met; and the
    level of need. A heading not given is kept; given blank, it is cleared."""
    from cintui.casework import steps as case_steps

    texts = {k: v for k, v in {
        "developmental_needs": developmental_needs, "parenting_capacity": parenting_capacity,
        "family_environment": family_environment, "childs_voice": childs_voice,
        "risks_strengths": risks_strengths, "analysis": analysis,
        "how_needs_met": how_needs_met}.items() if v is not None}
    if file is not None:
        try:
            written = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise CliError(f"--file: {file.name} is not a text file (not UTF-8): save it as "
                           "plain text or Markdown") from None
        texts = {**case_steps.parse_record(written), **texts}
    if not texts and level is None:
        raise CliError(f"give --file or a heading ({_heading_options()}), or --level")

    def step(session, record, now):
        if texts:
            case_steps.write_record(session, record.id, texts)
        if level is not None:
            case_steps.set_level(session, record.id, level)

    _step(ctx, db, child, today, step, as_json, "Assessment record saved")


@assessment_app.command("factors")
def assessment_factors(
    ctx: typer.Context, child: ChildArg,
    factor: Annotated[list[str] | None, typer.Option(
        "--factor", help="A census factor by words: 'domestic violence: child', neglect, "
        "'mental health: parent', 'young carer'; repeat for several.")] = None,
    none: Annotated[bool, typer.Option("--none", help="No factors identified (census 21).")
                    ] = False,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """The assessment factors (census), chosen by words; they replace those chosen before.
    The child's circumstances feed theirs as well (young carer 7A, privately fostered
    8B-8F, unaccompanied asylum seeking 9A)."""
    from cintui.casework import steps as case_steps

    if none and factor:
        raise CliError("--none (no factors identified) cannot go with --factor")
    if not none and not factor:
        raise CliError("give --factor WORDS (repeat for several), or --none")
    wanted = ["21"] if none else factor
    _step(ctx, db, child, today, lambda s, r, now: case_steps.set_factors(s, r.id, wanted),
          as_json, "Assessment factors saved")


@assessment_app.command("outcome")
def assessment_outcome(
    ctx: typer.Context, child: ChildArg,
    outcome: Annotated[str, typer.Argument(
        metavar="OUTCOME", help="cin-plan, nfa (no further action), early-help (step down) "
        "or escalate (strategy discussion / s47).")],
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """The outcome the assessment recommends. On the manager's authorisation, nfa closes the
    episode (RC8) and early-help closes it referred to early help (RC9)."""
    from cintui.casework import steps as case_steps

    value = outcome.strip().lower().replace("-", "_")
    _step(ctx, db, child, today, lambda s, r, now: case_steps.set_outcome(s, r.id, value),
          as_json, "Assessment outcome saved")


@assessment_app.command("complete")
def assessment_complete(ctx: typer.Context, child: ChildArg, on: OnOption = None,
                        db: DbOption = None,
                        request_id: RequestOption = None,
                        as_json: JsonOption = False,
                        today: TodayOption = None) -> None:
    """The worker completes the assessment and sends it to the line manager (TRA). Refused,
    saying what is missing, until every heading is written and the factors, level of need
    and outcome are chosen."""
    from cintui.casework import steps as case_steps

    _step(ctx, db, child, today, lambda s, r, now: case_steps.complete_assessment(
        s, r.id, _date(on, "--on", now), now), as_json, "Assessment completed")


@assessment_app.command("authorise")
def assessment_authorise(ctx: typer.Context, child: ChildArg, on: OnOption = None,
                         by: ByManager = None, db: DbOption = None,
                         request_id: RequestOption = None,
                         as_json: JsonOption = False, today: TodayOption = None) -> None:
    """The line manager authorises the completed assessment (TRA): its date stops the
    assessment clock and is the census authorisation date."""
    from cintui.casework import steps as case_steps

    _step(ctx, db, child, today, lambda s, r, now: case_steps.authorise_assessment(
        s, r.id, _date(on, "--on", now), today=now, by=by, actor=access.current_actor()),
        as_json, "Assessment authorised")


@assessment_app.command("show")
def assessment_show(ctx: typer.Context, child: ChildArg, db: DbOption = None,
                    as_json: JsonOption = False, today: TodayOption = None) -> None:
    """The assessment record under its headings, the factors, level and outcome, and what
    completing it still needs."""
    from cintui.casework import cases
    from cintui.casework import steps as case_steps
    from cintui.domain.dates import day_words
    from cintui.domain.steps import HEADINGS, OUTCOME_LABELS

    with _open(ctx, db) as store, store.read() as session:
        state = case_steps.case_steps(session, cases.find_child(session, child).id)
    if as_json:
        _echo_json(case_steps.steps_json(state)["assessment"])
        return
    f = state.facts
    typer.echo(f"{state.name} ({state.reference}): assessment "
               + (f"started {day_words(f.assessment_started)}" if f.assessment_started
                  else "not started"))
    for h in HEADINGS:
        typer.echo(f"\n## {h.title} [{h.source}]\n{f.record.get(h.key) or '(not written)'}")
    factors = "; ".join(f"{name} ({code})" for code, name in state.factor_names) or "none"
    typer.echo(f"\nFactors: {factors}")
    typer.echo(f"Level of need: {f.level or '—'}")
    typer.echo(f"Outcome: {OUTCOME_LABELS.get(f.outcome, '—')}")
    for p in state.missing:
        typer.echo(f"Still needed: {p.message}")


# ---------------------------------------------------------------- plan and support


@plan_app.command("start")
def plan_start(
    ctx: typer.Context, child: ChildArg, on: OnOption = None,
    authorised_by: Annotated[str | None, typer.Option(
        "--authorised-by", help="The line manager authorising the plan: username or name "
        "(default: you). A team manager or service manager (TRA).")] = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """The CIN plan starts, authorised by the line manager (TRA), after an authorised
    assessment whose outcome is a CIN plan. Starts the initial meeting clock (WIR 2.3) and
    the visit clock."""
    from cintui.casework import steps as case_steps

    _step(ctx, db, child, today, lambda s, r, now: case_steps.start_plan(
        s, r.id, _date(on, "--on", now), today=now, by=authorised_by,
        actor=access.current_actor()), as_json, "CIN plan started")


@support_app.command("home-visit")
def support_home_visit(ctx: typer.Context, child: ChildArg, on: OnOption = None,
                       db: DbOption = None,
                       request_id: RequestOption = None,
                       as_json: JsonOption = False,
                       today: TodayOption = None) -> None:
    """The initial home visit: starts the clock for CIN support to begin (WAR 4.4.2)."""
    from cintui.casework import steps as case_steps

    _step(ctx, db, child, today, lambda s, r, now: case_steps.record_home_visit(
        s, r.id, _date(on, "--on", now), now), as_json, "Initial home visit recorded")


@support_app.command("start")
def support_start(ctx: typer.Context, child: ChildArg, on: OnOption = None,
                  db: DbOption = None,
                  request_id: RequestOption = None,
                  as_json: JsonOption = False,
                  today: TodayOption = None) -> None:
    """CIN support started (WAR 4.4.2), after the initial home visit and an authorised
    assessment agreeing a CIN service: stops the support clock."""
    from cintui.casework import steps as case_steps

    _step(ctx, db, child, today, lambda s, r, now: case_steps.start_support(
        s, r.id, _date(on, "--on", now), now), as_json, "CIN support started")


# ---------------------------------------------------------------- on the child


@child_app.command("steps")
def child_steps(ctx: typer.Context, child: ChildArg, db: DbOption = None,
                as_json: JsonOption = False, today: TodayOption = None) -> None:
    """Where the case stands: each step (referral, decision, assessment, authorisation, CIN
    plan, initial home visit, support) done or not, and the next one."""
    from cintui.casework import cases
    from cintui.casework import steps as case_steps

    with _open(ctx, db) as store, store.read() as session:
        state = case_steps.case_steps(session, cases.find_child(session, child).id)
    if as_json:
        _echo_json(case_steps.steps_json(state))
        return
    from cintui.domain.child import STATUS_LABELS

    typer.echo(f"{state.name} ({state.reference}) · "
               f"{STATUS_LABELS.get(state.status, state.status)}")
    for st in state.steps:
        mark = "✓" if st.done else "·"
        when = f" {st.done_on}" if st.done_on else ""
        extra = "; ".join(x for x in (st.who, st.detail) if x)
        typer.echo(f"  {mark} {st.title}{when}" + (f" ({extra})" if extra else ""))
    if state.referral_timeliness:
        typer.echo(f"Decision on the referral: {state.referral_timeliness}")
    typer.echo(f"Next: {state.next_step}")
    for prompt in state.prompts:  # WAR 4.4.1, STO 7.13
        typer.echo(prompt.for_shell(state.reference))


YesNo = "yes or no"


@child_app.command("circumstances")
def child_circumstances(
    ctx: typer.Context, child: ChildArg,
    young_carer: Annotated[str | None, typer.Option("--young-carer", help=YesNo)] = None,
    private_fostering: Annotated[str | None, typer.Option(
        "--private-fostering", help="overseas-return, overseas-stay, education, "
        "family-arrangement, other, or no.")] = None,
    asylum: Annotated[str | None, typer.Option(
        "--asylum", help="unaccompanied, accompanied, or no.")] = None,
    no_recourse: Annotated[str | None, typer.Option(
        "--no-recourse", help=f"No recourse to public funds: {YesNo}.")] = None,
    parent_in_prison: Annotated[str | None, typer.Option("--parent-in-prison",
                                                         help=YesNo)] = None,
    sen: Annotated[str | None, typer.Option(
        "--sen", help="Special educational needs: sen-support, ehcp, or no.")] = None,
    adult_social_care: Annotated[str | None, typer.Option(
        "--adult-social-care", help="Support after 18 (WAR 4.2): referred, accepted, "
        "declined, not-needed, or no.")] = None,
    adult_contact: Annotated[str | None, typer.Option(
        "--adult-contact", help="Adult social care's contact for the family: team, worker, "
        "phone (WAR 4.2). The closure letters (RC6) name it; \"\" clears it.")] = None,
    disability: Annotated[str | None, typer.Option(
        "--disability", help="The child's disabilities, census codes or words separated by "
        "commas (MOB, 'learning', AUT), or NONE.")] = None,
    on: OnOption = None, db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """The child's circumstances as dated facts (WAR 2.2.2), each feeding its census factor
    (young carer 7A, privately fostered 8B-8F, unaccompanied asylum seeking 9A; no recourse
    to public funds, a parent in prison and accompanied asylum seeking 20 "other"); the
    disabilities are the census codes; and, for a young person whose support must go on
    after 18, their referral to adult social care and its answer (WAR 4.2). With no
    option, shows them."""
    from cintui.casework import cases
    from cintui.casework import steps as case_steps
    from cintui.domain.steps import (
        ADULT_SOCIAL_CARE,
        circumstance_factors,
        circumstance_words,
    )

    changes = {k: v for k, v in {
        "young_carer": young_carer, "private_fostering": private_fostering, "asylum": asylum,
        "no_recourse": no_recourse, "parent_in_prison": parent_in_prison, "sen": sen,
        "adult_social_care": adult_social_care}.items()
        if v is not None}
    now = _today(today)
    if changes or disability is not None or adult_contact is not None:
        with _open(ctx, db) as store, store.session(access.current_actor()) as session:
            record = cases.find_child(session, child)
            current = case_steps.record_circumstances(
                session, record.id, changes, on=_date(on, "--on", now), today=now,
                by=access.current_actor(), disabilities=disability,
                adult_contact=adult_contact)
            ref, name, disabilities = record.reference, record.full_name, record.disabilities
            contact = case_steps.adult_care_contact(session, record.id)
    else:
        with _open(ctx, db) as store, store.read() as session:
            record = cases.find_child(session, child)
            current = case_steps.current_circumstances(session, record.id)
            ref, name, disabilities = record.reference, record.full_name, record.disabilities
            contact = case_steps.adult_care_contact(session, record.id)
    factors = circumstance_factors(current)
    if as_json:
        _echo_json({"reference": ref, "circumstances": current, "disabilities": disabilities,
                    "census_factors": list(factors), "adult_social_care_contact": contact})
        return
    words = "; ".join(circumstance_words(k, v, contact if k == ADULT_SOCIAL_CARE else "")
                      for k, v in current.items()) or "none recorded"
    typer.echo(f"{name} ({ref}): {words}; disabilities: {disabilities}"
               + (f"; census factors: {', '.join(factors)}" if factors else ""))


@child_app.command("direct-payments", hidden=True, add_help_option=False,
                   context_settings={"allow_extra_args": True,
                                     "ignore_unknown_options": True})
def child_direct_payments(ctx: typer.Context) -> None:
    """Gone: direct payments are recorded once, with `cintui direct-payment` (WAR 7.2)."""
    raise CliError("direct payments are now recorded with `cintui direct-payment` (add, "
                   "review, end, list); `cintui child direct-payments` has gone, nothing "
                   "was written")


@child_app.command("consent")
def child_consent(
    ctx: typer.Context, child: ChildArg,
    decision: Annotated[str, typer.Option("--decision", help="given, refused or withdrawn.")],
    scope: Annotated[str, typer.Option(
        "--scope", help="service (the CIN service, WAR 4.2), information_sharing, meeting "
        "or transfer.")] = "service",
    person: Annotated[str | None, typer.Option(
        "--person", help="Whose decision: one of the child's People by name (default: the "
        "child or young person).")] = None,
    method: Annotated[str, typer.Option("--method", help="written or verbal.")] = "written",
    notes: Annotated[str, typer.Option("--notes", help="Anything to add.")] = "",
    without_consent: Annotated[str, typer.Option(
        "--without-consent", help="Why information is shared, or a meeting held, without "
        "consent (BEX 4; WIR 2.3 'very exceptional circumstances').")] = "",
    on: OnOption = None, db: DbOption = None, request_id: RequestOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """A consent decision (WAR 4.2, WIR 2.1): parents consent to a CIN service; young
    people of age and understanding are asked too. A refusal opens the withheld-consent
    path (WIR 2.2) on the child's record. `--scope meeting` is consent to CIN meetings, which
    are not booked without it (WIR 2.1, 2.3); with --without-consent REASON the record says
    why one goes ahead without it."""
    from cintui.casework import cases, record
    from cintui.domain.consent import ONLY_WHEN_MOVING

    now = _today(today)
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        child_row = cases.find_child(session, child)
        person_id = None
        if person:
            try:
                person_id = pick_person(record.list_people(session, child_row.id), person,
                                        child_row.reference).person_id
            except CliError as exc:
                raise CliError(f"--person {exc}") from None
        row = record.record_consent(session, child_row.id, record.ConsentInput(
            scope=scope.strip().lower(), decision=decision.strip().lower(),
            decided_on=_date(on, "--on", now), person_id=person_id,
            method=method.strip().lower(), notes=notes,
            override_without_consent=bool(without_consent.strip()),
            override_rationale=without_consent), now)
        out = {"reference": child_row.reference, "who": row.who, "scope": row.scope,
               "decision": row.decision, "decided_on": row.decided_on.isoformat(),
               "method": row.method}
        # BEX 4: sought when the child moves; the consent tab shows it once a transfer or a
        # decision on it is recorded (`domain.consent.scopes_shown`)
        moving = row.scope != "transfer" or record.transfer_permission(
            session, child_row.id) is not None
    if as_json:
        _echo_json(out)
        return
    typer.echo(f"Consent recorded for {out['reference']}: {out['who']}, {row.scope_label}: "
               f"{out['decision']} ({out['method']}) on {out['decided_on']}")
    if not moving:
        typer.echo(f"No transfer to another authority is recorded for {out['reference']}: "
                   f"consent to share records with another authority is {ONLY_WHEN_MOVING}; "
                   f"`cintui transfer record {out['reference']}` records the move and the "
                   "permission to share its pack needs")
