"""Jargon and acronyms with plain alternatives (BEX 2: plans in plain language, no jargon),
shipped in data/plain_words.json and read by the plan checks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from cintui.reference.shipped import shipped


@cache
def load_plain_words() -> Mapping[str, str]:
    """term -> plain alternative (read-only)."""
    raw = json.loads(shipped("plain_words.json").read_text(encoding="utf-8"))
    return MappingProxyType(dict(raw))
