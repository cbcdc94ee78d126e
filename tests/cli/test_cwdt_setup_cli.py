"""A Children with Disability Team sets itself up and takes its first case (WAR 4.4.1, 7),
from an empty store (`db init`, Warwickshire's policy), typing what a worker types: a
team by the words of its name, the service by the words of the policy's, the level of
need by its words, a manager named as chair by their username. Each once had to be
typed again, exactly. Synthetic people only."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.both_stores

TEAM = "Children with Disability Team North"
WAR_442 = "WAR 4.4.1"


def _run(cli, db, *args):
    result = cli(*args, "--db", db)
    assert result.code == 0, (args, result.err)
    return result


def test_a_cwdt_sets_up_with_the_words_a_worker_types(cli, new_location, monkeypatch):
    monkeypatch.setenv("CINTUI_TODAY", "2026-12-07")
    db = new_location("cwdt.db")
    assert cli("db", "init", "--no-encrypt", "--policy", "warwickshire", "--db", db).code == 0
    # WAR 4.4.3: the policy names its services; "Children with Disability" is its CwDT.
    added = _run(cli, db, "team", "add", TEAM, "--service", "Children with Disability")
    assert f"Added the team {TEAM} (Children with Disability Team)" in added.out
    # The words of the team's name, in any order (it wanted "north", or the whole name).
    _run(cli, db, "worker", "add", "sam.okafor", "--name", "Sam Okafor", "--role", "TM",
         "--team", "disability north")
    _run(cli, db, "worker", "add", "jo.walker", "--name", "Jo Walker", "--role", "SW",
         "--team", "north disability")
    teams = json.loads(_run(cli, db, "team", "list", "--json").out)
    assert [(t["name"], t["service"]) for t in teams] == [(TEAM,
                                                           "Children with Disability Team")]
    # A disabled child in the CwDT: no prompt that another service must assess them.
    child = _run(cli, db, "child", "add", "--first-name", "Lily", "--last-name", "Patel",
                 "--dob", "2017-05-03", "--disability", "hearing", "--worker", "jo.walker",
                 "--team", "disability north")
    assert WAR_442 not in child.out + child.err
    due = _run(cli, db, "due", "--team", "disability north", "--json")
    assert json.loads(due.out)["team"] == TEAM
    two = cli("team", "add", "Children with Disability Team South", "--service", "disability",
              "--db", db)
    assert two.code == 0
    ambiguous = cli("due", "--team", "disability team", "--db", db)
    assert ambiguous.code == 2 and "matches 2 teams" in ambiguous.err

    # The level of need by its words (TRA), as the census codes are taken.
    _run(cli, db, "referral", "record", "Lily", "--decision", "assessment", "--by",
         "sam.okafor")
    _run(cli, db, "assessment", "start", "Lily")
    _run(cli, db, "assessment", "record", "Lily", "--level", "child in need")
    shown = json.loads(_run(cli, db, "assessment", "show", "Lily", "--json").out)
    assert shown["level"] == "Child in need (s17)"
    _run(cli, db, "child", "edit", "Lily", "--level", "targeted")
    assert json.loads(_run(cli, db, "child", "show", "Lily", "--json").out)["level"] == \
        "Targeted support"
    wrong = cli("child", "edit", "Lily", "--level", "s47", "--db", db)
    assert wrong.code == 2
    assert "not a level in this store's policy: Early help, Targeted support" in wrong.err

    # The initial meeting chaired by a manager (BEX 3), named by their username.
    _run(cli, db, "person", "add", "Lily", "--name", "Priya Patel", "--relationship",
         "Mother", "--pr", "--lives-with", "--phone", "07700 900002")
    _run(cli, db, "child", "consent", "Lily", "--decision", "given", "--scope", "meeting",
         "--person", "Priya Patel")
    booked = _run(cli, db, "meeting", "schedule", "Lily", "--kind", "initial", "--at",
                  "2026-12-14 16:30", "--venue", "Family home", "--chair", "sam.okafor")
    assert "chaired by Sam Okafor" in booked.out
    (meeting,) = json.loads(_run(cli, db, "meeting", "list", "Lily", "--json").out)
    assert meeting["chair"] == "Sam Okafor"
