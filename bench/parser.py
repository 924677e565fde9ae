"""Parser speed: sansio_http against h11 and httptools, in one process.

Every implementation parses the same bytes and must produce the same
facts (method, target, version, lowered header fields, body, end of
message) before it is timed: a fast answer that is wrong does not count.
The anchors do the work a real embedder does to get those facts:
httptools through callbacks that collect them as uvicorn's protocol does,
h11 through its ``Connection``. Ours goes through ``parse_into`` with a
parser reused across messages, as a server reuses one per connection.

Rounds are interleaved (each round times every implementation on every
case) so that a noisy neighbour slows all of them alike; the median of
the rounds is reported, as messages per second and as ratios.

    .venv/bin/python bench/parser.py            # full run, about a minute
    .venv/bin/python bench/parser.py --quick    # a rough look
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import h11
import httptools

from sansio_http import (
    Data,
    EndOfMessage,
    Limits,
    Request,
    RequestParser,
    Response,
    ResponseParser,
    parse_into,
)
from sansio_http._readers._fields import FIELD_LINES
from sansio_http._readers._head import REQUEST_LINES

# --- the cases -----------------------------------------------------------------

MINIMAL_GET = b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"

BROWSER_GET = (
    b"GET /articles/2026/11/http-parsing?page=2&sort=recent HTTP/1.1\r\n"
    b"Host: www.example.com\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
    b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8\r\n"
    b"Accept-Language: en-US,en;q=0.5\r\n"
    b"Accept-Encoding: gzip, deflate, br, zstd\r\n"
    b"Referer: https://www.example.com/articles/2026/11/\r\n"
    b"Connection: keep-alive\r\n"
    b"Upgrade-Insecure-Requests: 1\r\n"
    b"Sec-Fetch-Dest: document\r\n"
    b"Sec-Fetch-Mode: navigate\r\n"
    b"Sec-Fetch-Site: same-origin\r\n"
    b"Cookie: " + b"; ".join(b"k%d=%s" % (i, b"v" * 17) for i in range(10))[:200] + b"\r\n"
    b"\r\n"
)

POST_1K = (
    b"POST /api/items HTTP/1.1\r\nHost: api.example.com\r\n"
    b"Content-Type: application/json\r\nContent-Length: 1024\r\n\r\n" + b"x" * 1024
)

CHUNKED_POST = (
    b"POST /upload HTTP/1.1\r\nHost: api.example.com\r\n"
    b"Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    + b"".join(b"64\r\n" + bytes([65 + i]) * 100 + b"\r\n" for i in range(10))
    + b"0\r\nX-Checksum: 0123456789abcdef\r\n\r\n"
)

RESPONSE_2K = (
    b"HTTP/1.1 200 OK\r\n"
    b"Date: Wed, 25 Nov 2026 10:00:00 GMT\r\n"
    b"Server: example/1.0\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n"
    b"Content-Length: 2048\r\n"
    b"Cache-Control: max-age=60\r\n"
    b'ETag: "0123456789abcdef"\r\n'
    b"Vary: Accept-Encoding\r\n"
    b"X-Request-Id: 6f1c2a9e-5b7d-4e0f-9a1b-3c5d7e9f1a2b\r\n"
    b"\r\n" + b"<" * 2048
)

PIPELINE_COUNT = 100


def unique_browser_gets(count: int) -> bytes:
    """``count`` heads like (b) in which no line repeats: nothing can be looked up."""
    heads = []
    for number in range(count):
        lines = BROWSER_GET.split(b"\r\n")
        # A unique start line, and every field value made unique.
        first = lines[0].replace(b"page=2", b"page=%d" % number)
        fields = [line + b"-%d" % number for line in lines[1:-2]]
        heads.append(b"\r\n".join([first, *fields, b"", b""]))
    return b"".join(heads)


def with_request_ids(count: int) -> bytes:
    """``count`` heads (b) told apart by one field, as a proxy's request id does."""
    head = BROWSER_GET[:-2]
    return b"".join(head + b"X-Request-Id: %032x\r\n\r\n" % number for number in range(count))


@dataclass(frozen=True)
class Case:
    label: str
    title: str
    data: bytes
    messages: int
    response: bool = False
    byte_at_a_time: bool = False
    #: Forget the lines parsed before each run: the cost of a head never seen.
    cold: bool = False


CASES = [
    Case("a", "minimal GET", MINIMAL_GET, 1),
    Case("b", "browser GET, 12 headers", BROWSER_GET, 1),
    Case("c", "POST, 1 KiB body", POST_1K, 1),
    Case("d", "chunked POST, 10x100 B + trailer", CHUNKED_POST, 1),
    Case("e", f"{PIPELINE_COUNT} pipelined (b)", BROWSER_GET * PIPELINE_COUNT, PIPELINE_COUNT),
    Case("f", "(b) one byte per call", BROWSER_GET, 1, byte_at_a_time=True),
    Case(
        "g",
        f"{PIPELINE_COUNT} (b), each with a new X-Request-Id",
        with_request_ids(PIPELINE_COUNT),
        PIPELINE_COUNT,
        cold=True,
    ),
    Case(
        "h",
        f"{PIPELINE_COUNT} (b), every line new",
        unique_browser_gets(PIPELINE_COUNT),
        PIPELINE_COUNT,
        cold=True,
    ),
    Case("r", "200 response, 8 headers, 2 KiB", RESPONSE_2K, 1, response=True),
]


@dataclass
class Message:
    """The facts every implementation must extract, to compare them."""

    method: bytes
    target: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes
    trailers: list[tuple[bytes, bytes]]


# --- ours ------------------------------------------------------------------------


def ours_requests(case: Case) -> Callable[[], list[Message]]:
    parser = RequestParser()
    pieces = [case.data[i : i + 1] for i in range(len(case.data))]

    def run() -> list[Message]:
        messages: list[Message] = []
        if case.cold:
            FIELD_LINES.clear()
            REQUEST_LINES.clear()
        if case.byte_at_a_time:
            buffer = bytearray()
            events = []
            for piece in pieces:
                buffer += piece
                events += parse_into(parser, buffer)
        else:
            events = parse_into(parser, bytearray(case.data))
        body: list[bytes] = []
        for event in events:
            kind = type(event)
            if kind is Request:
                head = event
                body = []
            elif kind is Data:
                body.append(event.data)
            elif kind is EndOfMessage:
                messages.append(
                    Message(
                        head.method,
                        head.target,
                        list(head.headers),
                        b"".join(body),
                        list(event.headers),
                    )
                )
        return messages

    return run


def ours_response(case: Case) -> Callable[[], list[Message]]:
    parser = ResponseParser()

    def run() -> list[Message]:
        parser.expect_response_to(b"GET")
        messages: list[Message] = []
        body: list[bytes] = []
        for event in parse_into(parser, bytearray(case.data)):
            kind = type(event)
            if kind is Response:
                head = event
            elif kind is Data:
                body.append(event.data)
            elif kind is EndOfMessage:
                messages.append(
                    Message(
                        b"%d" % head.status_code,
                        b"",
                        list(head.headers),
                        b"".join(body),
                        list(event.headers),
                    )
                )
        return messages

    return run


# --- httptools ---------------------------------------------------------------------


class _HttptoolsProtocol:
    """Collects what uvicorn's httptools protocol collects per request."""

    def __init__(self) -> None:
        self.parser: httptools.HttpRequestParser | httptools.HttpResponseParser
        self.messages: list[Message] = []
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.fields = self.headers
        self.trailers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.method = b""
        self.version = ""
        self.keep_alive = True

    def on_message_begin(self) -> None:
        self.url = b""
        self.headers = self.fields = []
        self.trailers = []
        self.body = []

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        # Trailer fields arrive through on_header too, after the head.
        self.fields.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        parser = self.parser
        if isinstance(parser, httptools.HttpRequestParser):
            self.method = parser.get_method()
        else:
            self.method = b"%d" % parser.get_status_code()
        self.version = parser.get_http_version()
        self.keep_alive = parser.should_keep_alive()
        self.fields = self.trailers

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.messages.append(
            Message(self.method, self.url, self.headers, b"".join(self.body), self.trailers)
        )


def httptools_run(case: Case) -> Callable[[], list[Message]]:
    protocol = _HttptoolsProtocol()
    if case.response:
        parser = httptools.HttpResponseParser(protocol)
    else:
        parser = httptools.HttpRequestParser(protocol)
    protocol.parser = parser
    pieces = [case.data[i : i + 1] for i in range(len(case.data))]

    def run() -> list[Message]:
        protocol.messages = []
        if case.byte_at_a_time:
            for piece in pieces:
                parser.feed_data(piece)
        else:
            parser.feed_data(case.data)
        return protocol.messages

    return run


# --- h11 ----------------------------------------------------------------------------


def h11_run(case: Case) -> Callable[[], list[Message]]:
    pieces = [case.data[i : i + 1] for i in range(len(case.data))]

    def run() -> list[Message]:
        messages: list[Message] = []
        if case.response:
            conn = h11.Connection(h11.CLIENT)
            conn.send(h11.Request(method="GET", target="/", headers=[("Host", "example.com")]))
            conn.send(h11.EndOfMessage())
        else:
            conn = h11.Connection(h11.SERVER)
        feeds = pieces if case.byte_at_a_time else [case.data]
        body: list[bytes] = []
        for feed in feeds:
            conn.receive_data(feed)
            while True:
                event = conn.next_event()
                if event is h11.NEED_DATA or event is h11.PAUSED:
                    break
                kind = type(event)
                if kind is h11.Request or kind is h11.Response:
                    head = event
                    body = []
                elif kind is h11.Data:
                    body.append(bytes(event.data))
                elif kind is h11.EndOfMessage:
                    first = b"%d" % head.status_code if case.response else bytes(head.method)
                    target = b"" if case.response else bytes(head.target)
                    messages.append(
                        Message(
                            first,
                            target,
                            [(n, v) for n, v in head.headers],
                            b"".join(body),
                            [(n, v) for n, v in event.headers],
                        )
                    )
                    if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
                        conn.start_next_cycle()
                    elif conn.their_state is h11.DONE:
                        # A server must answer before h11 reads the next
                        # pipelined request; answer with the smallest response.
                        conn.send(h11.Response(status_code=204, headers=[]))
                        conn.send(h11.EndOfMessage())
                        conn.start_next_cycle()
        return messages

    return run


IMPLEMENTATIONS: dict[str, Callable[[Case], Callable[[], list[Message]]]] = {
    "sansio_http": lambda case: ours_response(case) if case.response else ours_requests(case),
    "h11": h11_run,
    "httptools": httptools_run,
}


def _normalized(messages: list[Message]) -> list[tuple[object, ...]]:
    return [
        (m.method, m.target, [(n.lower(), v) for n, v in m.headers], m.body, m.trailers)
        for m in messages
    ]


def check(case: Case) -> None:
    """Every implementation extracts the same facts from the case."""
    results = {name: _normalized(make(case)()) for name, make in IMPLEMENTATIONS.items()}
    reference = results["httptools"]
    if len(reference) != case.messages:
        raise SystemExit(f"case {case.label}: httptools saw {len(reference)} messages")
    for name, result in results.items():
        if result != reference:
            raise SystemExit(f"case {case.label}: {name} disagrees with httptools")


def time_once(run: Callable[[], object], iterations: int) -> float:
    """Seconds per call of ``run``, over ``iterations`` calls."""
    start = time.perf_counter()
    for _ in range(iterations):
        run()
    return (time.perf_counter() - start) / iterations


def iterations_for(run: Callable[[], object], budget: float) -> int:
    """How many calls fill about ``budget`` seconds."""
    once = time_once(run, 3)
    return max(1, int(budget / max(once, 1e-7)))


def bench_cases(rounds: int, budget: float) -> dict[tuple[str, str], float]:
    """Median seconds per message, keyed by (implementation, case label)."""
    runs = {
        (name, case.label): (make(case), case)
        for case in CASES
        for name, make in IMPLEMENTATIONS.items()
    }
    counts = {key: iterations_for(run, budget) for key, (run, _) in runs.items()}
    samples: dict[tuple[str, str], list[float]] = {key: [] for key in runs}
    for _ in range(rounds):
        gc.collect()
        for key, (run, case) in runs.items():
            samples[key].append(time_once(run, counts[key]) / case.messages)
    return {key: statistics.median(values) for key, values in samples.items()}


def bench_linear(rounds: int) -> list[tuple[int, float]]:
    """ns per byte for one header of 1 KiB and 64 KiB fed a byte at a time."""
    limits = Limits(max_header_line=128 * 1024, max_header_block=128 * 1024)
    results = []
    for size in (1024, 64 * 1024):
        message = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"v" * size + b"\r\n\r\n"
        pieces = [message[i : i + 1] for i in range(len(message))]

        def run(pieces: list[bytes] = pieces) -> None:
            parser = RequestParser(limits)
            buffer = bytearray()
            for piece in pieces:
                buffer += piece
                if parse_into(parser, buffer):
                    return
            raise SystemExit("the big header was not parsed")

        timings = []
        for _ in range(rounds):
            timings.append(time_once(run, 1) / len(message) * 1e9)
        results.append((size, statistics.median(timings)))
    return results


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    options = arguments.parse_args()
    rounds, budget = (3, 0.05) if options.quick else (9, 0.2)

    for case in CASES:
        check(case)
    medians = bench_cases(rounds, budget)

    print(
        f"Python {sys.version.split()[0]}, h11 {h11.__version__}, httptools {httptools.__version__}"
    )
    print(f"median of {rounds} interleaved rounds; messages per second (higher is better)\n")
    header = f"{'case':<40} {'sansio_http':>12} {'h11':>10} {'httptools':>10} {'x h11':>7} {'x httptools':>12}"
    print(header)
    print("-" * len(header))
    for case in CASES:
        ours = medians[("sansio_http", case.label)]
        anchor_h11 = medians[("h11", case.label)]
        anchor_httptools = medians[("httptools", case.label)]
        print(
            f"({case.label}) {case.title:<36} {1 / ours:>12,.0f} {1 / anchor_h11:>10,.0f} "
            f"{1 / anchor_httptools:>10,.0f} {anchor_h11 / ours:>7.2f} {anchor_httptools / ours:>12.2f}"
        )
    linear = bench_linear(3 if options.quick else 5)
    print("\none header fed a byte at a time (sansio_http): ns per byte")
    for size, ns in linear:
        print(f"  {size // 1024:>3} KiB header: {ns:8.1f} ns/byte")
    print(f"  growth 1 KiB -> 64 KiB: {linear[1][1] / linear[0][1]:.2f}x (linear is 1.0x)")


if __name__ == "__main__":
    main()
