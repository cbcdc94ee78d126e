"""PRIV 2 on a team server (issue 24): no passphrase, so the lock asks for the login's
password, which the server itself checks; then the app is back where it was."""

from __future__ import annotations

from cintui.app import CintuiApp
from cintui.store import access
from tests.conftest import TODAY
from tests.screens.test_lock import locked_after_a_minute_idle, shown
from tests.screens.test_shell import press_to, settle, type_text, until
from tests.store.teams import PASSWORD, team  # noqa: F401 - the fixture

SIZE = (120, 40)


async def test_on_a_team_server_the_lock_asks_for_the_logins_password_priv_2(
        team, monkeypatch):  # noqa: F811
    monkeypatch.delenv("CINTUI_USER", raising=False)
    app = CintuiApp(access.StoreLocation(url=team.url(team.worker)), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        assert type(app.screen).__name__ == "CaseloadScreen"
        child_id, _, _ = app.child_index()[0]
        app.open_child(child_id)
        await settle(pilot)
        await locked_after_a_minute_idle(app, pilot)
        assert type(app.screen).__name__ == "LockScreen"
        title = str(app.screen.query_one("#title").render())
        assert f"The password of {team.worker} on the team server" in title
        assert "Quill" not in shown(app) and app.reader is None and app._full.store is None
        await type_text(pilot, "not the password")
        await press_to(pilot, "enter", screen="LockScreen")
        assert type(app.screen).__name__ == "LockScreen"
        assert "not right" in str(app.screen.query_one("#error").render())
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == [
            "CaseloadScreen", "ChildScreen"]
        assert app.screen.child_id == child_id and "Quill" in shown(app)
