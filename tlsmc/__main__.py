"""``python -m tlsmc ...``: the same command line as the ``tlsmc`` entry point."""
from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
