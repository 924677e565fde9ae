from __future__ import annotations

import pytest

from asyncio_adapter._proxy import TrustedProxies, forwarded_client

PEER = ("127.0.0.1", 4000)


@pytest.mark.parametrize(
    ("spec", "host", "trusted"),
    [
        ("127.0.0.1", "127.0.0.1", True),
        ("127.0.0.1", "127.0.0.2", False),
        ("10.0.0.0/8, 127.0.0.1", "10.2.3.4", True),
        ("::1", "::1", True),
        ("*", "203.0.113.9", True),
        ("*", "not-an-ip", True),
        ("127.0.0.1", "not-an-ip", False),
        ("127.0.0.1", None, False),
    ],
)
def test_trusted_proxies(spec, host, trusted):
    assert (host in TrustedProxies(spec)) is trusted


@pytest.mark.parametrize(
    ("peer", "values", "spec", "client"),
    [
        # an untrusted peer's header is ignored
        (("198.51.100.7", 1), ["203.0.113.1"], "127.0.0.1", ("198.51.100.7", 1)),
        # one trusted hop
        (PEER, ["203.0.113.1"], "127.0.0.1", ("203.0.113.1", 0)),
        # the right-most untrusted address wins over what the client forged to its left
        (PEER, ["6.6.6.6, 203.0.113.1", "10.0.0.2"], "127.0.0.1,10.0.0.0/8", ("203.0.113.1", 0)),
        # every hop trusted: the left-most
        (PEER, ["10.0.0.3, 10.0.0.2"], "127.0.0.1,10.0.0.0/8", ("10.0.0.3", 0)),
        # no header
        (PEER, [], "127.0.0.1", PEER),
        (PEER, [" , "], "127.0.0.1", PEER),
        (None, ["203.0.113.1"], "*", None),
    ],
)
def test_forwarded_client(peer, values, spec, client):
    assert forwarded_client(peer, values, TrustedProxies(spec)) == client
