"""Real store files in tmp_path; the audit heads file in a private config folder per test."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cintui.store.models import Child
from tests.store.teams import team  # noqa: F401 - a team server with logins, for any test here

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


def add_old_child(store, first_name: str, gender: str = "0",
                  actor: str = "sw.one") -> uuid.UUID:
    """A child written to a store older than revision 0014, which has the census
    GenderCurrent code (`gender`) and no `sex`: the columns of revision 0001, written and
    audited as the cintui of that time wrote them (today's model no longer fits)."""
    from cintui.store import audit

    cid, now = uuid.uuid4(), datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    row = {"id": cid.hex, "created_at": "2026-11-23 08:00:00.000000",
           "updated_at": "2026-11-23 08:00:00.000000", "reference": f"OLD{first_name}",
           "first_name": first_name, "last_name": "Child", "known_as": "",
           "dob": "2015-03-01", "gender": gender, "ethnicity": "NOBT", "disabilities": "NONE",
           "upn": "", "primary_need": "N0", "level": "", "service": "", "status": "referral"}
    with store.session(actor) as session:
        conn = session.connection()
        conn.exec_driver_sql(f"INSERT INTO child ({', '.join(row)}) VALUES "
                             f"({', '.join('?' * len(row))})", tuple(row.values()))
        audit._append_entries(session, actor, now, [(
            "insert", "child", cid.hex,
            audit.canonical({k: [None, v] for k, v in row.items()}))])
    return cid


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in ("-wal", "-shm")]


@pytest.fixture
def store_path(tmp_path) -> Path:
    return tmp_path / "private" / "cin.db"


_MADE: dict[str | None, Path] = {}  # passphrase -> a store `create_store` made this session


def new_store(path: Path, passphrase: str | None):
    """A new, empty store at `path`, as `create_store` makes it (folder 0700, file 0600, a
    store id of its own), open. A copy of one it made for the session: the migrations take
    seconds on an encrypted file, one key derivation per connection."""
    import shutil
    import tempfile

    from cintui.store.base import STORE_ID_KEY
    from cintui.store.engine import create_store, open_store
    from tests.conftest import _SESSION_ROOT, connect

    if passphrase not in _MADE:
        made = Path(tempfile.mkdtemp(prefix="store-", dir=_SESSION_ROOT)) / "private" / "cin.db"
        create_store(made, passphrase, encrypt=passphrase is not None).close()
        _MADE[passphrase] = made
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copy2(_MADE[passphrase], path)
    with connect(path, passphrase) as conn:
        conn.execute("UPDATE store_meta SET value = ? WHERE key = ?",
                     (uuid.uuid4().hex, STORE_ID_KEY))
    return open_store(path, passphrase)


@pytest.fixture
def encrypted_store(store_path):
    store = new_store(store_path, PASSPHRASE)
    yield store
    store.close()


@pytest.fixture
def plain_store(tmp_path):
    store = new_store(tmp_path / "plain.db", None)
    yield store
    store.close()
