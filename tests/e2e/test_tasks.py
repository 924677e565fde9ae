"""The task that serves each connection: its name, and the loop's task factory."""

from __future__ import annotations

import asyncio

from router import Router

from .helpers import get, running


def task_name_router():
    router = Router()

    async def name(request):
        task = asyncio.current_task()
        assert task is not None
        return task.get_name()

    router.add_route("/", name)
    return router


async def test_a_connection_is_served_by_a_task_with_a_name():
    async with running(task_name_router()) as server:
        response = await get(server)
    assert response.status == 200
    assert response.body == b"asyncio_adapter connection"


async def test_a_task_factory_the_application_installed_makes_the_connections_tasks():
    loop = asyncio.get_running_loop()
    made = []

    def factory(loop, coro, **options):
        made.append(coro.__qualname__)
        return asyncio.Task(coro, loop=loop, **options)

    loop.set_task_factory(factory)
    try:
        async with running(task_name_router()) as server:
            response = await get(server)
    finally:
        loop.set_task_factory(None)
    assert made.count("HTTPConnection.serve") == 1
    assert response.status == 200
    assert response.body == b"asyncio_adapter connection"
