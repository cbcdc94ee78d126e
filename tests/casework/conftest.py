"""Shared by the use-case tests."""

from __future__ import annotations

import pytest

from cintui.store.engine import open_store


@pytest.fixture
def store(demo_store):
    """The demo store, opened (a module that sets its store up otherwise has its own)."""
    opened = open_store(demo_store, None)
    yield opened
    opened.close()
