"""Regenerate docs/job-summary.png: a real job summary of the gate, as GitHub shows it.

The gate runs through the `offergate` command against the built-in sandbox (the same offers and
catalog as `offergate demo`: two offers that reach publisher sign-off, a catalog with three
rejections within `max-rejections: 10`) on a virtual clock, so it takes a second or two and
needs no network. Its `--summary-file` Markdown is rendered with cmark-gfm (GitHub's Markdown
engine, the `cmarkgfm` test dependency) into an HTML page styled like a GitHub job summary.

    python3 docs/render_summary.py                  # writes build/job-summary/summary.md and .html
    python3 docs/render_summary.py --screenshot     # also docs/job-summary.png, with Chromium

The screenshot is taken with headless Chromium (Debian: `apt-get install -y chromium
fonts-noto-color-emoji`; the emoji font draws the status icons). By hand, with HTML as written:

    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \\
      --disable-background-networking --disable-component-update --disable-sync \\
      --user-data-dir="$(mktemp -d)" --hide-scrollbars --window-size=1012,1720 \\
      --screenshot=docs/job-summary.png build/job-summary/summary.html

`--no-sandbox` is needed when running as root (in a container). The page loads nothing from the
network: the CSS is inline and the summary's only link is not followed.
"""

from __future__ import annotations

import argparse
import html
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from offergate.cli import main  # noqa: E402
from offergate.core.clock import VirtualClock  # noqa: E402
from offergate.demo import stage_demo  # noqa: E402
from offergate.sandbox import Sandbox  # noqa: E402

# Chromium's window: GitHub's summary column is about 1000 px wide on a laptop screen.
WIDTH = 1012
HEIGHT = 1720

# GitHub-like styling for the rendered Markdown, written for this page (no downloads).
CSS = """
body { margin: 0; padding: 24px; background: #f6f8fa; color: #1f2328;
  font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", Helvetica, Arial, sans-serif,
    "Noto Color Emoji"; }
.box { background: #ffffff; border: 1px solid #d1d9e0; border-radius: 6px; }
.box > header { padding: 12px 16px; border-bottom: 1px solid #d1d9e0; font-weight: 600; font-size: 14px; }
.box > header span { color: #59636e; font-weight: 400; }
.markdown { padding: 8px 24px 24px; }
.markdown h2 { font-size: 1.5em; font-weight: 600; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3;
  margin: 24px 0 16px; }
.markdown h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; }
.markdown p { margin: 0 0 16px; }
.markdown a { color: #0969da; text-decoration: none; }
.markdown table { border-collapse: collapse; display: block; width: max-content; max-width: 100%;
  overflow: auto; margin: 0 0 16px; font-variant-numeric: tabular-nums; }
.markdown th, .markdown td { border: 1px solid #d1d9e0; padding: 6px 13px; }
.markdown th { font-weight: 600; background: #ffffff; }
.markdown tr:nth-child(2n) td { background: #f6f8fa; }
.markdown details { margin: 0 0 16px; }
.markdown summary { cursor: pointer; }
code { font: 85% ui-monospace, "DejaVu Sans Mono", monospace; background: #818b981f; padding: .2em .4em;
  border-radius: 6px; }
"""


def run_gate(summary_file: Path) -> int:
    """The gate against the sandbox, as `offergate demo` sets it up; the summary goes to a file."""
    clock = VirtualClock()
    with Sandbox(clock=clock.monotonic) as sandbox:
        inputs = stage_demo(sandbox)
        args = [part for name, value in inputs.items() for part in (f"--{name}", value)]
        with tempfile.TemporaryDirectory(prefix="offergate-summary-") as workspace:
            log = io.StringIO()
            code = main(
                [*args, "--summary-file", str(summary_file)],
                env={"GITHUB_WORKSPACE": workspace},
                clock=clock.as_clock(),
                out=log,
            )
    if code != 0:
        sys.stderr.write(log.getvalue())
    return code


def to_html(markdown: str) -> str:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    # UNSAFE keeps the <details> block, which GitHub's summary allows; the gate escapes all API text.
    body = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<title>offergate job summary</title><style>{CSS}</style></head>\n<body><div class="box">'
        f"<header>gate summary <span>{html.escape('(offergate, sandbox run)')}</span></header>"
        f'<div class="markdown">\n{body}</div></div></body></html>\n'
    )


def screenshot(page: Path, png: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not chromium:
        raise SystemExit("no Chromium found: apt-get install -y chromium fonts-noto-color-emoji")
    with tempfile.TemporaryDirectory(prefix="offergate-chromium-") as profile:
        subprocess.run(  # noqa: S603 - a fixed argument list
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--hide-scrollbars", f"--window-size={WIDTH},{HEIGHT}",
             f"--screenshot={png.resolve()}", page.resolve().as_uri()],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
        )  # fmt: skip


def main_script() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "build" / "job-summary", help="folder for summary.md and .html"
    )
    parser.add_argument(
        "--screenshot",
        nargs="?",
        type=Path,
        const=ROOT / "docs" / "job-summary.png",
        help="take the screenshot with headless Chromium (default docs/job-summary.png)",
    )
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    summary = options.out / "summary.md"
    code = run_gate(summary)
    if code != 0:
        sys.stderr.write(f"the sandbox run ended with exit code {code}\n")
        return code
    page = options.out / "summary.html"
    page.write_text(to_html(summary.read_text()))
    sys.stdout.write(f"wrote {summary} and {page}\n")
    if options.screenshot:
        screenshot(page, options.screenshot)
        sys.stdout.write(f"wrote {options.screenshot}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main_script())
