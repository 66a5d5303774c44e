"""Run a command and print the peak resident memory of it and its child processes, in KiB, on
the last line of stderr: `peak-rss-kib=<sum> processes=<count>`.

Used by whole_run.py in place of measuring the child directly: a child forked from a large
process (the benchmark holds reports and a sandbox) starts out charged with its parent's
memory, so the kernel's figure would be the parent's. This small process forks instead.

The figure is the command's own high-water mark (VmHWM in /proc/<pid>/status, sampled every
few milliseconds until it ends, and its own ru_maxrss from wait4 at exit), plus that of any
child process it starts (the gate starts none). RUSAGE_CHILDREN is not used: it would be the
largest of all children ever waited for, not this one's.

    python3 peak_memory.py COMMAND [ARGS...]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

SAMPLE_SECONDS = 0.005


def _tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += _tree(int(child))
    return found


def _high_water_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main() -> int:
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(sys.argv[1], sys.argv[1:])
        finally:
            os._exit(127)
    peaks: dict[int, int] = {}
    while True:
        for process in _tree(pid):
            peaks[process] = max(peaks.get(process, 0), _high_water_kib(process))
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        time.sleep(SAMPLE_SECONDS)
    peaks[pid] = max(peaks.get(pid, 0), usage.ru_maxrss)
    print(f"peak-rss-kib={sum(peaks.values())} processes={len(peaks)}", file=sys.stderr)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
