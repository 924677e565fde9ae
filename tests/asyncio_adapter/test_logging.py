from __future__ import annotations

import logging

import pytest

from asyncio_adapter._logging import configure_logging, escape_control, log_access


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("/plain", "/plain"),
        ("/a\r\nFAKE 200", "/a\\x0d\\x0aFAKE 200"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("\x7f\x85", "\\x7f\\x85"),
        ("back\\slash", "back\\\\slash"),
        ("é", "é"),
    ],
)
def test_escape_control(raw, escaped):
    assert escape_control(raw) == escaped


def test_access_line_has_client_request_status_bytes_duration(caplog):
    with caplog.at_level(logging.INFO, logger="asyncio_adapter.access"):
        log_access(("127.0.0.1", 4242), "GET", "/x\ny", "1.1", 200, 12, 0.0015)
        log_access(None, "POST", "/", "1.0", 500, 0, 0.0)
        log_access(("\x1bforged", 0), "GET", "/", "1.1", 200, 0, 0.0)
    first, second, third = (record.getMessage() for record in caplog.records)
    assert first == '127.0.0.1:4242 - "GET /x\\x0ay HTTP/1.1" 200 12 1.50ms'
    assert second == '- - "POST / HTTP/1.0" 500 0 0.00ms'
    assert third.startswith("\\x1bforged:0 - ")


def test_configure_logging_sets_the_package_level():
    logger = logging.getLogger("asyncio_adapter")
    before = logger.level
    try:
        configure_logging("warning")
        assert logger.level == logging.WARNING
    finally:
        logger.setLevel(before)
    with pytest.raises(ValueError, match="log level"):
        configure_logging("loud")
