"""Opening an encrypted store ahead: which command lines read (or write) through the light
store, and starting their key derivation on a thread before anything else loads.

No Typer here: `cintui/__main__.py` calls `open_ahead` before it imports the command line
(Typer and the shared options, ~30 ms), so SQLCipher's key derivation (~0.13 s, in C, on the
second core) starts that much sooner; `cli.main.run` calls it again for callers that come
in there (a no-op when the reader is already on its way).
"""

from __future__ import annotations

# The commands that read through the light reader (common._reading), or write through the
# light writer (common._writing), by their first words.
LIGHT_WRITES = {("decision", "add")}
LIGHT_READS = {("due",), ("child", "list"), ("child", "show"), ("child", "episodes"),
               ("decision", "list"), ("plan", "show"), ("plan", "check"), ("report",),
               ("supervision", "overdue"), ("export", "census"), ("export", "plan"),
               ("transfer", "status")}


def open_ahead(argv: list[str]) -> None:
    """For a light read of an encrypted file whose passphrase is in the environment, start
    opening the reader now (store.fast.prefetch_reader): the key derivation then runs beside
    the command's imports. Only a guess from the words: `--db` as the command has it, else
    the store the environment names; anything unusual and the command opens as usual."""
    if not argv:
        return
    write = tuple(argv[:2]) in LIGHT_WRITES
    if not write and tuple(argv[:1]) not in LIGHT_READS and tuple(argv[:2]) not in LIGHT_READS:
        return
    db = None
    for i, word in enumerate(argv):
        if word == "--":
            break
        if word == "--db" and i + 1 < len(argv):
            db = argv[i + 1]
        elif word.startswith("--db="):
            db = word[len("--db="):]
    try:
        from cintui.store import access

        loc = access.locate(db)
        if not (write and loc.url is not None):  # a server write goes through `Store`
            access.open_ahead(loc)
    except Exception:  # the command itself will say what is wrong
        return
