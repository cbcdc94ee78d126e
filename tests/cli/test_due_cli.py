"""`cintui due` (issue 7 §3): what is due for a worker, a team or everyone, as a table or
JSON; bad input is one line and exit 2. Synthetic people (the demo store)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date

import pytest

from tests.conftest import PASSPHRASE, TODAY, connect


def _due(cli, store, *args):
    result = cli("due", "--db", store, "--today", TODAY.isoformat(), *args)
    return result


def _workers(store) -> list[tuple[str, str]]:
    with connect(store) as conn:
        return conn.execute(
            "SELECT w.username, t.name FROM worker w JOIN team t ON t.id = w.team_id "
            "WHERE EXISTS (SELECT 1 FROM child c WHERE c.worker_id = w.id) ORDER BY 1").fetchall()


def test_json_lists_every_item_once_grouped_with_its_rule_and_source(cli, demo_store):
    result = _due(cli, demo_store, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    items = data["items"]
    assert items and data["today"] == "2026-11-23"
    assert sum(data["counts"].values()) == len(items)
    assert [i["group"] for i in items] == sorted(
        (i["group"] for i in items),
        key=["overdue", "today", "this_week", "next_two_weeks", "later"].index)
    assert all(i["rule"] and i["source"] for i in items)
    for i in items:
        if i["group"] == "overdue":
            assert i["due"] is None or i["due"] < "2026-11-23"
            assert i["state"] == "overdue"
        elif i["due"] is None:  # WAR 4.2: consent before support starts, no service yet
            assert (i["key"], i["group"], i["state"]) == ("consent", "later", "upcoming")
        else:
            assert "2026-11-23" <= i["due"] <= "2026-12-13"  # this week and the next two
    kinds = {i["key"] for i in items}
    assert {"visit", "plan_action"} <= kinds


def test_json_is_an_item_a_line_for_scripts_with_each_child_s_id(cli, demo_store):
    """A script may read the list a line at a time (grep, head): the head on the first line,
    then each item on its own line, as `json.dumps` writes it; the child's id as its UUID."""
    out = _due(cli, demo_store, "--json").out
    lines = out.splitlines()
    data = json.loads(out)
    head = {k: v for k, v in data.items() if k != "items"}
    assert lines[0] == json.dumps(head, ensure_ascii=False)[:-1] + ', "items": ['
    assert lines[1:-1] == [json.dumps(i, ensure_ascii=False) + ("," if n < len(data["items"])
                                                                 else "")
                           for n, i in enumerate(data["items"], 1)]
    assert lines[-1] == "]}"
    ids = {i["child"]["id"] for i in data["items"]}
    assert ids and all(str(uuid.UUID(i)) == i for i in ids)
    with connect(demo_store) as conn:
        stored = {str(uuid.UUID(str(r[0]))) for r in conn.execute("SELECT id FROM child")}
    assert ids <= stored


def test_worker_and_team_narrow_the_list(cli, demo_store):
    everyone = json.loads(_due(cli, demo_store, "--json").out)["items"]
    (worker, team), *_ = _workers(demo_store)
    mine = json.loads(_due(cli, demo_store, "--json", "--worker", worker).out)["items"]
    assert mine and {i["child"]["worker"] for i in mine} == {worker}
    assert mine == [i for i in everyone if i["child"]["worker"] == worker]
    teams = json.loads(_due(cli, demo_store, "--json", "--team", team).out)["items"]
    assert {i["child"]["team"] for i in teams} == {team}
    assert len(mine) <= len(teams) <= len(everyone)
    # Priya's tracker (JOURNEYS.md, Thursday): a word only one team's name has will do.
    word = team.split()[0].lower()
    by_word = json.loads(_due(cli, demo_store, "--json", "--team", word).out)
    assert by_word["team"] == team and by_word["items"] == teams


def test_within_sets_the_window_in_working_days(cli, demo_store):
    """Five working days after Monday 23 Nov 2026 is Monday 30 Nov."""
    data = json.loads(_due(cli, demo_store, "--json", "--within", "5").out)
    dated = [date.fromisoformat(i["due"]) for i in data["items"] if i["due"]]
    assert dated and max(dated) <= date(2026, 11, 30)
    assert data["within"] == 5
    none = json.loads(_due(cli, demo_store, "--json", "--within", "0").out)
    assert all(i["group"] in ("overdue", "today") for i in none["items"]
               if i["due"] is not None)  # and consent needed before support starts


def test_the_table_shows_the_groups_and_the_rules(cli, demo_store):
    (worker, _team), *_ = _workers(demo_store)
    result = _due(cli, demo_store, "--worker", worker)
    assert result.code == 0
    assert f"Due for {worker}" in result.out
    assert "Overdue (" in result.out and "WIR 2.3" in result.out


def test_a_missing_consent_reads_once_in_the_table(cli, demo_store, monkeypatch):
    """WAR 4.2: a child without valid consent to a CIN service is one line saying so, not
    the label and the same words again ("Consent to a CIN service: No valid consent to a
    CIN service")."""
    monkeypatch.setenv("COLUMNS", "250")  # one line a row: the words are not wrapped
    items = json.loads(_due(cli, demo_store, "--json").out)["items"]
    assert any(i["key"] == "consent" for i in items)
    table = _due(cli, demo_store).out
    assert "No valid consent to a CIN service" in table
    assert "Consent to a CIN service:" not in table


def test_a_missing_consent_names_the_command_that_records_it_and_that_command_clears_it(
        cli, demo_store, monkeypatch):
    """WAR 4.2 (a parent's consent to a CIN service), WIR 2.1 (a young person of 16 or 17
    consents too): `cintui due` named the command for minutes and a conference to consider
    but none for consent. It names `cintui child consent`, with a parent to name where none
    has consented; run as named (a parent with parental responsibility for NAME), each
    clears its item."""
    monkeypatch.setenv("COLUMNS", "400")  # one line a row
    items = [i for i in json.loads(_due(cli, demo_store, "--json").out)["items"]
             if i["key"] == "consent"]
    text = " ".join(_due(cli, demo_store).out.split())
    forms = {}
    for i in items:
        ref = i["child"]["reference"]
        own = "has not given their own consent" in i["detail"]
        assert i["then"] == f"cintui child consent {ref} --decision given" + (
            "" if own else " --person NAME"), i
        assert f"then: {i['then']}" in text
        forms.setdefault(own, ref)
    assert set(forms) == {True, False}, forms  # the demo has both
    for own, ref in forms.items():
        people = json.loads(cli("person", "list", ref, "--json", "--db", demo_store).out)
        parent = next(p["name"] for p in people if p["parental_responsibility"])
        args = ["child", "consent", ref, "--decision", "given"] + (
            [] if own else ["--person", parent])
        done = cli(*args, "--db", demo_store, "--today", TODAY.isoformat())
        assert done.code == 0, done.err
    still = {i["child"]["reference"] for i in json.loads(
        _due(cli, demo_store, "--json").out)["items"] if i["key"] == "consent"}
    assert not still & set(forms.values())


@pytest.mark.parametrize("width", [80, 160])
def test_at_a_laptops_width_the_source_follows_the_rule(cli, demo_store, monkeypatch, width):
    """At 80 columns a source column of its own left each rule a strip three words wide;
    there the source (WIR 2.11, WAR 4.2) follows the rule in brackets. Wide, its own
    column."""
    monkeypatch.setenv("COLUMNS", str(width))
    (worker, _team), *_ = _workers(demo_store)
    items = json.loads(_due(cli, demo_store, "--worker", worker, "--json").out)["items"]
    table = _due(cli, demo_store, "--worker", worker).out
    assert all(len(line) <= width for line in table.splitlines())
    header = next(line for line in table.splitlines() if line.startswith("┃"))
    words = " ".join(" ".join(cell.strip() for cell in line.split("│"))
                     for line in table.splitlines())
    words = " ".join(words.split())
    if width == 80:
        assert "what · rule (source)" in header and "source ┃" not in header
        assert all(f"({i['source']})" in words or f"· {i['source']}" in words for i in items)
        # "left" takes two lines ("134 wd" over "overdue"), not 14 columns of the 80
        left = header.rstrip("┃").rsplit("┃", 1)[-1]
        assert left.strip() == "left" and len(left) <= 11, header
        assert "wd overdue" not in table and "wd left" not in table
    else:
        assert "┃ source" in header
        assert all(i["rule"] in words for i in items)


def test_bad_input_is_one_line_and_exit_2(cli, demo_store):
    for args, words in ((("--worker", "nobody.here"), "no worker called 'nobody.here'"),
                        (("--team", "Nowhere"), "no team called 'Nowhere'"),
                        # mistyped: the name it is likely meant as
                        (("--team", "North Strengthening Familes"),
                         "cintui: --team: no team called 'North Strengthening Familes' (did "
                         "you mean 'North Strengthening Families'?)"),
                        (("--worker", "a", "--team", "b"), "not both")):
        result = _due(cli, demo_store, *args)
        assert result.code == 2
        assert words in result.err and len(result.err.strip().splitlines()) == 1
        assert "Traceback" not in result.err
    # The words of a team's name in another order are that team (they were "did you mean").
    reordered = json.loads(_due(cli, demo_store, "--json", "--team",
                                "Strengthening Families North").out)
    assert reordered["team"] == "North Strengthening Families"
    result = cli("due", "--db", demo_store, "--within", "-1")
    assert result.code == 2 and "Traceback" not in result.err


def test_a_process_running_due_goes_on_collecting_its_garbage(cli, demo_store):
    """`due` pauses Python's garbage collector while it reads (nothing it makes needs one);
    a process that runs it among other commands (`cintui each`, a script calling
    `cli.run`) collects again afterwards, after a list and after a refusal alike."""
    import gc

    assert gc.isenabled()
    assert _due(cli, demo_store, "--json").code == 0
    assert gc.isenabled()
    assert _due(cli, demo_store, "--worker", "nobody.here").code == 2
    assert gc.isenabled()


def test_an_encrypted_store_is_read_with_the_passphrase(cli, encrypted_demo_store, monkeypatch):
    monkeypatch.setenv("CINTUI_PASSPHRASE", PASSPHRASE)
    result = _due(cli, encrypted_demo_store, "--json")
    assert result.code == 0 and json.loads(result.out)["items"]
    monkeypatch.setenv("CINTUI_PASSPHRASE", "wrong-passphrase-1")
    result = _due(cli, encrypted_demo_store, "--json")
    assert result.code == 2 and "passphrase" in result.err.lower()


def test_a_young_person_turning_18_is_due_until_the_closure_is_decided_s17_10(
        cli, new_location, tmp_path):
    """s17(10) Children Act 1989: a child in need is under 18. On a team's store from
    `db init`, an imported young person who is 18 on Tue 1 Dec is due that day (the record
    says close, or on to adult social care, RC6); the day after, overdue. The manager's
    decision to close (RC6) stops it: the family's letter is what is due then (BEX 3)."""
    db = new_location("team.db")
    for args in (("db", "init", "--no-encrypt"), ("team", "add", "South"),
                 ("worker", "add", "tom.hale", "--name", "Tom Hale", "--role", "TM",
                  "--team", "South"),
                 ("worker", "add", "amira.ashdown", "--name", "Amira Ashdown", "--role",
                  "SW", "--team", "South"),
                 ("worker", "whoami", "tom.hale")):  # who imports the caseload
        assert cli(*args, "--db", db).code == 0
    csv = tmp_path / "caseload.csv"
    csv.write_text("reference,first_name,last_name,dob,worker,referral_date\n"
                   "LCS9,Kai,Almost,01/12/2008,amira.ashdown,02/11/2026\n"
                   "LCS8,Mo,Younger,01/12/2010,amira.ashdown,02/11/2026\n")
    assert cli("import", "caseload", str(csv), "--db", db, "--today", TODAY.isoformat()
               ).code == 0

    def turning(today: str) -> list[dict]:
        result = cli("due", "--json", "--db", db, "--today", today)
        assert result.code == 0, result.err
        return [i for i in json.loads(result.out)["items"] if i["key"] == "turns_18"]

    (item,) = turning(TODAY.isoformat())
    assert (item["child"]["reference"], item["due"], item["group"], item["source"]) == (
        "LCS9", "2026-12-01", "next_two_weeks", "s17(10) Children Act 1989")
    assert "adult social care (RC6" in item["rule"]
    (late,) = turning("2026-12-02")
    assert (late["state"], late["group"], late["working_days_left"]) == (
        "overdue", "overdue", -1)
    assert cli("close", "recommend", "LCS9", "--reason", "RC6", "--unmet-need", "no",
               "--on", "2026-11-24", "--db", db).code == 0
    assert turning("2026-11-24"), "a recommendation alone does not end it"
    decided = cli("close", "decide", "LCS9", "--approve", "--by", "tom.hale", "--rationale",
                  "Kai moves to the adult disability team on his birthday", "--on",
                  "2026-11-25", "--db", db)
    assert decided.code == 0, decided.err
    assert turning("2026-11-25") == []
    told = [i for i in json.loads(cli("due", "--json", "--db", db, "--today", "2026-11-25")
                                  .out)["items"] if i["child"]["reference"] == "LCS9"]
    assert "closure_notification" in [i["key"] for i in told]


def _team_with_workers(store, many: bool) -> str:
    teams: dict[str, set] = {}
    for worker, team in _workers(store):
        teams.setdefault(team, set()).add(worker)
    return next(t for t, ws in teams.items() if (len(ws) > 1) == many)


def test_a_teams_list_says_whose_each_item_is_in_text_and_json(cli, demo_store, monkeypatch):
    """JOURNEYS.md, Thursday: Priya's tracker from `due --team` could not tell whose an item
    was (the text had no worker; the JSON a login name only). Now the text has a worker
    column (first names, as the app's team week) and the JSON each worker's name."""
    monkeypatch.setenv("COLUMNS", "160")
    team = _team_with_workers(demo_store, many=True)
    items = json.loads(_due(cli, demo_store, "--team", team, "--json").out)["items"]
    names = {i["child"]["worker"]: i["worker_name"] for i in items}
    assert len(names) > 1 and all(names.values())
    table = _due(cli, demo_store, "--team", team).out
    header = next(line for line in table.splitlines() if line.startswith("┃"))
    assert [h.strip() for h in header.strip("┃").split("┃")][:3] == ["due", "child", "worker"]
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in table.splitlines()
            if line.startswith("│") and line.split("│")[1].strip()]
    first = {i["child"]["reference"]: i["worker_name"].split()[0] for i in items}
    assert rows and all(row[2] for row in rows)
    for row in rows:  # the child's reference ends its cell (or its first line's wrap)
        ref = next((r for r in first if r in row[1]), None)
        if ref:
            assert row[2].startswith(first[ref]), row


def test_one_workers_list_has_no_worker_column_and_says_whose_once(cli, make_demo):
    """A worker's own list needs no column saying it is theirs; a team's that is all one
    worker's (the full demo's South) says whose in its first line instead."""
    store = make_demo("--seed", "1", "--today", TODAY.isoformat(), name="full.db")
    (worker, _team), *_ = _workers(store)
    table = _due(cli, store, "--worker", worker).out
    header = next(line for line in table.splitlines() if line.startswith("┃"))
    assert "worker" not in header
    team = _team_with_workers(store, many=False)
    items = json.loads(_due(cli, store, "--team", team, "--json").out)["items"]
    text = _due(cli, store, "--team", team).out
    assert "worker ┃" not in text
    assert f"all {items[0]['worker_name']}'s" in " ".join(text.split())


def test_json_names_the_command_that_records_an_item_done_as_the_text_does(
        cli, demo_store, monkeypatch):
    """The text ends the rule of minutes to circulate (BEX 3, WIR 2.8) and a conference to
    consider (WIR 2.3) with "then: cintui …"; the JSON had no such field, so a tracker
    script could not show it. `then` says it (null where the work itself clears the item);
    every field the JSON had is there as before."""
    monkeypatch.setenv("COLUMNS", "400")  # one line a row
    items = json.loads(_due(cli, demo_store, "--json", "--within", "60").out)["items"]
    assert {"group", "child", "key", "label", "detail", "due", "state", "working_days_left",
            "rule", "source"} <= set(items[0])
    said = {i["key"]: i["then"] for i in items if i["then"]}
    assert {"minutes", "no_change"} & set(said), said
    for i in items:
        ref = i["child"]["reference"]
        if i["key"] in ("minutes", "plan_circulation"):
            assert i["then"] == f"cintui meeting sent {ref} --to NAME|everyone"
        elif i["key"] == "no_change":
            assert i["then"] == f"cintui decision add {ref} --kind cp_conference"
        elif i["key"] == "visit":
            assert i["then"] is None
    text = " ".join(_due(cli, demo_store, "--within", "60").out.split())
    for then in set(said.values()):
        assert f"then: {then}" in text


def test_the_left_column_lines_up_its_working_days(cli, demo_store, monkeypatch):
    """"9 wd overdue" stood under "134 wd overdue" from the left, its "wd" two columns off:
    the column is aligned on the right, so each "wd" is under the one above (at 120
    columns, and at 80 where "overdue" goes under "134 wd")."""
    for width in ("120", "80"):
        monkeypatch.setenv("COLUMNS", width)
        done = cli("due", "--db", demo_store, "--today", TODAY.isoformat())
        assert done.code == 0, done.err
        overdue = done.out.split("└")[0]  # the first table: each group is a table of its own
        ends = {line.index(" wd") for line in overdue.splitlines()
                if re.search(r"\d+ wd( overdue)?\s*│", line)}
        counts = [m[1] for m in re.finditer(r"(\d+) wd", overdue)]
        assert len({len(c) for c in counts}) > 1, counts  # 9 and 134 both there
        assert len(ends) == 1, (width, done.out)
