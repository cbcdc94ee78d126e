"""`cintui` commands: census. Registered on the Typer app when `cintui.cli` is imported."""

from __future__ import annotations
