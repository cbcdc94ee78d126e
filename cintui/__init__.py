"""cintui: a keyboard-first terminal workspace for Children in Need casework.

The package, bottom-up (each layer imports only those below it; pyproject.toml's
import-linter contracts enforce it): `domain` (pure rules) → `reference` (data files) →
`store` and `export` → `casework` (use cases) → `app` (the Textual app) and `demo` (the
synthetic store generator) → `cli` (Typer) → `screens` (installed as `cintui.screens`).
"""

__version__ = "0.1.0"
