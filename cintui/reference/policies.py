"""Finding and loading policy profiles: the shipped ones and the user's own.

Shipped profiles live in `cintui.data/policies/*.toml`; an authority may drop its own
`NAME.toml` into `cintui.config.user_policies_dir()`, which wins over a shipped file of the
same name. Validation is `cintui.domain.policy.parse_policy`; this module only reads files.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from cintui.domain.policy import PolicyError, PolicyProfile, parse_policy
from cintui.reference.config import user_policies_dir
from cintui.reference.shipped import shipped

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

DEFAULT_POLICY = "england"
SUFFIX = ".toml"


class UnknownPolicy(LookupError):
    def __init__(self, name: str, available: list[str]) -> None:
        self.name = name
        self.available = available
        super().__init__(
            f"no policy profile named {name!r}; available: {', '.join(available) or 'none'}"
        )


def shipped_policies_dir() -> Path | Traversable:
    return shipped("policies")


def _toml_files(folder: Traversable | Path) -> dict[str, Traversable | Path]:
    if not folder.is_dir():
        return {}
    return {
        entry.name[: -len(SUFFIX)]: entry
        for entry in folder.iterdir()
        if entry.name.endswith(SUFFIX) and entry.is_file() and not entry.name.startswith(".")
    }


def policy_files() -> dict[str, Path | Traversable]:
    """Every profile by name; a user's file overrides a shipped one of the same name."""
    found = {**_toml_files(shipped_policies_dir()), **_toml_files(user_policies_dir())}
    return dict(sorted(found.items()))


def load_policy(name: str) -> PolicyProfile:
    """The named profile, with `extends` resolved. Raises UnknownPolicy or PolicyError."""
    return _load(name, str(user_policies_dir()))


def list_policies() -> list[PolicyProfile]:
    """All profiles, shipped and the user's, sorted by name (raises on a broken file)."""
    return [load_policy(name) for name in policy_files()]


def clear_cache() -> None:
    """Forget loaded profiles (tests, or after editing a profile file)."""
    _load.cache_clear()


@functools.lru_cache(maxsize=64)
def _load(name: str, user_dir: str) -> PolicyProfile:
    # `user_dir` is part of the cache key so a changed CINTUI_CONFIG_DIR is never stale.
    return _resolve(name, policy_files(), ())


def _resolve(name: str, available: dict[str, Path | Traversable],
             chain: tuple[str, ...]) -> PolicyProfile:
    source = available.get(name)
    if source is None:
        raise UnknownPolicy(name, list(available))
    origin = str(source)
    data = _read_toml(source, origin)
    base = None
    extends = data.get("extends")
    if isinstance(extends, str) and extends not in available:
        raise PolicyError(origin, "extends", f"no policy profile named {extends!r}; "
                          f"available: {', '.join(available)}")
    if isinstance(extends, str):
        if extends in (*chain, name):
            loop = " -> ".join((*chain, name, extends))
            raise PolicyError(origin, "extends", f"profiles extend each other in a loop: {loop}")
        base = _resolve(extends, available, (*chain, name))
    profile = parse_policy(data, origin=origin, base=base)
    if profile.name != name:
        raise PolicyError(origin, "name", f"is {profile.name!r} but the file is {name}{SUFFIX}; "
                          "they must match")
    return profile


def _read_toml(source: Path | Traversable, origin: str) -> dict:
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(origin, None, f"cannot be read: {exc}") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # The message carries the place, e.g. "Expected '=' ... (at line 3, column 7)".
        raise PolicyError(origin, None, f"not valid TOML: {exc}") from exc
