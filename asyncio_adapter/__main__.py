"""``python -m asyncio_adapter MODULE:ATTR``: see ``_cli``."""

from __future__ import annotations

import sys

from ._cli import main

sys.exit(main())
