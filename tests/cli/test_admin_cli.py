"""`cintui authority set|show`, `cintui team add|edit|list`, `cintui worker
add|list|edit|leave` and `cintui child reallocate`, from an empty store (`cintui db init`):
the good paths, and every refusal as one line on stderr, exit 2, nothing written."""

from __future__ import annotations

import json

import pytest

from cintui.store.engine import open_store
from tests.cli.test_cli import audit_entries, one_line_error
from tests.conftest import TODAY

DAY = ("--today", TODAY.isoformat())


@pytest.fixture
def db(new_db):
    return new_db("team.db")


def run(cli, db, *args):
    return cli(*args, "--db", db)


def ok(cli, db, *args):
    result = run(cli, db, *args, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


TEAM = (
    ("authority", "set", "--name", "Exampleshire County Council", "--la", "820"),
    ("team", "add", "Safeguarding South", "--service", "Safeguarding and Support"),
    ("worker", "add", "tom.hale", "--name", "Tom Hale", "--role", "TM", "--team", "south",
     "--email", "tom.hale@example.org"),
    ("team", "edit", "south", "--manager", "tom.hale"),
    *(("worker", "add", username, "--name", name, "--role", "social worker", "--team",
       "Safeguarding South")
      for username, name in (("amira.ashdown", "Amira Ashdown"), ("ben.cole", "Ben Cole"))),
    *(("child", "add", "--first-name", first, "--last-name", "Synthetic", "--dob",
       "2017-02-03", "--referral-date", "2026-03-02", "--worker", "amira.ashdown", *DAY)
      for first in ("Nell", "Otto")),
)


@pytest.fixture
def team(scripted_db):
    """A team set up as a user would, by the command line (`TEAM`): the authority, South
    with Tom as its manager, Amira and Ben, and Amira holding two children."""
    return scripted_db(TEAM, "team.db")


def test_a_team_starts_from_an_empty_store(cli, team):
    assert ok(cli, team, "authority", "show") == {
        "name": "Exampleshire County Council", "la_number": "820", "policy": "england",
        "policy_title": ok(cli, team, "authority", "show")["policy_title"]}
    assert ok(cli, team, "team", "list") == [{
        "name": "Safeguarding South", "service": "Safeguarding and Support",
        "manager": "tom.hale", "manager_name": "Tom Hale", "workers": 3, "open_children": 2}]
    workers = ok(cli, team, "worker", "list", "--team", "south")
    assert [(w["username"], w["role"], w["open_children"]) for w in workers] == [
        ("amira.ashdown", "social_worker", 2), ("ben.cole", "social_worker", 0),
        ("tom.hale", "team_manager", 0)]
    text = run(cli, team, "worker", "list")
    assert text.code == 0 and "tom.hale" in text.out and "amira.ashdown" in text.out
    assert "Safeguarding South" in run(cli, team, "team", "list").out


@pytest.mark.parametrize("width", [80, 200])
def test_worker_list_folds_no_word_at_a_laptops_width(cli, team, monkeypatch, width):
    """At 80 columns `worker list` folded every word ("Strengthen ing", "amira.ashd own@ex").
    Now who they are and their children come first; what does not fit whole is left out and
    named. Wide, every column."""
    monkeypatch.setenv("COLUMNS", str(width))
    out = run(cli, team, "worker", "list").out
    lines = out.splitlines()
    assert all(len(line) <= width for line in lines)
    header = [h.strip() for h in lines[1].strip("┃").split("┃")]
    assert header[:4] == ["username", "name", "role", "children"]
    words = {w for line in lines for w in line.strip("│┃ ").replace("│", " ").split()}
    assert {"amira.ashdown", "Amira", "Ashdown", "tom.hale", "Tom", "Hale"} <= words
    if width == 80:
        assert header == ["username", "name", "role", "children"]
        assert lines[-1] == "Not shown at this width: team, email (wider, or --json)"
    else:
        assert header[-2:] == ["team", "email"] and "Not shown" not in out


def test_the_texts_say_what_was_done(cli, db):
    assert run(cli, db, "authority", "set", "--name", "Exampleshire", "--la", "820").out == (
        "Exampleshire (LA 820) follows England default (Working Together 2023 and common "
        "local practice) (england).\n")
    assert run(cli, db, "team", "add", "North").out == (
        "Added the team North, no manager yet (the first team manager added to it manages "
        "it).\n")
    assert run(cli, db, "worker", "add", "cara.dune", "--name", "Cara Dune", "--role",
               "SP", "--team", "north").out == (
        "Added Cara Dune (cara.dune), senior practitioner in North.\n")
    assert run(cli, db, "worker", "add", "tom.hale", "--name", "Tom Hale", "--role",
               "team manager", "--team", "north").out == (
        "Added Tom Hale (tom.hale), team manager in North, and its manager (it had none).\n")
    assert ok(cli, db, "team", "list")[0]["manager"] == "tom.hale"
    assert "No teams yet" not in run(cli, db, "team", "list").out


def test_empty_lists_say_how_to_start(cli, db):
    assert "cintui team add NAME" in run(cli, db, "team", "list").out
    assert "cintui worker add USERNAME" in run(cli, db, "worker", "list").out
    assert "not set up yet" in run(cli, db, "authority", "show").out


def test_reallocate_then_leave(cli, team):
    one_line_error(run(cli, team, "worker", "leave", "amira.ashdown", *DAY),
                   "amira.ashdown still holds 2 open children: reallocate them first",
                   "cintui child reallocate CHILD --to WORKER")
    moved = ok(cli, team, "child", "reallocate", "CIN000001", "CIN000002", "--to", "ben.cole",
               "--by", "tom.hale", "--reason", "Amira is leaving", "--on", "2026-11-20", *DAY)
    assert moved == [
        {"reference": "CIN000001", "name": "Nell Synthetic", "from": "Amira Ashdown",
         "to": "Ben Cole", "team": "Safeguarding South"},
        {"reference": "CIN000002", "name": "Otto Synthetic", "from": "Amira Ashdown",
         "to": "Ben Cole", "team": "Safeguarding South"}]
    left = ok(cli, team, "worker", "leave", "amira.ashdown", "--on", "2026-11-23", *DAY)
    assert (left["active"], left["left_on"]) == (False, "2026-11-23")
    assert "amira.ashdown" not in {w["username"] for w in ok(cli, team, "worker", "list")}
    everyone = ok(cli, team, "worker", "list", "--all")
    assert {w["username"]: w["active"] for w in everyone}["amira.ashdown"] is False
    listed = run(cli, team, "worker", "list", "--all").out.splitlines()
    assert "23 Nov 2026" in next(line for line in listed if "amira.ashdown" in line)
    children = ok(cli, team, "child", "list", *DAY)
    assert {c["worker"] for c in children} == {"ben.cole"}


def test_reallocating_as_the_team_manager_by_default(cli, team, monkeypatch):
    monkeypatch.setenv("CINTUI_USER", "tom.hale")
    result = run(cli, team, "child", "reallocate", "Nell Synthetic", "--to", "ben.cole", *DAY)
    assert result.code == 0, result.err
    assert result.out == ("CIN000001 Nell Synthetic: reallocated from Amira Ashdown to Ben "
                          "Cole (Safeguarding South) on 23 Nov 2026.\n")


def test_a_manager_who_leaves_leaves_the_team_without_one(cli, team):
    result = run(cli, team, "worker", "leave", "tom.hale", *DAY)
    assert result.code == 0, result.err
    assert "Safeguarding South has no manager now: cintui team edit 'Safeguarding South' " \
        "--manager USERNAME" in result.out
    assert ok(cli, team, "team", "list")[0]["manager"] is None


@pytest.mark.parametrize("recorder", ["ben.cole", "it.admin"])
def test_a_managers_forms_part_typed_go_to_whoever_records_the_leaving(cli, team,
                                                                       monkeypatch, recorder):
    """Nothing typed is lost: Tom, South's manager, leaves with a new child half typed; with
    no other manager over him, the form goes to the one recording the leaving, and the
    JSON says what it was and when, never what was typed. Recorded by a login that is no
    worker here (who could not open it), it stays Tom's."""
    from cintui.casework import drafts
    from tests.screens.test_caseload import new_child_half_typed

    new_child_half_typed(team, "tom.hale")
    monkeypatch.setenv("LOGNAME", recorder)  # the login (CINTUI_USER must name a worker)
    left = ok(cli, team, "worker", "leave", "tom.hale", *DAY)
    heir = recorder if recorder == "ben.cole" else "tom.hale"
    assert left["forms_handed_to"] == ("Ben Cole (ben.cole)" if heir == "ben.cole" else None)
    assert [f["form"] for f in left["forms_handed"]] == (
        ["new child's details"] if heir == "ben.cole" else [])
    assert "Ola" not in json.dumps(left)
    store = open_store(team, None)
    try:
        with store.read() as session:
            kept = drafts.kept_form(session, None, heir, "ChildFormScreen")
    finally:
        store.close()
    assert kept is not None and kept.payload["values"]["first_name"] == "Ola"


def test_a_leavers_forms_left_behind_are_handed_over_later(cli, team, monkeypatch):
    """Tom left with a new child half typed, recorded by a login that is no worker here:
    the form stayed his. `worker hand-over` gives it to Ben, who can open it; bad input is
    one line, exit 2, nothing changed."""
    from cintui.casework import drafts
    from tests.screens.test_caseload import new_child_half_typed

    new_child_half_typed(team, "tom.hale")
    monkeypatch.setenv("LOGNAME", "it.admin")  # a login: CINTUI_USER must name a worker
    assert ok(cli, team, "worker", "leave", "tom.hale", *DAY)["forms_handed"] == []
    one_line_error(run(cli, team, "worker", "hand-over", "amira.ashdown", "--to", "ben.cole"),
                   "amira.ashdown has not left: their forms are theirs")
    one_line_error(run(cli, team, "worker", "hand-over", "ben.cole", "--to", "tom.hale"),
                   "ben.cole has not left")
    one_line_error(run(cli, team, "worker", "hand-over", "tom.hale", "--to", "tom.hale"),
                   "tom.hale left on 23 Nov 2026: choose a worker still here")
    said = run(cli, team, "worker", "hand-over", "tom.hale", "--to", "Ben Cole")
    assert said.code == 0, said.err
    assert said.out.startswith("1 form they had part typed now belongs to Ben Cole "
                               "(ben.cole);")
    assert "new child's details, started" in said.out
    store = open_store(team, None)
    try:
        with store.read() as session:
            kept = drafts.kept_form(session, None, "ben.cole", "ChildFormScreen")
    finally:
        store.close()
    assert kept is not None and kept.payload["values"]["first_name"] == "Ola"
    again = ok(cli, team, "worker", "hand-over", "tom.hale", "--to", "ben.cole")
    assert again == {"worker": "tom.hale", "forms_handed_to": None, "forms_handed": []}


def test_editing_a_worker_and_a_team(cli, team):
    row = ok(cli, team, "worker", "edit", "ben.cole", "--role", "senior_practitioner",
             "--email", "ben.cole@example.org")
    assert (row["role"], row["email"], row["team"]) == (
        "senior_practitioner", "ben.cole@example.org", "Safeguarding South")
    ok(cli, team, "team", "add", "Disability North")
    assert ok(cli, team, "worker", "edit", "ben.cole", "--team", "north")["team"] == \
        "Disability North"
    renamed = ok(cli, team, "team", "edit", "north", "--name", "CWD North", "--service",
                 "Children with Disability")
    assert (renamed["name"], renamed["service"]) == ("CWD North", "Children with Disability")


REFUSALS = [
    (("authority", "set"), "nothing to set"),
    (("authority", "set", "--la", "82"), "'82' is not a DfE LA number (three digits"),
    (("authority", "set", "--name", " "), "give the authority's name"),
    (("authority", "set", "--policy", "atlantis"), "atlantis"),
    (("team", "add", " "), "give the team's name"),
    (("team", "add", "safeguarding south"), "already a team called 'Safeguarding South'"),
    (("team", "add", "East", "--manager", "amira.ashdown"),
     "managing a team needs a team manager or service manager; amira.ashdown is a social "
     "worker"),
    (("team", "add", "East", "--manager", "nobody"), "no worker called 'nobody'"),
    (("team", "edit", "south"), "nothing to change"),
    (("team", "edit", "west", "--service", "x"), "no team called 'west'"),
    (("worker", "add", "dan.eve", "--name", "Dan Eve", "--role", "boss"),
     "'boss' is not a role: choose one of social worker, senior practitioner, team manager"),
    (("worker", "add", "dan.eve", "--name", "Dan Eve"), "--role"),
    (("worker", "add", "dan eve", "--name", "Dan Eve", "--role", "sw"), "is not a username"),
    (("worker", "add", "Ben.Cole", "--name", "B", "--role", "sw"),
     "ben.cole is already the username of Ben Cole"),
    (("worker", "add", "dan.eve", "--name", " ", "--role", "sw"), "give the worker's full name"),
    (("worker", "add", "dan.eve", "--name", "Dan", "--role", "sw", "--email", "dan@"),
     "email"),
    (("worker", "add", "dan.eve", "--name", "Dan", "--role", "sw", "--team", "west"),
     "no team called 'west'"),
    (("worker", "edit", "ben.cole"), "nothing to change"),
    (("worker", "edit", "nobody", "--name", "X"), "no worker called 'nobody'"),
    (("worker", "edit", "tom.hale", "--role", "sw"),
     "tom.hale manages Safeguarding South: choose another manager for the team first"),
    (("worker", "leave", "amira.ashdown", *DAY), "still holds 2 open children"),
    (("worker", "leave", "ben.cole", "--on", "2026-11-24", *DAY), "24 Nov 2026 is in the future"),
    (("worker", "leave", "ben.cole", "--on", "soon", *DAY), "--on: 'soon' is not a date"),
    (("child", "reallocate", "CIN000001", "--to", "ben.cole", *DAY),
     "reallocating a child needs a team manager or service manager; test.worker is not a "
     "worker on this store"),
    (("child", "reallocate", "CIN000001", "--to", "ben.cole", "--by", "amira.ashdown", *DAY),
     "amira.ashdown is a social worker"),
    (("child", "reallocate", "CIN000001", "--to", "nobody", "--by", "tom.hale", *DAY),
     "no worker called 'nobody'"),
    (("child", "reallocate", "CIN000001", "--to", "amira.ashdown", "--by", "tom.hale", *DAY),
     "CIN000001 Nell Synthetic: already allocated to amira.ashdown"),
    (("child", "reallocate", "CIN000001", "CIN000009", "--to", "ben.cole", "--by", "tom.hale",
      *DAY), "no child with reference or name 'CIN000009'"),
    (("child", "reallocate", "CIN000001", "--to", "ben.cole", "--by", "tom.hale", "--on",
      "2026-11-24", *DAY), "24 Nov 2026 is in the future"),
    (("child", "reallocate", "CIN000001", "--to", "ben.cole", "--by", "tom.hale", "--on",
      "2026-03-01", *DAY), "before the referral (2 Mar 2026)"),
    (("child", "reallocate", "--to", "ben.cole", "--by", "tom.hale", *DAY), "CHILD"),
    (("child", "reallocate", "CIN000001", "--by", "tom.hale", *DAY), "--to"),
]


@pytest.mark.parametrize("args, words", REFUSALS, ids=[" ".join(a[:2]) + f" {i}"
                                                       for i, (a, _w) in enumerate(REFUSALS)])
def test_bad_input_is_one_line_exit_2_and_nothing_written(cli, team, args, words):
    before = audit_entries(team)
    lists = [ok(cli, team, *what) for what in (("authority", "show"), ("team", "list"),
                                                ("worker", "list", "--all"))]
    one_line_error(run(cli, team, *args), words)
    assert audit_entries(team) == before
    assert [ok(cli, team, *what) for what in (("authority", "show"), ("team", "list"),
                                               ("worker", "list", "--all"))] == lists


def test_the_first_authority_needs_its_la_number(cli, db):
    """An authority cintui does not know (no profile of its own) needs --la the first time,
    by NAME or by --name alike: one line, nothing written."""
    for args in (("--name", "Exampleshire"), ("Exampleshire",)):
        one_line_error(run(cli, db, "authority", "set", *args),
                       "--la: 'Exampleshire' is not an authority cintui knows: give its DfE "
                       "LA number (three digits, e.g. 820)")
    assert ok(cli, db, "authority", "show")["name"] is None


@pytest.mark.parametrize("how", [("London Borough of Bexley",),
                                 ("--name", "London Borough of Bexley")])
def test_an_authority_cintui_knows_is_set_up_by_its_name_alone_either_way(cli, new_db, how):
    """BEX (DOMAIN.md §6, §10): `authority set "London Borough of Bexley"` was refused as an
    unexpected argument, and `--name "London Borough of Bexley"` for want of --la. Both are
    one way in: the name gives Bexley's DfE LA number (303, the census header) and its
    profile, and the line says so."""
    db = new_db("bexley.db")
    said = run(cli, db, "authority", "set", *how)
    assert said.code == 0, said.err
    assert said.out.strip() == (
        "London Borough of Bexley (LA 303) follows Bexley Child in Need of Our Support and "
        "Protection Procedure (bexley), its LA number and profile by its name (--policy "
        "england for the England default).")
    assert ok(cli, db, "authority", "show") == {
        "name": "London Borough of Bexley", "la_number": "303", "policy": "bexley",
        "policy_title": "Bexley Child in Need of Our Support and Protection Procedure"}


def test_an_la_number_other_than_the_named_authoritys_profile_is_kept_with_a_warning(cli, db):
    """`authority set "Stockton Council" --la 123` was taken without a word, though the
    census return's header carries the LA number and Stockton-on-Tees's profile says 808.
    One line on stderr says so; what the worker gave is kept (they may know better). The
    profile's own number, or a name no profile names, says nothing."""
    said = run(cli, db, "authority", "set", "Stockton Council", "--la", "123")
    assert said.code == 0, said.err
    assert said.err.strip() == (
        "Warning: Stockton-on-Tees's profile gives DfE LA number 808, not 123: the census "
        "return carries the LA number, so check it (123 kept).")
    assert ok(cli, db, "authority", "show")["la_number"] == "123"
    for args in (("--la", "808"), ("--name", "Exampleshire County Council", "--la", "820")):
        said = run(cli, db, "authority", "set", *args)
        assert said.code == 0 and said.err.strip() == "", said.err


def test_the_name_given_twice_differently_is_one_line(cli, db):
    one_line_error(run(cli, db, "authority", "set", "Bexley", "--name", "Wirral"),
                   "the name is given twice ('Bexley' and --name 'Wirral'): give it once")
    assert ok(cli, db, "authority", "show")["name"] is None
    assert run(cli, db, "authority", "set", "Wirral Council", "--name", "Wirral Council").code == 0
    assert ok(cli, db, "authority", "show")["la_number"] == "344"


def test_an_authority_named_at_set_up_follows_its_own_profile(cli, db):
    """BEX 3 (DOMAIN.md §6): the first `authority set` naming Bexley puts the store on
    Bexley's profile, as the set-up form does, and says so; a --policy given, a later
    renaming, or a name no profile names leave the profile alone."""
    said = run(cli, db, "authority", "set", "--name", "London Borough of Bexley", "--la", "303")
    assert said.code == 0
    assert said.out.strip() == (
        "London Borough of Bexley (LA 303) follows Bexley Child in Need of Our Support and "
        "Protection Procedure (bexley), by its name (--policy england for the England "
        "default).")
    assert ok(cli, db, "authority", "show")["policy"] == "bexley"
    assert run(cli, db, "authority", "set", "--policy", "england").code == 0
    assert run(cli, db, "authority", "set", "--name", "Bexley Council").code == 0
    assert ok(cli, db, "authority", "show")["policy"] == "england"


def test_a_policy_given_with_the_first_name_is_the_one_followed(cli, db):
    assert run(cli, db, "authority", "set", "--name", "London Borough of Bexley", "--la", "303",
               "--policy", "wirral").code == 0
    assert ok(cli, db, "authority", "show")["policy"] == "wirral"


def test_a_name_no_profile_names_stays_on_the_england_default(cli, db):
    said = run(cli, db, "authority", "set", "--name", "Exampleshire County Council", "--la", "820")
    assert said.code == 0 and "by its name" not in said.out
    assert ok(cli, db, "authority", "show")["policy"] == "england"


def test_the_demo_is_set_up_with_a_synthetic_authority_as_a_user_does(cli, demo_store,
                                                                      tmp_path):
    """`cintui demo` names its authority as `cintui authority set` does (no real one's, its
    LA number the demo UPNs' pseudo-LA 001): the census return's header has it without
    --la (the demo set none: letters said "Children's services", plans named none)."""
    from cintui.demo import DEMO_AUTHORITY

    assert ok(cli, demo_store, "authority", "show") == {
        "name": DEMO_AUTHORITY, "la_number": "001", "policy": "england",
        "policy_title": ok(cli, demo_store, "authority", "show")["policy_title"]}
    out = tmp_path / "cin.xml"
    result = cli("export", "census", "--db", demo_store, "--year", "2026", "-o", out, *DAY)
    assert result.code in (0, 1), result.err  # 1: some demo children left out, listed
    from lxml import etree

    assert etree.parse(str(out)).findtext("Header/Source/LEA") == "001"


def test_the_census_return_takes_the_la_number_from_the_authority(cli, demo_store, tmp_path):
    ok(cli, demo_store, "authority", "set", "--name", "Exampleshire", "--la", "820")
    out = tmp_path / "cin.xml"
    result = cli("export", "census", "--db", demo_store, "--year", "2026", "-o", out, *DAY)
    assert result.code in (0, 1), result.err  # 1: some demo children left out, listed
    from lxml import etree

    assert etree.parse(str(out)).findtext("Header/Source/LEA") == "820"


def test_a_child_is_found_by_name_as_typed_on_an_english_keyboard(cli, team):
    """`child show "Zoe Lukasiewicz"` finds Zoë Łukasiewicz; the name as written still
    wins over one that only folds to it."""
    ok(cli, team, "child", "add", "--first-name", "Zoë", "--last-name", "Łukasiewicz",
       "--dob", "2016-05-06", *DAY)
    shown = run(cli, team, "child", "show", "zoe lukasiewicz")
    assert shown.code == 0 and "Zoë Łukasiewicz" in shown.out
    ok(cli, team, "child", "add", "--first-name", "Zoe", "--last-name", "Lukasiewicz",
       "--dob", "2016-05-06", *DAY)
    assert "Zoë Łukasiewicz CIN" in run(cli, team, "child", "show", "Zoë Łukasiewicz").out


@pytest.mark.parametrize("team_typed, said", [
    ("west", "cintui: --team: no team called 'west'"),
    ("safeguarding sooth", "cintui: --team: no team called 'safeguarding sooth' (did you "
                           "mean 'Safeguarding South'?)"),
    ("safeguarding", "cintui: --team: 'safeguarding' matches 2 teams: Safeguarding North; "
                     "Safeguarding South"),
])
def test_a_team_not_on_the_store_is_one_refusal_in_every_command(cli, team, tmp_path,
                                                                  team_typed, said):
    """`child list --team north` said "no team called 'north' on this store" and `child add
    --team north` "--team: no team called 'north'"; the reports gave no "did you mean".
    Every command taking --team now says the one line `lookup.team_meant` words."""
    from tests.cli.test_cli import sha

    ok(cli, team, "team", "add", "Safeguarding North", "--service", "Safeguarding and Support")
    before = sha(team)
    for command in (("child", "list"),
                    ("child", "add", "--first-name", "Mia", "--last-name", "Synthetic",
                     "--dob", "2019-01-01", *DAY),
                    ("due",), ("team", "waiting"), ("report", "compliance"),
                    ("worker", "add", "dan.eve", "--name", "Dan Eve", "--role", "sw"),
                    ("export", "plans", "-o", str(tmp_path / "out")),
                    ("each", "--team", team_typed, "--db", str(team), "--", "plan", "check")):
        typed = () if command[0] == "each" else ("--team", team_typed)
        result = run(cli, team, *command, *typed)
        assert (result.code, result.err.strip()) == (2, said), command
    assert sha(team) == before and not (tmp_path / "out").exists()


def test_cintui_user_naming_no_worker_is_refused_in_one_line_nothing_written(
        cli, team, monkeypatch):
    """CINTUI_USER names whom the command line acts as. Naming no worker on the store, it
    was taken as it was: a decision recorded as by 'amira.ashdwn', whom no one is. It is
    refused in one line naming CINTUI_USER, with the username likely meant (or the username
    for a name), exit 2, nothing written; commands that only read still answer (`worker
    list`, to find your username). Naming a worker, it acts as before."""
    from tests.cli.test_cli import sha

    before = sha(team)
    for named, said in (
            ("amira.ashdwn", "cintui: CINTUI_USER: no worker called 'amira.ashdwn' (did you "
                             "mean 'amira.ashdown'?)"),
            ("Amira Ashdown", "cintui: CINTUI_USER: 'Amira Ashdown' is a name: give their "
                              "username ('amira.ashdown')")):
        monkeypatch.setenv("CINTUI_USER", named)
        for command in (("decision", "add", "Nell", "--kind", "other", "--decision",
                         "Keep the plan", "--rationale", "School settled", *DAY),
                        ("plan", "exit", "Nell", "--good-enough", "Nell at school", *DAY),
                        ("child", "add", "--first-name", "Mia", "--last-name", "Synthetic",
                         "--dob", "2019-01-01", "--worker", "ben.cole", *DAY)):
            result = run(cli, team, *command)
            assert (result.code, result.err) == (2, said + "\n"), command
        assert sha(team) == before
        assert [w["username"] for w in ok(cli, team, "worker", "list")] == [
            "amira.ashdown", "ben.cole", "tom.hale"]
    monkeypatch.setenv("CINTUI_USER", "amira.ashdown")
    done = run(cli, team, "decision", "add", "Nell", "--kind", "other", "--decision",
               "Keep the plan", "--rationale", "School settled", *DAY)
    assert done.code == 0 and "(Amira Ashdown," in done.out


def test_the_worker_chosen_in_the_app_on_another_store_does_not_act_here(
        cli, team, monkeypatch):
    """Who acts for a command: CINTUI_USER, else the worker chosen in the app, else the
    login. The worker chosen was taken from the settings whatever the store: chosen on the
    demo, they were recorded as who imported a team's caseload, on a store where no one is
    called that. Only a worker on the store acts so; else the login does (amira.ashdown)."""
    from cintui.reference import config

    monkeypatch.delenv("CINTUI_USER", raising=False)
    monkeypatch.setenv("LOGNAME", "amira.ashdown")
    monkeypatch.setenv("USER", "amira.ashdown")
    config.save_setting("worker", "felix.elsewhere")  # chosen in the app on the demo
    done = run(cli, team, "decision", "add", "Nell", "--kind", "other", "--decision",
               "Keep the plan", "--rationale", "School settled", *DAY)
    assert done.code == 0 and "(Amira Ashdown," in done.out
    config.save_setting("worker", "ben.cole")  # chosen in the app on this store: acts
    done = run(cli, team, "decision", "add", "Nell", "--kind", "other", "--decision",
               "Keep the plan", "--rationale", "Still settled", *DAY)
    assert done.code == 0 and "(Ben Cole," in done.out


def test_cintui_user_naming_a_leaver_says_they_left_and_who_can_act(cli, team, monkeypatch):
    """CINTUI_USER naming a worker who has left (`worker leave`) said "no worker called
    'old.timer'", as if they had never been here. It says they left, when,
    and how to find who can act: one line, exit 2, nothing written (by username or name)."""
    from tests.cli.test_cli import sha

    monkeypatch.setenv("CINTUI_USER", "tom.hale")
    assert run(cli, team, "worker", "add", "old.timer", "--name", "Olive Timer", "--role",
               "social worker", "--team", "south").code == 0
    assert run(cli, team, "worker", "leave", "old.timer", "--on", "2026-11-20").code == 0
    before = sha(team)
    for named in ("old.timer", "Olive Timer"):
        monkeypatch.setenv("CINTUI_USER", named)
        for command in (("decision", "add", "Nell", "--kind", "other", "--decision",
                         "Keep the plan", "--rationale", "School settled", *DAY),
                        ("child", "add", "--first-name", "Mia", "--last-name", "Synthetic",
                         "--dob", "2019-01-01", "--worker", "ben.cole", *DAY),
                        ("supervision", "overdue")):
            result = run(cli, team, *command)
            assert (result.code, result.err) == (
                2, "cintui: CINTUI_USER: Olive Timer (old.timer) left on 20 Nov 2026 and "
                   "cannot act now: name a worker on this store (`cintui worker list` lists "
                   "them)\n"), command
        assert sha(team) == before


def test_a_first_name_or_surname_mistyped_finds_the_worker_in_every_refusal(
        cli, team, monkeypatch, tmp_path):
    """"did you mean" compared what was typed with whole usernames (difflib's cutoff), so
    `amirra` (Amira, mistyped) found no one. It is matched against each part of a username
    and the worker's name too: the refusal offers 'amira.ashdown', from CINTUI_USER, --worker,
    --by and `supervision overdue` alike (one function, `workforce.workers_meant`)."""
    from tests.cli.test_cli import sha

    before = sha(team)
    for typed in ("amirra", "ashdon", "Amira Ashdon"):
        monkeypatch.setenv("CINTUI_USER", typed)
        for command in (("child", "add", "--first-name", "Mia", "--last-name", "Synthetic",
                         "--dob", "2019-01-01", "--worker", "ben.cole", *DAY),
                        ("supervision", "overdue")):
            assert run(cli, team, *command).err == (
                f"cintui: CINTUI_USER: no worker called {typed!r} (did you mean "
                "'amira.ashdown'?)\n"), (typed, command)
        monkeypatch.setenv("CINTUI_USER", "tom.hale")
        for command, option in ((("child", "list", "--worker", typed), "--worker"),
                                (("due", "--worker", typed), "--worker"),
                                (("decision", "add", "Nell", "--kind", "other", "--decision",
                                  "Keep the plan", "--rationale", "School settled",
                                  "--by", typed, *DAY), "--by")):
            result = run(cli, team, *command)
            assert result.code == 2 and result.err.startswith(
                f"cintui: {option}: no worker called {typed!r} (did you mean "
                "'amira.ashdown'?)"), (typed, command, result.err)
    assert sha(team) == before


def test_supervision_overdue_under_a_wrong_cintui_user_is_the_one_refusal(cli, team,
                                                                          monkeypatch):
    """`supervision overdue` (your own team) under a CINTUI_USER naming no worker said "give
    --team: you are not in a team on this store", as if you were a worker out of a team. It
    refuses as every command does (STO 4.5, 8.5: the team's list is a manager's); a worker
    who is in no team is named."""
    monkeypatch.setenv("CINTUI_USER", "tom.hail")
    result = run(cli, team, "supervision", "overdue", *DAY)
    assert (result.code, result.err) == (
        2, "cintui: CINTUI_USER: no worker called 'tom.hail' (did you mean 'tom.hale'?)\n")
    monkeypatch.setenv("CINTUI_USER", "tom.hale")
    assert run(cli, team, "supervision", "overdue", *DAY).out.startswith(
        "Safeguarding South: ")
    assert run(cli, team, "worker", "add", "nia.newstarter", "--name", "Nia Newstarter",
               "--role", "social worker").code == 0
    monkeypatch.setenv("CINTUI_USER", "nia.newstarter")
    assert run(cli, team, "supervision", "overdue", *DAY).err == (
        "cintui: give --team: nia.newstarter is in no team on this store\n")


def test_cintui_user_sets_up_a_new_store_before_its_first_worker(cli, db, monkeypatch):
    """On a store with no workers yet CINTUI_USER is not refused: the team is set up by the
    command line, its first worker added, as whoever is doing it."""
    monkeypatch.setenv("CINTUI_USER", "tom.hale")
    for command in TEAM[:3]:
        assert run(cli, db, *command).code == 0, command
    monkeypatch.setenv("CINTUI_USER", "tom.hail")
    assert run(cli, db, *TEAM[4]).err == ("cintui: CINTUI_USER: no worker called 'tom.hail' "
                                          "(did you mean 'tom.hale'?)\n")


def test_a_worker_not_on_the_store_is_one_refusal_in_every_command(cli, team, tmp_path):
    """`child list --worker nobdy` said "no worker called 'nobdy' on this store" where
    `child add --worker nobdy` (and `close decide --by`, `child reallocate --to`) said
    "--worker: no worker called 'nobdy'": one line now, from `lookup.find_worker`."""
    from tests.cli.test_cli import sha

    before = sha(team)
    for command in (("child", "list"), ("due",),
                    ("child", "add", "--first-name", "Mia", "--last-name", "Synthetic",
                     "--dob", "2019-01-01", *DAY),
                    ("export", "plans", "-o", str(tmp_path / "out")),
                    ("each", "--worker", "amira.ashdwn", "--db", str(team), "--", "plan",
                     "check")):
        typed = () if command[0] == "each" else ("--worker", "amira.ashdwn")
        result = run(cli, team, *command, *typed)
        assert (result.code, result.err.strip()) == (
            2, "cintui: --worker: no worker called 'amira.ashdwn' (did you mean "
            "'amira.ashdown'?)"), command
    assert sha(team) == before and not (tmp_path / "out").exists()
