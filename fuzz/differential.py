"""Differential fuzzing: the same bytes to sansio_http, h11 and httptools.

    .venv/bin/python fuzz/differential.py                   # 20000 requests, 20000 responses
    .venv/bin/python fuzz/differential.py --count 100000 --seed 7
    .venv/bin/python fuzz/differential.py --show CLASS      # every example of one class

Inputs are generated messages (``messages.py``, written by our writer),
the same mutated (octets, lines, start lines, line ends, chunk sizes),
the test cases' bytes, and the fuzzers' working corpus when there is one.
Each input is read by the three parsers, whole; only the first message
counts (a request, or a response with the 1xx heads before it). For each
input the outcome is compared: accepted (the message is complete),
refused (an error), or incomplete (more bytes needed); and for messages
all accept, the method, target, version, status, reason, headers, body
and trailers.

Every disagreement is put in a class (who accepts, who refuses, and our
error message or the field that differs, with the quoted bytes taken
out); the classes are printed with a count and the shortest example.
fuzz/README.md explains each class: fixed, or why ours is right.

httptools cannot be told that a response answers HEAD or CONNECT, so it
only takes part for responses to GET and POST; it has no end-of-input
call either, so a response body that runs until close is incomplete for
all three (none of them was told the peer closed).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import h11
import httptools

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import messages  # noqa: E402
from targets import SEED_SIZE, methods_of  # noqa: E402

import sansio_http  # noqa: E402
from sansio_http import (  # noqa: E402
    CLIENT,
    SERVER,
    Connection,
    Data,
    EndOfMessage,
    InformationalResponse,
    RemoteProtocolError,
    Request,
    RequestWriter,
    Response,
    ResponseWriter,
    State,
    serialize,
)

ACCEPTED, REFUSED, INCOMPLETE, NOT_APPLICABLE = "accepts", "refuses", "incomplete", "n/a"
PARSERS = ("ours", "h11", "httptools")


@dataclass
class Message:
    """The first message of an input, as one parser read it."""

    heads: list[tuple[object, ...]] = field(default_factory=list)
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""
    trailers: list[tuple[bytes, bytes]] = field(default_factory=list)


@dataclass
class Outcome:
    verdict: str
    message: Message | None = None
    reason: str = ""


def _template(text: str) -> str:
    """An error message with what it quotes taken out, so that messages class."""
    text = re.sub(r"b'(?:[^'\\]|\\.)*'(?:\.\.\.)?|b\"(?:[^\"\\]|\\.)*\"(?:\.\.\.)?", "…", text)
    return re.sub(r"\d+", "N", text)[:90]


# --- ours ----------------------------------------------------------------------------


def ours(data: bytes, method: bytes | None) -> Outcome:
    """A SERVER ``Connection`` reading a request, or a CLIENT one that sent ``method``."""
    if method is None:
        conn = Connection(SERVER)
    else:
        conn = Connection(CLIENT)
        target = b"example.com:443" if method == b"CONNECT" else b"/"
        conn.send(Request(method, target, [(b"Host", b"example.com")]))
        conn.send(EndOfMessage())
    message = Message()
    try:
        events = conn.receive_data(data)
        ended = any(isinstance(event, EndOfMessage) for event in events)
        if not ended and conn.their_state is not State.SWITCHED_PROTOCOL:
            events += conn.receive_data(b"")  # the peer closed
    except RemoteProtocolError as error:
        return Outcome(REFUSED, reason=_template(str(error)))
    for event in events:
        if isinstance(event, Request):
            message.heads.append((event.method, event.target, event.http_version))
            message.headers = list(event.headers)
        elif isinstance(event, InformationalResponse | Response):
            message.heads.append((event.status_code, event.reason, event.http_version))
            message.headers = list(event.headers)
        elif isinstance(event, Data):
            message.body += event.data
        elif isinstance(event, EndOfMessage):
            message.trailers = list(event.headers)
            return Outcome(ACCEPTED, message)
    if conn.their_state is State.SWITCHED_PROTOCOL:
        return Outcome(ACCEPTED, message)
    return Outcome(REFUSED, reason="nothing")


# --- h11 -----------------------------------------------------------------------------


def with_h11(data: bytes, method: bytes | None) -> Outcome:
    if method is None:
        conn = h11.Connection(h11.SERVER)
    else:
        conn = h11.Connection(h11.CLIENT)
        target = b"example.com:443" if method == b"CONNECT" else b"/"
        conn.send(h11.Request(method=method, target=target, headers=[(b"Host", b"example.com")]))
        conn.send(h11.EndOfMessage())
    message = Message()
    try:
        conn.receive_data(data)
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(b"")  # the peer closed: the message ends, or is cut off
                continue
            if event is h11.PAUSED:  # the protocol switched after the head
                return Outcome(ACCEPTED if message.heads else REFUSED, message, "paused")
            if isinstance(event, h11.Request):
                message.heads.append((event.method, event.target, event.http_version))
                message.headers = list(event.headers)
            elif isinstance(event, h11.InformationalResponse | h11.Response):
                message.heads.append((event.status_code, event.reason, event.http_version))
                message.headers = list(event.headers)
            elif isinstance(event, h11.Data):
                message.body += bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                message.trailers = list(event.headers)
                return Outcome(ACCEPTED, message)
            else:
                return Outcome(REFUSED, reason="nothing")
    except h11.RemoteProtocolError as error:
        return Outcome(REFUSED, reason=_template(str(error)))


# --- httptools ------------------------------------------------------------------------


class _Collector:
    """The httptools callbacks: collect the first message."""

    def __init__(self) -> None:
        self.message = Message()
        self.target = b""
        self.reason = b""
        self.headers_done = False
        self.complete = False
        self.pending: list[tuple[bytes, bytes]] = []

    def on_url(self, url: bytes) -> None:
        self.target += url

    def on_status(self, status: bytes) -> None:
        self.reason += status

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self.complete:
            self.pending.append((name.lower(), value))

    def on_body(self, body: bytes) -> None:
        if not self.complete:
            self.message.body += body


def with_httptools(data: bytes, method: bytes | None) -> Outcome:
    if method is not None and method not in (b"GET", b"POST"):
        return Outcome(NOT_APPLICABLE)
    collector = _Collector()
    parser: httptools.HttpRequestParser | httptools.HttpResponseParser

    def on_headers_complete() -> None:
        if collector.complete:
            return
        collector.message.headers = collector.pending
        collector.pending = []
        collector.headers_done = True
        version = parser.get_http_version().encode()
        if method is None:
            assert isinstance(parser, httptools.HttpRequestParser)
            collector.message.heads.append((parser.get_method(), collector.target, version))
        else:
            assert isinstance(parser, httptools.HttpResponseParser)
            collector.message.heads.append((parser.get_status_code(), collector.reason, version))
            collector.reason = b""

    def on_message_complete() -> None:
        if collector.complete:
            return
        heads = collector.message.heads
        if method is not None and heads and 100 <= heads[-1][0] < 200 and heads[-1][0] != 101:  # type: ignore[operator]
            return  # an interim response: the final one follows
        collector.message.trailers = collector.pending
        collector.complete = True

    collector.on_headers_complete = on_headers_complete  # type: ignore[attr-defined]
    collector.on_message_complete = on_message_complete  # type: ignore[attr-defined]
    parser = (
        httptools.HttpRequestParser(collector)
        if method is None
        else httptools.HttpResponseParser(collector)
    )
    try:
        parser.feed_data(data)
    except httptools.HttpParserUpgrade:
        if collector.headers_done:
            collector.complete = True
    except httptools.HttpParserError as error:
        if not collector.complete:
            return Outcome(REFUSED, reason=f"{type(error).__name__}: {_template(str(error))}")
    if collector.complete:
        return Outcome(ACCEPTED, collector.message)
    fields = dict(collector.message.headers)
    # httptools frames by chunked when the last list element is chunked
    # (a trailing tab it keeps is for the ows-around-values rule);
    # ``gzip, \x80chunked`` it reads until close, as we do.
    final_coding = fields.get(b"transfer-encoding", b"").lower().rsplit(b",", 1)[-1]
    framed = b"content-length" in fields or final_coding.strip(b" \t") == b"chunked"
    heads = collector.message.heads
    final = method is not None and bool(heads) and not 100 <= heads[-1][0] < 200  # type: ignore[operator]
    if collector.headers_done and final and not framed:
        # httptools has no end-of-input call: a body that runs until close
        # would end here, as the others' do.
        return Outcome(ACCEPTED, collector.message)
    return Outcome(REFUSED, reason="cut off")


READERS: dict[str, Callable[[bytes, bytes | None], Outcome]] = {
    "ours": ours,
    "h11": with_h11,
    "httptools": with_httptools,
}


# --- inputs ---------------------------------------------------------------------------

OCTETS = b'\x00\t\n\r ,:;"\x0b\x0c\x7f\x80\xff09aA/%'
HEADER_LINES = [
    b"Content-Length: 5",
    b"Content-Length: 05",
    b"Content-Length: +5",
    b"Content-Length: 5, 5",
    b"Content-Length:",
    b"Content-Length: 99999999999999999999",
    b"Transfer-Encoding: chunked",
    b"Transfer-Encoding: Chunked",
    b"Transfer-Encoding: gzip",
    b"Transfer-Encoding: gzip, chunked",
    b"Transfer-Encoding: chunked, identity",
    b"Transfer-Encoding: identity",
    b"Transfer-Encoding: \x0bchunked",
    b"Transfer-Encoding : chunked",
    b" folded: continuation",
    b"\tfolded: continuation",
    b"Host: example.com",
    b"Host: a b",
    b"Host: a@b",
    b"Host:",
    b"Connection: close",
    b"Connection: keep-alive, Upgrade",
    b"Upgrade: websocket",
    b"Expect: 100-continue",
    b"X: caf\xe9",
    b"X-Empty:",
    b"X:\x00",
    b": no-name",
    b"no colon",
    b"X(y): z",
]
START_LINES = [
    b"GET / HTTP/1.0",
    b"GET / HTTP/1.2",
    b"GET / HTTP/2.0",
    b"GET / HTTP/0.9",
    b"GET / HTTP/1.10",
    b"GET / http/1.1",
    b"GET / HTTP/1.1 ",
    b"GET  / HTTP/1.1",
    b"get / HTTP/1.1",
    b"G(T / HTTP/1.1",
    b"GET * HTTP/1.1",
    b"OPTIONS * HTTP/1.1",
    b"GET //a HTTP/1.1",
    b"GET /a b HTTP/1.1",
    b"GET /%zz HTTP/1.1",
    b"GET /\xe9 HTTP/1.1",
    b"GET /a#f HTTP/1.1",
    b"GET http://a/b HTTP/1.1",
    b"GET a:1 HTTP/1.1",
    b"CONNECT a:1 HTTP/1.1",
    b"CONNECT / HTTP/1.1",
    b"GET /",
    b"HTTP/1.1 200 OK",
    b"HTTP/1.1 200",
    b"HTTP/1.1 200 ",
    b"HTTP/1.0 200 OK",
    b"HTTP/1.1 099 Low",
    b"HTTP/1.1 600 High",
    b"HTTP/1.1 20 OK",
    b"HTTP/1.1 100 Continue",
    b"HTTP/1.1 101 Switching Protocols",
    b"HTTP/1.1 204 No Content",
    b"HTTP/1.1 304 Not Modified",
    b"HTTP/2 200 OK",
]
CHUNK_LINES = [b"5 ", b"0x5", b"05", b"5;a=b", b'5;a="q"', b"5;", b"-5", b"fffffffffffffffff", b""]


def mutate(data: bytes, generator: random.Random) -> bytes:
    """``data`` with one mutation of a kind an attacker tries (one: so that a
    disagreement has one cause)."""
    mutable = bytearray(data)
    for _ in range(1):
        kind = generator.randrange(6)
        lines = bytes(mutable).split(b"\r\n")
        if kind == 0:
            position = generator.randrange(len(mutable) + 1)
            octet = OCTETS[generator.randrange(len(OCTETS))]
            action = generator.randrange(3)
            if action == 0 or position == len(mutable):
                mutable.insert(position, octet)
            elif action == 1:
                del mutable[position]
            else:
                mutable[position] = octet
            continue
        if kind == 1:
            head_end = lines.index(b"") if b"" in lines else len(lines)
            lines.insert(generator.randint(1, max(head_end, 1)), generator.choice(HEADER_LINES))
        elif kind == 2:
            lines[0] = generator.choice(START_LINES)
        elif kind == 3 and len(lines) > 1:
            index = generator.randrange(len(lines) - 1)
            ending = generator.choice([b"\n", b"\r", b"\r\r\n", b"\n\r"])
            lines[index] = lines[index] + ending + lines.pop(index + 1)
        elif kind == 4 and len(lines) > 2:
            index = generator.randrange(1, len(lines) - 1)
            lines.insert(index, lines[index])
        elif kind == 5:
            chunk_lines = [
                i for i, line in enumerate(lines) if re.fullmatch(rb"[0-9a-fA-F]+", line)
            ]
            if chunk_lines:
                lines[generator.choice(chunk_lines)] = generator.choice(CHUNK_LINES)
        mutable = bytearray(b"\r\n".join(lines))
    return bytes(mutable)


def generated(count: int, seed: int, *, responses: bool) -> Iterator[tuple[bytes, bytes | None]]:
    """(bytes, method answered or None) for ``count`` generated or mutated messages."""
    generator = random.Random(seed)
    for index in range(count):
        source = messages.RandomSource(generator.randbytes(8))
        try:
            if responses:
                method = source.pick((b"GET", b"POST", b"HEAD", b"CONNECT"))
                message = messages.response(source, method)
                writer: RequestWriter | ResponseWriter = ResponseWriter()
                assert isinstance(writer, ResponseWriter)
                writer.request_method = method
            else:
                method = None
                message = messages.request(source)
                writer = RequestWriter()
            data = b"".join(serialize(event, writer) for event in message.events())
        except sansio_http.LocalProtocolError:
            continue
        yield (data if index % 4 == 0 else mutate(data, generator)), method


def from_tests() -> Iterator[tuple[bytes, bytes | None]]:
    from seeds import requests, responses

    for data in requests():
        yield data, None
    for methods, data in responses():
        yield data, methods[0] if methods else b"GET"


def from_corpus() -> Iterator[tuple[bytes, bytes | None]]:
    """The fuzzers' working corpus, without the bytes that steer the targets."""
    for target, responses in (("request_parser", False), ("response_parser", True)):
        folder = HERE / "corpus-work" / target
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            data = path.read_bytes()[SEED_SIZE:]
            if responses:
                methods = methods_of(data[0]) if data else []
                yield data[1:], methods[0] if methods else b"GET"
            else:
                yield data, None


# --- comparing ------------------------------------------------------------------------


def classify(data: bytes, method: bytes | None) -> list[str]:
    """The classes of disagreement of one input, one per other parser that disagrees.

    A class says who refuses and why: our error message when we refuse,
    the other's when it does, the differing field when both accept.
    """
    outcomes = {name: read(data, method) for name, read in READERS.items()}
    mine = outcomes["ours"]
    if method is None:
        kind = "request"
    else:
        # Whether the response can have a body at all changes which rules apply.
        kind = "response" if method in (b"GET", b"POST") else f"response to {method.decode()}"
    classes = []
    for name in ("h11", "httptools"):
        theirs = outcomes[name]
        if theirs.verdict == NOT_APPLICABLE:
            continue
        if theirs.verdict != mine.verdict:
            refuser = mine if mine.verdict == REFUSED else theirs
            who = "we refuse" if mine.verdict == REFUSED else "we accept"
            classes.append(f"{kind} | {name} | {who}, {name} {theirs.verdict} | {refuser.reason}")
        elif mine.message is not None and theirs.message is not None:
            for what in ("heads", "headers", "body", "trailers"):
                if getattr(mine.message, what) != getattr(theirs.message, what):
                    classes.append(f"{kind} | {name} | both accept | {what} differ")
    return classes


# --- the classes explained ----------------------------------------------------------

#: Why a disagreement is what it should be: (rule, pattern on the class, test on the
#: input or None). The rules are the rows of the table in fuzz/README.md; a class
#: that no rule explains is printed as UNEXPLAINED and the run exits non-zero.
_BARE_LF = re.compile(rb"(?<!\r)\n")
_OBS_FOLD = re.compile(rb"\r\n[ \t]")
_CODING_WITH_OWS = re.compile(rb"(?i)\r\ntransfer-encoding:[^\r]*[ \t]\r\n")
_CODING_ENDS_EMPTY = re.compile(rb"(?i)\r\ntransfer-encoding:[^\r]*,[ \t]*\r\n")
_TRAILER_FRAMING = re.compile(
    rb"(?i)\r\n0+\r\n(?:[^\r\n]*\r\n)*?(?:transfer-encoding|content-length):"
)


def _framing_field_in_trailers(name: str, data: bytes) -> bool:
    """Whether a framing field comes in a trailer section: after a last chunk."""
    return bool(_TRAILER_FRAMING.search(data))


def _framing_without_body(name: str, data: bytes) -> bool:
    """Whether a framing field sits in a head that has no body: a response to
    HEAD or CONNECT, a 204 or 304, or a 1xx before the final response."""
    if name.startswith(("response to HEAD", "response to CONNECT")):
        return True
    for head in data.lower().split(b"\r\n\r\n"):
        if not head.startswith(b"http/"):
            continue
        status = head[9:12]
        if status[:1] == b"1" and (b"\r\ncontent-length" in head or b"\r\ntransfer-enc" in head):
            return True
        if status[:1] != b"1":
            return status in (b"204", b"304")
    return False


RULES: list[tuple[str, str, Callable[[str, bytes], bool] | None]] = [
    ("bare-lf", r"bare LF", None),
    (
        "httptools-upgrade-body",
        r"\| httptools \|.*(body differ|trailers differ|chunk|peer closed|without a colon)",
        lambda _, data: b"upgrade" in data.lower(),
    ),
    ("bare-lf", r"the peer closed the connection", lambda _, data: bool(_BARE_LF.search(data))),
    ("head-ends-with-crlf", r"in the middle of a head", lambda _, data: data.endswith(b"\r")),
    ("control-octets", r"control character|bare CR", None),
    ("obs-fold", r"obs-fold", None),
    (
        "obs-fold-in-responses",
        r"^response.*(whitespace after header value|Invalid header value char)",
        lambda _, data: bool(_OBS_FOLD.search(data)),
    ),
    ("host", r"(?i)host header", None),
    ("request-target", r"request target|asterisk target|CONNECT target|authority-form", None),
    ("request-line", r"whitespace in the request line|malformed request line", None),
    ("http-version", r"HTTP version N.x is not supported", None),
    ("minor-version", r"h11 \| both accept \| heads differ|Invalid HTTP version", None),
    ("te-and-cl", r"both Transfer-Encoding and Content-Length", None),
    ("cl-repeated", r"more than one content-length|invalid Content-Length", None),
    ("te-in-http-1.0", r"Transfer-Encoding in an HTTP/N.N", None),
    ("te-request-501", r"transfer coding … is not implemented", None),
    ("te-request-final", r"does not end in chunked", None),
    ("te-chunked-twice", r"chunked applied more than once", None),
    ("te-response-chunked-not-final (fixed)", r"invalid Transfer-Encoding", None),
    ("te-response-unknown (fixed)", r"unknown transfer coding", None),
    ("te-response-empty", r"^response \| httptools .*Empty Transfer-Encoding", None),
    ("connect-content (fixed)", r"a CONNECT request has no content", None),
    ("status-range", r"invalid status code", None),
    ("101-not-asked", r"Switching Protocols without an Upgrade request", None),
    ("chunk-grammar", r"malformed chunk-size line|chunk size is too large", None),
    ("methods", r"Invalid method encountered|Expected space after method", None),
    ("absolute-form", r"Unexpected char in url schema", None),
    ("empty-lines", r"no request line received|no response line received", None),
    (
        "no-body-framing",
        r"^response.*(Content-Length|content-length|Transfer-Encoding)",
        _framing_without_body,
    ),
    (
        "trailer-framing-fields",
        r"\| httptools \| we accept.*(Transfer-Encoding|Content-Length)",
        _framing_field_in_trailers,
    ),
    ("te-response-codings", r"^response \| h11 .*Only Transfer-Encoding: chunked", None),
    ("te-list-elements", r"^request \| h11 .*Only Transfer-Encoding: chunked", None),
    (
        # httptools takes "chunked," as a last coding that is not chunked.
        "te-list-elements",
        r"^response \| httptools \| both accept \| body differ",
        lambda _, data: bool(_CODING_ENDS_EMPTY.search(data)),
    ),
    ("te-lines-combined", r"multiple Transfer-Encoding headers", None),
    ("cl-leading-zeros", r"^request \| h11 .*bad Content-Length", None),
    ("chunk-extensions", r"illegal chunk header|Invalid character in chunk size", None),
    ("1xx-connection-close", r"Data after `Connection: close`", None),
    ("te-value-case", r"h11 \| both accept \| headers differ", None),
    ("ows-around-values", r"httptools \| both accept \| (headers|trailers) differ", None),
    (
        # httptools keeps the tab of "chunked\t", takes the body for one that
        # runs until close, and (told of no close) never ends it.
        "ows-around-values",
        r"\| httptools \|.*cut off",
        lambda _, data: bool(_CODING_WITH_OWS.search(data)),
    ),
]


def explain(name: str, data: bytes) -> str:
    """The rule that explains the class ``name`` for this input."""
    for rule, pattern, test in RULES:
        if re.search(pattern, name) and (test is None or test(name, data)):
            return rule
    return "UNEXPLAINED"


def main(arguments: list[str]) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--count", type=int, default=20000, help="generated inputs of each kind")
    options.add_argument("--seed", type=int, default=9112)
    options.add_argument("--show", help="print every example of the classes containing this text")
    options.add_argument("--no-corpus", action="store_true", help="leave the working corpus out")
    settings = options.parse_args(arguments)
    started = time.monotonic()
    inputs = [
        *from_tests(),
        *generated(settings.count, settings.seed, responses=False),
        *generated(settings.count, settings.seed + 1, responses=True),
        *([] if settings.no_corpus else from_corpus()),
    ]
    classes: dict[str, list[bytes]] = {}
    tally = {"agree": 0, "disagree": 0}
    explained: dict[str, dict[str, int]] = {}
    for data, method in inputs:
        found = classify(data, method)
        tally["disagree" if found else "agree"] += 1
        for name in found:
            rule = explain(name, data)
            classes.setdefault(f"{rule} :: {name}", []).append(data)
            per_rule = explained.setdefault(rule, {})
            per_rule[name] = per_rule.get(name, 0) + 1
    elapsed = time.monotonic() - started
    print(f"{len(inputs)} inputs in {elapsed:.0f} s: {tally}")
    print(f"{len(classes)} classes of disagreement, {len(explained)} rules\n")
    for name, examples in sorted(classes.items(), key=lambda item: -len(item[1])):
        shortest = min(examples, key=len)
        print(f"{len(examples):6}  {name}\n        e.g. {shortest[:160]!r}")
        if settings.show and settings.show in name:
            for example in sorted(examples, key=len)[:20]:
                print(f"          {example[:200]!r}")
    print('\nby rule (fuzz/README.md, "Differential fuzzing"):')
    for rule, names in sorted(explained.items()):
        opponents = sorted({name.split(" | ")[1] for name in names})
        print(f"{sum(names.values()):7}  {rule:<32} {', '.join(opponents)}")
    return 1 if "UNEXPLAINED" in explained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
