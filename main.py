"""街道台账 — start the window, or run a command: `python main.py --help`."""
from __future__ import annotations

import sys

from cli import main

if __name__ == "__main__":
    sys.exit(main())
