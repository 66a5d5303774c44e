"""`offergate demo`: the gate against the embedded sandbox on a compressed timeline.

No credentials and no network: the sandbox serves the Cloud Partner Portal API and the token
endpoint on loopback, and a scaled clock makes a three-day review pass in seconds.
"""

from __future__ import annotations

import time
from typing import Sequence, TextIO

from offergate.clock import Clock
from offergate.config import parse_config
from offergate.github import Runner
from offergate.run import run_gate
from offergate.sandbox import Sandbox

# Demo seconds per real second: a realistic publish (about 3.5 days) takes about 15 seconds.
TIME_SCALE = 20000.0


def scaled_clock(scale: float) -> Clock:
    start = time.monotonic()

    def monotonic() -> float:
        return (time.monotonic() - start) * scale

    def sleep(seconds: float) -> None:
        time.sleep(max(0.0, seconds) / scale)

    return Clock(monotonic=monotonic, sleep=sleep)


def run_demo(argv: Sequence[str], out: TextIO) -> int:
    """Start the sandbox, gate two offers against it, print the log and the summary."""
    if argv:
        out.write("usage: offergate demo (takes no options)\n")
        return 2
    clock = scaled_clock(TIME_SCALE)
    with Sandbox(clock=clock.monotonic) as sandbox:
        sandbox.add_publisher("contoso")
        sandbox.add_app(tenant="demo-tenant", client_id="demo-app", client_secret="demo-secret", publishers=["contoso"])
        sandbox.add_offer("contoso", "contoso-vm", scenario="signoff", display_text="Contoso VM")
        sandbox.add_offer("contoso", "contoso-app", scenario="flaky", display_text="Contoso App")
        inputs = {
            "publisher-id": "contoso",
            "offer-id": "contoso-vm, contoso-app",
            "timeout": "5d",
            "poll-interval": "30m",
            "azure-tenant-id": "demo-tenant",
            "azure-client-id": "demo-app",
            "azure-client-secret": "demo-secret",
            "authority-url": sandbox.url,
            "marketplace-url": sandbox.url,
        }
        out.write(
            f"offergate demo: a sandbox of the Cloud Partner Portal API runs at {sandbox.url};\n"
            f"its clock runs {TIME_SCALE:g} times faster, so a review of several days takes seconds.\n\n"
        )
        config = parse_config(inputs, {})
        runner = Runner({}, out)
        runner.mask("demo-secret")
        outcome = run_gate(config, runner, clock, {})
    return int(outcome.exit_code)
