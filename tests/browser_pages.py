"""Reports opened in a real browser: Debian's chromium, driven by Playwright; what the browser tests share.

No browser is ever downloaded: Playwright drives /usr/bin/chromium (installed
by .ci/run where missing). Outside CI, a test needing it is skipped when
chromium is absent; on CI (the CI variable set) a missing chromium fails.
Screenshots are saved to test-artifacts/screenshots/ (ignored by git).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def require_chromium() -> None:
    """Skip (or, on CI, fail) the calling module or test when Debian's chromium is missing."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing on CI: .ci/run installs Debian's chromium package", pytrace=False)
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)", allow_module_level=True)
    pytest.importorskip("playwright.sync_api")


def open_page(browser, path: Path, root: Path, *, width: int = 1280):
    """Open a report, recording console errors and any request that leaves the report folder."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    inside = root.resolve().as_uri()

    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((inside, "data:"))
            else problems.append(f"request outside the report folder: {r.url}")
        ),
    )
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    return page, problems
