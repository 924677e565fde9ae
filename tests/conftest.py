"""Test-wide settings: hypothesis profiles.

``CI=true`` selects the bounded, derandomized ``ci`` profile so that
``make test`` stays fast and repeatable; ``dev`` explores more.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=400, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")
