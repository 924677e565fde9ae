"""``make e2e``: a real nginx in front of the real server, both on 127.0.0.1.

These tests start processes and push load, so ``make test`` does not
collect them: they run only when ``E2E_NGINX=1`` (``make e2e`` sets it).
"""

from __future__ import annotations

import os

collect_ignore_glob = [] if os.environ.get("E2E_NGINX") == "1" else ["test_*.py"]
