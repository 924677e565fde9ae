from __future__ import annotations

import asyncio_adapter


def test_all_lists_the_public_names_sorted():
    public = {name for name in dir(asyncio_adapter) if not name.startswith("_")}
    # submodules are attributes of the package once imported; they are not API
    public -= {"annotations"}
    assert asyncio_adapter.__all__ == sorted(asyncio_adapter.__all__)
    assert set(asyncio_adapter.__all__) == public
    for name in asyncio_adapter.__all__:
        assert getattr(asyncio_adapter, name).__module__.startswith("asyncio_adapter")
