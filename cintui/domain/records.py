"""Records the reads make by the thousand: a child's facts, deadlines and due items.

A `Record` is an immutable record like a frozen dataclass (fields in order, positional or
by name, defaults, equality, hashing, a repr, `replace`), built by msgspec's `Struct` in C.
A frozen dataclass compiles six generated methods when its module is imported (~0.5 ms a
class, 14 ms of `cintui due`'s start for the 29 on its path) and sets each field through
`object.__setattr__` when one is made (~3 µs for a `DueItem` against ~0.2 µs): `due --json`
makes ~3,700 for 300 children and ~60,000 for 5,000. A few classes made once but on most
commands' path are Records too (the policy's rules, the plan checks' problems, table
columns): their dataclass methods were compiled at every start. The rest of cintui keeps
dataclasses.

Differences from a dataclass that matter here: `dataclasses.replace`, `fields` and `asdict`
do not apply to a `Record` (this module's `replace` takes either; `fields` and `asdict` here
are msgspec's); its fields are `__struct_fields__`; it has no `__dict__` (no
`functools.cached_property`)."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from msgspec import Struct, field, structs
from msgspec.structs import asdict, fields

__all__ = ["Record", "asdict", "field", "fields", "json_lines", "json_text", "replace"]

T = TypeVar("T")


class Record(Struct, frozen=True):
    """An immutable record (see the module)."""


def replace(record: T, **changes: Any) -> T:
    """`record` with `changes`: a `Record`'s, or a dataclass's (`dataclasses.replace`), so
    code and tests that change either need not know which it holds."""
    if isinstance(record, Struct):
        return structs.replace(record, **changes)
    return dataclasses.replace(record, **changes)  # type: ignore[type-var]


def json_text(data: Any, *, indent: int = 2) -> str:
    """`data` as JSON text exactly as `json.dumps(data, indent=indent, ensure_ascii=False)`
    writes it (indent 0: on one line, with json's ", " and ": "), written by msgspec's C
    encoder. With an indent, `json.dumps` falls back to its pure-Python encoder: ~90 ms
    for a 5,000-child `--json` list against ~6 ms here. (Floats in exponent form are
    written 1e20, not 1e+20: the same number to any JSON reader.)"""
    from msgspec import json

    return json.format(json.encode(data), indent=indent).decode()


def json_lines(head: dict, key: str, items: list) -> str:
    """One JSON document, `head` with `items` under `key`, an item to a line (readable, and
    a line per item for `grep`): as `json_text(item, indent=0)` writes each."""
    from msgspec import json

    encode = json.Encoder().encode
    lines = b",\n".join(json.format(encode(i), indent=0) for i in items).decode()
    body = json_text(head, indent=0)[:-1] + (", " if head else "")
    return f'{body}"{key}": [\n{lines}\n]}}\n'
