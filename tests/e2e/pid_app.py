"""An app that says which process answered: for the ``--workers`` tests."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from router import Router


async def pid(request):
    return str(os.getpid())


async def hold(request):
    """Like ``/pid``, but only once the file ``?until=PATH`` exists (at most 10 s)."""
    until = Path(request.query_params["until"][0])
    for _ in range(1000):
        if await asyncio.to_thread(until.exists):
            break
        await asyncio.sleep(0.01)
    return str(os.getpid())


router = Router()
router.add_routes({"/pid": pid, "/hold": hold})
