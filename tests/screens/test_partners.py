"""Exporting the CIN status for partners from the app (Ctrl+P → "Export CIN status for
partners"; STO 4.5 "all agencies are aware of the CIN status"): for whom and why are asked
first; the file holds only the children on a CIN plan; the export is in the audit trail."""

from __future__ import annotations

import csv
import json

import pytest
from sqlmodel import select

from cintui.app import CintuiApp
from cintui.store import access
from cintui.store.engine import open_store
from cintui.store.models import AuditEntry
from tests.conftest import TODAY
from tests.screens.test_child import SIZE, fill, text_of
from tests.screens.test_shell import screen_name, settle, type_text


@pytest.mark.both_stores
async def test_cin_status_exported_from_the_palette_and_audited(demo_store, tmp_path):
    app = CintuiApp(access.locate(demo_store), today=TODAY)  # the demo's typical worker
    out = tmp_path / "cin-status.csv"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "export cin status")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert screen_name(app) == "PartnersExportScreen"
        await fill(pilot, "#file", str(out))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and not out.exists()
        assert "say who the export is for" in text_of(form, "#for-error")
        await fill(pilot, "#for", "Police (NICHE flags)")
        await fill(pilot, "#purpose", "CIN flags (STO 4.5)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert rows and set(rows[0]) == {"reference", "first_name", "last_name", "dob", "address",
                                     "worker", "team", "cin_plan_start"}
    assert all(r["cin_plan_start"] for r in rows)
    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            (entry,) = session.exec(select(AuditEntry).where(
                AuditEntry.entity == "disclosure")).all()
    finally:
        store.close()
    changes = json.loads(entry.changes)
    assert changes["recipient"][1] == "Police (NICHE flags)"
    assert changes["children"][1] == len(rows)
    assert sorted(changes["refs"][1].split("\n")) == sorted(r["reference"] for r in rows)
