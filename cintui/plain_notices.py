"""Notifications as plain text (Trust: output is inert): they carry names, references and
reasons that came from the store or from what someone typed, so they are never read as
markup (a name holding `[/i]` stopped the app; `[link=…]` would have linked it). cintui
writes none of its notifications in markup."""

from __future__ import annotations


class PlainNotices:
    """Mixed into the App: every `notify`, a screen's or a widget's, goes through here."""

    def notify(self, message: str, *, title: str = "", severity: str = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        super().notify(message, title=title, severity=severity,  # type: ignore[misc]
                       timeout=timeout, markup=False)
