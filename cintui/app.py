"""The Textual app: routing between screens, global bindings, the store it has open.

Kept small on purpose (ARCHITECTURE.md): each screen owns its own state and handlers.
Screens are imported by name when first shown, which keeps them off the first-paint path
and keeps `cintui.app` below `cintui.screens` in the layer contract.
"""

from __future__ import annotations

import importlib
from datetime import date

from textual.app import App
from textual.binding import Binding
from textual.message import Message

from cintui import access

SCREENS = {
    "welcome": ("cintui.screens.welcome", "WelcomeScreen"),
    "unlock": ("cintui.screens.unlock", "UnlockScreen"),
    "caseload": ("cintui.screens.caseload", "CaseloadScreen"),
    "child": ("cintui.screens.child", "ChildScreen"),
}
UNENCRYPTED = "UNENCRYPTED STORE"


class StoreOpened(Message):
    """A screen opened or created the store; the app takes it from here."""

    def __init__(self, store) -> None:
        super().__init__()
        self.store = store


class CintuiApp(App):
    TITLE = "cintui"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f2", "toggle_dark", "Light/dark"),
    ]

    def __init__(self, location: access.StoreLocation, *, encrypt: bool = True,
                 today: date | None = None) -> None:
        super().__init__()
        self.location = location
        self.encrypt = encrypt
        self.today = today or date.today()
        self.store = None
        self.actor = access.current_actor()

    def make_screen(self, name: str, **kwargs):
        module, cls = SCREENS[name]
        return getattr(importlib.import_module(module), cls)(**kwargs)

    def on_mount(self) -> None:
        self.sub_title = self.location.describe()
        loc = self.location
        if loc.url is None and not loc.exists():
            self.push_screen(self.make_screen("welcome"))
        elif loc.is_encrypted():
            self.push_screen(self.make_screen("unlock", passphrase=access.env_passphrase()))
        else:
            self.push_screen(self.make_screen("unlock", passphrase=None, plain=True))

    def on_store_opened(self, message: StoreOpened) -> None:
        self.store = message.store
        if not self.store.encrypted and self.location.url is None:
            self.sub_title = f"{UNENCRYPTED} · {self.location.describe()}"
        self.switch_screen(self.make_screen("caseload"))

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()


def run_app(location: access.StoreLocation, *, encrypt: bool = True) -> None:
    CintuiApp(location, encrypt=encrypt).run()
