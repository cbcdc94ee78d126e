"""`cintui unlock`: an encrypted store file opened for a while without its passphrase, so a
script of many commands pays the key derivation once, not once a command.

SQLCipher turns the passphrase into the file's key with PBKDF2 (HMAC-SHA512, 256,000
rounds, the salt in the file's first 16 bytes): ~0.13 s of every command that opens the
file, more than the rest of a read. `cintui unlock` derives that key once and keeps it as a
Bitwarden CLI session does (`bw unlock`): split in two halves, neither of which alone says
anything about it.

- The environment of the shell that ran `eval "$(cintui unlock)"` holds CINTUI_SESSION, 32
  random bytes of that unlock's own.
- A file in the user's runtime folder (a tmpfs emptied at logout on Linux; 0700, the file
  0600) holds the key XOR those bytes, the salt, and when the session ends.

A command opening the file finds both and opens it with the raw key (`x'KEY SALT'`, no key
derivation). A file copied from the laptop without the shell's environment opens nothing;
an environment without the file opens nothing. `cintui lock`, the end of the session or a
new passphrase (`db rekey`) removes the file. Because the raw key carries the file's own
salt, a backup written with it is keyed exactly as one written with the passphrase.

Only the command line uses a session; the app asks for the passphrase as before (its idle
lock asks again for it).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

ENV = "CINTUI_SESSION"
DEFAULT_MINUTES = 60
MAX_MINUTES = 12 * 60  # a long working day; after that, the passphrase again
SALT_BYTES = 16
KEY_BYTES = 32
KDF_ROUNDS = 256_000  # SQLCipher 4's default (PBKDF2-HMAC-SHA512)


class UnlockError(Exception):
    """A one-line reason a store could not be unlocked, or a session not used."""


class Session:
    """An unlock session begun: the store, when it ends (seconds since the epoch), and the
    token for CINTUI_SESSION. (Not a dataclass: building a frozen one costs every command ~0.4 ms.)"""

    __slots__ = ("store", "until", "token")

    def __init__(self, store: Path, until: float, token: str) -> None:
        self.store, self.until, self.token = store, until, token


def runtime_dir() -> Path:
    """Where sessions are kept: CINTUI_RUNTIME_DIR, else the user's runtime folder
    (platformdirs: $XDG_RUNTIME_DIR/cintui, a tmpfs only its user can enter)."""
    env = os.environ.get("CINTUI_RUNTIME_DIR")
    if env:
        return Path(env).expanduser()
    import warnings

    from platformdirs import user_runtime_path

    with warnings.catch_warnings():  # its fallback folder is said in the README, not here
        warnings.simplefilter("ignore")
        return user_runtime_path("cintui", appauthor=False)


def _sha256(data: bytes) -> str:
    """SHA-256 without importing hashlib (OpenSSL's ~2 ms, on every unlocked command)."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found]  # Python 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found]  # 3.12 on
        except ImportError:
            from hashlib import sha256
    return sha256(data).hexdigest()


def _file_for(store: Path) -> Path:
    name = _sha256(str(store).encode())[:32]
    return runtime_dir() / "sessions" / f"{name}.json"


def _salt(store: Path) -> bytes:
    """The file's salt, never read through a new descriptor while this process holds the
    store open (`engine.file_head`: closing one drops SQLite's locks)."""
    from cintui.store.engine import file_head

    return file_head(store)[:SALT_BYTES]


def raw_key(store: Path, passphrase: str) -> str:
    """The key SQLCipher derives from `passphrase` for `store`, with the file's salt, as
    `PRAGMA key` takes a raw key: x'<64 hex key><32 hex salt>'."""
    import hashlib

    salt = _salt(store)
    key = hashlib.pbkdf2_hmac("sha512", passphrase.encode(), salt, KDF_ROUNDS, KEY_BYTES)
    return _as_pragma(key, salt)


def opens(store: Path, pragma_key: str) -> bool:
    """Does `pragma_key` open `store`? (A raw key: no key derivation, well under 1 ms.)"""
    import sqlcipher3

    conn = sqlcipher3.connect(str(store))
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # no "hmac check failed" on stderr
        conn.execute(f"PRAGMA key = \"{pragma_key}\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        return True
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()


def _as_pragma(key: bytes, salt: bytes) -> str:
    return f"x'{key.hex()}{salt.hex()}'"


def _check(key: bytes) -> str:
    """A short fingerprint of the key, to tell a CINTUI_SESSION from another unlock (its
    XOR gives another key) before the file is opened with it."""
    return _sha256(b"cintui session check" + key)[:16]


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def _token_bytes(token: str | None) -> bytes | None:
    if not token:
        return None
    try:
        raw = bytes.fromhex(token.strip())
    except ValueError:
        return None
    return raw if len(raw) == KEY_BYTES else None


def start(store: Path, pragma_key: str, minutes: int, *, token: str | None = None,
          now: float | None = None) -> Session:
    """Keep `store`'s raw key (`raw_key`) for `minutes`, under `token` (the shell's
    CINTUI_SESSION, reused so one variable unlocks several stores) or a new one."""
    store = store.resolve()
    hexed = pragma_key[2:-1]
    key, salt = bytes.fromhex(hexed[:KEY_BYTES * 2]), bytes.fromhex(hexed[KEY_BYTES * 2:])
    import secrets

    pad = _token_bytes(token) or secrets.token_bytes(KEY_BYTES)
    now = time.time() if now is None else now
    until = now + minutes * 60
    record = {"store": str(store), "salt": salt.hex(), "key": _xor(key, pad).hex(),
              "check": _check(key), "until": until}
    path = _file_for(store)
    folder = _private_folder(path.parent)
    _sweep(folder, now)
    partial = folder / f".{path.name}.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()  # left by a process killed mid-write with this pid
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(record, fh)
    os.replace(partial, path)
    return Session(store, until, pad.hex())


def _private_folder(folder: Path) -> Path:
    """`folder` (the sessions folder), made 0700 if new; refused if someone else could
    reach into it. Only it is changed: the runtime folder above may be shared
    (CINTUI_RUNTIME_DIR=/tmp)."""
    folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.lstat()
    if hasattr(os, "getuid"):
        if folder.is_symlink() or info.st_uid != os.getuid():
            raise UnlockError(f"{folder} is not a folder of yours: nothing unlocked")
        if info.st_mode & 0o077:
            folder.chmod(0o700)
    return folder


def _sweep(folder: Path, now: float) -> None:
    """Remove the sessions that have ended (their halves of keys have no use left)."""
    for each in folder.glob("*.json"):
        record = _read(each)
        if record is not None and float(record.get("until", 0)) <= now:
            with contextlib.suppress(OSError):
                each.unlink()


def _read(path: Path) -> dict | None:
    try:
        info = path.lstat()
        mine = not hasattr(os, "getuid") or (
            info.st_uid == os.getuid() and not info.st_mode & 0o077)
        if not path.is_file() or not mine:
            return None  # not a file this user alone wrote: never trusted
        with open(path, encoding="utf-8") as fh:
            record = json.load(fh)
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def key_for(store: Path, *, now: float | None = None) -> tuple[str | None, str | None]:
    """(the raw key that opens `store`, None) when this environment's CINTUI_SESSION has an
    unlock session for it; else (None, why not, as "STORE is encrypted and ...": None when
    there is no session at all)."""
    pad = _token_bytes(os.environ.get(ENV))
    if pad is None:
        return None, (f"{ENV} is not a cintui session" if os.environ.get(ENV) else None)
    store = store.resolve()
    path = _file_for(store)
    record = _read(path)
    if record is None or record.get("store") != str(store):
        return None, "it is not unlocked"
    if float(record.get("until", 0)) <= (time.time() if now is None else now):
        return None, "its unlock session has ended"  # removed by the next unlock or lock
    try:
        key = _xor(bytes.fromhex(record["key"]), pad)
        salt = bytes.fromhex(record["salt"])
    except (KeyError, TypeError, ValueError):
        return None, "its unlock session is damaged"
    if _check(key) != record.get("check"):  # a fingerprint: nothing for timing to tell
        return None, f"{ENV} is from another unlock"
    try:
        if _salt(store) != salt:
            return None, "it is not the file that was unlocked (replaced since)"
    except OSError:
        return None, None  # opening it says what is wrong
    return _as_pragma(key, salt), None


def until(store: Path) -> float | None:
    """When `store`'s unlock session ends (None: there is none)."""
    record = _read(_file_for(store.resolve()))
    return None if record is None else float(record.get("until", 0))


def end(store: Path | None = None) -> int:
    """Lock `store` (None: every store): remove its session. How many were removed."""
    if store is not None:
        paths = [_file_for(store.resolve())]
    else:
        folder = runtime_dir() / "sessions"
        paths = list(folder.glob("*.json")) if folder.is_dir() else []
    removed = 0
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
    return removed
