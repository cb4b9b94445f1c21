"""The wheel ships the rule files, an installed copy finds them, and no catalog is an error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from engine.catalog import default_rules_dir, load_catalog, validate_catalog
from engine.catalog.paths import RULES_ENV
from engine.errors import RuleSchemaError

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"


def _pip(*args: str) -> None:
    # --no-index: offline and deterministic; setuptools and wheel come from the dev extras.
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args, "--no-index", "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the sources (an in-tree build would leave build/ behind,
    and setuptools ships whatever stale files are in it)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("engine", "api", "rules"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    _pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(source))
    (built,) = out.glob("lifeevents-*.whl")
    return built


def test_wheel_ships_every_rule_file_and_every_module(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "lifeevents_rules/programs/ca/ca_ccb.yaml" in names
    assert "lifeevents_rules/tests/ca_ccb.yaml" in names
    rule_files = {
        "lifeevents_rules/" + p.relative_to(RULES).as_posix() for p in RULES.rglob("*.yaml")
    }
    assert rule_files <= names, sorted(rule_files - names)
    # pyproject lists the packages by hand (to map rules/ onto lifeevents_rules): none forgotten
    modules = {
        p.relative_to(ROOT).as_posix() for d in ("engine", "api") for p in (ROOT / d).rglob("*.py")
    }
    assert modules <= names, sorted(modules - names)
    assert not any(name.startswith("rules/") for name in names)
    assert "engine/equity/templates/report.html" in names  # the CLI renders the equity report


def test_installed_wheel_checks_the_example_outside_the_repository(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    _pip("install", "--no-deps", "--target", str(site), str(wheel))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy2(ROOT / "examples" / "household.json", elsewhere / "household.json")
    env = {k: v for k, v in os.environ.items() if k != RULES_ENV} | {"PYTHONPATH": str(site)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            cwd=elsewhere,
            env=env,
            timeout=120,
        )

    where = run(
        "-c",
        "import engine; from engine.catalog import default_rules_dir; "
        "print(engine.__file__); print(default_rules_dir())",
    )
    assert where.returncode == 0, where.stderr
    engine_file, rules_dir = where.stdout.splitlines()
    assert Path(engine_file).is_relative_to(site), engine_file
    assert Path(rules_dir) == site / "lifeevents_rules"

    checked = run("-m", "engine.cli", "check", "household.json", "--json")
    assert checked.returncode == 0, checked.stderr
    ccb = next(r for r in json.loads(checked.stdout)["results"] if r["program"] == "ca_ccb")
    assert ccb["status"] == "eligible"

    listed = run("-m", "engine.cli", "rules", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    body = json.loads(listed.stdout)
    assert body["count"] > 0
    assert all(Path(row["file"]).is_relative_to(site) for row in body["data"])


def test_checkout_and_editable_install_use_the_repository_rules() -> None:
    assert default_rules_dir().resolve() == RULES


def test_the_environment_variable_chooses_the_rules_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(RULES_ENV, str(tmp_path))
    assert default_rules_dir() == tmp_path


@pytest.mark.parametrize("exists", [True, False], ids=["empty", "missing"])
def test_an_empty_or_missing_rules_directory_is_an_error(tmp_path: Path, exists: bool) -> None:
    root = tmp_path / "rules"
    if exists:
        (root / "programs" / "ca").mkdir(parents=True)
    with pytest.raises(RuleSchemaError) as caught:
        load_catalog(root)
    error = caught.value
    assert error.file == root and error.line == 0
    assert str(error).startswith(f"{root}: no program files")
    assert "programs/<jurisdiction>/<id>.yaml" in error.reason
    assert [str(e) for e in validate_catalog(root)] == [str(error)]
