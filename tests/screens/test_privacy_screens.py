"""Issue 24 in the app: subject access for the child on screen (UK GDPR Art. 15, WIR 2.10) and
the retention list a manager reviews and erases from (PRIV 1), by keys."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import select
from textual.widgets import DataTable, Input

from cintui.store import models as m
from tests.screens.test_shell import caseload_app, settle, type_text
from tests.screens.test_shell import until as until_check

SIZE = (120, 40)


async def until(pilot, screen: str) -> None:
    """Wait for the form's save to finish and `screen` to be in front."""
    await until_check(pilot, lambda: type(pilot.app.screen).__name__ == screen)


async def palette(pilot, words: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await type_text(pilot, words)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)


async def test_subject_access_from_the_childs_record_wir_2_10(demo_store, tmp_path):
    """WIR 2.10: the family may see what is recorded about them: from the child's record,
    who asked, the folder, Ctrl+S: the PDF and the JSON, and the request in the trail."""
    app = caseload_app(demo_store, actor="noah.elswick")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        child_id, label, _ = app.child_index()[0]
        app.open_child(child_id)
        await settle(pilot)
        await palette(pilot, "subject access")
        assert type(app.screen).__name__ == "SubjectAccessScreen"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "say who asked" in str(app.screen.query_one("#requested_by-error").render())
        await type_text(pilot, "Her father")
        app.screen.query_one("#folder", Input).value = str(tmp_path)
        await pilot.press("ctrl+s")
        await until(pilot, "ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
        files = sorted(p.suffix for p in tmp_path.glob("subject-access-*"))
        assert files == [".json", ".pdf"]
        data = json.loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))
        assert data["requested_by"] == "Her father"
        assert data["records"]["child"][0]["id"] == str(child_id)
        with app.store.read() as session:
            asked = session.exec(select(m.Disclosure)).all()
        assert [(d.kind, d.recipient) for d in asked] == [("subject_access", "Her father")]


async def test_a_manager_reviews_and_erases_a_record_past_retention_priv_1(demo_store):
    """PRIV 1: the closed records past the policy's retention, listed; e, the reason, Ctrl+S:
    erased, and the list is one shorter."""
    app = caseload_app(demo_store, actor="noah.elswick")
    app.today = date(2060, 1, 5)  # every closed demo child is past their 25th birthday
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette(pilot, "retention")
        assert type(app.screen).__name__ == "RetentionScreen"
        table = app.screen.query_one(DataTable)
        before = table.row_count
        assert before > 0
        reference = str(table.get_row_at(0)[0])
        await pilot.press("e")
        await until(pilot, "RetentionEraseScreen")
        assert type(app.screen).__name__ == "RetentionEraseScreen"
        await type_text(pilot, "Retention ended")
        await pilot.press("ctrl+s")
        await until(pilot, "RetentionScreen")
        assert type(app.screen).__name__ == "RetentionScreen"
        assert app.screen.query_one(DataTable).row_count == before - 1
        with app.store.read() as session:
            assert session.exec(select(m.Child).where(m.Child.reference == reference)
                                ).first() is None
            kept = session.exec(select(m.Erasure)).one()
        assert (kept.reference, kept.reason) == (reference, "Retention ended")


async def test_a_social_worker_is_refused_erasing(demo_store):
    app = caseload_app(demo_store, actor="felix.shackleton")
    app.today = date(2060, 1, 5)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette(pilot, "retention")
        await pilot.press("e")
        await settle(pilot)
        await type_text(pilot, "Retention ended")
        await pilot.press("ctrl+s")
        await until(pilot, "RetentionEraseScreen")
        assert type(app.screen).__name__ == "RetentionEraseScreen"
        assert "needs a team manager or service manager" in str(
            app.screen.query_one("#form-error").render())
