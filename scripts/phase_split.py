"""Where a screen test's time goes: a pytest plugin that splits each chosen test into its
phases, by CPU (the whole process, worker threads included) and by wall time, and counts
the garbage collector's passes (issue 21: the suite's time).

    .venv/bin/python -m pytest -p phase_split --store=sqlite -p no:xdist \\
        tests/screens/test_child.py -k people            # with PYTHONPATH=scripts

The first test of the run is left out: it pays for the process's imports and builds the
session's template stores, which a worker of `make test` pays once, not per test. One
process only (`-p no:xdist`); a machine's load moves the wall times, not the CPU.

The phases: fixture set-up; the test's own work before it starts an app; the app's start
and first screen (`App.run_test` until the first `pilot.pause` or `press` returns); keys and
the waits between them; the app's shutdown; the test's reads after it; teardown. "Inside
wait_for_idle" is Textual's idle wait (every `press`, `pause` and the suite's `settle`):
its wall time is mostly sleep, its CPU the app's own work done meanwhile.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from contextlib import asynccontextmanager

import pytest

PHASES = ("set-up (fixtures)", "test before the app", "app start + first screen",
          "keys and waits", "app shutdown", "test after the app", "teardown")
WAITS = "inside wait_for_idle"

cpu: Counter = Counter()
wall: Counter = Counter()
gc_seconds: Counter = Counter()
gc_passes: Counter = Counter()
state: dict = {"on": False, "phase": None, "seen": 0, "tests": 0}


def _mark(phase: str | None) -> None:
    now_cpu, now_wall = time.process_time(), time.perf_counter()
    if state["phase"] is not None:
        cpu[state["phase"]] += now_cpu - state["cpu"]
        wall[state["phase"]] += now_wall - state["wall"]
    state.update(phase=phase, cpu=now_cpu, wall=now_wall)


def _gc_pass(phase: str, info: dict) -> None:
    if not state["on"]:
        return
    if phase == "start":
        state["gc"] = time.process_time()
    else:
        gc_seconds[info["generation"]] += time.process_time() - state.get("gc", 0.0)
        gc_passes[info["generation"]] += 1


def _patch_textual() -> None:
    import textual._wait
    import textual.app
    import textual.pilot
    from textual.app import App
    from textual.pilot import Pilot

    run_test = App.run_test

    @asynccontextmanager
    async def timed_run_test(self, *args, **kwargs):
        if not state["on"]:
            async with run_test(self, *args, **kwargs) as pilot:
                yield pilot
            return
        _mark("app start + first screen")
        state["starting"] = True
        async with run_test(self, *args, **kwargs) as pilot:
            try:
                yield pilot
            finally:
                _mark("app shutdown")
        _mark("test after the app")

    App.run_test = timed_run_test

    def first_return_ends_the_start(name: str) -> None:
        original = getattr(Pilot, name)

        async def timed(self, *args, **kwargs):
            result = await original(self, *args, **kwargs)
            if state["on"] and state.pop("starting", False):
                _mark("keys and waits")
            return result

        setattr(Pilot, name, timed)

    first_return_ends_the_start("pause")
    first_return_ends_the_start("press")
    idle = textual._wait.wait_for_idle

    async def timed_idle(*args, **kwargs):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        await idle(*args, **kwargs)
        if state["on"]:
            cpu[WAITS] += time.process_time() - started_cpu
            wall[WAITS] += time.perf_counter() - started_wall

    # Imported by name in both modules.
    textual.pilot.wait_for_idle = textual.app.wait_for_idle = timed_idle


def pytest_configure(config):
    _patch_textual()
    gc.callbacks.append(_gc_pass)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    state["seen"] += 1
    state["on"] = state["seen"] > 1
    if state["on"]:
        state["tests"] += 1
        _mark("set-up (fixtures)")
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    if state["on"]:
        _mark("test before the app")
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    if state["on"]:
        _mark("teardown")
    yield
    if state["on"]:
        _mark(None)
        state["on"] = False


def pytest_terminal_summary(terminalreporter):
    tests = state["tests"]
    if not tests:
        return
    write = terminalreporter.write_line
    total_cpu, total_wall = sum(cpu[p] for p in PHASES), sum(wall[p] for p in PHASES)
    write(f"\nphase_split: {tests} tests (the first left out), per test:")
    write(f"  {'phase':28s} {'CPU s':>7s} {'share':>6s} {'wall s':>7s}")
    for phase in (*PHASES, WAITS):
        share = 100 * cpu[phase] / total_cpu if total_cpu else 0
        write(f"  {phase:28s} {cpu[phase] / tests:7.3f} {share:5.1f}% {wall[phase] / tests:7.3f}")
    write(f"  {'all':28s} {total_cpu / tests:7.3f} {'':6s} {total_wall / tests:7.3f}")
    passes = ", ".join(f"gen{g} {gc_passes[g]} in {gc_seconds[g]:.2f} s" for g in sorted(gc_passes))
    gc_share = 100 * sum(gc_seconds.values()) / total_cpu if total_cpu else 0
    write(f"  garbage collector: {gc_share:.1f}% of the CPU ({passes}; "
          f"thresholds {gc.get_threshold()})")
