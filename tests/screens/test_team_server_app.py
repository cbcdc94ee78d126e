"""The app on a team server (issue 18) opens as the login: not as the worker last chosen on
this computer, nor as --as; and it writes as the login."""

from __future__ import annotations

from cintui.app import CintuiApp
from cintui.reference import config
from cintui.store import access
from tests.conftest import TODAY
from tests.screens.test_shell import settle
from tests.screens.test_who import SIZE, screen_name
from tests.store.teams import team  # noqa: F401 - the fixture


async def test_the_app_on_a_team_server_opens_as_the_login(team, monkeypatch):  # noqa: F811
    monkeypatch.delenv("CINTUI_USER")
    config.save_setting("worker", team.manager)  # chosen here before, by someone else
    app = CintuiApp(access.StoreLocation(url=team.url(team.worker)), today=TODAY,
                    worker=team.manager)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"
        assert (app.worker, app.actor) == (team.worker, team.worker)


async def test_on_a_team_server_there_is_no_one_else_to_choose(team, monkeypatch):  # noqa: F811
    from cintui.screens.palette import choose_worker

    monkeypatch.delenv("CINTUI_USER")
    app = CintuiApp(access.StoreLocation(url=team.url(team.worker)), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        choose_worker(app)
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"
        assert app.actor == team.worker
