"""A refusal names what the user typed: the option (`--not-invited-reason`), not the name
of the form's field behind it (`not_invited_reason`, as a screen shows it beside the box).
One line, exit 2, nothing written; on the demo store and on a store begun empty (`db init`,
then only what a user can do). The option is read from the command's own parameters, so
each kind of refusal is checked once, not each command."""

from __future__ import annotations

from tests.cli.test_cli import sha
from tests.cli.test_meeting_safeguards_cli import BOOK, CHILD, DAY, ok
from tests.cli.test_supervision_cli import _store


def _refused(cli, db, *args: str) -> str:
    """The one line a refused command prints, checking exit 2 and that nothing changed."""
    before = sha(db)
    result = cli(*args, "--db", db, *DAY)
    assert result.code == 2, (result.code, result.out, result.err)
    assert result.err.count("\n") == 1 and result.out == "", result.err
    assert sha(db) == before
    return result.err.rstrip("\n")


def test_bex_3_a_booking_refused_names_the_option_not_the_forms_field(cli, demo_store):
    """BEX 3: a reason someone is not invited, with everyone invited, said
    "not_invited_reason: …"; a chair not of this store with no role said "chair_role: …".
    Each names the option as typed."""
    said = _refused(cli, demo_store, "meeting", "schedule", CHILD, *BOOK,
                    "--not-invited-reason", "Too young")
    assert said.startswith("cintui: --not-invited-reason: BEX 3: a reason someone is not "
                           "invited, but everyone is, "), said
    assert said.endswith(" too: say who is not invited, or leave the reason out"), said
    book = list(BOOK)
    del book[book.index("--chair-role"):book.index("--chair-role") + 2]
    book[book.index("--chair") + 1] = "Ann Chair"  # not a worker of this store
    said = _refused(cli, demo_store, "meeting", "schedule", CHILD, *book)
    assert said.startswith("cintui: --chair-role: BEX 3: the CIN review meeting is chaired "
                           "by a social worker, a senior practitioner, a team manager or a "
                           "service manager: say the chair's role"), said


def test_a_field_behind_an_option_of_another_name_names_the_option(cli, demo_store):
    """The form's `starts_at` is typed as --at, a papers' `sent_on` as --on, a short break's
    `kind` as --type: the line names what was typed."""
    book = list(BOOK)
    book[book.index("--at") + 1] = "2026-11-20 16:00"
    assert _refused(cli, demo_store, "meeting", "schedule", CHILD, *book) == (
        "cintui: --at: a meeting is booked for a time still to come; record a past meeting "
        "by minuting it")
    booked = ok(cli, demo_store, "meeting", "schedule", CHILD, *BOOK)["id"]
    said = _refused(cli, demo_store, "meeting", "papers", booked, "--on", "2026-12-01")
    assert said.startswith("cintui: --on: ") and "still to come" in said, said


def test_war_7_1_a_short_break_refused_names_the_option_from_an_empty_store(
        cli, tmp_path, monkeypatch):
    db = _store(cli, tmp_path, monkeypatch)
    assert cli("child", "circumstances", "CIN000001", "--disability", "AUT", "--db", db,
               *DAY).code == 0
    add = ("short-break", "add", "CIN000001", "--provider", "Rainbow House", "--hours", "8")
    assert _refused(cli, db, *add, "--type", "boat") == (
        "cintui: --type: 'boat' is not one of overnight, day, community, other")
    assert _refused(cli, db, *add[:3], "--type", "day", "--hours", "8") == (
        "cintui: --provider: name the provider (a unit, a carer, a scheme)")
    assert _refused(cli, db, "direct-payment", "add", "CIN000001", "--amount", "120",
                    "--period", "fortnight", "--managed-by", "Jo") == (
        "cintui: --period: 'fortnight' is not one of week, four-weeks, month, year")
    # The choices as typed, and the value as typed (it said four_weeks, help four-weeks).
    assert _refused(cli, db, "direct-payment", "add", "CIN000001", "--amount", "120",
                    "--period", "four-week", "--managed-by", "Jo") == (
        "cintui: --period: 'four-week' is not one of week, four-weeks, month, year")


def test_wir_2_11_a_visit_refused_names_the_option_to_write_in(cli, tmp_path, monkeypatch):
    """WIR 2.11: a child not seen alone, with no reason why, is refused naming --analysis,
    where the reason goes (the screen shows it beside the Analysis box), not "analysis"."""
    db = _store(cli, tmp_path, monkeypatch)
    visit = ("visit", "record", "CIN000001", "--at", "2026-11-20 10:00", "--purpose",
             "Review the plan", "--analysis", "All well at home.")
    assert _refused(cli, db, *visit, "--not-alone") == (
        "cintui: --analysis: The child was not seen alone: if they were, record it; if not, "
        "say why in Analysis of visit & actions (use the word 'alone') (WIR 2.11)")
    assert _refused(cli, db, *visit[:5], "--purpose", " ", *visit[7:]) == (
        "cintui: --purpose: Write the purpose of the visit (WIR 2.11)")


def test_a_childs_detail_refused_names_the_option_alone_and_in_each(
        cli, tmp_path, monkeypatch):
    """`child edit --upn` said "upn: …" (the command rewrote the form's error itself); so
    did each child's line of `cintui each`."""
    db = _store(cli, tmp_path, monkeypatch)
    assert _refused(cli, db, "child", "edit", "CIN000001", "--upn", "bad") == (
        "cintui: --upn: UPN 'BAD' is not 13 characters: a letter, 11 digits and a digit or "
        "letter")
    before = sha(db)
    result = cli("each", "--child", "CIN000001", "--child", "CIN000002", "--db", db, "--",
                 "child", "edit", "--upn", "bad")
    assert result.code == 1 and sha(db) == before
    assert [line for line in result.err.splitlines() if line.startswith("cintui each: CIN")] \
        == [f"cintui each: {ref}: --upn: UPN 'BAD' is not 13 characters: a letter, 11 digits "
            "and a digit or letter" for ref in ("CIN000001", "CIN000002")]


def test_wir_2_1_2_3_a_meeting_refused_for_want_of_a_parent_names_the_command_to_add_one(
        cli, tmp_path, monkeypatch):
    """A new team's child with no People: the refusal told a shell user only the app's keys
    ("2 for People, then a, parental responsibility ticked"). It names `cintui person add
    CIN000002 --name NAME --pr` too (it said `CHILD --pr`: no child, no name), and doing
    what it says (then the consent it asks for, named whole too) books the meeting."""
    db = _store(cli, tmp_path, monkeypatch)
    book = ("meeting", "schedule", "CIN000002", "--kind", "initial", "--at",
            "2026-11-30 16:00", "--venue", "Family home", "--chair", "Ann Chair",
            "--chair-role", "Team manager")
    said = _refused(cli, db, *book)
    assert said.startswith("cintui: WIR 2.1, 2.3: no meeting without consent from a "
                           "parent with parental responsibility, and none is on the child's "
                           "record: add them (2 for People, then a, PR ticked; `cintui person "
                           "add CIN000002 --name NAME --pr`), then record their consent to a "
                           "CIN meeting"), said
    assert "…" not in said  # whole, not cut to fit the line
    assert cli("person", "add", "CIN000002", "--name", "Jo Cole", "--relationship", "Mother",
               "--pr", "--db", db, *DAY).code == 0
    # The next refusal names the next command whole (it said `child consent CHILD`).
    assert "`cintui child consent CIN000002 --scope meeting`" in _refused(cli, db, *book)
    assert cli("child", "consent", "CIN000002", "--scope", "meeting", "--decision", "given",
               "--person", "Jo Cole", "--db", db, *DAY).code == 0
    done = cli(*book, "--db", db, *DAY)
    assert done.code == 0, done.err


def test_bex_3_a_name_not_on_the_store_names_the_option_it_was_typed_in(
        cli, tmp_path, monkeypatch):
    """BEX 3: a closure decided `--by` someone not on the store said "worker: no worker
    called 'nobody'", the option typed nowhere in it: the line names --by (the one option
    whose value it quotes)."""
    db = _store(cli, tmp_path, monkeypatch)
    assert cli("close", "recommend", "CIN000001", "--reason", "RC7", "--db", db,
               *DAY).code == 0
    assert _refused(cli, db, "close", "decide", "CIN000001", "--approve", "--rationale",
                    "Needs met", "--by", "nobody") == "cintui: --by: no worker called 'nobody'"


def test_a_refusal_about_no_option_says_the_problem_alone(cli, tmp_path, monkeypatch):
    """`plan show` for a child with no plan started said "cintui: plan: Mia Cole (CIN000002)
    has no plan yet: …", the form's field printed as if it were an option. A field that is
    neither an option nor an argument of the command run is left out; the child, typed as the
    argument, is still named; an option is named as typed."""
    db = _store(cli, tmp_path, monkeypatch)
    said = _refused(cli, db, "plan", "show", "CIN000002")
    assert said.startswith("cintui: Mia Cole (CIN000002) has no plan yet: the manager's "), said
    assert _refused(cli, db, "plan", "show", "CIN000009").startswith("cintui: child: ")
    assert _refused(cli, db, "child", "list", "--worker", "amira.x").startswith(
        "cintui: --worker: no worker called 'amira.x'")


def test_an_option_the_command_has_not_is_answered_with_what_was_meant_or_nothing(
        cli, demo_store):
    """Priya pastes the compliance tables into the committee paper as she does the
    performance ones: `report compliance --md` said "No such option: --md (Possible
    options: --db, --from, --team)", none of them a way to Markdown (it has --md now);
    `stepdown withdraw --reason` offered "--json". An option close to one the command has
    is offered; a format asked for as a flag is answered with the formats the command
    writes; else nothing."""
    def said(*args: str) -> str:
        return _refused(cli, demo_store, *args)

    assert said("report", "census", "--md") == (
        "cintui: No such option: --md (report census writes JSON with --json; no Markdown)")
    assert said("stepdown", "withdraw", CHILD, "--reason", "entered by mistake") == (
        "cintui: No such option: --reason")
    assert said("export", "plan", CHILD, "--pdf") == (
        "cintui: No such option: --pdf (export plan takes the format as --format: docx, pdf, "
        "md, html or json)")
    assert said("child", "list", "--tema", "south") == (
        "cintui: No such option: --tema (did you mean --team?)")
    assert said("due", "--wroker", "amira.ashdown") == (
        "cintui: No such option: --wroker (did you mean --worker?)")
