"""`cintui` and `python -m cintui`."""

from __future__ import annotations


def main() -> None:
    from cintui.cli import run

    run()


if __name__ == "__main__":
    main()
