"""A sandbox on a virtual clock, with publisher contoso, an app and a static token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sandbox_helpers import CLIENT_ID, SECRET, STATIC, TENANT

from offergate.core.clock import VirtualClock
from offergate.sandbox import Sandbox


@pytest.fixture
def vclock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def sb(vclock: VirtualClock) -> Iterator[Sandbox]:
    with Sandbox(clock=vclock.monotonic) as sandbox:
        sandbox.add_publisher("contoso")
        sandbox.add_app(tenant=TENANT, client_id=CLIENT_ID, client_secret=SECRET, publishers=["contoso"])
        sandbox.accept_static_token(STATIC, publishers=["contoso"])
        yield sandbox
