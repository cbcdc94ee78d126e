"""Where cintui keeps things: the store, the config folder, user-supplied policy profiles.

Environment overrides (tests and batch use):
  CINTUI_CONFIG_DIR   config folder (default: platformdirs user config dir)
  CINTUI_DATA_DIR     folder holding the default store (default: platformdirs user data dir)
  CINTUI_DB           path of the store file
  CINTUI_DATABASE_URL any SQLAlchemy URL (e.g. PostgreSQL), overrides CINTUI_DB
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

APP_NAME = "cintui"
STORE_FILENAME = "cintui.db"


def _ensure_private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):  # e.g. a folder owned by someone else
        path.chmod(0o700)
    return path


def config_dir(create: bool = False) -> Path:
    env = os.environ.get("CINTUI_CONFIG_DIR")
    if env:
        path = Path(env).expanduser()
    else:
        from platformdirs import user_config_path

        path = user_config_path(APP_NAME, appauthor=False)
    return _ensure_private_dir(path) if create else path


def data_dir(create: bool = False) -> Path:
    env = os.environ.get("CINTUI_DATA_DIR")
    if env:
        path = Path(env).expanduser()
    else:
        from platformdirs import user_data_path

        path = user_data_path(APP_NAME, appauthor=False)
    return _ensure_private_dir(path) if create else path


def exports_dir() -> Path:
    """Where the app writes documents (`exports/` in the data folder), 0700."""
    folder = data_dir(create=True) / "exports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def unused_stem(folder: Path, stem: str, suffixes: tuple[str, ...] = ("pdf", "docx")) -> str:
    """`stem`, or `stem-2`, `stem-3`… : the first for which no `stem.suffix` is in `folder`
    (no suffixes: no file or folder `stem`), so exporting again never overwrites a document
    already sent or open elsewhere."""
    n, chosen = 1, stem
    while any((folder / (f"{chosen}.{suffix}" if suffix else chosen)).exists()
              for suffix in suffixes or ("",)):
        n += 1
        chosen = f"{stem}-{n}"
    return chosen


def default_store_path() -> Path:
    env = os.environ.get("CINTUI_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / STORE_FILENAME


def user_policies_dir() -> Path:
    """Drop an authority's own `NAME.toml` profile here to use it."""
    return config_dir() / "policies"


SETTINGS_FILE = "config.toml"


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def load_settings() -> dict:
    """The user's settings (e.g. `worker = "amira.ashdown"`); {} if none or unreadable."""
    import tomllib

    try:
        return tomllib.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_setting(key: str, value: str) -> None:
    """Set one top-level string setting, keeping the others (strings, numbers, true or
    false); the file is 0600."""
    import json

    # Numbers and yes/no written by hand (`refresh_seconds = 10`) are kept as they are.
    settings = {k: v for k, v in load_settings().items()
                if isinstance(v, str | int | float) and v == v}
    settings[key] = value
    folder = config_dir(create=True)
    text = "".join(f"{k} = {json.dumps(v)}\n" for k, v in sorted(settings.items()))
    tmp = folder / f".{SETTINGS_FILE}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, folder / SETTINGS_FILE)


def log_crash(error: BaseException) -> Path:
    """A bug is not the user's fault: its traceback goes to a private file, never on screen,
    and without the frames' local variables (a passphrase, a child's name)."""
    import traceback

    path = data_dir(create=True) / "crash.log"
    with path.open("a", encoding="utf-8") as fh:
        fh.write("".join(traceback.format_exception(error)) + "\n")
    os.chmod(path, 0o600)
    return path
