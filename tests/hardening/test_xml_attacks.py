"""Hardening item 5: hostile XML for the catalog gate with `content-format: xml`.

The catalog status and the catalog list (read before the wait) go through defusedxml with DTDs
forbidden, so any DOCTYPE is refused at its first byte: no entity is expanded (billion laughs,
quadratic blow-up), no file is read and no DTD is fetched. A body over the cap (1 MiB for a
status, `MAX_BODY` for the list) is refused unread. Every case ends quickly with exit 4 and
a message saying the XML was refused, and it is never retried.
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from offergate.catalogs.client import STATUS_MAX_BODY
from offergate.transport.send import MAX_BODY
from tests.conftest import STORE, Harness, Run

XML_TYPE = "application/xml; charset=utf-8"
STATUS = r"/catalogs/4101/status$"
LIST = r"/catalogs$"
MARKER = "OFFERGATE-XXE-MARKER-7f3c9a"

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]><catalogStatus><catalog_id>&lol9;</catalog_id></catalogStatus>"
)
QUADRATIC = (
    f'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "{"x" * 50_000}">]>'
    f"<catalogStatus><catalog_id>{'&a;' * 50_000}</catalog_id></catalogStatus>"
)


def attacks(tmp_path: Path, remote: str) -> dict[str, str]:
    secret = tmp_path / "secret.txt"
    secret.write_text(MARKER, encoding="utf-8")
    return {
        "billion-laughs": BILLION_LAUGHS,
        "quadratic-blowup": QUADRATIC,
        "external-entity-local-file": (
            f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
            "<catalogStatus><catalog_id>&xxe;</catalog_id><published_count>1</published_count></catalogStatus>"
        ),
        "parameter-entity": (
            f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "{secret.as_uri()}"> %p;]><catalogStatus/>'
        ),
        "remote-dtd": f'<?xml version="1.0"?><!DOCTYPE catalogStatus SYSTEM "{remote}"><catalogStatus/>',
        "plain-doctype": "<!DOCTYPE catalogStatus><catalogStatus><published_count>1</published_count></catalogStatus>",
    }


CASES = [
    "billion-laughs",
    "quadratic-blowup",
    "external-entity-local-file",
    "parameter-entity",
    "remote-dtd",
    "plain-doctype",
]


def run_xml(harness: Harness, path: str, body: bytes | str) -> tuple[Run, float]:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="clean")
    harness.sandbox.inject(method="GET", path=path, status=200, body=body, content_type=XML_TYPE, times=None)
    started = time.perf_counter()
    run = harness.run(
        harness.catalog_inputs(
            **{"catalog-id": "4101", "content-format": "xml", "timeout": "1d", "poll-interval": "10m"}
        )
    )
    return run, time.perf_counter() - started


def assert_refused(run: Run, seconds: float, harness: Harness) -> None:
    assert run.exit_code == 4, run.log
    assert run.outputs["result"] == "error"
    assert "Traceback" not in run.log + run.summary
    errors = "\n".join(line for line in run.log.splitlines() if line.startswith("::error"))
    assert "XML answer" in errors and "was refused" in errors, run.log
    assert "XML answer" in run.summary_text and "was refused" in run.summary_text
    assert harness.clock.sleeps == []  # never retried
    assert seconds <= 2.0


def everything(run: Run) -> str:
    return run.log + run.summary + run.files.output.read_text(encoding="utf-8") + repr(run.outputs)


@pytest.mark.parametrize("where", ["status", "catalog-list"])
@pytest.mark.parametrize("case", CASES)
def test_hostile_xml_is_refused_quickly(harness: Harness, tmp_path: Path, case: str, where: str) -> None:
    remote = f"{harness.sandbox.url}/evil/remote.dtd"
    body = attacks(tmp_path, remote)[case]
    run, seconds = run_xml(harness, STATUS if where == "status" else LIST, body)
    assert_refused(run, seconds, harness)
    errors = "\n".join(line for line in run.log.splitlines() if line.startswith("::error"))
    assert "DOCTYPE" in errors  # what was refused
    assert MARKER not in everything(run)  # the local file was never read into anything shown
    assert not any(r.path.startswith("/evil") for r in harness.sandbox.requests)  # no DTD fetched
    if where == "catalog-list":
        assert not any(r.path.endswith("/status") for r in harness.sandbox.requests)


def test_status_body_over_the_cap_is_refused_unread_with_bounded_memory(harness: Harness) -> None:
    """A huge text node (over the 1 MiB status cap) is refused before any parser sees it."""
    body = b"<catalogStatus><catalog_id>" + b"A" * STATUS_MAX_BODY + b"</catalog_id></catalogStatus>"
    tracemalloc.start()
    try:
        run, seconds = run_xml(harness, STATUS, body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_refused(run, seconds, harness)
    assert f"over {STATUS_MAX_BODY} bytes" in run.log
    assert peak < 8 * STATUS_MAX_BODY  # the injected body aside, only the capped read is held


def test_list_body_over_max_body_is_refused_unread(harness: Harness) -> None:
    """The catalog list may be larger, up to `MAX_BODY`; one byte more is refused unread."""
    head, tail = b"<catalogs><catalog><id>4101</id><name>", b"</name></catalog></catalogs>"
    body = head + b"A" * (MAX_BODY + 1 - len(head) - len(tail)) + tail
    assert len(body) == MAX_BODY + 1
    run, seconds = run_xml(harness, LIST, body)
    assert_refused(run, seconds, harness)
    assert f"over {MAX_BODY} bytes" in run.log


def test_hostile_xml_mid_wait_ends_the_wait_at_once(harness: Harness, tmp_path: Path) -> None:
    """After good answers, a DOCTYPE is not a blip to retry: exit 4 at once."""
    harness.sandbox.inject(method="GET", path=STATUS, kind="stall", seconds=0.0, times=2)
    run, _seconds = run_xml(
        harness, STATUS, attacks(tmp_path, "http://127.0.0.1:9/x.dtd")["external-entity-local-file"]
    )
    assert run.exit_code == 4, run.log
    assert "was refused" in run.log and "giving up" in run.log
    assert len(harness.clock.sleeps) == 2
    assert MARKER not in everything(run)
