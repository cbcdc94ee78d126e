"""libpq through ctypes: the light reader's connection to a team server, without psycopg.

`import psycopg` costs ~110-140 ms (its type system, asyncio, ssl, `importlib.metadata`),
more than all the rest of a read command's start on a server. The reads themselves need
little of it: connect, send a statement with a few parameters, take rows of text back. This
module does that with libpq itself (`ctypes`, ~3 ms; loading libpq, ~4 ms): the libpq psycopg
uses (psycopg_binary's own copy) when it is installed, else the system's. libpq reads the
URL, `.pgpass`, the service file, `sslmode` and the rest exactly as under psycopg.

Parameters go as psycopg sends them (a str as `unknown`, so the server infers its type; an
int as int2/int4/int8/numeric by its size; date, timestamp, timestamptz, uuid, bool, float
with their own types); values come back as psycopg's default loaders give them (text
decoded and made inert, as the full store does; date, timestamp, timestamptz in the
session's time zone, uuid, bool, int, float, numeric). Anything this cannot do (no libpq
found) returns None from `connect`, and the caller uses psycopg as before.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from typing import Any

from cintui.store.engine import inert

_CONNECTION_OK = 0
_PGRES_COMMAND_OK = 1
_PGRES_TUPLES_OK = 2
_DIAG_SQLSTATE = ord("C")


class PqError(Exception):
    """The server refused a statement: its message, and its SQLSTATE as `.sqlstate`."""

    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


_LIB: list = []  # [CDLL or None], once looked for


def _candidates() -> list[str]:
    """Where libpq is: psycopg_binary's copy (the one psycopg would use), else the system's."""
    found: list[str] = []
    for entry in sys.path:
        for folder in (os.path.join(entry or ".", "psycopg_binary.libs"),
                       os.path.join(entry or ".", "psycopg_binary", ".dylibs")):
            try:
                names = sorted(os.listdir(folder))
            except OSError:
                continue
            found += [os.path.join(folder, n) for n in names if n.startswith("libpq")]
    return [*found, "libpq.so.5", "libpq.5.dylib", "libpq.dylib"]


def _library() -> Any:
    if _LIB:
        return _LIB[0]
    lib = None
    for name in _candidates():
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError:
            continue
    if lib is not None:
        p, c, i, u = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint
        for fname, restype, argtypes in (
                ("PQconnectdbParams", p, [ctypes.POINTER(c), ctypes.POINTER(c), i]),
                ("PQstatus", i, [p]), ("PQerrorMessage", c, [p]), ("PQfinish", None, [p]),
                ("PQparameterStatus", c, [p, c]), ("PQexec", p, [p, c]),
                ("PQexecParams", p, [p, c, i, ctypes.POINTER(u), ctypes.POINTER(c),
                                     ctypes.POINTER(i), ctypes.POINTER(i), i]),
                ("PQresultStatus", i, [p]), ("PQresultErrorMessage", c, [p]),
                ("PQresultErrorField", c, [p, i]), ("PQclear", None, [p]),
                ("PQntuples", i, [p]), ("PQnfields", i, [p]), ("PQftype", u, [p, i]),
                ("PQgetvalue", c, [p, i, i]), ("PQgetisnull", i, [p, i, i])):
            try:
                func = getattr(lib, fname)
            except AttributeError:
                lib = None
                break
            func.restype = restype
            func.argtypes = argtypes
    _LIB.append(lib)
    return lib


# ------------------------------------------------------------------ values back

def _text(v: bytes) -> str:
    return inert(v.decode("utf-8"), c0_only=True)


def _bool(v: bytes) -> bool:
    return v == b"t"


def _date(v: bytes):
    from datetime import date

    return date.fromisoformat(v.decode())


def _time(v: bytes):
    from datetime import time

    return time.fromisoformat(v.decode())


def _timestamp(v: bytes):
    from datetime import datetime

    return datetime.fromisoformat(v.decode())


def _numeric(v: bytes):
    from decimal import Decimal

    return Decimal(v.decode())


def _uuid(v: bytes):
    from uuid import UUID

    return UUID(v.decode())


def _bytea(v: bytes) -> bytes:
    return bytes.fromhex(v[2:].decode()) if v.startswith(b"\\x") else v


def _json(v: bytes):
    import json

    return json.loads(v)


_LOADERS = {
    16: _bool, 17: _bytea, 18: _text, 19: _text, 20: int, 21: int, 23: int, 25: _text,
    26: int, 114: _json, 700: float, 701: float, 1042: _text, 1043: _text, 1082: _date,
    1083: _time, 1114: _timestamp, 1700: _numeric, 2950: _uuid, 3802: _json,
}


# ------------------------------------------------------------------ parameters out

def _param(value: Any) -> tuple[int, bytes | None]:
    """(type oid, text) of a parameter, as psycopg types it."""
    if value is None:
        return 0, None
    if isinstance(value, str):
        return 0, value.encode("utf-8")
    if isinstance(value, bool):
        return 16, b"t" if value else b"f"
    if isinstance(value, int):
        oid = (21 if -(2 ** 15) <= value < 2 ** 15 else 23 if -(2 ** 31) <= value < 2 ** 31
               else 20 if -(2 ** 63) <= value < 2 ** 63 else 1700)
        return oid, str(value).encode()
    if isinstance(value, float):
        return 701, repr(value).encode()
    import datetime
    import decimal
    import uuid

    if isinstance(value, datetime.datetime):
        return (1114 if value.tzinfo is None else 1184), value.isoformat(" ").encode()
    if isinstance(value, datetime.date):
        return 1082, value.isoformat().encode()
    if isinstance(value, uuid.UUID):
        return 2950, str(value).encode()
    if isinstance(value, decimal.Decimal):
        return 1700, str(value).encode()
    if isinstance(value, bytes | bytearray | memoryview):
        return 17, b"\\x" + bytes(value).hex().encode()
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        # text[] (as psycopg sends a list of str): many ids in one parameter
        quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value)
        return 1009, ("{" + ",".join(quoted) + "}").encode("utf-8")
    raise TypeError(f"cannot send a {type(value).__name__} to the server as a parameter")


class Connection:
    """One libpq connection: statements one at a time (a lock: the app reads from a worker
    thread too), each in its own transaction as the server runs them (autocommit)."""

    def __init__(self, lib: Any, handle: int) -> None:
        self._lib = lib
        self._handle = handle
        self._lock = threading.Lock()
        self._zone: Any = None

    def parameter(self, name: str) -> str | None:
        value = self._lib.PQparameterStatus(self._handle, name.encode())
        return value.decode() if value is not None else None

    def _result(self, res: int) -> list[tuple]:
        lib = self._lib
        try:
            status = lib.PQresultStatus(res)
            if status == _PGRES_COMMAND_OK:
                return []
            if status != _PGRES_TUPLES_OK:
                message = (lib.PQresultErrorMessage(res) or b"").decode(errors="replace")
                state = lib.PQresultErrorField(res, _DIAG_SQLSTATE)
                raise PqError(message.strip() or "the server refused the statement",
                              state.decode() if state else None)
            nrows, ncols = lib.PQntuples(res), lib.PQnfields(res)
            loaders = []
            for col in range(ncols):
                oid = lib.PQftype(res, col)
                loaders.append(self._timestamptz if oid == 1184
                               else _LOADERS.get(oid, _text))
            getvalue, isnull = lib.PQgetvalue, lib.PQgetisnull
            rows = []
            for r in range(nrows):
                row = []
                for col, load in enumerate(loaders):
                    v = getvalue(res, r, col)
                    if not v and isnull(res, r, col):
                        row.append(None)
                    else:
                        row.append(load(v))
                rows.append(tuple(row))
            return rows
        finally:
            lib.PQclear(res)

    def _timestamptz(self, v: bytes):
        """As psycopg: the instant in the session's time zone (a ZoneInfo), UTC if unknown."""
        from datetime import datetime

        if self._zone is None:
            from datetime import UTC

            name = self.parameter("TimeZone") or "UTC"
            try:
                from zoneinfo import ZoneInfo

                self._zone = ZoneInfo(name)
            except Exception:  # as psycopg: a zone Python does not know is read as UTC
                self._zone = UTC
        return datetime.fromisoformat(v.decode()).astimezone(self._zone)

    def execute(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        """The rows of one statement with `$1`... parameters (none: the simple protocol, which
        also takes several statements and answers with the last one's rows)."""
        lib = self._lib
        with self._lock:
            if self._handle is None:
                raise PqError("the connection is closed")
            if not params:
                return self._result(lib.PQexec(self._handle, sql.encode("utf-8")))
            n = len(params)
            types = (ctypes.c_uint * n)()
            values = (ctypes.c_char_p * n)()
            for i, value in enumerate(params):
                types[i], values[i] = _param(value)
            return self._result(lib.PQexecParams(self._handle, sql.encode("utf-8"), n, types,
                                                 values, None, None, 0))

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._lib.PQfinish(self._handle)
                self._handle = None

    def __del__(self) -> None:  # a reader dropped without closing
        handle, self._handle = getattr(self, "_handle", None), None
        if handle is not None:
            self._lib.PQfinish(handle)


def connect(conninfo: str) -> Connection | None:
    """A connection to `conninfo` (a libpq URI or key=value string); None when there is no
    usable libpq here or the connection failed (the caller connects through psycopg, which
    then says why in its own words)."""
    lib = _library()
    if lib is None:
        return None
    keys = (ctypes.c_char_p * 3)(b"dbname", b"client_encoding", None)
    values = (ctypes.c_char_p * 3)(conninfo.encode("utf-8"), b"UTF8", None)
    handle = lib.PQconnectdbParams(keys, values, 1)
    if not handle:
        return None
    if lib.PQstatus(handle) != _CONNECTION_OK:
        lib.PQfinish(handle)
        return None
    return Connection(lib, handle)
