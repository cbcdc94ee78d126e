"""`cintui each` (issue "Instant from the shell", item 4): one command for many children in
one process, chosen by --all, --team, --worker, --file or --child."""

from __future__ import annotations

import json

from tests.conftest import TODAY


def test_each_runs_the_command_for_every_child_of_a_file_and_names_the_failures(
        cli, demo_store, tmp_path):
    refs = tmp_path / "refs.txt"
    refs.write_text("DEMO00002\n# a comment\nNOSUCH01\n\nDEMO00003\n")
    result = cli("each", "--file", refs, "--db", demo_store, "--", "child", "show", "--json",
                 "--today", TODAY.isoformat())
    assert result.code == 1
    assert '"reference": "DEMO00002"' in result.out and '"reference": "DEMO00003"' in result.out
    assert [line for line in result.err.splitlines() if line.startswith("— ")] == [
        "— DEMO00002", "— NOSUCH01", "— DEMO00003"]
    assert "cintui each: NOSUCH01:" in result.err
    assert result.err.strip().endswith("cintui each: 1 of 3 failed")


def test_each_puts_the_child_where_the_braces_are(cli, demo_store, tmp_path):
    out = tmp_path / "plans"
    out.mkdir()
    result = cli("each", "--child", "DEMO00002", "--child", "DEMO00003", "--db", demo_store,
                 "--", "export", "plan", "{}", "-f", "md", "-o", f"{out}/{{}}.md")
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == ["DEMO00002.md", "DEMO00003.md"]


def test_each_for_a_team_covers_its_open_children(cli, demo_store):
    teams = json.loads(cli("team", "list", "--json", "--db", demo_store).out)
    team = teams[0]["name"]
    listed = json.loads(cli("child", "list", "--team", team, "--open", "--json",
                            "--db", demo_store).out)
    result = cli("each", "--team", team, "--db", demo_store, "--", "plan", "check")
    assert [line[2:] for line in result.err.splitlines() if line.startswith("— ")] == [
        child["reference"] for child in listed]
    assert result.code == 1  # some plans fail a check: so does each


def test_each_needs_one_way_of_choosing_and_a_command(cli, demo_store):
    for args, says in ((("--all",), "say which command to run"),
                       (("--all", "--team", "x", "--", "plan", "check"), "one way"),
                       (("--all", "--", "each", "--all"), "not itself")):
        result = cli("each", *args, "--db", demo_store)
        assert result.code == 2 and says in result.err, result.err


def test_each_sees_who_may_act_as_the_store_is_at_each_command(cli, tmp_path):
    """CINTUI_USER is checked against the workers on the store as each command finds it, as
    a command run on its own is. `each` read them once, at its first command: a manager who
    left in it went on recording the rest of the batch as by a leaver (here Ben's leaving),
    where `CINTUI_USER=tom.hale cintui worker leave ben.cole` alone is refused."""
    from tests.conftest import run_subprocess

    db = tmp_path / "team.db"
    for args in (("db", "init", "--no-encrypt"),
                 ("team", "add", "Safeguarding South", "--service", "Safeguarding and Support"),
                 ("worker", "add", "tom.hale", "--name", "Tom Hale", "--role", "team manager",
                  "--team", "south"),
                 ("worker", "add", "ben.cole", "--name", "Ben Cole", "--role", "social worker",
                  "--team", "south")):
        assert cli(*args, "--db", db).code == 0
    result = run_subprocess("each", "--child", "tom.hale", "--child", "ben.cole", "--db", db,
                            "--", "worker", "leave", "{}", env={"CINTUI_USER": "tom.hale"})
    assert "Tom Hale (tom.hale) left on" in result.stdout
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines()[-1].startswith(
        "cintui: CINTUI_USER: Tom Hale (tom.hale) left on "), result.stderr
    workers = json.loads(cli("worker", "list", "--all", "--json", "--db", db).out)
    left = {w["username"]: w["left_on"] for w in workers}
    assert left["tom.hale"] and not left["ben.cole"], workers
