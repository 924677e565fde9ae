"""Which peer a request came from when a trusted proxy forwards it.

Off unless ``--proxy-headers`` is given: ``X-Forwarded-For`` is whatever
the client wrote, so it is believed only from a peer in
``--forwarded-allow-ips``. Each trusted proxy appends the address it got
the request from, so reading right to left, the first address that is not
one of our proxies is the client (anything left of it could be forged).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Final

DEFAULT_FORWARDED_ALLOW_IPS: Final = "127.0.0.1"


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


def forwarded_client(
    peer: tuple[str, int] | None, forwarded_for: Iterable[str], trusted: TrustedProxies
) -> tuple[str, int] | None:
    """The client address, from ``X-Forwarded-For`` if ``peer`` is a trusted proxy.

    The port of a forwarded client is unknown and given as 0.
    """
    if peer is None or peer[0] not in trusted:
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    if not hops:
        return peer
    for hop in reversed(hops):
        if hop not in trusted:
            return hop, 0
    return hops[0], 0
