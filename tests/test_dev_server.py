"""`make dev` stops with every process it started: Ctrl-C, or a signal to make alone, leaves nothing running.

The fast tests run the wrapper (sezp_roadmap.dev_server) around a stand-in for
`dagster dev` that starts a child of its own which ignores SIGINT; the `bench`
test starts the real `make dev` (about a minute on a busy two-core machine).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sezp_roadmap.dev_server import STOP_SECONDS
from sezp_roadmap.paths import PROJECT_ROOT

# A stand-in for `dagster dev`: a child that will not stop on SIGINT, and a parent that stops on it.
STAND_IN = textwrap.dedent(
    """
    import signal, subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c",
        "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); print('child', flush=True); time.sleep(600)"])
    time.sleep(600)
    """
)


def descendants(pid: int) -> set[int]:
    """Every living process under pid (zombies not counted: they hold no resources but their exit status)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def ignore_sigint():
    """What a script's `cmd &` does to a background job without job control: SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start_wrapper(tmp_path: Path, *, sigint_ignored: bool) -> subprocess.Popen:
    stand_in = tmp_path / "stand_in.py"
    stand_in.write_text(STAND_IN)
    code = (
        "import sys; from sezp_roadmap.dev_server import main; "
        f"sys.exit(main(command=[sys.executable, {str(stand_in)!r}], stop_seconds=1.0))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        start_new_session=True,  # a process group of its own, as a terminal gives a foreground job
        preexec_fn=ignore_sigint if sigint_ignored else None,
        cwd=PROJECT_ROOT,
    )


@pytest.mark.parametrize(
    ("how", "sigint_ignored"),
    [("ctrl-c", False), ("ctrl-c", True), ("sigterm to the wrapper", False), ("sigint to the wrapper", False)],
)
def test_the_wrapper_stops_every_process_it_started(tmp_path, how, sigint_ignored):
    wrapper = start_wrapper(tmp_path, sigint_ignored=sigint_ignored)
    try:
        assert wait_until(lambda: len(descendants(wrapper.pid)) >= 2, 20), "the stand-in and its child did not start"
        started = descendants(wrapper.pid)
        if how == "ctrl-c":
            os.killpg(wrapper.pid, signal.SIGINT)  # the terminal signals its foreground process group
        else:
            wrapper.send_signal(signal.SIGTERM if "sigterm" in how else signal.SIGINT)
        # SIGINT to the stand-in's group, 1 s for it to stop, then SIGKILL to the child that ignores SIGINT.
        assert wrapper.wait(timeout=10) in (128 + signal.SIGINT, 128 + signal.SIGTERM)
        assert wait_until(lambda: not alive(started), 5), f"still running: {alive(started)}"
    finally:
        if wrapper.poll() is None:
            os.killpg(wrapper.pid, signal.SIGKILL)
            wrapper.wait()


def test_the_dev_target_execs_the_wrapper():
    """make passes SIGTERM to its child only, so the child must be the wrapper, not a shell in between."""
    recipe = (PROJECT_ROOT / "Makefile").read_text().split("\ndev:", 1)[1].split("\n\n", 1)[0]
    assert "exec $(BIN)/python -m sezp_roadmap.dev_server" in recipe
    assert "dagster dev" not in recipe.replace("#", "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.bench
@pytest.mark.parametrize("how", ["ctrl-c", "ctrl-c in a script's background job", "sigterm to make"])
def test_make_dev_stops_cleanly(tmp_path, how):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((PROJECT_ROOT / "dagster_home" / "dagster.yaml").read_text())
    log = tmp_path / "dev.log"
    with log.open("w") as out:
        make = subprocess.Popen(
            ["make", "dev", f"DEV_PORT={free_port()}", f"DEV_HOME={home}"],
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=ignore_sigint if "background" in how else None,
        )
    started: set[int] = set()
    try:
        assert wait_until(lambda: "Serving dagster-webserver" in log.read_text(), 180), log.read_text()[-2000:]
        started = descendants(make.pid)
        assert len(started) >= 5  # the wrapper, dagster dev, its webserver, daemon and code server(s)
        if how == "sigterm to make":
            make.send_signal(signal.SIGTERM)
        else:
            os.killpg(make.pid, signal.SIGINT)
        assert wait_until(lambda: not alive(started), STOP_SECONDS + 5), f"still running: {alive(started)}"
        assert make.wait(timeout=5) != 0
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()
        for pid in alive(started):
            os.kill(pid, signal.SIGKILL)
