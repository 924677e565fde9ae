"""Which peer a request came from, and over which scheme, when a trusted proxy forwards it.

Off unless ``--proxy-headers`` is given: ``Forwarded`` (RFC 7239),
``X-Forwarded-For`` and ``X-Forwarded-Proto`` are whatever the client
wrote, so they are believed only from a peer in ``--forwarded-allow-ips``.
Each trusted proxy appends the address it got the request from, so reading
right to left, the first address that is not one of our proxies is the
client (anything left of it could be forged).

When a trusted peer sends ``Forwarded``, it is the whole answer and the
``X-Forwarded-*`` fields are ignored: two sources that may disagree are
never mixed. A ``Forwarded`` field that does not parse is ignored as a
whole (the peer stays the client) rather than half-read.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from typing import Final

DEFAULT_FORWARDED_ALLOW_IPS: Final = "127.0.0.1"

#: The schemes ``X-Forwarded-Proto`` and ``proto=`` may set; anything else is ignored.
SCHEMES: Final = frozenset({"http", "https"})

# RFC 7239 §4: forwarded-pair = token "=" value; value = token / quoted-string
# (token and quoted-string as in RFC 9110 §5.6.2 and §5.6.4).
_PAIR: Final = re.compile(
    r"[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(?:([!#$%&'*+.^_`|~0-9A-Za-z-]+)"
    r'|"((?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*)")[ \t]*'
)
_ESCAPE: Final = re.compile(r"\\(.)")

#: (host, port) as the ASGI scope and ``request.client`` give it.
Address = tuple[str, int]


class TrustedProxies:
    """A comma list of addresses, CIDR networks, or ``*`` for every peer."""

    __slots__ = ("_everyone", "_networks")

    def __init__(self, spec: str) -> None:
        entries = [entry.strip() for entry in spec.split(",") if entry.strip()]
        self._everyone = "*" in entries
        self._networks = [
            ipaddress.ip_network(entry, strict=False) for entry in entries if entry != "*"
        ]

    def __contains__(self, host: object) -> bool:
        if self._everyone:
            return True
        if not isinstance(host, str):
            return False
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self._networks)


def _split(values: Iterable[str]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _client_index(hosts: Sequence[str], trusted: TrustedProxies) -> int:
    """The right-most host that is not trusted; the left-most if all are."""
    for index in range(len(hosts) - 1, -1, -1):
        if hosts[index] not in trusted:
            return index
    return 0


def parse_forwarded(values: Iterable[str]) -> list[dict[str, str]]:
    """The elements of RFC 7239 ``Forwarded`` fields, left to right, names lowercased.

    Raises ``ValueError`` on anything the grammar does not allow, a
    parameter named twice in one element included (RFC 7239 §4).
    """
    elements: list[dict[str, str]] = []
    for value in values:
        position = 0
        element: dict[str, str] = {}
        while True:
            pair = _PAIR.match(value, position)
            if pair is None:
                raise ValueError(f"malformed Forwarded field: {value[:40]!r}")
            name = pair.group(1).lower()
            if name in element:
                raise ValueError(f"Forwarded parameter {name!r} given twice in one element")
            token, quoted = pair.group(2), pair.group(3)
            element[name] = token if token is not None else _ESCAPE.sub(r"\1", quoted)
            position = pair.end()
            if position == len(value):
                elements.append(element)
                break
            separator = value[position]
            position += 1
            if separator == ",":
                elements.append(element)
                element = {}
            elif separator != ";":
                raise ValueError(f"malformed Forwarded field: {value[:40]!r}")
    return elements


def _node(text: str) -> Address:
    """An RFC 7239 §6 node: ``192.0.2.43``, ``"[2001:db8::1]:4711"``, ``unknown``, ``_hidden``.

    An obfuscated or unknown node is kept as the text it is, and a node
    without a port gets port 0, as uvicorn gives it. An X-Forwarded-For
    hop is read the same way; a bare IPv6 address there has no port.
    """
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket:
            raise ValueError(f"malformed Forwarded node: {text[:40]!r}")
        port = rest[1:] if rest.startswith(":") else ""
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
    else:
        host, port = text, ""
    return host, int(port) if port.isdigit() else 0


def forwarded_origin(
    peer: Address | None,
    scheme: str,
    *,
    forwarded: Sequence[str],
    x_forwarded_for: Sequence[str],
    x_forwarded_proto: Sequence[str],
    trusted: TrustedProxies,
) -> tuple[Address | None, str]:
    """The client address and scheme as the trusted proxies in front of us saw them.

    ``peer`` and ``scheme`` are what the socket says; they are returned
    unchanged unless ``peer`` is trusted and sent the fields. The client is
    the right-most hop that is not trusted; its scheme is the ``proto`` of
    the same ``Forwarded`` element, or the ``X-Forwarded-Proto`` entry of
    the same hop (a single entry applies to whichever hop is chosen).
    """
    if peer is None or peer[0] not in trusted:
        return peer, scheme
    if forwarded:
        try:
            elements = parse_forwarded(forwarded)
            nodes = [_node(element["for"]) if "for" in element else None for element in elements]
        except ValueError:
            return peer, scheme
        hops = [(node, element) for node, element in zip(nodes, elements, strict=True) if node]
        if not hops:
            return peer, scheme
        node, element = hops[_client_index([node[0] for node, _ in hops], trusted)]
        proto = element.get("proto", "").lower()
        return node, proto if proto in SCHEMES else scheme
    try:
        # A hop may carry a port (``192.0.2.1:4711``, ``[2001:db8::1]:4711``):
        # kept, and left out of the trust check, as in ``Forwarded``.
        addresses = [_node(host) for host in _split(x_forwarded_for)]
    except ValueError:
        return peer, scheme
    protos = [proto.lower() for proto in _split(x_forwarded_proto)]
    client: Address | None = peer
    index = 0
    if addresses:
        index = _client_index([host for host, _ in addresses], trusted)
        client = addresses[index]
    if len(protos) == 1:
        scheme = protos[0] if protos[0] in SCHEMES else scheme
    elif protos and len(protos) == len(addresses) and protos[index] in SCHEMES:
        scheme = protos[index]
    return client, scheme
