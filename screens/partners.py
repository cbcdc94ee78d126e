"""Export the CIN status for partners (STO 4.5, WAR 4.3), from the palette (Ctrl+P "Export
CIN status for partners"): for whom, why, CSV or JSON, the file. Written and recorded in
the audit trail in one transaction (who exported which children, for whom and why)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.widget import Widget

from cintui.casework import partners

from .forms import FormScreen


class PartnersExportScreen(FormScreen):
    TITLE_TEXT = "Export the CIN status for partners (STO 4.5): recorded in the audit trail"

    def fields(self) -> Iterable[Widget]:
        yield self.row("for", "For whom", self.text("", "the agency, e.g. Police (NICHE flags)"))
        yield self.row("purpose", "Why", self.text("", "so partners know the CIN status"))
        yield self.row("format", "Format", self.choice([("CSV", "csv"), ("JSON", "json")],
                                                       "csv"))
        yield self.row("file", "File", self.text(str(Path.cwd() / "cin-status.csv")))

    def on_mount(self) -> None:
        self.query_one("#for").focus()

    def problems(self) -> dict[str, str]:
        problems = {}
        if not self.text_of("for"):
            problems["for"] = "say who the export is for"
        if not self.text_of("purpose"):
            problems["purpose"] = "say why it is shared (STO 4.5)"
        path = Path(self.text_of("file")).expanduser()
        if not self.text_of("file") or not path.parent.is_dir():
            problems["file"] = f"no such folder: {path.parent}"
        return problems

    def build(self):
        from cintui.export.files import write_private

        recipient, purpose = self.text_of("for"), self.text_of("purpose")
        fmt, path = self.value("format") or "csv", Path(self.text_of("file")).expanduser()
        actor, today = self.app.actor, self.app.today

        def job(session):
            children = partners.cin_status(session)
            partners.record_disclosure(session, children, recipient=recipient,
                                       purpose=purpose, by=actor, on=today, team=None,
                                       file=path.name)
            write_private(path, partners.render(children, fmt, produced=today,
                                                recipient=recipient).encode("utf-8"))
            return len(children) or -1
        return job
