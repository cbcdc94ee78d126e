"""Real store files in tmp_path; the audit heads file in a private config folder per test."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from cintui.store.models import Child

PASSPHRASE = "correct horse battery staple"
NAME = "Zebediah Quillfeather"  # distinctive: searched for in the raw file bytes


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("CINTUI_CONFIG_DIR", str(folder))
    return folder


def make_child(n: int = 1, **values) -> Child:
    fields = {"reference": f"CIN{n:06d}", "first_name": "Ada", "last_name": f"Child{n}",
              "dob": date(2015, 3, 1)}
    return Child(**(fields | values))


def add_child(store, n: int = 1, actor: str = "sw.one", **values) -> Child:
    child = make_child(n, **values)
    with store.session(actor) as session:
        session.add(child)
    return child


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in ("-wal", "-shm")]


@pytest.fixture
def store_path(tmp_path) -> Path:
    return tmp_path / "private" / "cin.db"


@pytest.fixture
def encrypted_store(store_path):
    from cintui.store.engine import create_store

    store = create_store(store_path, PASSPHRASE)
    yield store
    store.close()


@pytest.fixture
def plain_store(tmp_path):
    from cintui.store.engine import create_store

    store = create_store(tmp_path / "plain.db", None, encrypt=False)
    yield store
    store.close()
