"""An app that says which process answered: for the ``--workers`` tests."""

from __future__ import annotations

import os

from router import Router


async def pid(request):
    return str(os.getpid())


router = Router()
router.add_routes({"/pid": pid})
