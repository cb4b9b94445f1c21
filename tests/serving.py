"""The demo service as a real process on a free loopback port, over its own SQLite file (the
server tests and the browser tests share it)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

LIFEEVENTS = str(Path(sys.executable).parent / "lifeevents")


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


@contextlib.contextmanager
def demo_server(folder: Path, *, wait: float = 120, workers: int = 1) -> Iterator[tuple[str, Path]]:
    """``lifeevents serve --demo [--workers N]`` in its own process: its base URL and the file
    its output goes to; fails the test with that output when it does not become healthy."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("LIFEEVENTS_JWT_KEY", "DATABASE_URL")}
    log = folder / "server.txt"
    with open(log, "w") as out, subprocess.Popen(
        [LIFEEVENTS, "serve", "--demo", "--port", str(port),
         "--database", f"sqlite:///{folder / 'demo.sqlite3'}", "--workers", str(workers)],
        stdout=out, stderr=subprocess.STDOUT, env=env,
    ) as process:  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + wait
        while not _healthy(base):
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(log.read_text())
            time.sleep(0.3)
        try:
            yield base, log
        finally:
            process.terminate()
            process.wait(timeout=30)
