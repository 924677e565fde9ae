"""The state tables: which event moves its sender where, role by role."""

from __future__ import annotations

from sansio_http import CLIENT, SERVER, Data, EndOfMessage, InformationalResponse, Request, Response
from sansio_http._state import MAY_CLOSE, TRANSITIONS, State


def test_a_client_sends_request_body_end() -> None:
    assert TRANSITIONS[(CLIENT, State.IDLE, Request)] is State.SEND_BODY
    assert TRANSITIONS[(CLIENT, State.SEND_BODY, Data)] is State.SEND_BODY
    assert TRANSITIONS[(CLIENT, State.SEND_BODY, EndOfMessage)] is State.DONE


def test_a_server_sends_interim_responses_then_one_final_response() -> None:
    assert TRANSITIONS[(SERVER, State.SEND_RESPONSE, InformationalResponse)] is (
        State.SEND_RESPONSE
    )
    assert TRANSITIONS[(SERVER, State.SEND_RESPONSE, Response)] is State.SEND_BODY
    assert TRANSITIONS[(SERVER, State.SEND_BODY, Data)] is State.SEND_BODY
    assert TRANSITIONS[(SERVER, State.SEND_BODY, EndOfMessage)] is State.DONE


def test_each_role_sends_only_its_own_heads() -> None:
    senders = {(role, kind) for role, _, kind in TRANSITIONS}
    assert (SERVER, Request) not in senders
    assert (CLIENT, Response) not in senders
    assert (CLIENT, InformationalResponse) not in senders


def test_nothing_is_sent_from_idle_but_a_request() -> None:
    assert [key for key in TRANSITIONS if key[1] is State.IDLE] == [(CLIENT, State.IDLE, Request)]


def test_a_side_may_close_only_between_messages() -> None:
    assert {State.IDLE, State.DONE, State.MUST_CLOSE, State.CLOSED} == MAY_CLOSE
