"""scripts/phase_split.py, the plugin that says where a screen test's time goes (issue 21)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"

TESTS = '''
import pytest
from textual.app import App
from textual.widgets import Input


class Form(App):
    def compose(self):
        yield Input(id="name")


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["first", "second", "third"])
async def test_typing(text):
    app = Form()
    async with app.run_test() as pilot:
        await pilot.press(*text)
        await pilot.pause()
        assert app.query_one(Input).value == text
'''


def test_each_test_after_the_first_is_split_into_its_phases(tmp_path):
    """Run on three small app tests: the first (imports, templates) is left out, and the
    others' time is shown per phase, with Textual's idle waits and the collector's passes."""
    (tmp_path / "test_form.py").write_text(TESTS)
    env = {**os.environ, "PYTHONPATH": str(SCRIPTS)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "phase_split", "-p", "no:cacheprovider",
         "-p", "no:xdist", "test_form.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "3 passed" in out
    assert "phase_split: 2 tests (the first left out), per test:" in out
    lines = {line.split("  ")[1].strip(): line for line in out.splitlines()
             if line.startswith("  ") and len(line.split("  ")) > 2}
    for phase in ("set-up (fixtures)", "test before the app", "app start + first screen",
                  "keys and waits", "app shutdown", "test after the app", "teardown",
                  "inside wait_for_idle", "all"):
        assert phase in lines, out
    # The keys were pressed and waited for: that phase has wall time of its own.
    assert float(lines["keys and waits"].split()[-1]) > 0
    assert "garbage collector:" in out
