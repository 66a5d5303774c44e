"""`offergate demo`: the gate against the embedded sandbox, both gates, no credentials."""

from __future__ import annotations

import io
import re
from pathlib import Path

from offergate.core.clock import VirtualClock
from offergate.demo import run_demo


def test_demo_gates_two_offers_and_a_catalog() -> None:
    out = io.StringIO()
    code = run_demo([], out, clock=VirtualClock().as_clock())
    text = out.getvalue()
    assert code == 0, text
    assert "offergate: passed" in text
    for section in ("contoso/contoso-vm", "contoso/contoso-app", "catalog 123456/1001"):
        assert section in text
    # the summary as plain text: aligned tables, no Markdown escapes or HTML entities
    assert re.search(r"^Message +Type +Count +Sample item ids$", text, re.MULTILINE)
    assert "| Message |" not in text
    assert not re.search(r"\\[^\w\s]|&(?:lt|gt|amp|quot|#\d+);", text)
    assert "< 15 min" in text
    for secret in ("demo-secret", "demo-developer-token", "demo-refresh-token"):
        assert secret not in text.replace(f"::add-mask::{secret}", "")
    folder = re.search(r"written to (\S+)/\.\n", text)
    assert folder and (Path(folder.group(1)) / "1001.zip").is_file()


def test_demo_takes_no_options() -> None:
    out = io.StringIO()
    assert run_demo(["--fast"], out) == 2
    assert "usage" in out.getvalue()
