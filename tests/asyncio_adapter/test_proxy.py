from __future__ import annotations

import pytest

from asyncio_adapter._proxy import (
    TrustedProxies,
    forwarded_origin,
    parse_forwarded,
)

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
    assert origin(peer, xff=values, spec=spec)[0] == client


@pytest.mark.parametrize(
    ("values", "client"),
    [
        (["203.0.113.1:4711"], ("203.0.113.1", 4711)),
        (["[2001:db8::1]:4711"], ("2001:db8::1", 4711)),
        (["2001:db8::1"], ("2001:db8::1", 0)),
        # a trusted proxy with a port is still recognised as trusted
        (["203.0.113.1, 127.0.0.1:8080"], ("203.0.113.1", 0)),
        # a hop that does not parse: the whole field is ignored
        (["[2001:db8::1"], PEER),
    ],
)
def test_x_forwarded_for_hops_with_ports(values, client):
    assert origin(xff=values)[0] == client


def origin(peer=PEER, scheme="http", *, forwarded=(), xff=(), proto=(), spec="127.0.0.1"):
    return forwarded_origin(
        peer,
        scheme,
        forwarded=list(forwarded),
        x_forwarded_for=list(xff),
        x_forwarded_proto=list(proto),
        trusted=TrustedProxies(spec),
    )


@pytest.mark.parametrize(
    ("values", "elements"),
    [
        (
            ["for=192.0.2.60;proto=http;by=203.0.113.43"],
            [{"for": "192.0.2.60", "proto": "http", "by": "203.0.113.43"}],
        ),
        (['For="[2001:db8:cafe::17]:4711"'], [{"for": "[2001:db8:cafe::17]:4711"}]),
        (["for=192.0.2.43, for=198.51.100.17"], [{"for": "192.0.2.43"}, {"for": "198.51.100.17"}]),
        (
            ["for=192.0.2.43", "for=198.51.100.17;proto=https"],
            [{"for": "192.0.2.43"}, {"for": "198.51.100.17", "proto": "https"}],
        ),
        (['for="_gazonk"'], [{"for": "_gazonk"}]),
        (['for="a\\"b"'], [{"for": 'a"b'}]),
    ],
)
def test_parse_forwarded(values, elements):
    assert parse_forwarded(values) == elements


@pytest.mark.parametrize(
    "value",
    [
        "for",
        "for=",
        "for=a;;proto=b",
        "for=[::1]",
        'for="unterminated',
        "for=a;for=b",
        "for=a b",
        "",
    ],
)
def test_parse_forwarded_refuses_what_rfc_7239_does_not_allow(value):
    with pytest.raises(ValueError, match="Forwarded"):
        parse_forwarded([value])


@pytest.mark.parametrize(
    ("kwargs", "result"),
    [
        # nothing forwarded: the socket's view
        ({}, (PEER, "http")),
        # an untrusted peer's fields are all ignored
        (
            {"peer": ("198.51.100.7", 1), "xff": ["203.0.113.1"], "proto": ["https"]},
            (("198.51.100.7", 1), "http"),
        ),
        (
            {"peer": ("198.51.100.7", 1), "forwarded": ["for=203.0.113.1;proto=https"]},
            (("198.51.100.7", 1), "http"),
        ),
        # X-Forwarded-For and -Proto from a trusted peer
        ({"xff": ["203.0.113.1"], "proto": ["https"]}, (("203.0.113.1", 0), "https")),
        ({"proto": ["HTTPS"]}, (PEER, "https")),
        ({"proto": ["gopher"]}, (PEER, "http")),
        # one proto per hop: the chosen hop's
        (
            {
                "xff": ["203.0.113.1, 10.0.0.2"],
                "proto": ["https, http"],
                "spec": "127.0.0.1,10.0.0.0/8",
            },
            (("203.0.113.1", 0), "https"),
        ),
        # a count that does not match the hops: ignored
        (
            {"xff": ["203.0.113.1, 10.0.0.2"], "proto": ["https, http, http"]},
            (("10.0.0.2", 0), "http"),
        ),
        # RFC 7239: the right-most untrusted element, its port and its proto
        (
            {
                "forwarded": [
                    'for=6.6.6.6;proto=http, for="203.0.113.1:4711";proto=https, for=10.0.0.2'
                ],
                "spec": "127.0.0.1,10.0.0.0/8",
            },
            (("203.0.113.1", 4711), "https"),
        ),
        ({"forwarded": ['for="[2001:db8::1]:80";proto=https']}, (("2001:db8::1", 80), "https")),
        ({"forwarded": ["for=unknown"]}, (("unknown", 0), "http")),
        # Forwarded wins over the X-Forwarded-* fields
        (
            {"forwarded": ["for=203.0.113.1"], "xff": ["198.51.100.2"], "proto": ["https"]},
            (("203.0.113.1", 0), "http"),
        ),
        # a malformed Forwarded, or one without for=: the peer stays the client
        ({"forwarded": ["for=203.0.113.1;;"], "xff": ["198.51.100.2"]}, (PEER, "http")),
        ({"forwarded": ["proto=https;by=x"]}, (PEER, "http")),
        # no peer address (a Unix socket): nothing to trust
        ({"peer": None, "xff": ["203.0.113.1"], "spec": "*"}, (None, "http")),
    ],
)
def test_forwarded_origin(kwargs, result):
    assert origin(**kwargs) == result
