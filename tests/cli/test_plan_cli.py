"""`cintui plan` and `cintui export plan(s)` on the demo store (issue 5)."""

from __future__ import annotations

import json
import stat

from docx import Document

from cintui.casework import cases, plans
from cintui.domain.plan import ACTION_STATUS_LABELS
from cintui.export import plan as export
from cintui.store.engine import open_store
from cintui.store.models import Child
from tests.conftest import TODAY

DAY = ("--today", TODAY.isoformat())


def first_planned(db, passing: bool | None = None) -> str:
    store = open_store(db, None)
    try:
        with store.read() as session:
            for child_id in plans.children_with_plans(session):
                doc = plans.plan_document(session, child_id, TODAY)
                if passing is None or passing == (not doc.problems):
                    return doc.child_reference
    finally:
        store.close()
    raise AssertionError("no such demo plan")


def test_plan_show_json_is_the_export_format(cli, demo_store):
    ref = first_planned(demo_store)
    result = cli("plan", "show", ref, "--db", demo_store, "--json", *DAY)
    assert result.code == 0
    doc = export.from_json(result.out)
    assert doc.child_reference == ref and doc.version.needs
    table = cli("plan", "show", ref, "--db", demo_store, *DAY)
    assert table.code == 0 and doc.version.needs[0].now[:20] in table.out
    # An action's status in words, as the app and the family's copy say it (once the raw
    # "(not_started)").
    statuses = {a.status for n in doc.version.needs for a in n.actions}
    assert statuses and not any(f"({s})" in table.out for s in statuses if "_" in s)
    assert any(f"({ACTION_STATUS_LABELS[s]})" in " ".join(table.out.split()) for s in statuses)


def test_plan_check_exits_1_with_the_problems_and_0_when_clean(cli, demo_store):
    failing = first_planned(demo_store, passing=False)
    result = cli("plan", "check", failing, "--db", demo_store, "--json", *DAY)
    data = json.loads(result.out)
    assert result.code == 1 and data["passes"] is False and data["problems"]
    passing = first_planned(demo_store, passing=True)
    result = cli("plan", "check", passing, "--db", demo_store, *DAY)
    assert result.code == 0 and "passes every check" in result.out


def test_plan_check_names_the_child_in_the_views_check_as_the_app_does_wir_2_5(cli,
                                                                              demo_store):
    """WIR 2.5: `plan check` wrote "The child's views are missing: what the child said"
    where the app's team view names the child; the CLI (and the plan's export) now does."""
    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            found = [(c.reference, c.first_name) for c in (
                session.get(Child, i) for i in plans.children_with_plans(session))
                if any("views are missing" in p
                       for p in plans.plan_document(session, c.id, TODAY).problems)]
    finally:
        store.close()
    ref, first = found[0]
    result = cli("plan", "check", ref, "--db", demo_store, *DAY)
    assert result.code == 1
    assert f"• {first}'s views are missing: what {first} said" in result.out, result.out
    assert "the child" not in result.out.lower()


def test_export_plan_final_only_when_checks_pass(cli, demo_store, tmp_path):
    failing = first_planned(demo_store, passing=False)
    out = tmp_path / "plan.docx"
    refused = cli("export", "plan", failing, "--format", "docx", "-o", out, "--final",
                  "--db", demo_store, *DAY)
    assert refused.code == 2 and "not final" in refused.err and not out.exists()
    assert len(refused.err.strip().splitlines()) == 1
    draft = cli("export", "plan", failing, "--format", "docx", "-o", out, "--db", demo_store,
                *DAY)
    assert draft.code == 0 and "(DRAFT)" in draft.out
    assert "DRAFT" in "\n".join(p.text for p in Document(str(out)).paragraphs)
    passing = first_planned(demo_store, passing=True)
    final = tmp_path / "final.md"
    ok = cli("export", "plan", passing, "--format", "md", "-o", final, "--final",
             "--db", demo_store, *DAY)
    assert ok.code == 0 and "DRAFT" not in final.read_text()
    assert stat.S_IMODE(final.stat().st_mode) == 0o600


def test_batch_export_writes_one_file_per_child(cli, demo_store, tmp_path):
    store = open_store(demo_store, None)
    with store.read() as session:
        team = cases.find_child(session, first_planned(demo_store)).team_id
        name = session.get(cases.Team, team).name
        expected = len(plans.children_with_plans(session, team=name))
    store.close()
    result = cli("export", "plans", "--team", name, "--format", "pdf", "-o", tmp_path / "out",
                 "--db", demo_store, *DAY)
    assert result.code == 0 and f"Wrote {expected} plans" in result.out
    files = sorted((tmp_path / "out").iterdir())
    assert len(files) == expected and all(f.name.endswith(".pdf") for f in files)
    assert all(f.name.startswith("DEMO") and "-plan-v" in f.name for f in files)


def test_export_plans_final_writes_the_copies_to_circulate_and_names_those_failing(
        cli, demo_store, tmp_path):
    """JOURNEYS.md, Thursday: Priya's batch had no --final, so every plan written was marked
    "DRAFT: not yet exported as final" while the summary said only those failing checks
    were. Now the summary says each is a DRAFT and names those failing; --final writes the
    family's copies with no mark, and leaves out (and names) the plans failing a check."""
    store = open_store(demo_store, None)
    with store.read() as session:
        docs = [plans.plan_document(session, i, TODAY)
                for i in plans.children_with_plans(session)]
    store.close()
    # A plan its final meeting ended (WIR 3) is a record: marked as ended, never DRAFT.
    ended = [d for d in docs if d.ended]
    failing = [d for d in docs if d.problems and not d.ended]
    assert failing and len(failing) < len(docs)
    drafts = cli("export", "plans", "--all", "-f", "html", "-o", tmp_path / "d",
                 "--db", demo_store, *DAY)
    assert drafts.code == 0, drafts.err
    assert drafts.out.startswith(
        f"Wrote {len(docs)} plans to {tmp_path / 'd'}: {len(docs) - len(ended)} marked DRAFT "
        "(--final for the copies to circulate; "
        f"{len(failing)} fail checks: {failing[0].child_reference}")
    assert f"{len(ended)} marked as ended at their final meeting or closure: " in drafts.out
    ended_refs = {d.child_reference for d in ended}
    for f in (tmp_path / "d").iterdir():
        text = f.read_text()
        is_ended = f.name.split("-plan")[0] in ended_refs
        assert ("DRAFT" in text) != is_ended and ("Ended at the final meeting" in text) == is_ended
    final = cli("export", "plans", "--all", "-f", "html", "-o", tmp_path / "f", "--final",
                "--db", demo_store, *DAY)
    assert final.code == 0, final.err
    lines = final.out.splitlines()
    assert lines[0] == f"Wrote {len(docs) - len(failing)} final plans to {tmp_path / 'f'}"
    assert lines[1].startswith(f"{len(failing)} plans not written: they fail checks")
    first = failing[0]
    assert f"{first.child_reference} {first.child_name} (" in lines[1]
    written = sorted(f.name.split("-plan")[0] for f in (tmp_path / "f").iterdir())
    assert written == sorted(d.child_reference for d in docs if not d.problems or d.ended)
    assert not any("DRAFT" in f.read_text() for f in (tmp_path / "f").iterdir())
    # --final into the folder of an earlier DRAFT run: the DRAFTs of those failing are
    # still there, and said to be (never deleted, never overwritten by a final).
    again = cli("export", "plans", "--all", "-f", "html", "-o", tmp_path / "d", "--final",
                "--db", demo_store, *DAY)
    assert again.code == 0, again.err
    stale = again.out.splitlines()[2]
    assert stale.startswith(f"Not to circulate: {tmp_path / 'd'} still has the earlier DRAFT")
    assert f"{first.child_reference}-plan-v{first.version.number}.html" in stale


def test_bad_plan_commands_are_one_line(cli, demo_store, tmp_path):
    for args, fragment in (
        (("export", "plans", "-o", tmp_path), "say whose plans"),
        (("export", "plan", "DEMO00001", "-f", "xls", "-o", tmp_path / "x"), "unknown format"),
        (("export", "plan", "NOBODY", "-o", tmp_path / "x.pdf"), "no child"),
        (("plan", "show", "DEMO00001", "--version", "99"), "no version 99"),
    ):
        result = cli(*args, "--db", demo_store, *DAY)
        assert result.code == 2 and fragment in result.err, (args, result.err)
        assert len(result.err.strip().splitlines()) == 1


def test_export_plans_for_a_team_or_worker_mistyped_makes_no_folder(cli, demo_store, tmp_path):
    """Bad input changes nothing: `export plans --team sooth -o out/` said "no team called
    'sooth'" in one line, exit 2, and had made out/ already."""
    for whose in (("--team", "sooth"), ("--worker", "nobody.here")):
        result = cli("export", "plans", *whose, "-o", f"{tmp_path}/out/", "--db", demo_store,
                     *DAY)
        assert result.code == 2 and len(result.err.strip().splitlines()) == 1, result.err
        assert not (tmp_path / "out").exists()


def test_a_folder_written_with_a_slash_is_a_folder_never_a_file_named_like_it(
        cli, demo_store, tmp_path):
    """`-o out/` (a script's usual way to say a folder) names the file in it, making the
    folder, and never overwrites one there; a command that writes one named file refuses
    a folder in one line, writing nothing (pathlib reads "out/" as the file "out")."""
    ref = first_planned(demo_store)
    for _ in (1, 2):
        result = cli("export", "plan", ref, "-f", "md", "-o", f"{tmp_path}/out/",
                     "--db", demo_store, *DAY)
        assert result.code == 0, result.err
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert (tmp_path / "out").is_dir() and len(names) == 2
    assert names[0].startswith(f"{ref}-plan-v") and names[0].endswith("-2.md")
    for args in (("export", "census"), ("export", "visits", ref)):
        for folder in (f"{tmp_path}/xml/", str(tmp_path / "out")):
            result = cli(*args, "-o", folder, "--db", demo_store, *DAY)
            assert result.code == 2 and result.err.strip() == (
                f"cintui: {folder} is a folder: give the name of the file to write in it")
    assert not (tmp_path / "xml").exists() and len(list((tmp_path / "out").iterdir())) == 2
    missing = cli("export", "plan", ref, "-o", f"{tmp_path}/no/such/", "--db", demo_store, *DAY)
    assert missing.code == 2 and missing.err.strip() == f"cintui: no such folder: {tmp_path}/no"


def test_batch_export_of_everyone_uses_every_core_and_reads_back(cli, demo_store, tmp_path):
    store = open_store(demo_store, None)
    with store.read() as session:
        expected = len(plans.children_with_plans(session))
    store.close()
    assert expected > 20  # enough to go through the process pool
    result = cli("export", "plans", "--all", "--format", "json", "-o", tmp_path,
                 "--db", demo_store, *DAY)
    assert result.code == 0 and f"Wrote {expected} plans" in result.out
    docs = [export.from_json(f.read_text()) for f in sorted(tmp_path.glob("*.json"))]
    assert len(docs) == expected and all(d.version.needs for d in docs)
