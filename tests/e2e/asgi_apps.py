"""Real Starlette and FastAPI applications, and bare ASGI ones, for the bridge's tests."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import BackgroundTasks, FastAPI, Form, HTTPException
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, StreamingResponse
from starlette.routing import Route

#: What background tasks did, for the tests to look at (same process).
DONE: list[str] = []


@contextlib.asynccontextmanager
async def lifespan(app):
    yield {"greeting": "hello from lifespan"}
    DONE.append("shutdown")


async def home(request: Request):
    return PlainTextResponse(request.state.greeting)


async def user(request: Request):
    return JSONResponse(
        {
            "id": request.path_params["user_id"],
            "query": dict(request.query_params.multi_items()),
            "scheme": request.url.scheme,
            "client": request.client.host if request.client else None,
            "raw_path": request.scope["raw_path"].decode(),
            "path": request.url.path,
        }
    )


async def echo_json(request: Request):
    return JSONResponse({"got": await request.json()})


async def form(request: Request):
    data = await request.form()
    return JSONResponse({key: data.getlist(key) for key in data})


async def count(request: Request):
    total = 0
    chunks = 0
    async for chunk in request.stream():
        total += len(chunk)
        chunks += 1
    return JSONResponse({"bytes": total, "chunks": chunks})


async def numbers(request: Request):
    async def produce():
        for index in range(5):
            yield f"{index}\n"
            await asyncio.sleep(0.01)

    return StreamingResponse(produce(), media_type="text/plain")


async def later(request: Request):
    return PlainTextResponse("queued", background=BackgroundTask(DONE.append, "starlette task"))


async def boom(request: Request):
    raise RuntimeError("secret")


starlette_app = Starlette(
    routes=[
        Route("/", home, methods=["GET", "HEAD"]),
        Route("/users/{user_id:int}", user),
        Route("/json", echo_json, methods=["POST"]),
        Route("/form", form, methods=["POST"]),
        Route("/count", count, methods=["POST", "PUT"]),
        Route("/numbers", numbers),
        Route("/later", later),
        Route("/boom", boom),
    ],
    lifespan=lifespan,
)


fastapi_app = FastAPI()


class Item(BaseModel):
    name: str
    price: float


@fastapi_app.get("/items/{item_id}")
async def read_item(item_id: int, q: str | None = None):
    return {"item_id": item_id, "q": q}


@fastapi_app.post("/items")
async def create_item(item: Item):
    return {"name": item.name, "with_tax": round(item.price * 1.2, 2)}


@fastapi_app.post("/login")
async def login(username: str = Form(), password: str = Form()):
    return {"user": username, "length": len(password)}


@fastapi_app.post("/notify")
async def notify(background: BackgroundTasks):
    background.add_task(DONE.append, "fastapi task")
    return {"queued": True}


@fastapi_app.get("/missing")
async def missing():
    raise HTTPException(status_code=404, detail="no such thing")


@fastapi_app.get("/crash")
async def crash():
    raise ValueError("secret")


async def failing_lifespan(scope, receive, send):
    """Refuses to start: the server must stop with this message."""
    message = await receive()
    assert message["type"] == "lifespan.startup"
    await send({"type": "lifespan.startup.failed", "message": "database unreachable"})


async def bare(scope, receive, send):
    """No lifespan support, no Content-Length: the body goes out chunked."""
    if scope["type"] != "http":
        raise RuntimeError("only http")
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 201, "headers": [(b"x-seen", b"yes")]})
    await send({"type": "http.response.body", "body": b"got:", "more_body": True})
    await send({"type": "http.response.body", "body": body})
    disconnect = await receive()
    DONE.append(disconnect["type"])


async def forever(request: Request):
    """A stream that only ends when the client goes: Starlette must stop it then."""

    async def produce():
        for index in range(10_000):  # bounded: about 100 s of chunks
            DONE.append(f"chunk {index}")
            yield b"x" * 1024
            await asyncio.sleep(0.01)

    return StreamingResponse(produce(), media_type="application/octet-stream")


starlette_app.add_route("/forever", forever)
