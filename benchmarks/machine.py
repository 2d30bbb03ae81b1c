"""A description of the machine and software a benchmark ran on, for its results file."""

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 2**20
    return float("nan")


def _os() -> str:
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))}, Linux {platform.release()}"
    return platform.platform()


def _git_revision(root: Path) -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False).stdout.strip()

    revision = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "sezp_roadmap", "pipelines", "sql")
    return revision + (" with uncommitted changes in the pipeline's code" if dirty else "")


def cpu_ticks(stat: Path = Path("/proc/stat")) -> tuple[int, int] | None:
    """The machine's CPU time so far, in clock ticks: (stolen by the hypervisor, all); None off Linux.

    The first line of /proc/stat sums every core: user, nice, system, idle, iowait,
    irq, softirq, steal, then guest times that user and nice already include.
    """
    try:
        fields = stat.read_text(encoding="utf-8").splitlines()[0].split()
    except (OSError, IndexError):
        return None
    if fields[0] != "cpu" or len(fields) < 9:
        return None
    ticks = [int(v) for v in fields[1:9]]
    return ticks[7], sum(ticks)


def steal_percent(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The share of the machine's CPU time between two cpu_ticks() readings that the hypervisor gave elsewhere.

    On a shared virtual machine it is the visible part of the host's effect on a
    run (a core that had work but no CPU), not all of it: a busy host also slows
    every memory access without taking a tick.
    """
    if before is None or after is None or after[1] <= before[1]:
        return None
    return round(100 * (after[0] - before[0]) / (after[1] - before[1]), 1)


def describe(root: Path) -> dict[str, str]:
    return {
        "CPU": _cpu_model(),
        "Cores": str(os.cpu_count()),
        "RAM": f"{_memory_gib():.1f} GiB",
        "OS": _os(),
        "Python": platform.python_version(),
        "DuckDB": metadata.version("duckdb"),
        "Dagster": metadata.version("dagster"),
        "pandas": metadata.version("pandas"),
        "Code": _git_revision(root),
    }
