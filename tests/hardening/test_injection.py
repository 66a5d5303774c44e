"""Hostile text from the APIs and the report, end to end (issue "Hardening", items 10-13).

Every case runs the action as the runner does (`harness`) against the sandbox, with API text
that tries to run workflow commands, break the outputs file, inject Markdown/HTML into the job
summary or blow its size; then it checks what the runner would do with what we wrote.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from offergate.github import runner as github
from offergate.github.runner import ANNOTATION_LIMIT, SUMMARY_LIMIT_BYTES
from offergate.sandbox import ReportRow
from tests.conftest import APP, STORE, Harness, Run
from tests.github.test_markdown import Html, needs_cmarkgfm, render
from tests.github.test_runner import looks_like_command, parse_output_file, parse_v2, runner_lines

#: The workflow commands offergate emits; anything else on a command line was injected.
OUR_COMMANDS = {"add-mask", "group", "endgroup", "error", "warning", "notice", "debug"}

#: Item 10: text that would run a workflow command if printed as it is.
COMMAND_INJECTIONS = [
    "\n::set-output name=result::passed",
    "::add-mask::FAIL",
    "::stop-commands::x",
    "all good ##[error]mid-line",
    "lone\r::warning::carriage return",
    "%0A::error::percent-encoded line break",
    "\r\n::notice::crlf",
    "x\u2028::debug::line separator",
    "#\u200b#[error]zero-width",
    "##vso[task.setvariable variable=x]1",
    "\u200b::add-mask::FAIL",
]

#: Item 12: Markdown and HTML that must stay text in the summary.
MARKUP_INJECTIONS = [
    "a | b | c",
    "`code | pipe`",
    "<img src=x onerror=alert(1)>",
    "<details open><summary>x</summary>",
    "<!-- hidden",
    "[click](javascript:alert(1))",
    "@team please approve",
    "right-to-left \u202eoverride",
    "ansi \x1b[31mred\x1b[0m",
    "nul\x00byte",
    "</td></tr></table><script>x</script>",
    "---|---",
]

EVIL = COMMAND_INJECTIONS + MARKUP_INJECTIONS


def message(text: str) -> dict[str, str]:
    return {"messageHtml": text, "level": "error", "timestamp": "2024-05-01T10:00:00Z"}


def offer_status_body(status: str, steps: list[dict[str, Any]], top: list[str] = ()) -> bytes:  # type: ignore[assignment]
    """A Cloud Partner Portal status answer with the given texts."""
    return json.dumps(
        {
            "status": status,
            "messages": [message(t) for t in top],
            "steps": steps,
            "previewLinks": [
                {"displayText": "<img src=x>", "uri": "javascript:alert(1)"},
                {"displayText": "@team ok", "uri": "https://ok.example/preview"},
            ],
            "liveLinks": [],
        }
    ).encode()


def step(step_id: str, name: str, status: str, messages: list[str], estimated: str = "< 1 day") -> dict[str, Any]:
    return {
        "id": step_id,
        "stepName": name,
        "description": name,
        "status": status,
        "estimatedTimeFrame": estimated,
        "progressPercentage": 50,
        "messages": [message(t) for t in messages],
    }


def evil_steps() -> list[dict[str, Any]]:
    """One step per hostile text: in its name, its estimated time and its latest message."""
    return [
        step(f"step-{i}", text, "rejected" if i == 0 else "notStarted", ["before", text], estimated=text)
        for i, text in enumerate(EVIL)
    ]


def inject_offer_status(harness: Harness, body: bytes) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="stuck")
    harness.sandbox.inject(
        method="GET", path=r"/status$", status=200, body=body, content_type="application/json", times=None
    )


def evil_rows(count: int = 1) -> list[ReportRow]:
    rows = []
    for n in range(count):
        for i, text in enumerate(EVIL):
            rows.append(
                ReportRow(
                    item_id=f"{text}-{n}",
                    message=text,
                    type="Error" if i % 2 else "Warning",
                    values=text,
                    title=text,
                    product_type=text,
                    link=text,
                    price=text,
                )
            )
    return rows


def known_masks(harness: Harness, *secrets: str) -> set[str]:
    """Every value offergate may legitimately mask: the forms of the secrets it was given or got."""
    masks: set[str] = set()
    for secret in (*secrets, *harness.sandbox.tokens_issued, *harness.sandbox.report_urls_issued):
        for form in github._secret_forms(secret):
            masks.update(github._mask_values(form))
    for url in harness.sandbox.report_urls_issued:
        token = re.search(r"token=([^&]+)", url)
        if token:
            for form in github._secret_forms(token.group(1)):
                masks.update(github._mask_values(form))
    return masks


def assert_runner_runs_only_our_commands(run: Run, masks: set[str]) -> None:
    """Split stdout as the runner does; every command line must be one of ours, every mask a secret's."""
    for line in runner_lines(run.log):
        if not looks_like_command(line):
            continue
        assert line.startswith("::"), f"a command the runner would find that we did not emit: {line!r}"
        assert "##[" not in line and "##vso[" not in line.lower(), line
        name, _, data = parse_v2(line)
        assert name in OUR_COMMANDS, f"foreign command {name!r} in {line!r}"
        if name == "add-mask":
            hostile = "\n".join(EVIL)
            assert data in masks or data not in hostile, f"masks a value taken from API text: {data!r}"


# -- item 10: workflow commands ----------------------------------------------------------------


def test_offer_text_runs_no_workflow_command(harness: Harness) -> None:
    body = offer_status_body("failed", evil_steps(), top=EVIL)
    inject_offer_status(harness, body)
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "0"}))
    assert run.exit_code == 1, run.log
    assert_runner_runs_only_our_commands(run, known_masks(harness, APP["client_secret"]))
    assert set(run.outputs) == {"result", "offer-status", "offer-step", "offers"}
    assert run.outputs["result"] == "failed"
    assert json.loads(run.outputs["offers"])[0]["result"] == "failed"
    # the text did reach the log and the annotations, defused
    assert "# #[error]mid-line" in run.log and "set-output name=result" in run.log
    assert any(line.startswith("::error") and "stop-commands" in line for line in run.log.splitlines())


def test_passing_offer_with_hostile_messages_still_passes_and_runs_nothing(harness: Harness) -> None:
    steps = [step("publisher-signoff", text, "waitingForPublisherReview", [text]) for text in COMMAND_INJECTIONS]
    inject_offer_status(harness, offer_status_body("running", steps, top=COMMAND_INJECTIONS))
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "0"}))
    assert run.exit_code == 0, run.log
    assert_runner_runs_only_our_commands(run, known_masks(harness, APP["client_secret"]))
    assert run.outputs["result"] == "passed"


def test_report_text_runs_no_workflow_command(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed", report_rows=evil_rows())
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "max-rejections": "0"}))
    assert run.exit_code == 1, run.log
    assert harness.sandbox.report_urls_issued, "the report was never offered"
    assert_runner_runs_only_our_commands(
        run, known_masks(harness, STORE["developer_token"], "ads-refresh-token-value-1")
    )
    assert run.outputs["result"] == "failed"
    assert json.loads(run.outputs["catalogs"])[0]["result"] == "failed"
    annotations = [line for line in run.log.splitlines() if line.startswith(("::error", "::warning"))]
    assert any("stop-commands" in line for line in annotations)


# -- item 11: outputs file ---------------------------------------------------------------------

OUTPUT_BREAKERS = "Succeeded\nresult=passed\nresult<<EOF\npassed\nEOF\nghadelimiter_0\n=<<\rx\r\nend"


def test_output_values_with_delimiters_and_new_lines_keep_the_file_well_formed(harness: Harness) -> None:
    steps = [step("evil\nresult=passed\n<<EOF", "Certification", "inProgress", ["x"])]
    inject_offer_status(harness, offer_status_body(OUTPUT_BREAKERS, steps))
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "0", "wait-until": "live"}))
    assert run.exit_code == 3, run.log
    outputs = parse_output_file(run.files.output.read_bytes().decode())  # the runner's strict reader, \n only
    assert set(outputs) == {"result", "offer-status", "offer-step", "offers"}
    assert outputs["result"] == "pending"
    assert outputs["offer-status"] == OUTPUT_BREAKERS
    assert outputs["offer-step"] == "evil\nresult=passed\n<<EOF"
    (entry,) = json.loads(outputs["offers"])
    assert entry["status"] == OUTPUT_BREAKERS and entry["result"] == "pending"


def test_catalog_ids_with_delimiters_flow_into_the_catalogs_output(harness: Harness) -> None:
    odd = "cat=1<<EOF"
    harness.sandbox.add_catalog(STORE["merchant_id"], odd, scenario="clean", is_default=True)
    harness.sandbox.add_catalog(STORE["merchant_id"], "plain", scenario="clean")
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "all", "timeout": "0"}))
    assert run.exit_code == 0, run.log
    outputs = parse_output_file(run.files.output.read_bytes().decode())
    assert outputs["result"] == "passed"
    assert sorted(c["id"] for c in json.loads(outputs["catalogs"])) == sorted([odd, "plain"])
    assert set(outputs) == {"result", "published-count", "rejected-count", "catalogs", "report-path"}


# -- item 12: the job summary rendered by GitHub's cmark-gfm -----------------------------------


def tables(html: str) -> list[list[list[str]]]:
    """Each rendered table as rows of cell texts."""
    return [Html(chunk).rows for chunk in re.findall(r"<table>.*?</table>", html, flags=re.DOTALL)]


ALLOWED_TAGS = {
    "h2",
    "h3",
    "p",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "details",
    "summary",
    "blockquote",
    "a",
    "br",
    "em",
    "strong",
    "code",
}


def assert_no_injected_markup(html: str) -> None:
    parsed = Html(html)
    assert set(parsed.tags) <= ALLOWED_TAGS, set(parsed.tags) - ALLOWED_TAGS
    assert "<!--" not in html
    for attrs in parsed.attrs:
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("https://"), href
    assert "javascript:" not in "".join(str(a) for a in parsed.attrs)
    assert "@team" not in html  # a zero-width space defeats the mention
    for character in ("\u202e", "\x1b", "\x00"):
        assert character not in html


@needs_cmarkgfm
def test_offer_summary_renders_with_its_table_shape_and_no_injected_markup(harness: Harness) -> None:
    inject_offer_status(harness, offer_status_body("failed", evil_steps(), top=EVIL))
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "0"}))
    assert run.exit_code == 1
    html = render(run.summary)
    assert_no_injected_markup(html)
    (steps,) = tables(html)
    assert [len(row) for row in steps] == [5] * (1 + len(EVIL))
    assert "stop-commands" in steps[3][0] and "onerror" in steps[1 + EVIL.index(MARKUP_INJECTIONS[2])][0]
    # the preview links: only the https one is a link
    hrefs = [a.get("href") for a in Html(html).attrs if "href" in a]
    assert hrefs == ["https://ok.example/preview"]


@needs_cmarkgfm
def test_catalog_summary_renders_with_its_table_shape_and_no_injected_markup(harness: Harness) -> None:
    rows = evil_rows()
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed", report_rows=rows)
    run = harness.run(
        harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "max-rejections": "0", "max-table-rows": "100"})
    )
    assert run.exit_code == 1, run.log
    html = render(run.summary)
    assert_no_injected_markup(html)
    counts, groups, items = tables(html)
    assert [len(row) for row in counts] == [2, 2]
    assert [len(row) for row in groups] == [4] * (1 + len(EVIL))
    assert [len(row) for row in items] == [7] * (1 + len(rows))
    assert html.count("<details>") == html.count("</details>") == 1


# -- item 13: size of the summary and number of annotations ------------------------------------


def annotation_counts(run: Run) -> dict[str, int]:
    lines = runner_lines(run.log)
    return {level: sum(1 for line in lines if line.startswith(f"::{level}")) for level in ("error", "warning")}


def test_summary_over_one_mebibyte_is_cut_with_a_note(harness: Harness) -> None:
    long_text = "x" * 290
    steps = [
        step(f"s{i}", f"{long_text} {i}", "rejected", [f"{long_text} message {i}"], estimated=long_text)
        for i in range(900)
    ]
    body = offer_status_body("failed", steps)
    for n in range(3):
        harness.sandbox.add_offer("contoso", f"offer-{n}", scenario="stuck")
    harness.sandbox.inject(
        method="GET", path=r"/status$", status=200, body=body, content_type="application/json", times=None
    )
    run = harness.run(harness.app_inputs(**{"offer-id": "offer-0,offer-1,offer-2", "timeout": "0"}))
    assert run.exit_code == 1, run.log
    size = len(run.files.summary.read_bytes())
    assert size <= SUMMARY_LIMIT_BYTES
    assert size > SUMMARY_LIMIT_BYTES // 2  # cut to fit, not thrown away
    assert "cut" in run.summary_text or "left out" in run.summary_text
    assert "contoso/offer\\-0" in run.summary and "section was cut" in run.summary_text
    assert all(f"contoso/offer-{n}" in run.summary_text for n in range(3))


def test_at_most_ten_error_annotations_for_many_offers(harness: Harness) -> None:
    ids = [f"offer-{n:02d}" for n in range(14)]
    for offer_id in ids:
        harness.sandbox.add_offer("contoso", offer_id, scenario="certification-failed")
    run = harness.run(harness.app_inputs(**{"offer-id": ",".join(ids), "timeout": "2d", "poll-interval": "1h"}))
    assert run.exit_code == 1, run.log
    counts = annotation_counts(run)
    assert counts["error"] == ANNOTATION_LIMIT
    assert counts["warning"] <= ANNOTATION_LIMIT
    assert "4 more error annotations" in run.log
    assert all(f"contoso/{offer_id}" in run.summary_text for offer_id in ids)
    assert "4 more error annotations left out" in run.summary_text


def test_at_most_ten_annotations_per_level_for_many_catalog_reasons(harness: Harness) -> None:
    rows = [ReportRow(item_id=f"e{i}", message=f"error reason {i}", type="Error", values="") for i in range(25)]
    rows += [ReportRow(item_id=f"w{i}", message=f"warning reason {i}", type="Warning", values="") for i in range(25)]
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed", report_rows=rows)
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "max-rejections": "0"}))
    assert run.exit_code == 1, run.log
    counts = annotation_counts(run)
    assert counts == {"error": ANNOTATION_LIMIT, "warning": ANNOTATION_LIMIT}
    assert "1 more error annotation left out" in run.summary_text


@pytest.mark.parametrize("text", COMMAND_INJECTIONS)
def test_each_command_injection_alone_in_a_failure_message(harness: Harness, text: str) -> None:
    inject_offer_status(
        harness, offer_status_body("failed", [step("cert", "Certification", "rejected", [text])], top=[text])
    )
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "0"}))
    assert run.exit_code == 1
    assert_runner_runs_only_our_commands(run, known_masks(harness, APP["client_secret"]))
    assert run.outputs["result"] == "failed"
