"""Jargon and acronyms with plain alternatives (BEX 2: plans in plain language, no jargon),
shipped in data/plain_words.json and read by the plan checks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from types import MappingProxyType


@cache
def load_plain_words() -> Mapping[str, str]:
    """term -> plain alternative (read-only)."""
    raw = json.loads((files("cintui.data") / "plain_words.json").read_text(encoding="utf-8"))
    return MappingProxyType(dict(raw))
