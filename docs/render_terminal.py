"""Regenerate docs/terminal.png: the end of `offergate demo`'s output, as a terminal shows it.

The demo runs on a virtual clock (a second or two, no network), its output is laid out for
100 columns (the default when not printing to a terminal), and the last lines of the wait plus
the whole plain-text summary are put into an HTML page styled like a dark terminal, with the
colours a terminal would show (verdict green, headings bold, table rules dim). The screenshot
is taken with headless Chromium, as for docs/job-summary.png (Debian: `apt-get install -y
chromium fonts-noto-color-emoji`).

    python3 docs/render_terminal.py                  # writes build/terminal/terminal.txt and .html
    python3 docs/render_terminal.py --screenshot     # also docs/terminal.png, with Chromium
"""

from __future__ import annotations

import argparse
import html
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "docs"))

from render_summary import screenshot  # noqa: E402

from offergate.core.clock import VirtualClock  # noqa: E402
from offergate.demo import run_demo  # noqa: E402

PROGRESS_LINES = 4  # lines of the wait shown before the result

CSS = """
body { margin: 0; padding: 0; background: #1e1e1e; }
pre { margin: 0; padding: 16px 18px; color: #d4d4d4;
  font: 12.5px/1.35 "DejaVu Sans Mono", ui-monospace, monospace, "Noto Color Emoji"; white-space: pre; }
.bold { font-weight: 700; color: #ffffff; } .dim { color: #808080; } .green { color: #6cc644; font-weight: 700; }
.prompt { color: #6cc644; } .skipped { color: #808080; font-style: italic; }
"""


def demo_output() -> str:
    """What `offergate demo` prints (not to a terminal: laid out for the default 100 columns)."""
    out = io.StringIO()
    code = run_demo([], out, clock=VirtualClock().as_clock())
    if code != 0:
        raise SystemExit(f"the demo ended with exit code {code}:\n{out.getvalue()}")
    return out.getvalue()


def excerpt(text: str) -> list[str]:
    """The last lines of the wait and everything from the result line on."""
    lines = text.rstrip("\n").splitlines()
    result = next(i for i, line in enumerate(lines) if line.startswith("offergate: "))
    start = max(0, result - PROGRESS_LINES)
    return [f"[… {start} earlier lines of the wait …]", *lines[start:]]


def is_rule(line: str) -> bool:
    """A heading's underline or a table's rule."""
    return bool(line) and (set(line) <= {"=", "-"} or set(line.replace(" ", "")) == {"─"})


def styled(line: str, following: str) -> str:
    """A line as HTML, coloured as a terminal shows it (offergate.github.plain's styles)."""
    shown = html.escape(line)
    if line.startswith("[… "):
        return f'<span class="skipped">{shown}</span>'
    if line.startswith("✅ offergate:"):
        return f'<span class="green">{shown}</span>'
    if is_rule(line):
        return f'<span class="dim">{shown}</span>'
    if is_rule(following) or (line.endswith(":") and line.startswith("First ")):
        return f'<span class="bold">{shown}</span>'  # a heading, a table's header, a collapsed block's title
    return shown


def to_html(lines: list[str]) -> str:
    body = ['<span class="prompt">$</span> offergate demo']
    for index, line in enumerate(lines):
        body.append(styled(line, lines[index + 1] if index + 1 < len(lines) else ""))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>offergate demo</title>'
        f"<style>{CSS}</style></head>\n<body><pre>" + "\n".join(body) + "</pre></body></html>\n"
    )


def main_script() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "build" / "terminal", help="folder for terminal.txt and .html"
    )
    parser.add_argument(
        "--screenshot",
        nargs="?",
        type=Path,
        const=ROOT / "docs" / "terminal.png",
        help="take the screenshot with headless Chromium (default docs/terminal.png)",
    )
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    lines = excerpt(demo_output())
    text = options.out / "terminal.txt"
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page = options.out / "terminal.html"
    page.write_text(to_html(lines), encoding="utf-8")
    sys.stdout.write(f"wrote {text} and {page}\n")
    if options.screenshot:
        screenshot(page, options.screenshot)
        sys.stdout.write(f"wrote {options.screenshot}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main_script())
