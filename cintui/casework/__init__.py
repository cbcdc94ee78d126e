"""Use cases the TUI and the CLI share, one module per area of casework.

Each takes a store session (or the light reader) and plain values, applies the rules in
`cintui.domain`, writes through `cintui.store` (so every change is audited) and returns
plain results. Screens and commands call these; they never build queries themselves.
May import `cintui.export`, `cintui.store`, `cintui.reference` and `cintui.domain`; areas
use each other only downward, in the order the layer contract in pyproject.toml states.
"""
