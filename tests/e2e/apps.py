"""Routers that the end-to-end tests serve."""

from __future__ import annotations

import asyncio

from asyncio_adapter import HTTPError, Response
from router import Router


async def hello(request):
    return "hello"


async def echo(request):
    return request.body_raw


async def form(request):
    return {
        key: [v if isinstance(v, str) else f"{v.filename}:{v.content.decode()}" for v in values]
        for key, values in request.body.items()
    }


async def unencodable(request):
    return {"x": object()}


async def info(request, **params):
    return {
        "method": request.method,
        "path": request.path,
        "query": request.query_params,
        "params": params,
        "cookies": request.cookies,
        "agent": request.headers.get("user-agent"),
    }


async def client(request):
    return list(request.client)


async def raw_bytes(request):
    return b"\x00\xff"


async def listing(request):
    return [1, 2, 3]


async def custom(request):
    response = Response("<p>hi</p>", code=201, content_type="text/html")
    response.add_header("Set-Cookie", "a=1")
    response.add_header("Set-Cookie", "b=2")
    return response


async def chunks(request):
    async def produce():
        for index in range(3):
            yield f"part{index};"
            await asyncio.sleep(0)

    return Response(produce(), content_type="text/plain")


async def streamed_length(request):
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
    return str(total)


async def boom(request):
    raise RuntimeError("secret internal detail")


async def teapot(request):
    raise HTTPError(418, "short and stout")


async def returns_none(request):
    return None


def make_router():
    router = Router()
    router.add_routes(
        {
            "/": hello,
            "/echo": echo,
            "/form": form,
            "/info/{name}": info,
            "/bytes": raw_bytes,
            "/client": client,
            "/list": listing,
            "/custom": custom,
            "/chunks": chunks,
            "/stream": streamed_length,
            "/boom": boom,
            "/teapot": teapot,
            "/none": returns_none,
            "/unencodable": unencodable,
            "/dir/": hello,
        }
    )
    router.add_route("/only-get", hello, methods=["GET"])
    return router
