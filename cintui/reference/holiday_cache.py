"""A cache of England's bank holidays as the `holidays` package gives them.

Importing and first using `holidays` costs ~60 ms, paid on every start of the app; the
answer only changes when the package does. So its answer is kept in the config folder,
keyed by the package's version, and the package is asked again after an upgrade.
"""

from __future__ import annotations

import os
from datetime import date
from importlib.util import find_spec

from cintui.domain.calendar import package_holidays
from cintui.reference import config

CACHE_FILE = "bank-holidays.json"


def cached_holidays(first: int, last: int) -> dict[date, str]:
    import json  # here: installed by every command, asked by those that count working days

    path = config.config_dir() / CACHE_FILE
    current = _package_version()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        years = data["years"] if data.get("version") == current else {}
    except (OSError, ValueError, KeyError, TypeError):
        years = {}
    wanted = [str(y) for y in range(first, last + 1)]
    missing = [int(y) for y in wanted if y not in years]
    if missing:
        fresh = package_holidays(min(missing), max(missing))
        for year in range(min(missing), max(missing) + 1):
            years[str(year)] = {d.isoformat(): n for d, n in fresh.items() if d.year == year}
        _write(path, {"version": current, "years": years})
    return {date.fromisoformat(d): name for y in wanted for d, name in years[y].items()}


def _package_version() -> str:
    """The installed `holidays` version, from its dist-info folder's name beside the package:
    `importlib.metadata` costs ~15 ms to import and search, more than the cache saves."""
    spec = find_spec("holidays")
    if spec is not None and spec.origin:
        site = os.path.dirname(os.path.dirname(spec.origin))
        try:
            names = [n for n in os.listdir(site)
                     if n.startswith("holidays-") and n.endswith(".dist-info")]
        except OSError:
            names = []
        if len(names) == 1:
            return names[0][len("holidays-"):-len(".dist-info")]
    from importlib.metadata import version

    return version("holidays")


def _write(path, data: dict) -> None:
    import json

    try:
        folder = config.config_dir(create=True)
        tmp = folder / f".{CACHE_FILE}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except OSError:  # a cache: failing to keep it only costs time
        pass


def install() -> None:
    from cintui.domain import calendar

    calendar.set_holiday_source(cached_holidays)
