"""``lifeevents db upgrade`` and ``lifeevents audit verify`` as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import update

from engine.tellusonce import append, connect
from engine.tellusonce.schema import audit

LIFEEVENTS = str(Path(sys.executable).parent / "lifeevents")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LIFEEVENTS, *args], capture_output=True, text=True, check=False)


def test_upgrade_then_verify_then_a_tampered_row_is_named(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    done = _run("db", "upgrade", "--database", url)
    assert done.returncode == 0 and "latest migration" in done.stdout
    assert _run("db", "upgrade", "--database", url).returncode == 0  # idempotent
    engine = connect(url)
    with engine.begin() as connection:
        for index in range(3):
            append(connection, actor="cw", role="caseworker", purpose="review",
                   action="profile.read", subject=f"c{index}")  # fmt: skip
    intact = _run("audit", "verify", "--database", url)
    assert (intact.returncode, intact.stdout.strip()) == (0, "audit log intact")
    with engine.begin() as connection:
        connection.execute(update(audit).where(audit.c.seq == 2).values(subject="someone else"))
    broken = _run("audit", "verify", "--database", url)
    assert broken.returncode == 1
    assert "row 2" in broken.stderr and "content changed" in broken.stderr


def test_an_unreachable_store_exits_2_without_a_traceback(tmp_path: Path) -> None:
    done = _run("audit", "verify", "--database", f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    assert done.returncode == 2 and "Traceback" not in done.stderr
