"""End to end: ``lifeevents serve --demo`` as a real process (uvicorn on a free loopback port,
a real SQLite file), called over HTTP as a portal or a caseworker's system would."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serving import LIFEEVENTS, demo_server, free_port

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _call(
    url: str, body: Any = None, token: str | None = None, method: str | None = None
) -> tuple[int, str, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers["content-type"], json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers["content-type"], json.loads(error.read())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The demo service's base URL and its start-up output."""
    with demo_server(tmp_path_factory.mktemp("serve"), wait=90) as (base, log):
        yield base, log.read_text()


def _token(output: str, role: str) -> str:
    lines = output.splitlines()
    return lines[lines.index(f"{role} token:") + 1].strip()


def test_the_demo_serves_screening_and_a_caseworkers_flow(server: tuple[str, str]) -> None:
    base, output = server
    household = json.loads((EXAMPLES / "household.json").read_text())
    status, kind, answer = _call(f"{base}/v1/eligibility", household)
    assert status == 200 and kind == "application/json" and answer["results"]
    client = next(line.split()[-1] for line in output.splitlines() if "demo client:" in line)
    worker = _token(output, "caseworker")
    status, _, profile = _call(f"{base}/v1/clients/{client}?purpose=demo%20review", token=worker)
    assert status == 200 and profile["household"]["members"]
    birth = json.loads((EXAMPLES / "birth.json").read_text())
    event = {"as_of": birth["as_of"], "event": birth["event"]}
    status, _, told = _call(f"{base}/v1/clients/{client}/events", event, token=worker)
    assert status == 200 and told["shared_with"] == [
        {"agency": "cra", "agreement": "cra_child_benefits"}
    ]
    status, kind, problem = _call(f"{base}/v1/clients/{client}", token=_token(output, "analyst"))
    assert (status, kind, problem["status"]) == (403, "application/problem+json", 403)
    status, _, mine = _call(f"{base}/v1/clients/{client}", token=_token(output, "citizen"))
    assert status == 200 and mine["household"]
    with urllib.request.urlopen(f"{base}/metrics", timeout=30) as response:
        assert b"lifeevents_requests_total" in response.read()


def test_two_worker_processes_share_the_demos_key_and_store(tmp_path: Path) -> None:
    """``--workers 2``: each worker builds its own application from what the command set (the
    demo's made-up signing key, the store), so a token printed at start works whichever
    worker answers, and so does a record written through the other one."""
    with demo_server(tmp_path, workers=2, wait=120) as (base, log):
        # healthy as soon as one worker listens: wait for the other to have started too
        deadline = time.monotonic() + 120
        while log.read_text().count("Started server process") < 2:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        output = log.read_text()
        client = next(line.split()[-1] for line in output.splitlines() if "demo client:" in line)
        worker = _token(output, "caseworker")
        for _ in range(6):  # keep-alive is off: each call may land on either process
            status, _, profile = _call(f"{base}/v1/clients/{client}?purpose=review", token=worker)
            assert status == 200 and profile["household"]["members"]
        household = json.loads((EXAMPLES / "household.json").read_text())
        status, _, answer = _call(f"{base}/v1/eligibility", household)
        assert status == 200 and answer["results"]


def test_without_a_key_outside_the_demo_the_service_refuses_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "LIFEEVENTS_JWT_KEY"}
    done = subprocess.run(
        [LIFEEVENTS, "serve", "--port", str(free_port()),
         "--database", f"sqlite:///{tmp_path / 'x.sqlite3'}"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "LIFEEVENTS_JWT_KEY" in done.stderr
    assert "Traceback" not in done.stderr
