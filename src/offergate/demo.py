"""`offergate demo`: the gate against the embedded sandbox on a compressed timeline.

No credentials and no network: the sandbox serves the Cloud Partner Portal API, the Product
Ingestion API, the Content API's catalog status and reports, and the token endpoint on loopback,
and a scaled clock makes a three-day review pass in seconds.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from collections.abc import Sequence
from typing import TextIO

from offergate.app import run_gate
from offergate.config.parse import parse_config
from offergate.core.clock import Clock
from offergate.github.runner import Runner
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


DEMO_SECRETS = ("demo-secret", "demo-developer-token", "demo-refresh-token")  # the sandbox's made-up ones


def stage_demo(sandbox: Sandbox) -> dict[str, str]:
    """Give `sandbox` the demo's publisher and app, two offers, a store and a catalog; return the
    inputs that gate them (both gates in one step)."""
    sandbox.add_publisher("contoso")
    sandbox.add_app(tenant="demo-tenant", client_id="demo-app", client_secret=DEMO_SECRETS[0], publishers=["contoso"])
    sandbox.add_offer("contoso", "contoso-vm", scenario="signoff", display_text="Contoso VM")
    sandbox.add_offer("contoso", "contoso-app", scenario="flaky", display_text="Contoso App")
    sandbox.add_store("123456", developer_token=DEMO_SECRETS[1])
    sandbox.add_ads_user("demo-ads-app", DEMO_SECRETS[2])
    sandbox.add_catalog("123456", "1001", scenario="trickle", name="Spring collection")
    return {
        "publisher-id": "contoso",
        "offer-id": "contoso-vm, contoso-app",
        "timeout": "5d",
        "poll-interval": "30m",
        "azure-tenant-id": "demo-tenant",
        "azure-client-id": "demo-app",
        "azure-client-secret": DEMO_SECRETS[0],
        "authority-url": sandbox.url,
        "marketplace-url": sandbox.url,
        "merchant-id": "123456",
        "catalog-id": "1001",
        "developer-token": DEMO_SECRETS[1],
        "ads-client-id": "demo-ads-app",
        "ads-refresh-token": DEMO_SECRETS[2],
        "content-api-url": sandbox.content_api_url,
        "max-rejections": "10",
        "expected-offers": "2003",
    }


def stage_product_ingestion(sandbox: Sandbox) -> dict[str, str]:
    """Give `sandbox` a Product Ingestion product of the demo's account and its configure job; return
    the inputs that gate it (run after `stage_demo`, whose app they use)."""
    sandbox.add_product("contoso-saas", scenario="preview", account="contoso", alias="Contoso SaaS")
    return {
        "offer-api": "product-ingestion",
        "offer-id": "contoso-saas",
        "job-id": sandbox.add_job("succeeded"),
        "timeout": "5d",
        "poll-interval": "30m",
        "azure-tenant-id": "demo-tenant",
        "azure-client-id": "demo-app",
        "azure-client-secret": DEMO_SECRETS[0],
        "authority-url": sandbox.url,
        "product-ingestion-url": sandbox.product_ingestion_url,
    }


def run_demo(argv: Sequence[str], out: TextIO, clock: Clock | None = None) -> int:
    """Start the sandbox, gate two offers on the Cloud Partner Portal API, one on the Product Ingestion
    API and a catalog against it, all in one wait; print the log and the summary."""
    if argv:
        out.write("usage: offergate demo (takes no options)\n")
        return 2
    clock = clock or scaled_clock(TIME_SCALE)
    with Sandbox(clock=clock.monotonic) as sandbox:
        inputs = stage_demo(sandbox)
        workspace = tempfile.mkdtemp(prefix="offergate-demo-")
        out.write(
            "offergate demo: sandboxes of the Cloud Partner Portal API, the Product Ingestion API and the Content "
            f"API run at {sandbox.url};\n"
            f"its clock runs {TIME_SCALE:g} times faster, so a review of several days takes seconds.\n\n"
        )
        env = {"GITHUB_WORKSPACE": workspace}
        ingestion = parse_config(stage_product_ingestion(sandbox), env).product_ingestion
        config = dataclasses.replace(parse_config(inputs, env), product_ingestion=ingestion)
        runner = Runner({}, out)
        for secret in DEMO_SECRETS:
            runner.mask(secret)
        outcome = run_gate(config, runner, clock, env)
    out.write(f"\nThe catalog's rejection report was written to {workspace}/offergate-report/.\n")
    return int(outcome.exit_code)
