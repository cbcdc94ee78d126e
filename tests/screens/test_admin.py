"""Set-up by keyboard, from an empty store: the palette's "Set up: authority, teams and
workers", the forms checking as you type, a worker marked as left once their children are
reallocated; and in the team view (F4), several children marked with space and reallocated
in one go. Synthetic people only."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cintui.app import CintuiApp
from cintui.casework import admin, cases, record
from cintui.store import access
from cintui.store import models as m
from tests.casework.test_admin import add_child, set_up_team
from tests.conftest import TODAY
from tests.screens.test_child import read, text_of
from tests.screens.test_shell import (
    post_burst,
    settle,
    shown_choice,
    type_text,
    until,
    words,
)

SIZE = (120, 40)


def empty_store(new_location, cli, name: str = "team"):
    path = new_location(f"{name}.db")
    assert cli("db", "init", "--db", path, "--no-encrypt").code == 0
    return path


def team_store(new_location, cli):
    """South set up as in tests/casework/test_admin.py; Amira holds Nell, Otto and Pia."""
    from cintui.store.engine import open_store

    path = empty_store(new_location, cli)
    store = open_store(path, None)
    try:
        set_up_team(store)
        for first in ("Nell", "Otto", "Pia"):
            add_child(store, first)
    finally:
        store.close()
    return path


def error(screen, field: str) -> str:
    return str(screen.query_one(f"#{field}-error").render())


def cells(screen, table_id: str) -> list[list[str]]:
    table = screen.query_one(table_id)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_setup(pilot, typed: str = "set up"):
    await settle(pilot)
    await pilot.press("ctrl+p")
    await pilot.pause()
    await type_text(pilot, typed)  # as a new team would type it
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert type(screen).__name__ == "AdminScreen"
    return screen


async def open_authority_form(pilot):
    """Set-up, then `a`: the set-up screen and the authority's form over it."""
    screen = await open_setup(pilot)
    await pilot.press("a")
    await settle(pilot)
    return screen, pilot.app.screen


async def add_worker(pilot, username: str, name: str) -> None:
    """On the set-up screen: `w`, the username and full name typed, saved."""
    await pilot.press("w")
    await settle(pilot)
    await type_text(pilot, username)
    pilot.app.screen.query_one("#name").focus()
    await type_text(pilot, name)
    await save(pilot)


async def save(pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    await settle(pilot)


@pytest.mark.both_stores
async def test_the_palette_reads_a_hyphen_as_a_space(new_location, cli):
    """"set-up", as the README and the screens call it, found nothing in the palette: the
    command is "Set up: ...", and the fuzzy match wanted the hyphen in it."""
    app = CintuiApp(access.locate(empty_store(new_location, cli)), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot, "set-up")


async def test_a_team_is_set_up_from_an_empty_store_with_the_palette(new_location, cli):
    app = CintuiApp(access.locate(empty_store(new_location, cli)), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(pilot)
        assert "No authority set up yet" in str(screen.query_one("#authority").render())

        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        await type_text(pilot, "Exampleshire County Council")
        form.query_one("#la_number").focus()
        await type_text(pilot, "82")
        assert "'82' is not a DfE LA number" in error(form, "la_number")  # as you type
        await type_text(pilot, "0")
        assert error(form, "la_number") == ""
        await save(pilot)
        assert app.screen is screen
        assert "Exampleshire County Council · DfE LA number 820" in str(
            screen.query_one("#authority").render())

        await pilot.press("t")
        await settle(pilot)
        form = app.screen
        await save(pilot)  # no name: refused, the form stays
        assert app.screen is form and "give the team's name" in error(form, "name")
        await pilot.press("escape")
        await settle(pilot)
        # t and the team's name typed at once: the name waits for the form (it once
        # reached the list of teams, and the "t" in "South" opened another form)
        post_burst(app, [("t", "t"), *words("Safeguarding South")])
        await settle(pilot)
        form = app.screen
        assert [type(s).__name__ for s in app.screen_stack].count("TeamFormScreen") == 1
        assert form.query_one("#name").value == "Safeguarding South"
        form.query_one("#service").focus()
        await type_text(pilot, "Safeguarding and Support")
        # No manager to choose yet: it says how the team gets one (it said to edit the
        # team afterwards, a step the first team manager added makes needless)
        assert form.query_one("#manager").prompt == (
            "none yet: the first team manager added to the team (w) manages it")
        await save(pilot)
        assert cells(screen, "#teams") == [
            ["Safeguarding South", "Safeguarding and Support", "none", "0", "0"]]

        for username, name, role, key in (
                ("tom.hale", "Tom Hale", "team_manager", "t"),
                ("amira.ashdown", "Amira Ashdown", "social_worker", "w")):
            await pilot.press("w")
            await settle(pilot)
            form = app.screen
            await type_text(pilot, username.replace(".", " "))
            assert "is not a username" in error(form, "username")
            form.query_one("#username").value = username
            form.query_one("#name").focus()
            await type_text(pilot, name)
            # The role by one key, as a rating or a yes/no is chosen (the list stays shut).
            await pilot.press("tab", key)
            await settle(pilot)
            assert form.query_one("#role").value == role
            assert not form.query_one("#role").expanded
            # The store's only team is already chosen for a new worker.
            assert form.query_one("#team").value == "Safeguarding South"
            form.query_one("#email").focus()
            await type_text(pilot, f"{username}@")
            assert error(form, "email") != ""
            await type_text(pilot, "example.org")
            assert error(form, "email") == ""
            await save(pilot)
            assert app.screen is screen
            said = [str(n.message) for n in app._notifications][-1:]
            assert said == [{
                "tom.hale": "Tom Hale added, and the manager of Safeguarding South (it had none).",
                "amira.ashdown": "Amira Ashdown added."}[username]]
        # The team's first team manager manages it: no third step.
        assert cells(screen, "#teams")[0][2] == "Tom Hale (tom.hale)"

        # The team's manager can be changed to another manager (the form offers only them).
        screen.query_one("#teams").focus()
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert [v for _label, v in form.query_one("#manager")._options
                if isinstance(v, str)] == ["tom.hale"]
        assert form.query_one("#manager").value == "tom.hale"
        await save(pilot)
        assert cells(screen, "#teams")[0][2] == "Tom Hale (tom.hale)"
        assert [row[:4] for row in cells(screen, "#workers")] == [
            ["amira.ashdown", "Amira Ashdown", "Social worker", "Safeguarding South"],
            ["tom.hale", "Tom Hale", "Team manager", "Safeguarding South"]]

    def stored(session):
        return ([(t.name, t.service) for t in admin.list_teams(session)],
                [(w.username, w.role, w.email) for w in admin.list_workers(session)],
                {e.actor for e in session.exec(select(m.AuditEntry)).all()})

    teams, workers, actors = read(app.location.url or app.location.path, stored)
    assert teams == [("Safeguarding South", "Safeguarding and Support")]
    assert workers == [("amira.ashdown", "social_worker", "amira.ashdown@example.org"),
                       ("tom.hale", "team_manager", "tom.hale@example.org")]
    assert actors == {"test.worker"}  # the login: nobody on the store chosen yet


async def test_a_letter_in_an_open_list_chooses_its_option_and_others_still_search(
        new_location, cli):
    """A choice shows its key ("Team manager (t)") and the key chooses it with the list
    open too: Enter opens the role list, t chooses Team manager and shuts it (it once only
    moved the highlight, and the Tab after it left "Social worker": a manager saved as a
    worker). In a list without keys, letters still find an option, and Tab takes it as a
    browser's list does: "wi" then Tab is Wirral's policy."""
    app = CintuiApp(access.locate(empty_store(new_location, cli)), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen, form = await open_authority_form(pilot)
        await type_text(pilot, "Exampleshire Council")  # naming no profile: England's stays
        form.query_one("#la_number").focus()
        await type_text(pilot, "820")
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert form.query_one("#policy").expanded
        await pilot.press("w", "i", "tab")  # Tab takes what the open list highlights
        await settle(pilot)
        assert form.query_one("#policy").value == "wirral"
        assert not form.query_one("#policy").expanded and app.focused.id == "save"
        await save(pilot)
        assert app.screen is screen

        await pilot.press("t")
        await settle(pilot)
        await type_text(pilot, "CIN North")
        await save(pilot)

        await pilot.press("w")
        await settle(pilot)
        form = app.screen
        form.query_one("#username").value = "kay.moss"
        form.query_one("#name").focus()
        await type_text(pilot, "Kay Moss")
        await pilot.press("tab", "enter")
        await settle(pilot)
        role = form.query_one("#role")
        assert role.expanded
        await pilot.press("t")
        await settle(pilot)
        assert role.value == "team_manager" and not role.expanded
        assert app.focused is role  # back on the choice: Tab goes on to the team
        await pilot.press("tab")
        await settle(pilot)
        assert role.value == "team_manager"
        await save(pilot)
        assert app.screen is screen
        assert cells(screen, "#workers")[0][:3] == ["kay.moss", "Kay Moss", "Team manager"]


async def test_an_authority_named_at_set_up_works_to_its_own_profile(new_location, cli):
    """BEX 3 (DOMAIN.md §6): Bexley's clocks are its own (the initial meeting within 10
    days of the assessment, visits at least every 4 weeks). A Bexley team setting up an
    empty store types "London Borough of Bexley" and Bexley's profile is chosen with it (it
    stayed on England's unless the worker found the box); a profile the worker chooses
    stands whatever the name says next."""
    path = empty_store(new_location, cli)
    app = CintuiApp(access.locate(path), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen, form = await open_authority_form(pilot)
        policy = form.query_one("#policy")
        assert policy.value == "england"
        await type_text(pilot, "London Borough of Bexley")
        await settle(pilot)
        assert policy.value == "bexley"
        await type_text(pilot, "heath")  # "Bexleyheath" names no authority
        await settle(pilot)
        assert policy.value == "england"
        for _ in "heath":
            await pilot.press("backspace")
        form.query_one("#la_number").focus()
        await type_text(pilot, "303")
        await settle(pilot)
        assert policy.value == "bexley"
        await save(pilot)
        assert app.screen is screen
        assert read(path, lambda session: admin.authority(session).policy) == "bexley"

    wirral = empty_store(new_location, cli, "chosen")
    app = CintuiApp(access.locate(wirral), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        _screen, form = await open_authority_form(pilot)
        await pilot.press("tab", "tab", "w", "i")  # the worker chooses Wirral's first
        await settle(pilot)
        form.query_one("#name").focus()
        await type_text(pilot, "London Borough of Bexley")
        await settle(pilot)
        assert form.query_one("#policy").value == "wirral"


async def test_the_authoritys_name_or_profile_fills_its_la_number_and_another_is_warned(
        new_location, cli):
    """The set-up form asked for the DfE LA number though the authority's profile carries
    it (`cintui authority set NAME` needed no --la). "Stockton Council" typed fills 808, and
    the box stays the worker's: 123 typed over it says beside it, as `authority set` does,
    that the profile says 808 and the census return carries the number, and is saved as
    typed. Choosing Warwickshire's profile fills 937 while no name is typed; the number is
    the authority's, so a name cintui does not know ("Exampleshire", on Warwickshire's
    procedures) takes it back, and choosing Wirral's profile for it fills none (it filled
    344, Wirral's own, where `authority set` gives a number by the name alone)."""
    path = empty_store(new_location, cli)
    app = CintuiApp(access.locate(path), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen, form = await open_authority_form(pilot)
        la = form.query_one("#la_number")
        await type_text(pilot, "Stockton Council")
        await settle(pilot)
        assert (la.value, form.query_one("#policy").value) == ("808", "stockton")
        assert text_of(form, "#la_number-warning") == ""
        la.focus()
        await type_text(pilot, "123")
        await settle(pilot)
        assert la.value == "123"
        assert " ".join(text_of(form, "#la_number-warning").split()) == (
            "⚠ Stockton-on-Tees's profile gives DfE LA number 808, not 123: the census "
            "return carries the LA number, so check it")
        await save(pilot)
        assert app.screen is screen
        assert read(path, lambda session: admin.authority(session).la_number) == "123"

    app = CintuiApp(access.locate(empty_store(new_location, cli, "chosen")), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        _screen, form = await open_authority_form(pilot)
        await pilot.press("tab", "tab", "w", "a")  # Warwickshire's profile
        await settle(pilot)
        assert form.query_one("#policy").value == "warwickshire"
        assert form.query_one("#la_number").value == "937"
        form.query_one("#name").focus()
        await type_text(pilot, "Exampleshire County Council")
        await settle(pilot)
        assert form.query_one("#la_number").value == ""
        assert text_of(form, "#la_number-warning") == ""
        form.query_one("#policy").value = "wirral"
        await settle(pilot)
        assert form.query_one("#la_number").value == ""


async def test_adding_the_worker_who_is_your_login_makes_the_app_yours(new_location, cli):
    """A new team's manager sets up an empty store and adds themselves (the username of
    their login): the app is theirs from then on. It said "no worker chosen: Ctrl+P → Who
    am I" over the caseload until the next start, and recorded the set-up as the login."""
    app = CintuiApp(access.locate(empty_store(new_location, cli)), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.worker is None
        assert "no worker chosen" in str(app.screen.query_one("#summary").render())
        screen = await open_setup(pilot)
        await pilot.press("t")
        await settle(pilot)
        await type_text(pilot, "Safeguarding South")
        await save(pilot)
        await add_worker(pilot, "test.worker", "Tess Walker")  # the tests' login (LOGNAME)
        assert app.screen is screen
        assert (app.worker, app.actor, app.title) == (
            "test.worker", "test.worker", "cintui · Tess Walker (Social worker)")
        assert any("You are Tess Walker here (your login)" in n.message
                   for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "CaseloadScreen"
        assert "no worker chosen" not in str(app.screen.query_one("#summary").render())

        await open_setup(pilot)  # someone else added: the app stays yours
        await add_worker(pilot, "amira.ashdown", "Amira Ashdown")
        assert app.worker == "test.worker"


async def test_a_shut_list_without_keys_is_searched_by_typing_as_a_browsers_is(
        new_location, cli):
    """A first-time user Tabs to the policy profile and types "wi": the shut list chooses
    Wirral's, as a browser's does (it once did nothing until Enter had opened it, and the
    authority was saved on England's timescales). A team is found by the start of any word
    of its name ("no": Disability North); a letter that finds nothing is left alone."""
    path = team_store(new_location, cli)
    app = CintuiApp(access.locate(path), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen, form = await open_authority_form(pilot)
        await pilot.press("tab", "tab", "w", "i")
        await settle(pilot)
        policy = form.query_one("#policy")
        assert app.focused is policy and not policy.expanded
        assert policy.value == "wirral"
        await save(pilot)
        assert app.screen is screen
        assert read(path, lambda session: admin.authority(session).policy) == "wirral"

        await pilot.press("w")
        await settle(pilot)
        form = app.screen
        form.query_one("#username").value = "lee.park"
        form.query_one("#name").value = "Lee Park"
        form.query_one("#team").focus()
        await pilot.press("n", "o")
        await settle(pilot)
        assert form.query_one("#team").value == "Disability North"
        await pilot.press("q")  # no team has a word starting "noq": nothing changes
        await settle(pilot)
        assert form.query_one("#team").value == "Disability North"
        # A space goes on with the search: "safeguarding s" is Safeguarding South, the
        # list still shut (the space once opened it, and Tab took what it highlighted)
        await pilot.pause(1.1)  # a new search
        post_burst(app, words("safeguarding s"))
        await settle(pilot)
        assert form.query_one("#team").value == "Safeguarding South"
        assert not form.query_one("#team").expanded


def test_typing_on_a_shut_list_goes_round_the_options_starting_with_a_letter():
    """"w" is the first option starting with it; "w" again the next, then round again."""
    from cintui.screens.widgets.choices import typed_match

    labels = ["Bexley", "England", "Warwickshire", "Wirral", "Stockton-on-Tees"]
    assert typed_match(labels, None, "w") == 2
    assert typed_match(labels, 2, "ww") == 3
    assert typed_match(labels, 3, "www") == 2
    assert typed_match(labels, None, "wi") == 3
    assert typed_match(labels, None, "x") is None
    assert typed_match(["Safeguarding South", "Disability North"], None, "NO") == 1
    # Words and spaces, read on from the start of any word
    trafford = ["Tier 1", "Tier 2", "Lower Tier 3", "Upper Tier 3", "Tier 4"]
    assert typed_match(trafford, None, "tier 3") == 2
    assert typed_match(trafford, None, "upper t") == 3
    assert typed_match(trafford, None, "tier 4") == 4
    assert typed_match(["Level 1 universal", "Level 3 multi-agency"], None, "level 3") == 1


def test_an_unchosen_box_says_its_keys_or_how_to_search():
    from cintui.screens.widgets.choices import choice_prompt

    assert choice_prompt(["y", "n"]) == "press y or n; Enter lists them"
    assert choice_prompt(["m", "r", "s", "e"]) == "press m, r, s or e; Enter lists them"
    assert choice_prompt(["1", "2", "3", "4"]) == "press 1 to 4; Enter lists them"
    assert choice_prompt([]) == "type to choose; Enter lists them"
    assert choice_prompt([], any_options=False) == "nothing to choose from yet"


async def test_set_up_examples_read_as_examples_never_as_values(new_location, cli):
    """Issue 20: a grey example that looks like a value ("Exampleshire County Council",
    "amira.ashdown") reads as filled in. Every example in the set-up forms says "e.g.",
    or is a hint in lower case ("three digits, e.g. 820")."""
    app = CintuiApp(access.locate(empty_store(new_location, cli)), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot)
        shown, unchosen = [], {}
        for key in ("a", "t", "w"):
            await pilot.press(key)
            await settle(pilot)
            shown += [box.placeholder for box in app.screen.query("Input") if box.placeholder]
            unchosen |= {box.id: shown_choice(box) for box in app.screen.query("Select")
                         if box.is_blank()}
            await pilot.press("escape")
            await settle(pilot)
        assert len(shown) >= 5
        assert all(hint.startswith("e.g. ") or hint[0].islower() for hint in shown), shown
        # An unchosen box says how to choose, never Textual's "Select" (read as a value);
        # a team's manager, with no managers yet, says what to do first.
        assert unchosen["manager"] == ("none yet: the first team manager added to the team "
                                       "(w) manages it")
        assert unchosen["team"] == "none yet: a worker can join a team added later (t)"
        assert "Select" not in unchosen.values()


async def test_a_worker_leaves_only_once_their_children_are_reallocated(new_location, cli):
    path = team_store(new_location, cli)
    app = CintuiApp(access.locate(path), today=TODAY, worker="tom.hale")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(pilot)
        table = screen.query_one("#workers")
        usernames = [row[0] for row in cells(screen, "#workers")]
        table.move_cursor(row=usernames.index("amira.ashdown"))
        await pilot.press("l")
        await settle(pilot)
        form = app.screen
        assert "amira.ashdown still holds 3 open children: reallocate them first" in error(
            form, "on")  # said at once
        await save(pilot)
        assert app.screen is form
        await pilot.press("escape")
        await settle(pilot)

        table.move_cursor(row=usernames.index("ben.cole"))
        await pilot.press("l")
        await settle(pilot)
        await save(pilot)
        assert app.screen is screen
        assert "ben.cole" not in [row[0] for row in cells(screen, "#workers")]
        await pilot.press("h")
        await settle(pilot)
        ben = next(row for row in cells(screen, "#workers") if row[0] == "ben.cole")
        assert ben[1] == "Ben Cole · left 23 Nov 2026"

    left = read(path, lambda s: {w.username: w.left_on for w in admin.list_workers(
        s, include_left=True)})
    assert left["ben.cole"] == TODAY and left["amira.ashdown"] is None


async def test_l_from_the_teams_table_asks_for_the_worker_first(new_location, cli):
    """Tab to the teams, ↓ there, then l: it opened the leaving form for whichever worker
    the workers' table had highlighted (the first, unseen): a team manager could mark the
    wrong person as left. Now it moves to the workers and asks to choose."""
    path = team_store(new_location, cli)
    app = CintuiApp(access.locate(path), today=TODAY, worker="tom.hale")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(pilot)
        screen.query_one("#teams").focus()
        await pilot.press("down", "l")
        await settle(pilot)
        assert app.screen is screen and screen.focused is screen.query_one("#workers")
        assert any("Choose the worker who leaves" in str(n.message)
                   for n in app._notifications)


async def test_a_leaver_recorded_on_the_set_up_screen_hands_their_forms_to_the_manager(
        new_location, cli):
    """Nothing typed is lost: Ben leaves with a new child half typed; `l` on the set-up
    screen records it, says the form is Tom's now (South's manager), and it is."""
    from cintui.casework import drafts
    from tests.screens.test_caseload import new_child_half_typed

    path = team_store(new_location, cli)
    new_child_half_typed(path, "ben.cole")
    app = CintuiApp(access.locate(path), today=TODAY, worker="tom.hale")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(pilot)
        usernames = [row[0] for row in cells(screen, "#workers")]
        screen.query_one("#workers").move_cursor(row=usernames.index("ben.cole"))
        await pilot.press("l")
        await settle(pilot)
        await save(pilot)
        assert app.screen is screen
        said = " ".join(str(n.message) for n in app._notifications)
        assert "Ben Cole marked as left." in said
        assert "1 form they had part typed now belongs to Tom Hale (tom.hale)" in said
        assert "new child's details, started" in said
    kept = read(path, lambda s: drafts.kept_form(s, None, "tom.hale", "ChildFormScreen"))
    assert kept is not None and kept.payload["values"]["first_name"] == "Ola"


async def test_l_on_a_worker_who_left_takes_the_forms_they_left(new_location, cli):
    """Ben left with a new child half typed before leaving handed such forms over (a store
    of an older cintui), so it stayed his. `l` on him (h shows those who left) asks, and
    `y` makes it Tom's."""
    from cintui.casework import drafts
    from tests.conftest import connect
    from tests.screens.test_caseload import new_child_half_typed

    path = team_store(new_location, cli)
    new_child_half_typed(path, "ben.cole")
    with connect(path) as conn:  # as an older cintui's `worker leave` left it
        conn.execute("UPDATE worker SET active = 0, left_on = ? WHERE username = 'ben.cole'",
                     (TODAY.isoformat(),))
    app = CintuiApp(access.locate(path), today=TODAY, worker="tom.hale")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(pilot)
        await pilot.press("h")
        await settle(pilot)
        usernames = [row[0] for row in cells(screen, "#workers")]
        screen.query_one("#workers").move_cursor(row=usernames.index("ben.cole"))
        await pilot.press("l")
        await settle(pilot)
        assert "Take the forms they left part typed" in str(
            app.screen.query_one("#confirm-message").render())
        await pilot.press("y")
        await until(pilot, lambda: any("now belongs to Tom Hale (tom.hale)" in str(n.message)
                                       for n in app._notifications))
    kept = read(path, lambda s: drafts.kept_form(s, None, "tom.hale", "ChildFormScreen"))
    assert kept is not None and kept.payload["values"]["first_name"] == "Ola"


async def open_reallocation(pilot, worker: str):
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    await settle(pilot)
    team = pilot.app.screen
    assert type(team).__name__ == "TeamScreen"
    workers = [w.username for w in team.view.workers]
    team.query_one("#workers").move_cursor(row=workers.index(worker))
    await pilot.press("a")
    await settle(pilot)
    form = pilot.app.screen
    assert type(form).__name__ == "ReallocateScreen"
    return team, form


@pytest.mark.both_stores
async def test_the_team_manager_reallocates_several_children_in_one_go(new_location, cli):
    path = team_store(new_location, cli)
    app = CintuiApp(access.locate(path), today=TODAY, worker="tom.hale")
    async with app.run_test(size=(140, 45)) as pilot:
        team, form = await open_reallocation(pilot, "amira.ashdown")
        children = cells(form, "#children")
        assert [row[1] for row in children] == [
            "Nell Synthetic", "Otto Synthetic", "Pia Synthetic"]
        await save(pilot)  # nothing marked, nobody chosen: refused
        assert app.screen is form
        assert "mark at least one child" in error(form, "children")
        assert "choose who takes the children" in error(form, "to")
        await pilot.press("space", "down", "down", "space")
        assert [row[0] for row in cells(form, "#children")] == ["✓", "", "✓"]
        assert error(form, "children") == ""
        form.query_one("#to").value = "ben.cole"
        # A date to come is refused in the words every form uses ("24 Nov 2026", not
        # 24/11/2026), by the forms' own check; today is put back.
        form.query_one("#on").value = ""
        form.query_one("#on").focus()
        await type_text(pilot, "24/11/2026")
        await save(pilot)
        assert app.screen is form
        assert error(form, "on") == "24 Nov 2026 is in the future"
        form.query_one("#on").value = ""
        await type_text(pilot, f"{TODAY:%d/%m/%Y}")
        form.query_one("#reason").focus()
        await type_text(pilot, "Amira is leaving")
        await save(pilot)
        assert app.screen is team
        amira = next(w for w in team.view.workers if w.username == "amira.ashdown")
        ben = next(w for w in team.view.workers if w.username == "ben.cole")
        assert (amira.children, ben.children) == (1, 2)

    def stored(session):
        rows = session.exec(select(m.Reallocation)).all()
        nell = cases.find_child(session, "Nell Synthetic")
        return ([(session.get(m.Child, r.child_id).first_name, r.reallocated_on, r.by, r.reason)
                 for r in rows],
                [e.summary for e in record.chronology(session, nell.id)
                 if e.kind == "allocation"],
                {a.actor for a in session.exec(select(m.AuditEntry).where(
                    m.AuditEntry.entity == "reallocation")).all()})

    moved, chronology, actors = read(path, stored)
    assert sorted(moved) == [("Nell", TODAY, "Tom Hale", "Amira is leaving"),
                             ("Pia", TODAY, "Tom Hale", "Amira is leaving")]
    assert chronology == ["Reallocated to Ben Cole (from Amira Ashdown)"]
    assert actors == {"tom.hale"}


async def test_a_social_worker_is_told_a_reallocation_needs_a_manager(new_location, cli):
    path = team_store(new_location, cli)
    app = CintuiApp(access.locate(path), today=TODAY, worker="amira.ashdown")
    async with app.run_test(size=(140, 45)) as pilot:
        _team, form = await open_reallocation(pilot, "amira.ashdown")
        await pilot.press("space")
        form.query_one("#to").value = "ben.cole"
        await save(pilot)
        assert app.screen is form
        assert ("reallocating a child needs a team manager or service manager; amira.ashdown "
                "is a social worker") in str(form.query_one("#form-error").render())
    assert read(path, lambda s: s.exec(select(m.Reallocation)).all()) == []


class SetupHost(CintuiApp):
    """The real app on the set-up store, as Tom, on the set-up screen."""

    def __init__(self, path) -> None:
        super().__init__(access.locate(path), today=TODAY, worker="tom.hale")


def test_setup_screen_snapshot(new_location, cli, snap_compare):
    """The set-up screen at 120x40: the authority, the teams (one without a manager), the
    workers with their roles and caseloads."""
    path = team_store(new_location, cli)
    app = SetupHost(path)

    async def ready(pilot) -> None:
        await open_setup(pilot)
        app.sub_title = "UNENCRYPTED STORE · team.db"
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=ready)


def test_setup_screen_snapshot_small(new_location, cli, snap_compare):
    """The same at 80x24: the tables fit, their names wrapped, the email left to the
    worker's form; the keys stay in the footer."""
    path = team_store(new_location, cli)
    app = SetupHost(path)

    async def ready(pilot) -> None:
        await open_setup(pilot)
        app.sub_title = "UNENCRYPTED STORE · team.db"
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


@pytest.mark.parametrize("width", [80, 100, 120])
async def test_the_set_up_tables_fit_the_screen_at_every_width(new_location, cli, width):
    """Teams and workers within the screen's width, names wrapped in their columns, and
    again after a resize: at 100 columns both tables ran off the edge (a manager's name and
    every email out of sight). Below 100 the email is left to the worker's form."""
    path = team_store(new_location, cli)
    app = SetupHost(path)
    async with app.run_test(size=(width, 40)) as pilot:
        screen = await open_setup(pilot)
        for size in (width, 100 if width != 100 else 80):
            await pilot.resize_terminal(size, 40)
            await settle(pilot)
            for table_id in ("#teams", "#workers"):
                assert screen.query_one(table_id).max_scroll_x == 0
            south = next(r for r in cells(screen, "#teams") if r[0] == "Safeguarding South")
            assert south[2] == "Tom Hale (tom.hale)"
            amira = next(r for r in cells(screen, "#workers") if r[0] == "amira.ashdown")
            assert amira[1:3] == ["Amira Ashdown", "Social worker"]
            assert ("amira.ashdown@example.org" in amira) == (size >= 100)
            if size >= 120:  # room for each column's longest entry: every row one line
                workers = screen.query_one("#workers")
                assert {row.height for row in workers.rows.values()} == {1}
