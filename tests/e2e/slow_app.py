"""An app for the CLI tests: one handler that takes a while, to be in flight at a signal."""

from __future__ import annotations

import asyncio
import logging

from asyncio_adapter import App
from router import Router


async def slow(request):
    # The test waits for this line on stderr before it sends the signal.
    logging.getLogger("slow_app").warning("slow handler entered")
    await asyncio.sleep(float(request.query_params.get("s", ["0.5"])[0]))
    return "slept"


router = Router()
router.add_routes({"/slow": slow})
app = App(router, port=0)
