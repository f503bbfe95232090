"""The ``zopa`` command line: parses, calls the library, prints. Nothing else lives here."""

from __future__ import annotations

import sys

from zopa.cli import core, dynamics, sensitivity  # noqa: F401  (registers the commands)
from zopa.cli.common import app
from zopa.cli.dynamics import _genius_args

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover - console entry point
    sys.argv = [sys.argv[0], *_genius_args(sys.argv[1:])]
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
