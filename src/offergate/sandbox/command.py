"""`offergate sandbox`: serve the emulator on a fixed port for experiments, until Ctrl-C.

It serves one offer per (offer) scenario and, for the catalog gate, store MERCHANT_ID with
one catalog per catalog scenario (ids in DEMO_CATALOGS).
"""

from __future__ import annotations

import argparse
import math
import shlex
import sys
import threading
from typing import TextIO

from offergate.sandbox.catalog_scenarios import (
    CATALOG_SCENARIOS,
    TRICKLE_DONE_AT,
    TRICKLE_PUBLISHED,
    TRICKLE_REJECTIONS,
)
from offergate.sandbox.emulator import Sandbox
from offergate.sandbox.scenarios import SCENARIOS, SIGNOFF_AT

PUBLISHER = "contoso"
TENANT = "sandbox-tenant"
CLIENT_ID = "sandbox-client"
CLIENT_SECRET = "sandbox-secret"
FEDERATED_CLIENT_ID = "sandbox-federated"
STATIC_TOKEN = "sandbox-token"
MERCHANT_ID = "123456"
DEVELOPER_TOKEN = "sandbox-developer-token"
ADS_CLIENT_ID = "sandbox-ads-client"
ADS_REFRESH_TOKEN = "sandbox-refresh-token"
ADS_STATIC_TOKEN = "sandbox-ads-token"
DEMO_CATALOGS: dict[str, str] = {  # catalog id -> catalog scenario
    "1001": "clean",
    "1002": "trickle",
    "1003": "over-threshold",
    "1004": "seed",
    "1005": "warnings-only",
    "1006": "unreadable-report",
}


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range (0-65535): {port}")
    return port


def _scale(text: str) -> float:
    try:
        scale = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(scale) and scale > 0):
        raise argparse.ArgumentTypeError(f"must be a positive number: {text!r}")
    return scale


def parser() -> argparse.ArgumentParser:
    listing = "\n".join(f"  {name:<22}{text}" for name, text in SCENARIOS.items())
    catalogs = "\n".join(f"  {name:<22}{text}" for name, text in CATALOG_SCENARIOS.items())
    result = argparse.ArgumentParser(
        prog="offergate sandbox",
        description=(
            "Serve an emulator of the Cloud Partner Portal API, the Merchant Center Content API, the "
            "Microsoft Entra token endpoint and GitHub's OIDC token endpoint on 127.0.0.1, with one offer "
            "per scenario and one catalog per catalog scenario, until Ctrl-C."
        ),
        epilog=f"scenarios (times in scenario seconds):\n{listing}\n\ncatalog scenarios:\n{catalogs}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    result.add_argument("--port", type=_port, default=8080, help="port on 127.0.0.1 (default 8080; 0: any free)")
    result.add_argument(
        "--time-scale",
        type=_scale,
        default=1000.0,
        metavar="N",
        help="scenario seconds per real second (default 1000)",
    )
    result.add_argument(
        "--scenario",
        action="extend",
        nargs="+",
        choices=list(SCENARIOS),
        metavar="NAME",
        help="scenarios to serve, one offer '<NAME>-offer' each (default: all)",
    )
    return result


def run_sandbox_command(argv: list[str], out: TextIO | None = None, stop: threading.Event | None = None) -> int:
    """Parse `argv`, serve until Ctrl-C (or until `stop` is set), return the exit code."""
    stream = sys.stdout if out is None else out
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    scenarios: list[str] = list(dict.fromkeys(args.scenario or SCENARIOS))
    sandbox = Sandbox(time_scale=args.time_scale, port=args.port)
    try:
        sandbox.start()
    except OSError as error:
        sys.stderr.write(f"offergate sandbox: cannot listen on 127.0.0.1:{args.port}: {error.strerror or error}\n")
        return 2
    try:
        sandbox.add_publisher(PUBLISHER)
        sandbox.add_app(tenant=TENANT, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, publishers=[PUBLISHER])
        sandbox.add_app(tenant=TENANT, client_id=FEDERATED_CLIENT_ID, federated=True, publishers=[PUBLISHER])
        sandbox.accept_static_token(STATIC_TOKEN, publishers=[PUBLISHER])
        for name in scenarios:
            sandbox.add_offer(PUBLISHER, f"{name}-offer", scenario=name, display_text=f"Sandbox {name} offer")
        add_demo_store(sandbox)
        stream.write(instructions(sandbox, scenarios))
        stream.flush()
        try:
            (stop or threading.Event()).wait()
        except KeyboardInterrupt:
            stream.write("\noffergate sandbox: stopped\n")
    finally:
        sandbox.stop()
    return 0


def add_demo_store(sandbox: Sandbox) -> None:
    """Store MERCHANT_ID with one catalog per catalog scenario, and a Microsoft Advertising user."""
    sandbox.add_store(MERCHANT_ID, developer_token=DEVELOPER_TOKEN)
    for catalog_id, scenario in DEMO_CATALOGS.items():
        sandbox.add_catalog(
            MERCHANT_ID,
            catalog_id,
            scenario=scenario,
            name=f"Sandbox {scenario} catalog",
            is_default=scenario == "clean",
        )
    sandbox.add_ads_user(ADS_CLIENT_ID, ADS_REFRESH_TOKEN)
    sandbox.accept_ads_access_token(ADS_STATIC_TOKEN, merchants=[MERCHANT_ID])


def command_line(flags: dict[str, str], env: dict[str, str] | None = None, *, width: int = 96) -> str:
    """A copy-paste `offergate --name value ...` command, shell-quoted, continued with `\\` at `width`.

    `env` comes first, one variable a line, as `NAME=value` assignments for the command.
    """
    lines = [f"{key}={shlex.quote(value)}" for key, value in (env or {}).items()]
    line = "offergate"
    for name, value in flags.items():
        pair = f"--{name} {shlex.quote(value)}"
        if len(line) + 1 + len(pair) > width and line != "offergate":
            lines.append(line)
            line = pair
        else:
            line = f"{line} {pair}"
    lines.append(line)
    return "  " + " \\\n    ".join(lines) + "\n"


def catalog_instructions(sandbox: Sandbox) -> str:
    url = sandbox.url
    trickle_minutes = TRICKLE_DONE_AT / sandbox.time_scale / 60
    trickle_offers = TRICKLE_PUBLISHED + len(TRICKLE_REJECTIONS)
    catalogs = "\n".join(
        f"  {catalog_id:<8}{scenario:<20}{CATALOG_SCENARIOS[scenario]}"
        for catalog_id, scenario in DEMO_CATALOGS.items()
    )
    store = {"merchant-id": MERCHANT_ID}
    with_refresh_token = command_line(
        {
            **store,
            "catalog-id": "1002",
            "developer-token": DEVELOPER_TOKEN,
            "ads-client-id": ADS_CLIENT_ID,
            "ads-refresh-token": ADS_REFRESH_TOKEN,
            "content-api-url": sandbox.content_api_url,
            "authority-url": url,
            "max-rejections": "5",
            "expected-offers": str(trickle_offers),
            "poll-interval": "5s",
            "timeout": "15m",
        },
    )
    with_static_token = command_line(
        {
            **store,
            "catalog-id": "1001",
            "developer-token": DEVELOPER_TOKEN,
            "ads-access-token": ADS_STATIC_TOKEN,
            "content-api-url": sandbox.content_api_url,
            "timeout": "0",
        },
    )
    return f"""\
Catalogs of Merchant Center store '{MERCHANT_ID}' (the trickle review ends after {trickle_minutes:.1f} minutes):
{catalogs}

The catalog gate with a refresh token, on the trickle catalog (it passes once all {trickle_offers} offers
are reviewed with at most 5 rejections):
{with_refresh_token}
With a static token, checking the clean catalog once (--timeout 0: without expected-offers a catalog
within max-rejections stays pending until the deadline, 5h30m by default, and passes there):
{with_static_token}
In a workflow, give these inputs (or ads-access-token: {ADS_STATIC_TOKEN} instead of the
ads-client-id and ads-refresh-token):
  merchant-id: {MERCHANT_ID}
  catalog-id: 1002
  developer-token: {DEVELOPER_TOKEN}
  ads-client-id: {ADS_CLIENT_ID}
  ads-refresh-token: {ADS_REFRESH_TOKEN}
  content-api-url: {sandbox.content_api_url}
  authority-url: {url}
"""


def instructions(sandbox: Sandbox, scenarios: list[str]) -> str:
    url = sandbox.url
    signoff_minutes = SIGNOFF_AT / sandbox.time_scale / 60
    offers = "\n".join(f"  {name + '-offer':<28}{SCENARIOS[name]}" for name in scenarios)
    first = f"{scenarios[0]}-offer"
    offer = {"publisher-id": PUBLISHER, "offer-id": first, "marketplace-url": url}
    with_secret = command_line(
        {
            **offer,
            "authority-url": url,
            "azure-tenant-id": TENANT,
            "azure-client-id": CLIENT_ID,
            "azure-client-secret": CLIENT_SECRET,
            "poll-interval": "5s",
            "timeout": "15m",
        }
    )
    with_token = command_line({**offer, "azure-access-token": STATIC_TOKEN})
    federated = command_line(
        {**offer, "authority-url": url, "azure-tenant-id": TENANT, "azure-client-id": FEDERATED_CLIENT_ID},
        {
            "ACTIONS_ID_TOKEN_REQUEST_URL": sandbox.oidc_request_url,
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": sandbox.oidc_request_token,
        },
    )
    return f"""\
offergate sandbox: serving at {url}
Scenario time runs {sandbox.time_scale:g}x faster than real time: a realistic review reaches
publisher sign-off after {signoff_minutes:.1f} minutes. Scenario timelines start now.

Offers of publisher '{PUBLISHER}':
{offers}

With a client secret:
{with_secret}
With a static token:
{with_token}
With a federated credential (GitHub OIDC): GitHub's two variables, and the app without a secret:
{federated}
In a workflow, give the same values as inputs (publisher-id, offer-id, marketplace-url,
authority-url, azure-tenant-id, azure-client-id, azure-client-secret or azure-access-token).

{catalog_instructions(sandbox)}
Press Ctrl-C to stop.
"""
