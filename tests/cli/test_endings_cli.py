"""`cintui decision add|list`, `cintui close status|recommend|decide|told|dispute|settle|
complete|letters|summary` and `cintui child rerefer|episodes` (DOMAIN.md §7). Bad input:
one line on stderr, exit 2, nothing written."""

from __future__ import annotations

import json
import stat

import pytest
from docx import Document

from cintui.store.engine import open_store
from cintui.store.models import Child
from tests.casework.test_endings import MANAGER, SERVICE, add_staff, new_child
from tests.cli.test_cli import one_line_error
from tests.conftest import TODAY

DAY = ("--today", TODAY.isoformat())


@pytest.fixture
def ref(demo_store):
    store = open_store(demo_store, None)
    try:
        add_staff(store)
        child_id = new_child(store)
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


def closed_on_3_november(cli, db, ref) -> None:
    """The case closed through the commands a manager runs: recommended, approved, the
    family told, completed (TRA, BEX 3)."""
    ok(cli, db, "close", "recommend", ref, "--on", "2026-11-02")
    ok(cli, db, "close", "decide", ref, "--approve", "--rationale", "Met", "--by", MANAGER,
       "--on", "2026-11-02")
    ok(cli, db, "close", "told", ref, "--on", "2026-11-03")
    ok(cli, db, "close", "complete", ref, "--reason", "RC7", "--unmet-need", "no", "--on",
       "2026-11-03", "--summary", "Needs met")


def test_decision_add_and_list(cli, demo_store, ref):
    out = ok(cli, demo_store, "decision", "add", ref, "--kind", "case_direction", "--decision",
             "Ask for a health assessment", "--rationale", "Missed dental twice",
             "--by", MANAGER, "--on", "2026-11-20")
    assert (out["made_by"], out["made_by_role"], out["made_on"]) == (
        "Tess Manager", "Team manager", "2026-11-20")
    listed = ok(cli, demo_store, "decision", "list", ref)
    assert [(d["decision"], d["rationale"]) for d in listed] == [
        ("Ask for a health assessment", "Missed dental twice")]
    text = cli("decision", "list", ref, "--db", demo_store)
    assert "Rationale: Missed dental twice" in text.out


@pytest.mark.parametrize("args, words", [
    (("--kind", "whim", "--decision", "x", "--rationale", "y", "--by", MANAGER), "kind"),
    (("--kind", "other", "--decision", "x", "--rationale", " ", "--by", MANAGER), "BEX 4"),
    (("--kind", "other", "--decision", "x", "--rationale", "y", "--by", MANAGER,
      "--on", "2026-11-24"), "in the future"),
    (("--kind", "other", "--decision", "x", "--rationale", "y", "--by", "Nobody Known"),
     "give their role"),
    (("--kind", "other", "--decision", "x", "--rationale", "y", "--on", "24/11"),
     "not a date"),
])
def test_decision_add_bad_input(cli, demo_store, ref, args, words):
    one_line_error(run(cli, demo_store, "decision", "add", ref, *args), words)
    assert ok(cli, demo_store, "decision", "list", ref) == []


def test_a_closure_blocked_by_more_than_a_line_holds_says_how_many_and_where_all_are(
        cli, demo_store, ref):
    """TRA, BEX 3, STO 3.3: `close complete` lists what is missing in one line of under 300
    characters. With the manager's decision missing too, the items ran past it and the last
    ones were cut off unseen: the line now says first how many there are and which command
    lists each, and that command lists that many."""
    ok(cli, demo_store, "close", "recommend", ref, "--on", "2026-11-13", "--summary",
       "Needs met for 6 months")
    blocked = run(cli, demo_store, "close", "complete", ref)
    missing = [i for i in ok(cli, demo_store, "close", "status", ref)["checklist"]
               if not i["met"]]
    assert len(missing) >= 4
    one_line_error(blocked, f"cannot close yet, {len(missing)} things missing (cintui close "
                   f"status {ref} lists each): ")


def test_the_whole_closure_path(cli, demo_store, ref, tmp_path):
    out = ok(cli, demo_store, "close", "recommend", ref, "--on", "2026-11-13",
             "--summary", "Needs met for 6 months")
    assert out["ending"]["status"] == "recommended"
    one_line_error(run(cli, demo_store, "close", "decide", ref, "--approve", "--rationale",
                       "ok"), "needs a team manager or service manager; test.worker is not a worker")
    out = ok(cli, demo_store, "close", "decide", ref, "--approve", "--rationale",
             "Needs met", "--by", MANAGER, "--on", "2026-11-16")
    assert out["notify_by"] == "2026-11-23"  # BEX 3: 5 working days
    blocked = run(cli, demo_store, "close", "complete", ref)
    # Each item with how to give it on the command line (it named no option), for this child
    one_line_error(blocked, "cannot close yet", "record the date the family was told (BEX 3): "
                   f"cintui close told {ref} --on DATE", "RC1 to RC9 (DfE CIN census): --reason "
                   "RC1-RC9", "(STO 3.3): --unmet-need yes|no")
    status = ok(cli, demo_store, "close", "status", ref)
    assert not status["ready_to_close"]
    assert {i["key"] for i in status["checklist"] if not i["met"]} == {
        "family_told", "reason", "unmet_need"}
    one_line_error(run(cli, demo_store, "close", "told", ref, "--on", "2026-11-13"),
                   "before the decision")
    ok(cli, demo_store, "close", "told", ref, "--on", "2026-11-18")
    one_line_error(run(cli, demo_store, "close", "complete", ref, "--reason", "RC7",
                       "--unmet-need", "maybe"), "yes or no")
    done = run(cli, demo_store, "close", "complete", ref, "--reason", "rc7", "--unmet-need",
               "no", "--on", "2026-11-20")
    assert done.code == 0, done.err
    assert "Closed:" in done.out and "RC7" in done.out and "unmet need stepped down: no" \
        in done.out
    assert ok(cli, demo_store, "close", "status", ref)["child_status"] == "closed"
    letters = ok(cli, demo_store, "close", "letters", ref, "-o", tmp_path / "out")
    assert [r["audience"] for r in letters["recipients"]] == [
        "parent", "child", "professional", "professional"]
    assert len(letters["files"]) == 8
    for f in letters["files"]:
        assert stat.S_IMODE((tmp_path / "out" / f.rsplit("/", 1)[1]).stat().st_mode) == 0o600
    docx = next(f for f in letters["files"] if "parent" in f and f.endswith(".docx"))
    assert "20 November 2026" in "\n".join(p.text for p in Document(docx).paragraphs)
    result = run(cli, demo_store, "close", "summary", ref, "-o", tmp_path / "s.md", "-f", "md")
    assert result.code == 0, result.err
    assert "Reason for closure: RC7" in (tmp_path / "s.md").read_text()


def test_a_file_named_md_is_markdown_not_a_pdf_under_that_name(cli, demo_store, ref,
                                                                  tmp_path):
    """`-o closure.md` without `-f` wrote a PDF into closure.md (the default format won
    over the name), which the worker opened as garbage. The name now says the format;
    a name that says one and `-f` another is one line, nothing written."""
    ok(cli, demo_store, "close", "recommend", ref, "--on", "2026-11-13",
       "--summary", "Needs met for 6 months")
    out = tmp_path / "out"
    out.mkdir()
    result = run(cli, demo_store, "close", "summary", ref, "-o", out / "closure.md")
    assert result.code == 0, result.err
    assert (out / "closure.md").read_text().startswith("# Closure summary")
    one_line_error(run(cli, demo_store, "close", "summary", ref, "-o", out / "c.md",
                       "-f", "pdf"), "c.md is named .md but the format is pdf",
                   "name it c.pdf, or give -f md")
    one_line_error(run(cli, demo_store, "export", "visits", ref, "-o", out / "v.pdf"),
                   "v.pdf: this writes md, docx or json, not pdf: name it v.md")
    assert sorted(p.name for p in out.iterdir()) == ["closure.md"]
    result = run(cli, demo_store, "close", "summary", ref, "-o", out / "closure.pdf")
    assert result.code == 0, result.err
    assert (out / "closure.pdf").read_bytes().startswith(b"%PDF")


def test_dispute_and_settle(cli, demo_store, ref, monkeypatch):
    ok(cli, demo_store, "close", "recommend", ref)
    ok(cli, demo_store, "close", "decide", ref, "--approve", "--rationale", "Needs met",
       "--by", MANAGER)
    out = ok(cli, demo_store, "close", "dispute", ref, "--by", "Layla (mother)", "--details",
             "Not ready")
    assert out["ending"]["status"] == "disputed"
    ok(cli, demo_store, "close", "settle", ref, "--outcome", "escalated", "--rationale",
       "Second view", "--by", MANAGER)
    monkeypatch.setenv("CINTUI_USER", SERVICE)  # BEX 3: referred on, the SM's to settle
    one_line_error(run(cli, demo_store, "close", "settle", ref, "--outcome", "upheld",
                       "--rationale", "x", "--by", MANAGER), "service manager")
    out = ok(cli, demo_store, "close", "settle", ref, "--outcome", "overturned",
             "--rationale", "Rent arrears growing", "--by", SERVICE)
    assert out["ending"]["status"] == "withdrawn"
    assert "overturned" in out["ending"]["dispute"]["outcome"]
    # The case stays open: a new recommendation may follow later.
    assert ok(cli, demo_store, "close", "status", ref)["child_status"] == "cin_plan"


def test_a_referred_dispute_waits_on_the_service_manager_bex_3(cli, demo_store, ref,
                                                                monkeypatch):
    """DOMAIN.md §7 (TRA, BEX 3): disputes go to the team manager, then the service manager.
    Referring it on names the service manager and the command that settles it. Once the
    team manager has referred it on, `close settle` run by them (or anyone but a
    service manager) is refused in one line naming who it waits on, even with `--by` the
    service manager, and nothing is written; `team waiting` shows it to them as waiting on
    the service manager by name, and to the service manager as theirs to settle."""
    from tests.cli.test_cli import sha

    monkeypatch.setenv("CINTUI_USER", MANAGER)
    ok(cli, demo_store, "close", "recommend", ref)
    ok(cli, demo_store, "close", "decide", ref, "--approve", "--rationale", "Needs met")
    ok(cli, demo_store, "close", "dispute", ref, "--by", "Layla (mother)", "--details", "Not ready")
    said = run(cli, demo_store, "close", "settle", ref, "--outcome", "escalated",
               "--rationale", "Second view")
    assert said.code == 0, said.err
    # whom it goes to and what they do next, in the one line (it named no one)
    assert said.out.splitlines() == [
        f"Dispute for Sam Endingtest ({ref}): referred on to the service manager, Morgan "
        f"Fielding or Sam Service, who upholds or overturns it: cintui close settle {ref} "
        "--outcome upheld|overturned --rationale TEXT"], said.out
    before = sha(demo_store)
    for by in ((), ("--by", SERVICE)):
        one_line_error(run(cli, demo_store, "close", "settle", ref, "--outcome", "upheld",
                           "--rationale", "Stands", *by),
                       "BEX 3: the dispute waits on the service manager (",
                       "Sam Service", f"{MANAGER} is a team manager")
    assert sha(demo_store) == before
    assert ok(cli, demo_store, "close", "status", ref)["ending"]["status"] == "disputed"

    def waiting() -> dict:
        return next(w for w in ok(cli, demo_store, "team", "waiting")["waiting"]
                    if w["child"] == ref)

    assert waiting()["waiting_for"] == "dispute_referred"
    assert "Sam Service" in waiting()["waits_on"]
    monkeypatch.setenv("COLUMNS", "200")
    listed = run(cli, demo_store, "team", "waiting").out
    mine = next(line for line in listed.splitlines() if ref in line)
    assert "Sam Service" in mine and "(service manager)" in mine and "settle" not in mine
    monkeypatch.setenv("CINTUI_USER", SERVICE)
    listed = run(cli, demo_store, "team", "waiting").out
    theirs = next(line for line in listed.splitlines() if ref in line)
    assert "settle the dispute referred on (BEX 3)" in theirs
    out = ok(cli, demo_store, "close", "settle", ref, "--outcome", "upheld", "--rationale",
             "Attendance steady")
    assert out["ending"]["status"] == "approved"


def test_rerefer_and_episodes(cli, demo_store, ref):
    one_line_error(run(cli, demo_store, "child", "rerefer", ref, "--date", "2026-11-20",
                       "--source", "2A"), "case is open")
    closed_on_3_november(cli, demo_store, ref)
    one_line_error(run(cli, demo_store, "child", "rerefer", ref, "--date", "2026-11-20",
                       "--source", "ZZ"), "--source: no referral source matches 'ZZ'")
    one_line_error(run(cli, demo_store, "child", "rerefer", ref, "--date", "2026-11-02",
                       "--source", "2A"), "before the last closure")
    out = ok(cli, demo_store, "child", "rerefer", ref, "--date", "2026-11-20", "--source",
             "2A", "--need", "N3")
    assert [(e["number"], e["days_since_last_closure"], e["rereferral_band"])
            for e in out["episodes"]] == [(1, None, None), (2, 17, "within 1 month")]
    text = cli("child", "episodes", ref, "--db", demo_store)
    assert "re-referral 17 days after closure" in text.out


def test_rerefer_takes_the_source_and_need_in_words_as_child_add_does_war_3_4(cli, demo_store,
                                                                             ref):
    """WAR 3.4: `child rerefer --source school` was refused (census codes only), where
    `child add --referral-source school` and `referral record --source` take words; now the
    same parsing, and the same one line for a wrong one, nothing written."""
    from tests.cli.test_cli import sha

    closed_on_3_november(cli, demo_store, ref)
    before = sha(demo_store)
    wrong = run(cli, demo_store, "child", "rerefer", ref, "--date", "2026-11-20", "--source",
                "schol")
    one_line_error(wrong, "--source: no referral source matches 'schol'; did you mean: "
                   "schools")
    added = run(cli, demo_store, "child", "add", "--first-name", "Ada", "--last-name", "Test",
                "--dob", "2016-01-01", "--referral-source", "schol")
    assert wrong.err.split(": ", 2)[2] == added.err.split(": ", 2)[2]  # the same words
    one_line_error(run(cli, demo_store, "child", "rerefer", ref, "--date", "2026-11-20",
                       "--source", "school", "--need", "neglct"),
                   "--need: no primary need matches 'neglct'")
    assert sha(demo_store) == before
    out = ok(cli, demo_store, "child", "rerefer", ref, "--date", "2026-11-20", "--source",
             "school", "--need", "abuse neglect")
    assert (out["episodes"][-1]["referral_source"], out["episodes"][-1]["primary_need"]) == (
        "2A", "N1")


def test_a_closed_case_with_no_plan_says_so_and_how_it_opens_again_not_plan_start_tra(
        cli, demo_store, ref, tmp_path):
    """TRA, BEX 3, WAR 3.4: `plan show`, `plan check` and `export plan` of a closed child
    with no plan suggested `cintui plan start`, which a closed case cannot take, and `plan
    exit` wrote a first draft on it; each says the case closed without one and that a
    re-referral opens it again, in one line, nothing written."""
    closed_on_3_november(cli, demo_store, ref)
    from tests.cli.test_cli import sha

    before = sha(demo_store)
    for args in (("plan", "show", ref), ("plan", "check", ref),
                 ("export", "plan", ref, "-o", tmp_path / "plan.pdf"),
                 ("plan", "exit", ref, "--good-enough", "Calm at home")):  # wrote a draft
        result = run(cli, demo_store, *args)
        one_line_error(result, f"Sam Endingtest ({ref}) has no plan: the case closed on 3 Nov "
                       f"2026 without one; a re-referral opens it again (`cintui child "
                       f"rerefer {ref} --date DATE --source SOURCE`")
        assert "plan start" not in result.err, args
    assert not (tmp_path / "plan.pdf").exists() and sha(demo_store) == before


def test_letters_before_approval_and_bad_formats(cli, demo_store, ref, tmp_path):
    one_line_error(run(cli, demo_store, "close", "letters", ref, "-o", tmp_path),
                   "manager's approval")
    one_line_error(run(cli, demo_store, "close", "summary", ref, "-o", tmp_path / "x.rtf",
                       "-f", "rtf"), "unknown format")
    one_line_error(run(cli, demo_store, "close", "decide", ref, "--rationale", "x"),
                   "--approve or --decline")
    one_line_error(run(cli, demo_store, "close", "told", "NOSUCH"), "no child")


def test_letters_before_the_close_name_the_option_that_gives_the_date(cli, demo_store, ref,
                                                                     tmp_path):
    """TRA, BEX 3: letters written before the case closes (they tell the family) need the
    planned closure date. `close letters` said "the case is not closed yet: give the
    planned closure date", not how; it now names --date, and with it writes the letters."""
    ok(cli, demo_store, "close", "recommend", ref, "--reason", "RC7", "--unmet-need", "no")
    ok(cli, demo_store, "close", "decide", ref, "--approve", "--rationale", "Needs met",
       "--by", MANAGER)
    out = tmp_path / "letters"
    one_line_error(run(cli, demo_store, "close", "letters", ref, "-o", out),
                   "the case is not closed yet: give the planned closure date "
                   "(--date YYYY-MM-DD)")
    assert not out.exists() or list(out.iterdir()) == []
    assert ok(cli, demo_store, "close", "letters", ref, "-o", out, "--date",
              TODAY.isoformat())["files"]


def test_each_next_step_names_the_child_it_is_for(cli, demo_store, ref):
    """`close recommend` ended "the team manager decides next: cintui close decide", and
    `close dispute` "cintui close settle", without the child: run as said, each was a usage
    error. Now the command is whole, with this child's reference and what it needs."""
    said = run(cli, demo_store, "close", "recommend", ref)
    assert said.code == 0, said.err
    assert said.out.strip().endswith(f"the team manager decides next: cintui close decide "
                                     f"{ref} --approve|--decline --rationale TEXT")
    ok(cli, demo_store, "close", "decide", ref, "--approve", "--rationale", "Needs met",
       "--by", MANAGER)
    said = run(cli, demo_store, "close", "dispute", ref, "--by", "Layla (mother)",
               "--details", "Not ready")
    assert said.out.strip().endswith(f"the team manager decides: cintui close settle {ref} "
                                     "--outcome upheld|overturned|escalated --rationale TEXT")


def summary_texts(cli, db, ref, folder) -> dict:
    """The closure summary in every format it comes in, read back as text."""
    from pypdf import PdfReader

    folder.mkdir(exist_ok=True)
    texts = {}
    for fmt in ("md", "docx", "pdf", "json"):
        out = folder / f"closure.{fmt}"
        result = run(cli, db, "close", "summary", ref, "-o", out)
        assert result.code == 0, result.err
        if fmt == "docx":
            texts[fmt] = "\n".join(p.text for p in Document(str(out)).paragraphs)
        elif fmt == "pdf":
            texts[fmt] = " ".join(" ".join(p.extract_text() for p in
                                           PdfReader(str(out)).pages).split())
        else:
            texts[fmt] = out.read_text()
    return texts


def test_a_closure_summary_with_no_plan_written_says_so_not_no_plan_tra(cli, demo_store, ref,
                                                                         tmp_path):
    """TRA: the closure summary. A case whose plan was started but never written printed
    "The plan at closure: No plan" and "No plan." under it; now every format says what is
    true: the plan started on its day was not written, no needs recorded."""
    ok(cli, demo_store, "close", "recommend", ref, "--on", "2026-11-13",
       "--summary", "Needs met for 6 months")
    texts = summary_texts(cli, demo_store, ref, tmp_path / "s")
    said = ("The CIN plan started 1 Apr 2026 is not written yet: no needs, outcomes or "
            "actions are recorded.")
    for fmt, text in texts.items():
        assert "No plan." not in text and "No plan" not in text, fmt
        assert said in text, fmt
    assert "## The plan at closure\n" in texts["md"]
    plan = json.loads(texts["json"])["plan"]
    assert plan == {"headline": None, "needs": [], "said": said}


def test_a_closed_cases_plan_with_no_needs_says_none_were_recorded_tra_wir_3(
        cli, demo_store, ref, tmp_path):
    """TRA, WIR 3: a plan agreed with no needs and ended at the closure: the summary's plan
    heading reads "no needs" (not "no needs yet", nothing is to come) and under it "No needs
    were recorded in the plan." (it said "No plan.", under the plan's own heading)."""
    from cintui.casework import endings, plans
    from tests.casework.test_endings import ACTOR, close, walk_to_approved

    store = open_store(demo_store, None)
    try:
        with store.session(ACTOR) as session:
            child_id = session.exec(
                __import__("sqlmodel").select(Child).where(Child.reference == ref)).one().id
            draft = plans.start_version(session, child_id, TODAY.replace(day=2), by=ACTOR)
            plans.agree_version(session, draft, TODAY.replace(day=2), agreed_by="Tess Manager")
        walk_to_approved(store, child_id)
        with store.session(ACTOR) as session:
            endings.family_told(session, child_id, on=TODAY.replace(day=16), today=TODAY)
        close(store, child_id, closure_date=TODAY.replace(day=18), reason="RC1",
              unmet_need=False, summary="Adopted")
    finally:
        store.close()
    texts = summary_texts(cli, demo_store, ref, tmp_path / "s")
    heading = ("The plan at closure: version 1 (agreed 2 Nov 2026): no needs, no further "
               "review: the plan ended at the closure on 18 Nov 2026")
    for fmt, text in texts.items():
        flat = " ".join(text.split())
        assert "No plan." not in flat and "no needs yet" not in flat, fmt
        assert "No needs were recorded in the plan." in flat, fmt
        if fmt != "json":
            assert heading in flat, fmt
    assert json.loads(texts["json"])["plan"]["said"] == "No needs were recorded in the plan."
