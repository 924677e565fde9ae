"""The app our server runs in ``bench/server.py``: the article's API, a few routes."""

from __future__ import annotations

from asyncio_adapter import App, Request
from router import Router


async def hello(request: Request) -> str:
    return "Hello, world!"


async def welcome(request: Request, name: str) -> str:
    return f"Welcome {name}"


async def user(request: Request, id: int) -> dict[str, int]:
    return {"id": id}


async def form(request: Request) -> str:
    return "form"


router = Router()
router.add_routes(
    {
        "/": hello,
        "/welcome/{name}": welcome,
        "/users/{id:int}": user,
        "/login": form,
        "/static/about": hello,
    }
)
app = App(router)
