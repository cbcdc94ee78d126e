"""`cintui` commands: reports. Registered on the Typer app when `cintui.cli` is imported."""

from __future__ import annotations
