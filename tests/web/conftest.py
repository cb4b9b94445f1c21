"""The browser tests' setup: Debian's Chromium (installed with apt when missing), axe-core from
npm (installed from tests/web/package-lock.json when missing), and ``lifeevents serve --demo``
as a real process on a free loopback port over a real SQLite file.

Run them alone with ``pytest -m browser``; screenshots land in ``artifacts/web/<lang>/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from serving import demo_server

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"


def _run(command: list[str], cwd: Path | None = None) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium (Playwright's own browser download does not work here)."""
    if not CHROMIUM.exists():
        if shutil.which("apt-get") is None or os.geteuid() != 0:
            pytest.fail(f"{CHROMIUM} is missing: run 'apt-get install -y chromium' as root")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", "chromium"]
        for command in (["apt-get", "update", "-q"], install):
            done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
            if done.returncode != 0:
                pytest.fail(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return CHROMIUM


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script (the npm package, at the version of package-lock.json)."""
    if not AXE.exists():
        if shutil.which("npm") is None:
            pytest.fail("npm is missing: it installs axe-core for the accessibility checks")
        _run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo service's base URL (its own process, its own SQLite file)."""
    with demo_server(tmp_path_factory.mktemp("web")) as (base, _):
        yield base


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[object]:
    """Headless Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            launched.close()
