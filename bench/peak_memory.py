"""Run a command and print its peak resident memory in KiB on the last line of stderr.

Used by whole_run.py in place of measuring the child directly: a child forked from a large
process (the benchmark holds reports and a sandbox) starts out charged with its parent's
memory, so the kernel's figure would be the parent's. This small process forks instead.

    python3 peak_memory.py COMMAND [ARGS...]
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(sys.argv[1], sys.argv[1:])
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    print(f"peak-rss-kib={usage.ru_maxrss}", file=sys.stderr)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
