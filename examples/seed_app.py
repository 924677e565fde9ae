"""The article's example application, with only its imports changed.

Run it with ``make run`` (or ``python examples/seed_app.py``) and try::

    curl http://127.0.0.1:8080/
    curl http://127.0.0.1:8080/welcome/Ada
    curl -d 'name=ada&password=secret' http://127.0.0.1:8080/login
"""

from __future__ import annotations

from asyncio_adapter import App, Request, Response
from router import Router


async def home(r: Request) -> Response:
    rsp = Response()
    rsp.set_header("Content-Type", "text/html")
    rsp.body = "<html><body><b>test</b></body></html>"
    return rsp


async def welcome(r: Request, name: str) -> str:
    return f"Welcome {name}"


async def parse_form(r: Request) -> str:
    if r.method == "GET":
        return "form"
    else:
        name = r.body.get("name", "")[0]
        password = r.body.get("password", "")[0]
        return f"{name}:{password}"


router = Router()
router.add_routes({"/": home, "/welcome/{name}": welcome, "/login": parse_form})
app = App(router)

if __name__ == "__main__":
    app.start_server()
