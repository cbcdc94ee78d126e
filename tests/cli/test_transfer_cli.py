"""`cintui stepdown status|record|decide|complete|withdraw|pack`, `cintui transfer
status|record|decide|sent|withdraw`, `cintui export stepdown-pack|transfer-pack` and
`cintui import transfer-pack` (WIR 3, BEX 4). Bad input: one line on stderr, exit 2,
nothing written."""

from __future__ import annotations

import json
import stat
from datetime import date

import pytest
from docx import Document
from sqlmodel import select

from cintui.store.engine import open_store
from cintui.store.models import Child
from tests.casework.test_endings import MANAGER, add_staff, new_child
from tests.casework.test_transfer import final_meeting, no_plan_stepping_down, with_plan
from tests.cli.test_cli import one_line_error
from tests.conftest import TODAY

DAY = ("--today", TODAY.isoformat())
HUB = "Exampleton Early Help Hub"


@pytest.fixture
def ref(demo_store):
    store = open_store(demo_store, None)
    try:
        add_staff(store)
        child_id = new_child(store)
        with_plan(store, child_id)
        final_meeting(store, child_id)
        with store.read() as session:
            return session.get(Child, child_id).reference
    finally:
        store.close()


def run(cli, db, *args):
    return cli(*args, "--db", db, *DAY)


def ok(cli, db, *args) -> dict:
    result = run(cli, db, *args, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def due_for(cli, db, ref) -> dict[str, str]:
    result = run(cli, db, "due", "--json", "--within", "20")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    items = data["items"] if isinstance(data, dict) and "items" in data else [
        i for group in (data.values() if isinstance(data, dict) else [data])
        for i in (group if isinstance(group, list) else [])]
    return {i["key"]: i["due"] for i in items
            if isinstance(i, dict) and (i.get("reference") == ref
                                        or (i.get("child") or {}).get("reference") == ref)}


def step_down(cli, db, ref) -> None:
    out = ok(cli, db, "stepdown", "record", ref, "--service", HUB, "--lead", "Ms Hill",
             "--lead-contact", "hill@example.org", "--conversation", "yes", "--notes",
             "Spoke with the hub", "--family-consent", "yes", "--documents", "plan,visits",
             "--on", "2026-11-13")
    assert out["ending"]["documents"] == ["plan", "visits"]
    assert out["ending"]["unmet_need"] is True  # the final meeting: still in need


def approved_transfer(cli, db, ref) -> None:
    """BEX 4: a transfer recorded in full (a move on 16 Nov 2026) and approved the next day."""
    ok(cli, db, "transfer", "record", ref, "--to", "Exampleshire County Council",
       "--contact", "Duty team", "--move-date", "2026-11-16", "--consent", "given",
       "--moves", "1", "--impact", "None known", "--told", "Told Mum: school and GP there",
       "--gaps", "None known", "--agencies", "School and GP asked", "--on", "2026-11-16")
    ok(cli, db, "transfer", "decide", ref, "--approve", "--rationale", "Moved",
       "--by", MANAGER, "--on", "2026-11-17")


def review_booked(db, ref: str):
    """A review booked for `ref` through the app's own booking (its booker kept, revision
    0033): (its id, who was told)."""
    from tests.casework.test_endings import book_review

    store = open_store(db, None)
    try:
        with store.read() as session:
            child_id = session.exec(select(Child).where(Child.reference == ref)).one().id
        return book_review(store, child_id)
    finally:
        store.close()


def test_the_whole_step_down_path(cli, demo_store, ref, tmp_path):
    step_down(cli, demo_store, ref)
    one_line_error(run(cli, demo_store, "stepdown", "decide", ref, "--approve",
                       "--rationale", "ok"), "team manager or service manager")
    out = ok(cli, demo_store, "stepdown", "decide", ref, "--approve", "--rationale",
             "Level 3 needs", "--by", MANAGER, "--on", "2026-11-16")
    assert out["due"] == "2026-11-23"  # WIR 3: 5 working days from Mon 16 Nov
    assert out["warning"] is None  # WIR 3: a final CIN meeting recommended it
    assert due_for(cli, demo_store, ref).get("step_down") == "2026-11-23"
    text = run(cli, demo_store, "stepdown", "status", ref)
    assert "Complete by 23 Nov 2026 (WIR 3: 5 working days)" in text.out
    result = run(cli, demo_store, "stepdown", "complete", ref, "--on", "2026-11-20")
    assert result.code == 0, result.err
    assert "The closure still needs:" in result.out
    assert "The family has been told of the closure decision" in result.out
    assert "step_down" not in due_for(cli, demo_store, ref)
    out = ok(cli, demo_store, "close", "status", ref)
    assert (out["ending"]["status"], out["ending"]["closure_reason"]) == ("approved", "RC7")
    ok(cli, demo_store, "close", "told", ref, "--on", "2026-11-20")
    ok(cli, demo_store, "close", "complete", ref, "--summary", "Stepped down to the hub",
       "--on", "2026-11-20")
    out = ok(cli, demo_store, "stepdown", "status", ref)
    assert out["child_status"] == "closed" and out["ending"]["status"] == "completed"


def test_step_down_pack_from_the_export_and_the_stepdown_commands(cli, demo_store, ref,
                                                                 tmp_path):
    step_down(cli, demo_store, ref)
    result = run(cli, demo_store, "export", "stepdown-pack", ref, "-o",
                 tmp_path / "pack.docx", "-f", "docx")
    assert result.code == 0, result.err
    text = "\n".join(p.text for p in Document(tmp_path / "pack.docx").paragraphs)
    assert f"Receiving service: {HUB}" in text
    assert "Amber (A): Sam misses school most Mondays" in text
    assert "The manager has not decided yet." in text
    assert stat.S_IMODE((tmp_path / "pack.docx").stat().st_mode) == 0o600
    result = run(cli, demo_store, "stepdown", "pack", ref, "-o", tmp_path / "p.json",
                 "-f", "json")
    assert result.code == 0, result.err
    assert json.loads((tmp_path / "p.json").read_text())["step_down"]["receiving_service"] == HUB


def test_a_step_down_pack_without_a_plan_says_none_goes_wir_3(cli, demo_store, tmp_path):
    """WIR 3: a child stepping down straight from the assessment has no CIN plan. The pack
    said "No plan on record" and then, under the documents that go, "The latest CIN plan
    (the plan in force)": a document that does not exist. It now says what is true."""
    ref = no_plan_stepping_down(demo_store)
    ok(cli, demo_store, "stepdown", "record", ref, "--service", HUB)
    result = run(cli, demo_store, "stepdown", "pack", ref, "-o", tmp_path / "pack.md")
    assert result.code == 0, result.err
    text = (tmp_path / "pack.md").read_text()
    going = text[text.index("The documents that go"):]
    assert "No CIN plan on record" in going and "The assessment" in going
    assert "latest CIN plan" not in text


def test_a_step_down_without_a_plan_sends_none_and_refuses_one_wir_3(cli, demo_store):
    """WIR 3: `stepdown record` with no CIN plan on record (from the assessment) chose the
    plan among the documents that go, as if there were one; `--documents plan` is one line,
    nothing recorded."""
    ref = no_plan_stepping_down(demo_store)
    one_line_error(run(cli, demo_store, "stepdown", "record", ref, "--service", HUB,
                       "--documents", "assessment,plan"),
                   "there is no CIN plan on record to send: choose from assessment, "
                   "minutes, visits")
    assert ok(cli, demo_store, "stepdown", "status", ref)["ending"] is None
    ok(cli, demo_store, "stepdown", "record", ref, "--service", HUB)
    assert ok(cli, demo_store, "stepdown", "status", ref)["ending"]["documents"] == [
        "assessment", "minutes", "visits"]


@pytest.mark.parametrize("args, words", [
    (("stepdown", "record", "{ref}", "--documents", "letters"), "'letters' is not a document"),
    (("stepdown", "record", "{ref}", "--conversation", "maybe"), "answer yes or no"),
    (("stepdown", "record", "{ref}", "--on", "2026-11-24"), "in the future"),
    (("stepdown", "decide", "{ref}", "--rationale", "x"), "give --approve or --decline"),
    (("stepdown", "complete", "{ref}"), "no step-down has been recorded"),
    (("export", "stepdown-pack", "{ref}", "-o", "{tmp}/x.odt", "-f", "odt"), "unknown format"),
    (("transfer", "record", "{ref}", "--to", "X", "--move-date", "16/11"), "not a date"),
    (("transfer", "record", "{ref}", "--to", "X", "--move-date", "2026-11-16", "--consent",
      "perhaps"), "choose one of"),
    (("transfer", "record", "{ref}", "--move-date", "2026-11-16"),
     "name the receiving authority"),
    (("transfer", "sent", "{ref}"), "no transfer has been recorded"),
    (("export", "transfer-pack", "{ref}", "-o", "{tmp}/pack"), "manager's agreement"),
    (("stepdown", "status", "NOSUCH"), "NOSUCH"),
])
def test_bad_input_is_one_line(cli, demo_store, ref, tmp_path, args, words):
    args = [a.format(ref=ref, tmp=tmp_path) for a in args]
    one_line_error(run(cli, demo_store, *args), words)
    assert ok(cli, demo_store, "stepdown", "status", ref)["ending"] is None
    assert ok(cli, demo_store, "transfer", "status", ref)["ending"] is None


def test_transfer_out_pack_and_transfer_in(cli, demo_store, ref, tmp_path, new_db):
    out = ok(cli, demo_store, "transfer", "record", ref, "--to", "Exampleshire County Council",
             "--contact", "Duty team", "--move-date", "2026-11-16", "--consent", "not_sought",
             "--reason", "Seeking it would alert the father", "--moves", "3", "--on",
             "2026-11-16")
    assert out["ending"]["moved_repeatedly"] is True
    text = run(cli, demo_store, "transfer", "record", ref)
    assert "consider trafficking and modern slavery" in text.out
    ok(cli, demo_store, "transfer", "decide", ref, "--approve", "--rationale", "Moved",
       "--by", MANAGER, "--on", "2026-11-17")
    one_line_error(run(cli, demo_store, "transfer", "sent", ref, "--on", "2026-11-20"),
                   "moved 3 times", "trafficking")
    out = ok(cli, demo_store, "export", "transfer-pack", ref, "-o", tmp_path / "pack")
    assert "transfer-pack.json" in out["files"] and "cin-plan.pdf" in out["files"]
    assert stat.S_IMODE((tmp_path / "pack").stat().st_mode) == 0o700
    ok(cli, demo_store, "transfer", "record", ref, "--trafficking", "No indicators; MASH "
       "consulted")
    one_line_error(run(cli, demo_store, "transfer", "sent", ref, "--on", "2026-11-20"),
                   "how the move affects the child", "the parents were told", "BEX 4")
    ok(cli, demo_store, "transfer", "record", ref,
       "--impact", "Gran's daily help stops; no known risk there",
       "--told", "Told Mum on 12 Nov: school place and GP there",
       "--gaps", "None known", "--agencies", "School and GP asked to send records on")
    out = ok(cli, demo_store, "export", "transfer-pack", ref, "-o", tmp_path / "pack2")
    summary = (tmp_path / "pack2" / "transfer-pack.json").read_text()
    assert "Gran's daily help stops" in summary and "School and GP asked" in summary
    out = ok(cli, demo_store, "transfer", "sent", ref, "--on", "2026-11-20")
    assert out["child_status"] == "closed"

    # The receiving authority: a fresh store.
    receiving = new_db("receiving.db")
    result = run(cli, receiving, "import", "transfer-pack", tmp_path / "pack", "--worker",
                 "nobody.here")
    one_line_error(result, "nobody.here")
    assert json.loads(run(cli, receiving, "child", "list", "--json").out) == []
    out = ok(cli, receiving, "import", "transfer-pack", tmp_path / "pack")
    assert out["reference"] == ref and out["moved_in"] == "2026-11-16"
    assert out["transfer_in_meeting_by"] == "2026-12-14"  # 20 working days (BEX 4)
    assert due_for(cli, receiving, ref).get("transfer_in_meeting") == "2026-12-14"
    # BEX 4: what the other authority did reads as taken there, not as steps to do here.
    steps = run(cli, receiving, "child", "steps", ref, "--today", "2026-11-23").out
    assert "in the authority the child came from" in steps and "\n  · " not in steps, steps
    assert "Next: All the steps are recorded" in steps, steps
    one_line_error(run(cli, receiving, "import", "transfer-pack", tmp_path / "pack"),
                   "already a child on this store")


def test_a_meeting_still_booked_is_cancelled_before_the_pack_is_sent_wir_2_9(
        cli, demo_store, ref):
    """WIR 2.9: a review still booked when the child moved away left those invited to come
    to it: sending is refused naming it (status too, on both readers), until cancelled."""
    approved_transfer(cli, demo_store, ref)
    meeting_id, told = review_booked(demo_store, ref)
    unmet = [i for i in ok(cli, demo_store, "transfer", "status", ref)["checklist"]
             if not i["met"]]
    assert [(i["key"], i["rule"]) for i in unmet] == [("no_meetings_booked", "WIR 2.9")]
    one_line_error(run(cli, demo_store, "transfer", "sent", ref, "--on", "2026-11-20"),
                   "the CIN review meeting of Tue 12 Jan 2027 is still booked")
    cancelled = run(cli, demo_store, "meeting", "cancel", str(meeting_id), "--reason",
                    "The family moved away", *[a for name in told for a in ("--told", name)])
    assert cancelled.code == 0, cancelled.err
    assert ok(cli, demo_store, "transfer", "sent", ref, "--on", "2026-11-20")[
        "child_status"] == "closed"


def test_import_bad_pack_is_one_line_and_writes_nothing(cli, tmp_path, new_db):
    receiving = new_db("receiving.db")
    one_line_error(run(cli, receiving, "import", "transfer-pack", tmp_path / "none"),
                   "no such file")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "transfer-pack.json").write_text("{not json")
    one_line_error(run(cli, receiving, "import", "transfer-pack", tmp_path / "bad"),
                   "not valid JSON")
    (tmp_path / "bad" / "transfer-pack.json").write_text(json.dumps(
        {"format": "cintui-transfer-pack", "format_version": 1, "child": {"first_name": "A"},
         "episode": {}, "transfer": {}}))
    one_line_error(run(cli, receiving, "import", "transfer-pack", tmp_path / "bad"),
                   "child.reference: missing", "transfer.move_date: missing")
    result = run(cli, receiving, "child", "list", "--json")
    assert result.code == 0 and json.loads(result.out) == []


def test_a_closure_is_not_recommended_beside_an_agreed_step_down_wir_3(cli, demo_store, ref,
                                                                       tmp_path):
    """WIR 3, BEX 4: the step-down decision is the manager's decision to close. A closure
    recommended beside it (the closure screen offered `r` while the step-down waited to be
    completed) was not approved by completing the step-down, and waited for a second
    decision of the manager's. Now it is refused in one line, saying what closes the case;
    the letters, asked for too early, say so too; and completing the step-down approves the
    closure, so the manager decides once."""
    step_down(cli, demo_store, ref)
    ok(cli, demo_store, "stepdown", "decide", ref, "--approve", "--rationale", "Level 3 needs",
       "--by", MANAGER, "--on", "2026-11-16")
    one_line_error(run(cli, demo_store, "close", "recommend", ref, "--reason", "RC7"),
                   f"nothing to recommend: the step-down to {HUB} is approved by the manager, "
                   "and completing it approves the closure; withdraw it first")
    assert ok(cli, demo_store, "close", "status", ref)["ending"] is None
    out = tmp_path / "letters"
    one_line_error(run(cli, demo_store, "close", "letters", ref, "-o", out),
                   "and completing it approves the closure (then write them)")
    assert not out.exists() or list(out.iterdir()) == []
    assert run(cli, demo_store, "stepdown", "complete", ref, "--on", "2026-11-20").code == 0
    assert ok(cli, demo_store, "close", "status", ref)["ending"]["status"] == "approved"


def test_close_status_says_the_agreed_step_down_closes_the_case_not_a_decision_wir_3(
        cli, demo_store, ref):
    """WIR 3: with a step-down recorded, then agreed, `close status` said "no manager's
    decision to close yet", as though a closure were still to be recommended and decided
    (and `close recommend` is refused then). It says what approves the closure now."""
    step_down(cli, demo_store, ref)
    first = ok(cli, demo_store, "close", "status", ref)["checklist"][0]
    assert first["key"] == "approved" and first["problem"] == (
        f"the step-down to {HUB} is recommended, waiting for the manager's decision, and "
        f"completing it approves the closure (S on the record, then a; `cintui stepdown "
        f"decide {ref} --approve`)")
    ok(cli, demo_store, "stepdown", "decide", ref, "--approve", "--rationale", "Level 3 needs",
       "--by", MANAGER, "--on", "2026-11-16")
    text = run(cli, demo_store, "close", "status", ref)
    assert text.code == 0, text.err
    assert (f"the step-down to {HUB} is approved by the manager, and completing it approves "
            f"the closure (S on the record, then x; `cintui stepdown complete {ref}`)"
            in text.out)
    assert "no manager's decision" not in text.out
    assert text.out.splitlines()[0].endswith(  # as C says it; it said "no closure recommended"
        f"{ref}: no closure to recommend: the step-down to {HUB} is approved by the manager, "
        "and completing it approves the closure")


def test_close_complete_beside_an_agreed_step_down_says_what_closes_the_case_wir_3(
        cli, demo_store, ref):
    """WIR 3: with only a step-down under way, `close complete` (and `told`, `decide`)
    said "no closure has been recommended; this step needs a closure approved ...", though
    no closure is to be recommended then. Each says what `close status` says: completing
    the step-down approves the closure, with its key and command."""
    step_down(cli, demo_store, ref)
    ok(cli, demo_store, "stepdown", "decide", ref, "--approve", "--rationale", "Level 3 needs",
       "--by", MANAGER, "--on", "2026-11-16")
    said = (f"no closure recommended: the step-down to {HUB} is approved by the manager, "
            f"and completing it approves the closure (S on the record, then x; `cintui "
            f"stepdown complete {ref}`)")
    for args in (("close", "complete", ref, "--reason", "RC7"), ("close", "told", ref)):
        result = run(cli, demo_store, *args)
        one_line_error(result, said)
        assert "no closure has been recommended" not in result.err
    assert ok(cli, demo_store, "close", "status", ref)["ending"] is None  # nothing written


def test_a_step_down_with_nothing_given_is_refused_naming_the_service_wir_3(
        cli, demo_store, ref):
    """WIR 3: the step-down form names the receiving early help service. `stepdown record
    CHILD` with no options recorded an empty recommendation (exit 0) that then waited for
    the manager; it now says, in one line, what the form needs, as the app's form does,
    and records nothing. A blank --service is refused the same way."""
    result = run(cli, demo_store, "stepdown", "record", ref)
    one_line_error(result, "name the receiving early help service",
                   f"cintui stepdown record {ref} --service NAME")
    one_line_error(run(cli, demo_store, "stepdown", "record", ref, "--lead", "Ms Hill",
                       "--service", "  "), "name the receiving early help service")
    assert ok(cli, demo_store, "stepdown", "status", ref)["ending"] is None
    assert ok(cli, demo_store, "stepdown", "record", ref, "--service", HUB)[
        "ending"]["receiving_service"] == HUB


def test_a_step_down_form_without_documents_sends_all_four_as_the_apps_does_wir_3(
        cli, demo_store, ref):
    """WIR 3: the app's form starts with every document chosen (assessment, plan, minutes,
    visits). `stepdown record` without --documents chose none, said "the manager decides
    next", and the worker learnt only at `stepdown complete`, after the manager had agreed
    it, that the documents were still to choose. A new form now has all four; an update
    without --documents keeps what was chosen."""
    out = ok(cli, demo_store, "stepdown", "record", ref, "--service", HUB, "--lead",
             "Ms Hill", "--conversation", "yes", "--notes", "Spoke with the hub",
             "--family-consent", "yes")
    assert out["ending"]["documents"] == ["assessment", "plan", "minutes", "visits"]
    ok(cli, demo_store, "stepdown", "record", ref, "--documents", "plan")
    out = ok(cli, demo_store, "stepdown", "record", ref, "--lead-contact", "hill@example.org")
    assert out["ending"]["documents"] == ["plan"]
    ok(cli, demo_store, "stepdown", "decide", ref, "--approve", "--rationale", "Level 3 needs",
       "--by", MANAGER)
    done = run(cli, demo_store, "stepdown", "complete", ref)
    assert done.code == 0, done.err


def test_each_next_step_names_the_child_it_is_for(cli, demo_store, ref):
    """`stepdown record` ended "cintui stepdown decide", `transfer decide` "cintui export
    transfer-pack, then cintui transfer sent", and `stepdown status` "(cintui close …)":
    none named the child. Each now names the whole command for this child."""
    said = run(cli, demo_store, "stepdown", "record", ref, "--service", HUB, "--lead",
               "Ms Hill", "--lead-contact", "hill@example.org", "--conversation", "yes",
               "--notes", "Spoke with the hub", "--family-consent", "yes", "--documents",
               "plan,visits", "--on", "2026-11-13")
    assert said.code == 0, said.err
    assert said.out.strip().endswith(f"the manager decides next: cintui stepdown decide {ref} "
                                     "--approve|--decline --rationale TEXT")
    ok(cli, demo_store, "stepdown", "decide", ref, "--approve", "--rationale", "Level 3",
       "--by", MANAGER, "--on", "2026-11-16")
    assert run(cli, demo_store, "stepdown", "complete", ref, "--on", "2026-11-20").code == 0
    status = run(cli, demo_store, "stepdown", "status", ref)
    assert f"The closure that follows still needs (cintui close status {ref}):" in status.out


def test_an_agreed_transfer_names_the_childs_next_commands(cli, demo_store, ref):
    ok(cli, demo_store, "transfer", "record", ref, "--to", "Exampleshire County Council",
       "--move-date", "2026-11-16", "--consent", "given", "--on", "2026-11-16")
    said = run(cli, demo_store, "transfer", "decide", ref, "--approve", "--rationale", "Moved",
               "--by", MANAGER, "--on", "2026-11-17")
    assert said.out.strip().endswith(f"cintui export transfer-pack {ref} -o pack/, then "
                                     f"cintui transfer sent {ref}")


def test_a_step_down_not_ready_says_the_command_that_records_what_is_missing_wir_3(
        cli, demo_store, ref):
    """`stepdown complete` with the conversation's notes missing said "conversation: cannot
    complete yet: note what was said …": `conversation` is no option of `complete`, and it
    did not say how to record it. Now each item missing has its command, for this child."""
    from tests.cli.test_cli import sha

    ok(cli, demo_store, "stepdown", "record", ref, "--service", HUB, "--lead", "Ms Hill",
       "--conversation", "yes", "--family-consent", "yes", "--documents", "plan",
       "--on", "2026-11-13")
    ok(cli, demo_store, "stepdown", "decide", ref, "--approve", "--rationale", "Level 3",
       "--by", MANAGER, "--on", "2026-11-16")
    before = sha(demo_store) if not str(demo_store).startswith("postgresql") else None
    one_line_error(run(cli, demo_store, "stepdown", "complete", ref, "--on", "2026-11-20"),
                   "cannot complete yet: note what was said in the conversation with the "
                   f"receiving team (WIR 3): cintui stepdown record {ref} --conversation "
                   "yes|no --notes TEXT")
    if before is not None:
        assert sha(demo_store) == before
    assert ok(cli, demo_store, "stepdown", "status", ref)["ending"]["status"] == "approved"


def test_a_pack_referring_a_child_under_13_to_adult_social_care_is_refused_war_4_2(
        cli, demo_store, ref, tmp_path, new_db):
    """WAR 4.2: adult social care is recorded from 13 (`check_adult_care_age`), and `child
    circumstances` refuses it younger. `import transfer-pack` read a pack's circumstances
    as sent, a referral for an 8-year-old included. Now it is one line naming the row and
    the reason, exit 2, nothing written."""
    approved_transfer(cli, demo_store, ref)
    ok(cli, demo_store, "export", "transfer-pack", ref, "-o", tmp_path / "pack")
    path = tmp_path / "pack" / "transfer-pack.json"
    data = json.loads(path.read_text())
    data["circumstances"].append({"kind": "adult_social_care", "value": "referred",
                                  "recorded_on": "2026-10-01", "recorded_by": "Wendy Worker",
                                  "contact": "Adult Social Care front door"})
    path.write_text(json.dumps(data))
    row = len(data["circumstances"])
    receiving = new_db("receiving.db")
    refused = run(cli, receiving, "import", "transfer-pack", tmp_path / "pack")
    one_line_error(refused, f"circumstances row {row} (adult social care: referred): the "
                   "child is 8 on 1 Oct 2026: adult social care is for a young person "
                   "preparing for adulthood, from Year 9, 13 (WAR 4.2")
    assert json.loads(run(cli, receiving, "child", "list", "--json").out) == []


def test_a_case_closed_by_a_transfer_has_its_summary_in_the_pack_not_a_closure_bex_4(
        cli, demo_store, ref, tmp_path):
    """BEX 4, TRA: a case closed by a transfer out (RC5) has no closure record. `close
    summary` said "no closure has been recommended" and `close status` "no closure
    recommended"; both say it was closed by the transfer on its day and where its case
    summary is: the transfer pack, by its command. Exit 2, nothing written."""
    from tests.cli.test_cli import sha

    approved_transfer(cli, demo_store, ref)
    ok(cli, demo_store, "transfer", "sent", ref, "--on", "2026-11-20")
    said = (f"{ref}'s case was closed by a transfer out to Exampleshire County Council on "
            f"20 Nov 2026 (RC5), not by a closure: its case summary is in the transfer pack "
            f"(`cintui export transfer-pack {ref} -o FOLDER`")
    before = sha(demo_store)
    refused = run(cli, demo_store, "close", "summary", ref, "-o", tmp_path / "summary.pdf")
    one_line_error(refused, said)
    assert "recommended" not in refused.err
    assert not (tmp_path / "summary.pdf").exists() and sha(demo_store) == before
    letters = run(cli, demo_store, "close", "letters", ref, "-o", tmp_path / "letters")
    one_line_error(letters, f"{ref}'s case was closed by a transfer out to Exampleshire "
                   "County Council on 20 Nov 2026 (RC5), not by a closure: no closure "
                   "letters; its case summary is in the transfer pack")
    assert not (tmp_path / "letters").exists() and sha(demo_store) == before
    status = run(cli, demo_store, "close", "status", ref)
    assert status.code == 0 and said in status.out and "recommended" not in status.out
    assert ok(cli, demo_store, "export", "transfer-pack", ref, "-o", tmp_path / "pack")[
        "files"]  # the command it names works


def booked_and_cancelled(cli, db, ref) -> None:
    """A review booked through the app's own booking (so its booker is kept, revision 0033)
    and cancelled with everyone told (WIR 2.9), as a transfer needs before the pack is sent."""
    meeting_id, told = review_booked(db, ref)
    cancelled = run(cli, db, "meeting", "cancel", str(meeting_id), "--reason",
                    "The family moved away", *[a for name in told for a in ("--told", name)])
    assert cancelled.code == 0, cancelled.err


def bookers(cli, db, ref) -> dict[tuple[str, str], tuple]:
    """(kind, held on) -> (who booked it, the day), as `cintui meeting list --json` says."""
    return {(r["kind"], r["held_on"]): (r["booked_by"], r["booked_on"])
            for r in ok(cli, db, "meeting", "list", ref)}


def test_who_booked_a_meeting_goes_with_the_child_in_the_transfer_pack_bex_4(
        cli, demo_store, ref, tmp_path, new_db):
    """BEX 4: the receiving worker reads the child's meetings as the sending authority held
    them, who booked each among them (revision 0033) and the day they booked it: the pack
    left it behind, so the record, `meeting list` and the subject access response there
    said nothing of it. A meeting whose booker was never known stays unknown."""
    from pypdf import PdfReader

    approved_transfer(cli, demo_store, ref)
    booked_and_cancelled(cli, demo_store, ref)
    sent = bookers(cli, demo_store, ref)
    by, on = sent[("review", "2027-01-12")]
    assert by and on  # booked through the app: its booker and day are known there
    assert sent[("final", "2026-11-13")] == (None, None)  # made with none
    ok(cli, demo_store, "export", "transfer-pack", ref, "-o", tmp_path / "pack")
    pack = json.loads((tmp_path / "pack" / "transfer-pack.json").read_text())
    assert [(r["kind"], r["booked_by"]) for r in pack["meetings"]] == [
        ("final", ""), ("review", by)]

    receiving = new_db("receiving.db")
    result = run(cli, receiving, "import", "transfer-pack", tmp_path / "pack")
    assert result.code == 0, result.err
    assert "who booked" not in result.out  # nothing missing from this pack
    assert bookers(cli, receiving, ref) == sent
    # The subject access response there lists the booker with the meeting (UK GDPR Art. 15).
    (tmp_path / "sar").mkdir()
    ok(cli, receiving, "export", "subject-access", ref, "--requested-by", "Mother",
       "-o", tmp_path / "sar")
    (pdf,) = (tmp_path / "sar").glob("*.pdf")
    (held,) = (tmp_path / "sar").glob("*.json")
    meetings = json.loads(held.read_text())["records"]["meeting"]
    assert sorted(r["booked_by"] for r in meetings) == ["", by]
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert f"Booked by: {by}" in text


def test_a_pack_made_before_meetings_kept_their_booker_still_imports_and_says_so_bex_4(
        cli, demo_store, ref, tmp_path, new_db):
    """BEX 4: a pack from a cintui before revision 0033 (its meetings without `booked_by`
    and `booked_at`) imports as before, its meetings with no booker, and the import says
    the pack does not say who booked them (on both readers: the text and --json)."""
    approved_transfer(cli, demo_store, ref)
    booked_and_cancelled(cli, demo_store, ref)
    ok(cli, demo_store, "export", "transfer-pack", ref, "-o", tmp_path / "pack")
    file = tmp_path / "pack" / "transfer-pack.json"
    pack = json.loads(file.read_text())
    for meeting in pack["meetings"]:
        del meeting["booked_by"], meeting["booked_at"]
    file.write_text(json.dumps(pack))

    receiving = new_db("receiving.db")
    result = run(cli, receiving, "import", "transfer-pack", tmp_path / "pack")
    assert result.code == 0, result.err
    assert ("The pack does not say who booked its meetings (made by an older cintui)"
            in result.out), result.out
    assert set(bookers(cli, receiving, ref).values()) == {(None, None)}
    assert len(bookers(cli, receiving, ref)) == 2


def minuted_final_meeting(db, ref) -> None:
    """The final meeting minuted as the app keeps minutes: Mum came, Dad sent apologies, an
    action agreed, the child's views, the minutes sent to Mum."""
    from cintui.domain.meeting import AgreedAction, Decisions, Invitee, Minutes
    from cintui.store import models as m

    store = open_store(db, None)
    try:
        with store.session("test.worker") as session:
            row = session.exec(select(m.Meeting).join(Child, Child.id == m.Meeting.child_id)
                               .where(Child.reference == ref, m.Meeting.kind == "final")).one()
            row.minutes = json.dumps(Minutes(
                kind="final", held_on=row.held_on,
                attendance=(Invitee("Mary Mum", "Mother", is_parent=True, attendance="present"),
                            Invitee("Dave Dad", "Father", is_parent=True,
                                    attendance="apologies")),
                agreed_actions=(AgreedAction("Pass the school's plan on", "Wendy Worker",
                                             date(2026, 11, 20)),),
                childs_views="I want to keep seeing my counsellor at the new school.",
                decisions=Decisions(still_in_need=True, recommendation="step_down",
                                    notes="Step down once settled")).to_dict())
            session.add(m.MeetingDistribution(meeting_id=row.id, recipient="Mary Mum",
                                              sent_on=date(2026, 11, 14)))
    finally:
        store.close()


def test_the_minutes_go_with_the_child_and_read_back_there_bex_4(cli, demo_store, ref,
                                                                  tmp_path, new_db):
    """BEX 4: the receiving authority got the final meeting but not its minutes: not who
    came, the child's views, the actions agreed or the decisions. They come with it: the
    receiving worker exports the minutes there, and the subject access response there holds
    them (UK GDPR Art. 15). A pack from an older cintui imports and says it has none."""
    approved_transfer(cli, demo_store, ref)
    minuted_final_meeting(demo_store, ref)
    ok(cli, demo_store, "export", "transfer-pack", ref, "-o", tmp_path / "pack")
    receiving = new_db("receiving.db")
    result = run(cli, receiving, "import", "transfer-pack", tmp_path / "pack")
    assert result.code == 0, result.err
    assert "minutes" not in result.out  # nothing missing from this pack
    written = run(cli, receiving, "export", "minutes", ref, "--latest", "-o",
                  tmp_path / "final.md")
    assert written.code == 0, written.err
    said = " ".join((tmp_path / "final.md").read_text().split())
    for words in ("Mary Mum", "Dave Dad", "I want to keep seeing my counsellor at the new "
                  "school.", "Pass the school's plan on", "Step down once settled"):
        assert words in said, words
    (tmp_path / "sar").mkdir()
    ok(cli, receiving, "export", "subject-access", ref, "--requested-by", "Mother",
       "-o", tmp_path / "sar")
    (held,) = (tmp_path / "sar").glob("*.json")
    records = json.loads(held.read_text())["records"]
    assert "keep seeing my counsellor" in json.dumps(records["meeting"])
    assert [r["recipient"] for r in records["meeting_distribution"]] == ["Mary Mum"]

    file = tmp_path / "pack" / "transfer-pack.json"
    pack = json.loads(file.read_text())
    for meeting in pack["meetings"]:
        del meeting["minutes"]
    pack["child"]["reference"] = "OLDER1"
    file.write_text(json.dumps(pack))
    older = run(cli, receiving, "import", "transfer-pack", tmp_path / "pack")
    assert older.code == 0, older.err
    assert ("The pack does not carry its meetings' minutes (made by an older cintui): ask "
            "the sending authority for them.") in older.out
    pack["child"]["reference"] = "OLDER2"
    file.write_text(json.dumps(pack))
    assert ok(cli, receiving, "import", "transfer-pack", tmp_path / "pack")[
        "meetings_minutes_carried"] is False


def test_a_packs_booker_without_a_day_or_of_the_wrong_kind_bex_4(cli, demo_store, ref,
                                                                 tmp_path, new_db):
    """A pack's `booked_at` that is not a time is refused in one line, nothing written; a
    booker without the day they booked says nothing (never the import's day as theirs)."""
    approved_transfer(cli, demo_store, ref)
    booked_and_cancelled(cli, demo_store, ref)
    ok(cli, demo_store, "export", "transfer-pack", ref, "-o", tmp_path / "pack")
    file = tmp_path / "pack" / "transfer-pack.json"
    pack = json.loads(file.read_text())
    review = next(r for r in pack["meetings"] if r["booked_by"])
    receiving = new_db("receiving.db")
    for bad, words in (("yesterday", "meetings.booked_at: 'yesterday' is not a date and time"),
                       (20261118, "meetings.booked_at: should be text")):
        review["booked_at"] = bad
        file.write_text(json.dumps(pack))
        one_line_error(run(cli, receiving, "import", "transfer-pack", tmp_path / "pack"),
                       words)
        assert json.loads(run(cli, receiving, "child", "list", "--json").out) == []
    review["booked_at"] = None
    file.write_text(json.dumps(pack))
    assert run(cli, receiving, "import", "transfer-pack", tmp_path / "pack").code == 0
    assert set(bookers(cli, receiving, ref).values()) == {(None, None)}


def test_a_transfer_pack_imported_before_anyone_says_who_they_are_is_refused(
        cli, new_db, tmp_path, monkeypatch):
    """BEX 4, receiving a child on a store whose team is set up, before anyone has said who
    they are, on a computer whose login is no worker here: refused in one line naming
    `cintui worker whoami`, nothing written; said, the child is imported."""
    pack = {"format": "cintui-transfer-pack", "format_version": 1, "produced": "2026-11-20",
            "from_authority": "Exampleshire County Council",
            "child": {"reference": "EX1", "first_name": "Ola", "last_name": "Moved",
                      "dob": "2017-05-05"},
            "episode": {"referral_source": "10", "primary_need": "N1"},
            "transfer": {"move_date": "2026-11-16"}}
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "transfer-pack.json").write_text(json.dumps(pack))
    receiving = new_db("receiving.db")
    for args in (("team", "add", "South"), ("worker", "add", "nia.new", "--name", "Nia New",
                                           "--role", "SW", "--team", "South")):
        assert cli(*args, "--db", receiving).code == 0
    monkeypatch.setenv("LOGNAME", "kiosk")  # getpass.getuser: a login no worker has
    one_line_error(run(cli, receiving, "import", "transfer-pack", tmp_path / "pack"),
                   "who is importing a transfer pack?", "(kiosk) is no worker on this store",
                   "`cintui worker whoami USERNAME`", "nothing was imported")
    assert json.loads(run(cli, receiving, "child", "list", "--json").out) == []
    assert cli("worker", "whoami", "nia.new", "--db", receiving).code == 0
    assert ok(cli, receiving, "import", "transfer-pack", tmp_path / "pack")["reference"] == "EX1"


def test_consent_to_share_with_another_authority_is_said_to_be_for_a_move_bex_4(
        cli, demo_store, ref):
    """BEX 4: the parents' permission to share with the receiving authority is sought when
    the child moves. Recorded with no transfer under way, `child consent --scope transfer`
    says so and how the move is recorded (as the consent tab shows it only with one); with
    a transfer recorded, it says nothing more."""
    before = run(cli, demo_store, "child", "consent", ref, "--scope", "transfer",
                 "--decision", "given")
    assert before.code == 0, before.err
    first, note = before.out.splitlines()
    assert first.startswith(f"Consent recorded for {ref}: ") and "Transfer to another" in first
    assert note == (
        f"No transfer to another authority is recorded for {ref}: consent to share records "
        "with another authority is sought when the child moves to another authority (BEX 4); "
        f"`cintui transfer record {ref}` records the move and the permission to share its "
        "pack needs")
    ok(cli, demo_store, "transfer", "record", ref, "--to", "Exampleshire County Council",
       "--move-date", "2026-11-16", "--on", "2026-11-16")
    after = run(cli, demo_store, "child", "consent", ref, "--scope", "transfer",
                "--decision", "given")
    assert after.code == 0, after.err
    assert len(after.out.splitlines()) == 1


@pytest.fixture
def ref_no_meeting(demo_store):
    """A child on a CIN plan with no final CIN meeting held yet."""
    store = open_store(demo_store, None)
    try:
        add_staff(store)
        child_id = new_child(store)
        with_plan(store, child_id)
        with store.read() as session:
            return session.get(Child, child_id).reference
    finally:
        store.close()


EARLY = ("Warning: no final CIN meeting recommending the step-down is on record: hold one, "
         "or a review, with the recommendation to step down (WIR 3: a step-down is a "
         "multi-agency decision at a final CIN meeting); agreed now, it cannot be completed "
         "until then.")


def recorded(cli, db, ref) -> None:
    """The step-down form recorded in full (WIR 3), whatever meeting there was."""
    ok(cli, db, "stepdown", "record", ref, "--service", HUB, "--lead", "Ms Hill",
       "--conversation", "yes", "--notes", "Spoke with the hub", "--family-consent", "yes",
       "--on", "2026-11-13")


def test_a_step_down_agreed_before_any_final_meeting_is_warned_not_refused(
        cli, demo_store, ref_no_meeting):
    """WIR 3: a step-down is a multi-agency decision at a final CIN meeting, discussed with
    the line manager first (DOMAIN.md §7): the manager may agree it before the meeting, and
    `stepdown decide` says so in the line the app's decision form shows; completing it
    still waits for the meeting. It was agreed with no word."""
    ref = ref_no_meeting
    recorded(cli, demo_store, ref)
    result = run(cli, demo_store, "stepdown", "decide", ref, "--approve", "--rationale",
                 "Level 3 needs", "--by", MANAGER, "--on", "2026-11-16")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("Step-down agreed for")
    assert " ".join(line.strip() for line in lines[1:]) == EARLY
    status = ok(cli, demo_store, "stepdown", "status", ref)
    assert status["ending"]["status"] == "approved"  # agreed: warned, not refused
    refused = run(cli, demo_store, "stepdown", "complete", ref, "--on", "2026-11-20")
    assert refused.code == 2 and "no final CIN meeting recommending" in refused.err


def test_the_step_down_warning_in_json_and_not_on_a_decline(cli, demo_store, ref_no_meeting):
    """WIR 3: `--json` carries the same warning (`warning`); declining needs no meeting and
    carries none."""
    recorded(cli, demo_store, ref_no_meeting)
    declined = ok(cli, demo_store, "stepdown", "decide", ref_no_meeting, "--decline",
                  "--rationale", "Not yet", "--by", MANAGER, "--on", "2026-11-16")
    assert declined["warning"] is None
    recorded(cli, demo_store, ref_no_meeting)
    early = ok(cli, demo_store, "stepdown", "decide", ref_no_meeting, "--approve",
               "--rationale", "Level 3 needs", "--by", MANAGER, "--on", "2026-11-16")
    assert early["warning"] == EARLY
