"""`make dev`: `dagster dev` that stops, with every process it started, on Ctrl-C or a termination signal.

`dagster dev` starts four more processes (the webserver, the daemon and two
code servers). Run straight from make, a signal sent to make alone never
reached them: on SIGINT make waits for its child, which got nothing; on
SIGTERM make ends the shell, and `dagster dev` with its four children stayed
on for more than 30 s. Started in the background from a script, every one of
them also inherits an ignored SIGINT and cannot be interrupted at all.

So `dagster dev` runs here in a process group of its own. Ctrl-C (the
terminal's SIGINT), SIGTERM (what make sends its child when it is itself
terminated) and SIGHUP are caught here, even where they were ignored when
this process started, and passed on as SIGINT to the whole group, which is
how `dagster dev` shuts down in order; whatever is still running after
STOP_SECONDS is killed.

This module starts a program; it imports nothing from Dagster.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

# `dagster dev` stops in order in about 8 s (its daemon is the last to go); on a busy machine it can
# take longer, and what is left then is killed: its run history is SQLite, which a kill does not corrupt.
STOP_SECONDS = 10.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def dagster_command(args: list[str]) -> list[str]:
    """`dagster dev` of this environment (the one beside this Python), with the caller's arguments."""
    return [str(Path(sys.executable).with_name("dagster")), "dev", *args]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member we may not signal is still a member
        return True
    return True


def stop_group(process: subprocess.Popen, timeout: float = STOP_SECONDS) -> None:
    """SIGINT to the process group, then SIGKILL to what is left of it after timeout seconds."""
    pgid = process.pid
    try:
        os.killpg(pgid, signal.SIGINT)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        process.poll()
        if not _group_alive(pgid):
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    process.wait()


class _Stop(Exception):
    def __init__(self, signum: int):
        self.signum = signum


def _raise_stop(signum, _frame):
    raise _Stop(signum)


def main(argv: list[str] | None = None, command: list[str] | None = None, stop_seconds: float = STOP_SECONDS) -> int:
    """Runs `dagster dev` with argv (or command, a whole command line) until it ends or is stopped."""
    args = sys.argv[1:] if argv is None else argv
    for sig in STOP_SIGNALS:
        signal.signal(sig, _raise_stop)
    try:
        # Its own process group: the signal reaches every process `dagster dev` starts, and only them.
        process = subprocess.Popen(command or dagster_command(args), process_group=0)
    except _Stop as stop:
        return 128 + stop.signum
    try:
        code = process.wait()
        if _group_alive(process.pid):  # `dagster dev` ended on its own and left a child behind
            stop_group(process, stop_seconds)
        return code
    except _Stop as stop:
        # A second Ctrl-C while stopping must not leave the group behind.
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        stop_group(process, stop_seconds)
        return 128 + stop.signum


if __name__ == "__main__":
    sys.exit(main())
