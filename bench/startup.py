"""Target 5: start-up time and image contents.

Start-up is the wall time from just before the `offergate` console script is started (as the
Dockerfile's ENTRYPOINT starts it, with the runner's environment: `INPUT_*` for every input of
action.yml with its default, the file-command variables, the workspace) to the arrival of its
first HTTP request at a tiny local server, which answers 401 so that the step ends at once.

Measured twice: against a regular (non-editable) install made in a venv under the work folder,
as the image holds it (the target, < 300 ms), and against this checkout's own install (editable
in development). Baselines: `python -c pass` and `python -c "import requests"` with the same
interpreter, so the ratio shows what is offergate's own.

The image row states the Python distributions the image holds: the closure of pyproject's
dependencies over their `Requires-Dist` (markers evaluated for the image's Python), which the
Dockerfile's final stage holds with pip, setuptools and wheel removed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

from harness import Row, Settings
from tests.support import image_install
from tests.support.runner_env import StepFiles
from tests.support.runner_env import runner_env as step_env

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MS = 300.0
TOKEN = "bench-token-123"


class FirstRequest:
    """A loopback HTTP server that records when each request arrives and answers 401."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []
        self.arrived = threading.Event()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def handle_one_request(self) -> None:
                # The request line is read here: the earliest moment the request has arrived.
                self.raw_requestline = self.rfile.readline(65537)
                if not self.raw_requestline:
                    self.close_connection = True
                    return
                recorder.arrivals.append(time.perf_counter())
                recorder.arrived.set()
                if not self.parse_request():
                    return
                body = b'{"error": {"code": "Unauthorized", "message": "benchmark"}}'
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def runner_env(step: Path, url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The runner's environment for one step (tests/support/runner_env.py) with the offer gate pointed at `url`."""
    given = {"publisher-id": "contoso", "offer-id": "vm-offer", "azure-access-token": TOKEN, "marketplace-url": url}
    image_like = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONDONTWRITEBYTECODE": "1",  # as in the image
        "PYTHONUNBUFFERED": "1",
    }
    return step_env(given, StepFiles(step), {**image_like, **(extra or {})})


def first_request_ms(script: str, work: Path, extra: dict[str, str] | None = None) -> float:
    """Start `script` once with the runner's environment; ms until its first request arrives."""
    with FirstRequest() as server, tempfile.TemporaryDirectory(dir=work) as step:
        env = runner_env(Path(step), server.url, extra)
        started = time.perf_counter()
        process = subprocess.Popen([script], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if not server.arrived.wait(30):
            process.kill()
            output = process.communicate()[0].decode(errors="replace")
            raise RuntimeError(f"{script} sent no request:\n{output}")
        output = process.communicate(timeout=30)[0].decode(errors="replace")
        if process.returncode != 4 or "was refused" not in output:  # the 401: exit 4, the token named
            raise RuntimeError(f"{script} exited {process.returncode}:\n{output}")
        return (server.arrivals[0] - started) * 1000


def process_ms(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        argv,
        check=True,
        stdout=subprocess.DEVNULL,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return (time.perf_counter() - started) * 1000


def regular_install(work: Path) -> Path | None:
    """offergate installed as the image holds it (not editable; a venv with no pip and no system
    site-packages; byte-code precompiled); its console script, or None when it cannot be made."""
    venv = work / "startup-venv"
    shutil.rmtree(venv, ignore_errors=True)
    try:
        return Path(image_install.install_like_the_image(venv, compile_bytecode=True))
    except (subprocess.CalledProcessError, OSError, ImportError) as error:
        print(f"  startup: no regular install ({error}); measuring this checkout only", file=sys.stderr)
        return None


def image_distributions() -> list[str]:
    """offergate's runtime closure: pyproject's dependencies and theirs, for this Python."""
    return sorted(image_install.runtime_closure())


def run(settings: Settings) -> list[Row]:
    work = Path(settings.work_dir or tempfile.mkdtemp(prefix="offergate-startup-"))
    repeats = max(settings.repeats, 10)  # cheap: at least ten samples
    here = str(Path(sysconfig.get_path("scripts")) / "offergate")  # the script itself, not a pyenv shim
    venv_script = regular_install(work)
    # The interpreter of the image-like venv when there is one (it skips this machine's .pth files).
    python = str(venv_script.parent / "python") if venv_script else sys.executable
    actions: dict[str, list[str] | str] = {
        "pass": [python, "-c", "pass"],
        "requests": [python, "-c", "import requests"],
        "editable": here,
    }
    if venv_script is not None:
        actions["regular"] = str(venv_script)
        actions["no-bytecode"] = str(venv_script)
    # An empty byte-code cache folder hides every .pyc: each start compiles from source, as the
    # base image (which ships no .pyc) would with PYTHONDONTWRITEBYTECODE and no compileall.
    empty = work / "startup-no-pyc"
    empty.mkdir(exist_ok=True)
    extra = {"no-bytecode": {"PYTHONPYCACHEPREFIX": str(empty)}}

    def once(name: str) -> float:
        action = actions[name]
        return process_ms(action) if isinstance(action, list) else first_request_ms(action, work, extra.get(name))

    samples: dict[str, list[float]] = {name: [] for name in actions}
    for name in actions:  # one warm-up each: file caches as on a second run
        once(name)
    for _ in range(repeats):  # in turns, so that a busy spell of the machine weighs on all alike
        for name in actions:
            samples[name].append(once(name))
    baseline = Row(
        "start-up: python -c pass",
        samples["pass"],
        unit="ms",
        note="the interpreter alone (the image-like venv's when it could be made)",
    )
    rows = [
        baseline,
        Row("start-up: python -c 'import requests'", samples["requests"], unit="ms", baseline=baseline),
    ]
    if "regular" in samples:
        rows.append(
            Row(
                "start-up: offergate to first request (regular install)",
                samples["regular"],
                unit="ms",
                baseline=baseline,
                limit=LIMIT_MS,
                note="a wheel install in a venv (byte-code precompiled), started as the ENTRYPOINT starts it, "
                "with every INPUT_* of action.yml",
            )
        )
    if "no-bytecode" in samples:
        rows.append(
            Row(
                "start-up: same, without precompiled byte-code",
                samples["no-bytecode"],
                unit="ms",
                baseline=baseline,
                note="what the image would cost without its compileall steps (every module compiled at each start)",
            )
        )
    rows.append(
        Row(
            "start-up: offergate to first request (this checkout)",
            samples["editable"],
            unit="ms",
            baseline=baseline,
            limit=None if "regular" in samples else LIMIT_MS,
            note="the development install (editable: its .pth adds src/ to sys.path)"
            + ("" if "regular" in samples else "; the regular install could not be built here, so this is judged"),
        )
    )
    dists = image_distributions()
    rows.append(
        Row(
            "image: Python distributions",
            [float(len(dists))],
            unit="count",
            note="the image holds Python and " + ", ".join(dists) + " (no pip, setuptools or wheel)",
        )
    )
    return rows
