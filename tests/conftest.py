"""Fixtures that run the action as the GitHub runner does, against the sandbox over loopback."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

from offergate.core.clock import VirtualClock
from offergate.sandbox import Sandbox
from tests.support.runner_env import StepFiles, entrypoint, runner_env

APP = {"tenant": "tenant-1", "client_id": "app-1", "client_secret": "app-secret-value-1"}
STORE = {"merchant_id": "123456", "developer_token": "dev-token-value-1"}
ADS_USER = {"client_id": "ads-app-1", "refresh_token": "ads-refresh-token-value-1"}


def entrypoint_main() -> Callable[..., int]:
    """The function behind the Dockerfile's ENTRYPOINT command (its console script)."""
    command = entrypoint()[0]
    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == command]
    main: Callable[..., int] = script.load()
    return main


@dataclass
class Run:
    exit_code: int
    log: str
    outputs: dict[str, str]
    summary: str
    files: StepFiles

    @property
    def summary_text(self) -> str:
        """The summary as a reader sees it: Markdown escapes and HTML entities undone."""
        return html.unescape(re.sub(r"\\(.)", r"\1", self.summary))


@dataclass
class Harness:
    sandbox: Sandbox
    clock: VirtualClock
    root: Path
    runs: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)

    def app_inputs(self, **inputs: str) -> dict[str, str]:
        base = {
            "publisher-id": "contoso",
            "azure-tenant-id": APP["tenant"],
            "azure-client-id": APP["client_id"],
            "azure-client-secret": APP["client_secret"],
            "authority-url": self.sandbox.url,
            "marketplace-url": self.sandbox.url,
        }
        base.update(inputs)
        return base

    def catalog_inputs(self, **inputs: str) -> dict[str, str]:
        """The catalog gate with a refresh token, against the sandbox's Content API."""
        base = {
            "merchant-id": STORE["merchant_id"],
            "developer-token": STORE["developer_token"],
            "ads-client-id": ADS_USER["client_id"],
            "ads-refresh-token": ADS_USER["refresh_token"],
            "authority-url": self.sandbox.url,
            "content-api-url": f"{self.sandbox.url}/shopping/v9.1/bmc/",
        }
        base.update(inputs)
        return base

    def run(self, inputs: dict[str, Any], extra_env: dict[str, str] | None = None) -> Run:
        self.runs += 1
        files = StepFiles(self.root / f"step{self.runs}")
        files.root.mkdir()
        env = runner_env({k: str(v) for k, v in inputs.items()}, files, {**self.extra_env, **(extra_env or {})})
        out = io.StringIO()
        code = entrypoint_main()(entrypoint()[1:], env=env, clock=self.clock.as_clock(), out=out)
        summary = files.summary.read_text(encoding="utf-8") if files.summary.exists() else ""
        return Run(code, out.getvalue(), files.outputs(), summary, files)


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    clock = VirtualClock()
    with Sandbox(clock=clock.monotonic) as sandbox:
        sandbox.add_publisher("contoso")
        sandbox.add_app(
            tenant=APP["tenant"], client_id=APP["client_id"], client_secret=APP["client_secret"], publishers=["contoso"]
        )
        sandbox.add_store(STORE["merchant_id"], developer_token=STORE["developer_token"])
        sandbox.add_ads_user(ADS_USER["client_id"], ADS_USER["refresh_token"])
        yield Harness(sandbox, clock, tmp_path)
