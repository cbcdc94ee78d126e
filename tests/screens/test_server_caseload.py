"""The app on a team server paints the caseload from the light reader (plain psycopg, no ORM),
with the same children as on a store file made by the same demo."""

from __future__ import annotations

import json
import subprocess
import sys

from cintui.app import CintuiApp
from cintui.store import access, fast
from tests.cli.test_server_reads import twins  # noqa: F401  (the fixture)
from tests.conftest import TODAY
from tests.screens.test_shell import SIZE, screen_name, settle


async def everyone(location: access.StoreLocation) -> tuple[list[tuple], object]:
    app = CintuiApp(location, today=TODAY)  # on a server, as the login
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) in ("CaseloadScreen", "WhoScreen")
        reader = app.reader
        if screen_name(app) == "WhoScreen":
            await pilot.press("enter")
            await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one("#children")
        rows = [(r.reference, r.name, r.age, r.worker, r.next_visit and r.next_visit.due,
                 r.next_meeting and r.next_meeting.due, r.flags) for r in table.rows]
        return rows, reader


async def test_the_caseload_on_a_server_is_the_files_caseload_read_the_light_way(twins):  # noqa: F811
    db, url = twins
    on_file, _ = await everyone(access.StoreLocation(path=db))
    on_server, reader = await everyone(access.StoreLocation(url=url))
    assert isinstance(reader, fast.ServerReader)
    assert on_server == on_file and len(on_file) > 10


FIRST_PAINT = """
import json, sys
from datetime import date
from cintui.app import CintuiApp
from cintui.screens import caseload
from cintui.store import access

seen = {}
show = caseload.CaseloadScreen._show

def _show(self, rows, *args):
    if not seen:
        seen["rows"] = len(rows)
        seen["orm"] = sorted(m for m in ("sqlalchemy", "sqlmodel", "alembic") if m in sys.modules)
    return show(self, rows, *args)

caseload.CaseloadScreen._show = _show

async def main():
    app = CintuiApp(access.StoreLocation(url=sys.argv[1]), today=date.fromisoformat(sys.argv[2]))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if seen:
                break

import asyncio
asyncio.run(main())
print("SEEN", json.dumps(seen))
"""


def test_the_first_paint_on_a_server_loads_no_orm(twins):  # noqa: F811
    done = subprocess.run([sys.executable, "-c", FIRST_PAINT, twins[1], TODAY.isoformat()],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    seen = json.loads(done.stdout.rpartition("SEEN ")[2])
    assert seen["rows"] > 0 and seen["orm"] == [], done.stderr[-2000:]
