"""Files shipped in `cintui.data` (policy profiles, census codes and schemas, the plain-words
list, letter templates, fonts).

Installed as files (a wheel, an editable checkout), they are a plain folder beside the code:
a `Path`, without `importlib.resources`, which imports `tempfile`, `zipfile` and more (~8 ms
of a command's start, and of the caseload's first paint). From a zip they come through
`importlib.resources`, whose `Traversable` has the same `/`, `read_text`, `read_bytes`,
`is_dir` and `iterdir`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


@cache
def _root() -> Path | Traversable:
    import cintui.data

    folder = Path(next(iter(cintui.data.__path__), ""))
    if (folder / "__init__.py").is_file():
        return folder
    from importlib.resources import files

    return files("cintui.data")


def shipped(*parts: str) -> Path | Traversable:
    """The shipped file or folder at `parts` under `cintui.data`."""
    place = _root()
    for part in parts:
        place = place / part
    return place
