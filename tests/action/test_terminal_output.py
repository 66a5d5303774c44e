"""The gate run from a terminal (no GitHub Actions): the summary as plain text, Markdown only to a file."""

from __future__ import annotations

import io
import re
from pathlib import Path

from offergate.cli import main
from tests.conftest import STORE, Harness

MARKDOWN_LEFTOVERS = re.compile(r"\\[!-/:-@\[-`{-~]|&(?:lt|gt|amp|quot|#\d+);")


def in_terminal(harness: Harness, inputs: dict[str, str], env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run the command with every input as a flag, outside Actions; the exit code and what it printed."""
    args = [part for name, value in inputs.items() for part in (f"--{name}", value)]
    out = io.StringIO()
    code = main(args, env={"COLUMNS": "100", **(env or {})}, clock=harness.clock.as_clock(), out=out)
    return code, out.getvalue()


def test_the_summary_is_plain_text_in_the_terminal(harness: Harness, tmp_path: Path) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="signoff", display_text="Men's VM <beta>")
    code, printed = in_terminal(
        harness, harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "5d", "poll-interval": "30m"})
    )
    assert code == 0, printed
    assert not MARKDOWN_LEFTOVERS.search(printed), printed
    assert "✅ offergate: passed — 1 offer reached publisher sign-off" in printed
    assert "contoso/vm-offer (Men's VM <beta>): passed" in printed
    assert "< 15 min" in printed
    assert re.search(r"^Step +Status +Progress +Estimated time +Latest message$", printed, re.MULTILINE)
    summary = printed[printed.index("✅ offergate: passed") :]
    assert all(len(line) <= 100 or "https://" in line for line in summary.splitlines())
    assert "\x1b" not in printed  # not a terminal: no colour


def test_markdown_goes_only_to_the_summary_file(harness: Harness, tmp_path: Path) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    target = tmp_path / "summary.md"
    inputs = {**harness.app_inputs(**{"offer-id": "vm-offer"}), "summary-file": str(target)}
    code, printed = in_terminal(harness, inputs)
    assert code == 0, printed
    assert "| Step | Status |" in target.read_text(encoding="utf-8")
    assert "Step" not in printed and "|" not in printed
    assert "offergate: passed" in printed  # the verdict line still shows


def test_an_api_error_shows_once(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="clean")
    code, printed = in_terminal(harness, harness.catalog_inputs(**{"catalog-id": "no-such", "timeout": "0"}))
    assert code == 4, printed
    assert printed.count("has no catalog 'no-such'") == 1, printed
    assert not MARKDOWN_LEFTOVERS.search(printed)


def test_an_offers_api_error_is_not_repeated_in_the_summary(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="stuck")
    harness.sandbox.inject(
        method="GET",
        path=r"/status$",
        status=404,
        body=b'{"error":{"code":"NotFound","message":"Offer vm-offer was not found."}}',
        content_type="application/json",
        times=100,
    )
    code, printed = in_terminal(harness, harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "1h"}))
    assert code == 4, printed
    before, summary = printed.split("⚠️ offergate: error", 1)
    assert "error: offer contoso/vm-offer: API error: " in before and "Offer vm-offer was not found" in before
    assert "Offer vm-offer was not found" not in summary
    assert "(the error is above)" in summary and "No status could be read." in summary
