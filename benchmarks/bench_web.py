"""`make bench`: the caseworker page's results screen, server time, printed as JSON.

The app runs in this process over a fresh SQLite file (ASGI through Starlette's test client:
no network, so the time is the server's: the token check, the store read, the engine's check of
the whole catalog, and the template). Distinct synthetic households (bench_api's) are
registered, then each one's results screen is rendered in English and French, several rounds;
the median and p95 per page, the engine's own median on the same households in the same run,
and the page's size.

Target (issue 24): a results screen renders in <= 300 ms server time, whole catalog.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_api import households
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import mint
from api.settings import Settings
from api.web.session import COOKIE
from engine.engine import Engine
from engine.tellusonce import connect, upgrade

TARGET_MS = 300


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    """Register the households, time their results screens, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    engine = Engine.load()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'bench.sqlite3'}", signing_key="b" * 48
        )
        store = connect(settings.database_url)
        upgrade(store)
        token = mint(settings, "bench", "caseworker", agency="on_mccss")
        bearer = {"Authorization": f"Bearer {token}"}
        with TestClient(create_app(settings, engine=engine, store=store)) as client:
            made = households(args.households)
            ids = []
            for household in made:
                done = client.post("/v1/clients", json=household, headers=bearer)
                done.raise_for_status()
                ids.append(done.json()["id"])
            client.cookies.set(COOKIE, token)
            for client_id in ids[:2]:  # warm: the first page compiles the templates
                client.get(f"/en/clients/{client_id}").raise_for_status()
            pages: dict[str, list[float]] = {"en": [], "fr": []}
            sizes = []
            for _ in range(args.rounds):
                for client_id in ids:
                    for lang, times in pages.items():
                        started = time.perf_counter()
                        page = client.get(f"/{lang}/clients/{client_id}")
                        times.append((time.perf_counter() - started) * 1000)
                        if page.status_code != 200:
                            raise SystemExit(f"{page.status_code} on {client_id}")
                        sizes.append(len(page.content))
            engine_ms = []
            for household in made:
                started = time.perf_counter()
                engine.check({"household": household["household"]})
                engine_ms.append((time.perf_counter() - started) * 1000)
    every = pages["en"] + pages["fr"]
    report: dict[str, Any] = {
        "results_screen": {
            "households": len(made),
            "renders": len(every),
            "programs_per_check": len(engine.check(made[0]).results),
            "median_ms": round(statistics.median(every), 1),
            "p95_ms": round(_percentile(every, 0.95), 1),
            "median_ms_en": round(statistics.median(pages["en"]), 1),
            "median_ms_fr": round(statistics.median(pages["fr"]), 1),
            "engine_check_median_ms": round(statistics.median(engine_ms), 1),
            "page_kb_median": round(statistics.median(sizes) / 1024, 1),
        },
        "target": {"median_ms": TARGET_MS},
        "met": statistics.median(every) <= TARGET_MS,
    }
    print(json.dumps({"web": report}, indent=2))


if __name__ == "__main__":
    main()
