"""cintui: a keyboard-first terminal workspace for Children in Need casework."""

__version__ = "0.1.0"
