"""An ended plan reads as the record it is (WIR 3, TRA; BEX 3): a closed case's plan that
fails its checks is never re-opened to fix them, so its copies (Markdown, DOCX, PDF) are
marked as ended, with the day and how, not DRAFT; `plan check` says what it lacked when it
ended. A live plan failing its checks keeps DRAFT. Synthetic demo people only."""

from __future__ import annotations

from docx import Document
from pypdf import PdfReader
from sqlmodel import select

from cintui.casework import lookup
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.cli.test_plan_cli import first_planned
from tests.conftest import TODAY

DAY = ("--today", TODAY.isoformat())


def closed_failing(db) -> tuple[str, object]:
    """A closed child of the demo whose plan, ended at the closure, fails a check."""
    store = open_store(db, None)
    try:
        with store.read() as session:
            for child in session.exec(select(m.Child).where(m.Child.status == "closed")
                                      .order_by(m.Child.reference)):
                try:
                    doc = lookup.plan_document(session, child.reference, TODAY)
                except lookup.PlanError:
                    continue
                if doc.problems and doc.version.ended_by == "closure":
                    return child.reference, doc
    finally:
        store.close()
    raise AssertionError("no closed demo child whose ended plan fails a check")


def test_a_closed_cases_plan_is_exported_marked_ended_not_draft_wir_3(cli, demo_store,
                                                                      tmp_path):
    """WIR 3, TRA: the closure ended the plan; its copies are not DRAFT (it cannot be
    re-opened to be fixed) but "Ended at the closure on <day>", in every format, and say
    what the plan lacked when it ended, not what to sort out before it is final."""
    ref, doc = closed_failing(demo_store)
    ended = f"Ended at the closure on {export_day(doc.version.ended_on)}"
    texts = {}
    for fmt in ("md", "docx", "pdf"):
        out = tmp_path / f"plan.{fmt}"
        result = cli("export", "plan", ref, "-o", out, "--db", demo_store, *DAY)
        assert result.code == 0, result.err
        assert "(DRAFT)" not in result.out
        assert f"(ended at the closure on {short_day(doc.version.ended_on)})" in result.out
        texts[fmt] = read_back(out)
    for fmt, text in texts.items():
        assert "DRAFT" not in text, fmt
        assert "not final" not in text and "sort out" not in text, fmt
        assert ended in text, fmt
        assert "When it ended, the plan lacked:" in text, fmt
    # --final is no longer refused: an ended plan's copy is the record, never a DRAFT.
    final = cli("export", "plan", ref, "-o", tmp_path / "final.md", "--final",
                "--db", demo_store, *DAY)
    assert final.code == 0 and "DRAFT" not in (tmp_path / "final.md").read_text()


def test_plan_check_on_an_ended_plan_says_what_it_lacked_not_a_to_do_wir_3(cli,
                                                                          demo_store):
    """QA still sees the checks (exit 1), worded as what the plan lacked when it ended."""
    ref, doc = closed_failing(demo_store)
    result = cli("plan", "check", ref, "--db", demo_store, *DAY)
    assert result.code == 1
    lines = result.out.strip().splitlines()
    assert lines[0] == (f"{ref} plan v{doc.version.number} ended at the closure on "
                        f"{short_day(doc.version.ended_on)}; it is not re-opened. When it "
                        "ended, it lacked:")
    said = " ".join(lines[1:])
    for to_do in ("update its status", "agree a new date", "name the person", "say what"):
        assert to_do not in said
    assert all(line.startswith("• ") for line in lines[1:])


def test_a_live_plan_failing_its_checks_keeps_draft_bex_3(cli, demo_store, tmp_path):
    """A plan still running that fails a check is DRAFT exactly as before."""
    ref = first_planned(demo_store, passing=False)
    out = tmp_path / "live.md"
    result = cli("export", "plan", ref, "-o", out, "--db", demo_store, *DAY)
    assert result.code == 0 and "(DRAFT)" in result.out
    text = out.read_text()
    assert "DRAFT: this plan fails" in text and "Ended at" not in text


def export_day(day) -> str:
    from cintui.domain.dates import day_long

    return day_long(day)


def short_day(day) -> str:
    from cintui.domain.dates import day_words

    return day_words(day)


def read_back(path) -> str:
    if path.suffix == ".docx":
        return "\n".join(p.text for p in Document(str(path)).paragraphs)
    if path.suffix == ".pdf":
        return " ".join(" ".join(page.extract_text() for page in
                                 PdfReader(str(path)).pages).split())
    return path.read_text()


def rereferred(db) -> str:
    """Sam's case closed with a plan and re-referred, the new plan authorised."""
    from tests.casework.test_endings import add_staff
    from tests.casework.test_rereferral_plan import closed_and_rereferred

    store = open_store(db, None)
    try:
        add_staff(store)
        child_id = closed_and_rereferred(store)
        with store.read() as session:
            return session.get(m.Child, child_id).reference
    finally:
        store.close()


def test_plan_show_after_a_rereferral_is_the_new_episodes_not_the_old_plan_domain_7(
        cli, demo_store):
    """DOMAIN.md §7: a re-referral opens a new episode with its own plan. `plan show` said
    the old episode's plan (its needs, ratings and review date) as the child's plan; now it
    says the new episode's is not written yet and how to read the last one, which still
    reads as ended at the closure."""
    ref = rereferred(demo_store)
    result = cli("plan", "show", ref, "--db", demo_store, *DAY)
    assert result.code == 0
    said = " ".join(result.out.split())
    assert said.startswith(f"{ref}: the CIN plan started 23 Nov 2026 is not written yet")
    assert "L to start from the last plan" in said
    assert f"(the last episode's plan: cintui plan show {ref} --version 1)" in said
    assert "Sam has missed" not in said
    old = cli("plan", "show", ref, "--version", "1", "--db", demo_store, *DAY)
    assert old.code == 0
    assert "no further review: the plan ended at the closure on 18 Nov 2026" in " ".join(
        old.out.split())
    # The new episode's first draft is its own: written from the shell, no old needs in it.
    wrote = cli("plan", "exit", ref, "--good-enough", "Sam in school every day",
                "--db", demo_store, *DAY)
    assert wrote.code == 0, wrote.err
    assert wrote.out.startswith(f"{ref} plan v2 (draft)")
    shown = cli("plan", "show", ref, "--json", "--db", demo_store, *DAY)
    from cintui.export import plan as export

    doc = export.from_json(shown.out)
    assert (doc.version.number, doc.version.needs, doc.version.good_enough) == (
        2, (), "Sam in school every day")


def test_plan_draft_from_last_starts_the_new_episodes_plan_from_the_last_one_tra(cli,
                                                                                  demo_store):
    """TRA (the family need not tell their story again), DOMAIN.md §7: `L` in the plan
    editor had no command-line form. `plan draft --from-last` starts a re-referred child's
    new plan from the last episode's, with the same rules: run again, it is the draft
    already begun; for a child with a plan of its own episode it is refused in one line,
    nothing written; on a closed case nothing is written (BEX 3)."""
    import json

    from tests.cli.test_cli import one_line_error, sha
    from tests.conftest import connect

    ref = rereferred(demo_store)
    result = cli("plan", "draft", ref, "--from-last", "--db", demo_store, *DAY)
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        f"{ref} plan v2 (draft): this episode's plan, started from the last plan (v1): its "
        "needs, ratings and actions to review with the family; edit it in the plan editor (p "
        f"on the record), then agree it: cintui plan agree {ref} --at MEETING|--by NAME"]
    again = cli("plan", "draft", ref, "--json", "--db", demo_store, *DAY)
    said = json.loads(again.out)
    assert (said["version"], said["status"], said["begun_before"], said["needs"]) == \
        (2, "draft", True, 1)
    own = first_planned(demo_store)  # a plan of its own episode: no last one to start from
    before = sha(demo_store)
    one_line_error(cli("plan", "draft", own, "--from-last", "--db", demo_store, *DAY),
                   f"--from-last: {own}: starting from the last plan is for a re-referred "
                   "child's new plan: this episode has its own plan")
    assert sha(demo_store) == before
    with connect(demo_store) as conn:  # a demo case closed with no plan
        closed = conn.execute(
            "SELECT reference FROM child c WHERE status = 'closed' AND NOT EXISTS "
            "(SELECT 1 FROM plan p WHERE p.child_id = c.id) ORDER BY reference").fetchone()[0]
    one_line_error(cli("plan", "draft", closed, "--db", demo_store, *DAY),
                   f"({closed}) has no plan: the case closed on ", "without one")
    assert sha(demo_store) == before
