"""Shared by the browser tests: Debian's Chromium under Playwright, and where screenshots go.

Screenshots are test artifacts, never part of the repository: they go to ``$ARTIFACTS_DIR``
(CI's output folder), or else to a temporary folder whose path the tests print.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# As python-svc.md says this machine needs: root (so no sandbox), no GPU, a closed network
# (so no background connections Chromium would otherwise try, and wait on, at every start).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


def artifacts_dir() -> Path:
    configured = os.environ.get("ARTIFACTS_DIR")
    folder = Path(configured) if configured else Path(tempfile.gettempdir()) / "browser-artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page: Page, name: str) -> Path:
    path = artifacts_dir() / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


@contextmanager
def chromium_page() -> Iterator[Page]:
    """A page of a fresh headless Chromium; on failure, a screenshot among the artifacts."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=30_000
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            try:
                yield page
            except BaseException:
                with suppress(Exception):  # never hide the failure behind a screenshot's
                    screenshot(page, "failure")
                raise
        finally:
            browser.close()


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.locator("#user-tools").wait_for()
