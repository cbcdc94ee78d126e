"""The app on a team server (issue 18) opens as the login: not as the worker last chosen on
this computer; `--as` anyone else is refused; and it writes as the login."""

from __future__ import annotations

from cintui.app import CintuiApp
from cintui.reference import config
from cintui.store import access
from tests.conftest import TODAY
from tests.screens.test_shell import settle
from tests.screens.test_who import SIZE, screen_name
from tests.store.teams import team  # noqa: F401 - the fixture


async def test_the_app_on_a_team_server_opens_as_the_login(team, monkeypatch):  # noqa: F811
    monkeypatch.delenv("CINTUI_USER", raising=False)
    config.save_setting("worker", team.manager)  # chosen here before, by someone else
    for asked in (None, team.worker):  # `--as` the login itself is no other
        app = CintuiApp(access.StoreLocation(url=team.url(team.worker)), today=TODAY,
                        worker=asked)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert screen_name(app) == "CaseloadScreen"
            assert (app.worker, app.actor) == (team.worker, team.worker)
            # the header names the login's worker, read through the server's own grants
            assert app.title == "cintui · Amira Ashdown (Social worker)"


async def test_on_a_team_server_as_someone_else_is_refused(team, monkeypatch):  # noqa: F811
    """The login is who acts: `--as` the manager, logged in as a worker, opened silently as
    the worker. It says so in one line, as CINTUI_USER naming another does, and stops."""
    monkeypatch.delenv("CINTUI_USER", raising=False)
    app = CintuiApp(access.StoreLocation(url=team.url(team.worker)), today=TODAY,
                    worker=team.manager)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) != "CaseloadScreen" and app.return_code == 2
        assert app.refusal == (f"--as: you are logged in to the team server as {team.worker}, "
                               f"not {team.manager}: cintui opens as {team.worker} (leave out "
                               "--as)")
        assert app.worker is None


async def test_on_a_team_server_there_is_no_one_else_to_choose(team, monkeypatch):  # noqa: F811
    from cintui.screens.palette import choose_worker

    monkeypatch.delenv("CINTUI_USER", raising=False)
    app = CintuiApp(access.StoreLocation(url=team.url(team.worker)), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        choose_worker(app)
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"
        assert app.actor == team.worker
