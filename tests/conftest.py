"""Shared fixtures: paths to the bundled rules and to the loader's fixture files."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]

# The suite keeps its caches (loaded catalogs, compiled code) to itself, not in the user's home.
_CACHE = tempfile.mkdtemp(prefix="lifeevents-test-cache-")
os.environ.setdefault("LIFEEVENTS_CACHE", _CACHE)
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
# Native units (engine/evaluation/native.py) are waited for, so every test runs the path the
# service runs once they are built; they are built once, before any test (a test that moves
# the cache elsewhere turns them off rather than building them again there).
os.environ.setdefault("LIFEEVENTS_NATIVE", "wait")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Build the bundled catalog's native units before the first test (about 20 s, once)."""
    from engine import Engine

    Engine.load().compiled.scalar()


FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The fixtures folder."""
    return FIXTURES


@pytest.fixture
def copied_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled rules (``tmp_path / "rules"``), with the user's cache in
    ``tmp_path / "cache"``: a catalog and its code of its own, cached apart."""
    from engine.catalog.paths import default_rules_dir

    monkeypatch.setenv("LIFEEVENTS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("LIFEEVENTS_NATIVE", "off")
    copy = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), copy)
    return copy


@pytest.fixture
def example_profile() -> dict[str, object]:
    """The CONTRACTS.md example household (a single parent in Toronto with one child)."""
    return {
        "as_of": "2026-01-15",
        "household": {
            "province": "ON",
            "municipality": "toronto",
            "members": [
                {
                    "id": "maria",
                    "role": "applicant",
                    "date_of_birth": "1991-05-02",
                    "marital_status": "single",
                    "residency_status": "citizen",
                    "net_income": 35000,
                    "employment_income": 33000,
                },
                {"id": "leo", "role": "child", "date_of_birth": "2023-09-10", "custody": "full"},
            ],
        },
    }


# CI runs the property tests derandomized, so a red build is reproducible; local runs explore.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=400)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")
elif os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
