from __future__ import annotations

import math

import pytest

from asyncio_adapter._timeouts import NEVER, Sweeper, Timeouts


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Member:
    def __init__(self, deadline, sweeper=None):
        self.deadline = deadline
        self.expired = 0
        self.sweeper = sweeper

    def expire(self):
        self.expired += 1
        self.deadline = NEVER
        if self.sweeper is not None:
            self.sweeper.discard(self)


def test_sweep_expires_only_what_is_due():
    clock = FakeClock()
    sweeper = Sweeper(clock)
    early, late, never = Member(101.0), Member(105.0), Member(NEVER)
    for member in (early, late, never):
        sweeper.add(member)
    assert sweeper.sweep() == 0
    clock.now = 101.0
    assert sweeper.sweep() == 1
    assert (early.expired, late.expired) == (1, 0)
    clock.now = 1e9
    assert sweeper.sweep() == 1
    assert (early.expired, late.expired, never.expired) == (1, 1, 0)


def test_rearming_the_deadline_postpones_expiry():
    """The hot path re-arms a timeout by overwriting one float, nothing else."""
    clock = FakeClock()
    sweeper = Sweeper(clock)
    member = Member(clock.now + 5)
    sweeper.add(member)
    clock.now += 4
    member.deadline = clock.now + 5
    clock.now += 4
    assert sweeper.sweep() == 0
    clock.now += 1
    assert sweeper.sweep() == 1


def test_expire_may_discard_during_the_sweep():
    clock = FakeClock()
    sweeper = Sweeper(clock)
    members = [Member(0.0, sweeper) for _ in range(3)]
    for member in members:
        sweeper.add(member)
    assert len(sweeper) == 3
    assert sweeper.sweep() == 3
    assert len(sweeper) == 0


def test_timeouts_defaults_and_resolution():
    timeouts = Timeouts()
    assert (timeouts.head, timeouts.body, timeouts.keep_alive) == (10.0, 10.0, 5.0)
    assert timeouts.resolution == 0.5
    assert Timeouts(head=0.4, body=1, keep_alive=1).resolution == pytest.approx(0.1)


@pytest.mark.parametrize("field", ["head", "body", "keep_alive"])
@pytest.mark.parametrize("value", [0, -1, math.nan])
def test_timeouts_must_be_positive(field, value):
    with pytest.raises(ValueError, match=field):
        Timeouts(**{field: value})
