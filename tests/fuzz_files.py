"""Damaged files for the fuzz harness (tests/fuzzing.py): a caseload CSV and a transfer pack
that were good, broken the ways files from another system or a bad disk break (cut short,
bytes changed, cells swapped for junk, another encoding, JSON values of the wrong kind,
nested thousands deep, numbers too big), and imported with `cintui import`. The rules are
the harness's: refused in one plain line with the store unchanged, or imported whole."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

from hypothesis import strategies as st

from tests.fuzzing import JUNK, Tally, World, call, fingerprint, problems

# ------------------------------------------------------------------ byte damage

_bytes_junk = st.sampled_from([b"", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\r", b"\n",
                               b'"', b",", b",,,,", b"\x1b[2J", b"\xc3\x28", b"9" * 40,
                               b"31/02/2019", b"\t", b"{", b"[" * 5000])


@st.composite
def damaged_bytes(draw, good: bytes) -> bytes:
    data = bytearray(good)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        how = draw(st.sampled_from(["cut", "insert", "delete", "flip", "repeat"]))
        if how == "cut":
            del data[at:]
        elif how == "insert":
            data[at:at] = draw(_bytes_junk)
        elif how == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif how == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif how == "repeat":
            data[at:at] = data[at:at + 200] * draw(st.integers(2, 5))
    return bytes(data)


# ------------------------------------------------------------------ caseload CSV


@st.composite
def damaged_csv(draw, good: bytes) -> bytes:
    text = good.decode("utf-8-sig")
    lines = text.splitlines()
    how = draw(st.sampled_from(["cell", "cell", "bytes", "encoding", "header", "wide",
                                "long", "rows"]))
    if how == "bytes":
        return draw(damaged_bytes(good))
    if how == "encoding":
        return text.encode(draw(st.sampled_from(["utf-16", "latin-1", "cp1252"])),
                           errors="replace")
    if how == "header":
        cells = lines[0].split(",")
        cells[draw(st.integers(0, len(cells) - 1))] = draw(st.sampled_from(JUNK[:8]))
        lines[0] = ",".join(cells) if draw(st.booleans()) else lines[0] + "," + cells[0]
    elif how == "wide":
        lines = [line + "," * 3000 for line in lines]
    elif how == "long":
        lines[1] = lines[1].replace("Likes football", "x" * 100_000)
    elif how == "rows":
        lines = lines[:1] + lines[1:] * draw(st.integers(0, 3))
    else:
        for _ in range(draw(st.integers(1, 3))):
            row = draw(st.integers(1, max(1, len(lines) - 1)))
            if row >= len(lines):
                break
            cells = lines[row].split(",")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(st.one_of(
                st.sampled_from(JUNK), st.sampled_from(
                    ["2026-02-30", "00/00/0000", "9999-12-31", "0001-01-01", "N9", "XXXX",
                     "Nobody Known", "1" * 40, "-5", "\x1b]0;x\x07"])))
            lines[row] = ",".join(cells)
    return ("\n".join(lines) + "\n").encode("utf-8")


# ------------------------------------------------------------------ transfer pack


def _places(data, prefix=()):
    """Every place in the JSON (dict keys and list items), to three levels down."""
    if len(prefix) >= 3:
        return
    items = data.items() if isinstance(data, dict) else (
        enumerate(data[:3]) if isinstance(data, list) else ())
    for key, value in items:
        yield (*prefix, key)
        yield from _places(value, (*prefix, key))


def _nested(depth: int):
    value: object = "deep"
    for _ in range(depth):
        value = [value]
    return value


_json_junk = st.one_of(st.none(), st.booleans(), st.integers(-5, 5),
                       st.sampled_from([10 ** 40, -(10 ** 40), 1e308, 0.5, float("nan")]),
                       st.text(max_size=5), st.sampled_from(JUNK + [
                           "2026-02-30", "9999-99-99", "RC0", "NONE", "0001-01-01",
                           "2026-11-23T99:00", "x" * 5000]),
                       st.just([]), st.just({}), st.just([{}]), st.just(_nested(50)))


@st.composite
def damaged_pack(draw, pack: dict) -> bytes:
    how = draw(st.sampled_from(["values", "values", "values", "bytes", "nested", "whole"]))
    if how == "whole":
        return json.dumps(draw(_json_junk)).encode()
    if how == "nested":
        deep = b"[" * 5000 + b'"deep"' + b"]" * 5000
        if draw(st.booleans()):
            return deep
        whole = json.dumps({**pack, "child": "HERE"}).encode()
        return whole.replace(b'"HERE"', deep)
    broken = copy.deepcopy(pack)
    if how == "values":
        places = sorted(_places(pack), key=repr)
        for _ in range(draw(st.integers(1, 3))):
            place = draw(st.sampled_from(places))
            parent = broken
            try:
                for key in place[:-1]:
                    parent = parent[key]
                if draw(st.booleans()) and isinstance(parent, dict):
                    parent.pop(place[-1], None)
                else:
                    parent[place[-1]] = draw(_json_junk)
            except (KeyError, IndexError, TypeError):
                continue  # an earlier change took that place away
    text = json.dumps(broken, ensure_ascii=False).encode()
    return draw(damaged_bytes(text)) if how == "bytes" else text


# ------------------------------------------------------------------ the cases


def damaged(world: World):
    """(label, strategy of (command words, file bytes)) for each kind of damaged file."""
    pack = copy.deepcopy(world.pack)
    pack["child"]["reference"] = "FUZZ0001"  # not already on the receiving store
    csv_args = st.sampled_from([["import", "caseload"], ["import", "caseload", "--dry-run"],
                                ["import", "caseload", "--json"]])
    return [
        ("import caseload (damaged)", st.tuples(csv_args, damaged_csv(world.caseload))),
        ("import transfer-pack (damaged)", st.tuples(st.just(["import", "transfer-pack"]),
                                                     damaged_pack(pack))),
    ]


def check_damaged(world: World, case, tally: Tally | None = None, label: str = "") -> list[str]:
    """Write the damaged file where the command reads it, run the import on a fresh copy
    of the store, and say what is wrong (nothing: all is well)."""
    words, data = case
    world.fresh()
    if words[1] == "transfer-pack":
        target = world.folder / "damaged-pack"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(world.folder / "pack", target)
        (target / "transfer-pack.json").write_bytes(data)
    else:
        target = world.folder / "damaged.csv"
        target.write_bytes(data)
    outcome = call(*words, str(target), "--db", str(world.store))
    changed = outcome.code != 0 and fingerprint(world.store) != world.clean
    found = problems(outcome, changed)
    if tally is not None:
        tally.add(label, outcome, found)
    return found


def pack_folder(world: World, data: bytes) -> Path:
    target = world.folder / "damaged-pack"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(world.folder / "pack", target)
    (target / "transfer-pack.json").write_bytes(data)
    return target
