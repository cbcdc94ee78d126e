"""Messages the first screens post to the app (welcome, unlock, who am I): the app routes on
them. Defined here, above `cintui.app`, so the app never imports a screen."""

from __future__ import annotations

from textual.message import Message


class StoreOpened(Message):
    """A screen opened or created the store; the app takes it from here."""

    def __init__(self, store) -> None:
        super().__init__()
        self.store = store


class ReaderOpened(Message):
    """The passphrase is right and the schema current: the first screen can read.

    The full store (ORM, writes) is opened in the background meanwhile (`CintuiApp.store`
    waits for it if something needs it first)."""

    def __init__(self, reader, passphrase: str | None, first_rows=None) -> None:
        super().__init__()
        self.reader = reader
        self.passphrase = passphrase
        self.first_rows = first_rows  # a FirstRows read with it, or None


class FirstRows:
    """The worker's own caseload, read on the thread that opened the store, before its
    screen exists: the caseload then paints once, with its rows (the first paint)."""

    def __init__(self, worker: str, policy, rows: list) -> None:
        self.worker = worker
        self.policy = policy
        self.rows = rows


class WorkerChosen(Message):
    """The person using cintui said who they are (None: not one of the store's workers)."""

    def __init__(self, username: str | None) -> None:
        super().__init__()
        self.username = username


