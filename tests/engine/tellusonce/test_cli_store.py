"""``lifeevents db upgrade`` and ``lifeevents audit verify`` as a user runs them."""

from __future__ import annotations

import json
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


EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def test_a_household_told_once_from_the_command_line(tmp_path: Path) -> None:
    db = ["--database", f"sqlite:///{tmp_path / 'store.sqlite3'}"]
    assert _run("db", "upgrade", *db).returncode == 0
    client = _run("clients", "register", str(EXAMPLES / "household.json"), *db).stdout.strip()
    assert len(client) == 36
    grant = _run("consents", "grant", client, "cra_child_benefits", "--on", "2026-03-02", *db)
    assert grant.returncode == 0
    birth = tmp_path / "birth.json"
    birth.write_text(
        json.dumps(
            {
                "as_of": "2026-03-02",
                "event": json.loads((EXAMPLES / "birth.json").read_text())["event"],
            }
        )
    )
    told = _run("clients", "event", client, str(birth), *db)
    assert told.returncode == 0, told.stderr
    assert "shared with: cra (cra_child_benefits)" in told.stdout
    assert "1 delivered" in _run("outbox", "deliver", *db).stdout
    (message,) = json.loads(_run("inbox", "list", "cra", *db).stdout)
    assert {f["name"] for f in message["fields"]} == {"custody", "date_of_birth"}
    acked = json.loads(_run("inbox", "ack", "cra", str(message["id"]), *db).stdout)
    assert acked["acked_at"] is not None
    shown = json.loads(_run("clients", "show", client, "--on", "2026-03-02", *db).stdout)
    assert [m["id"] for m in shown["household"]["members"]] == ["maria", "ana", "leo"]
    consents = json.loads(_run("consents", "list", client, "--on", "2026-03-02", *db).stdout)
    assert [(c["agreement"], c["sharing"]) for c in consents] == [("cra_child_benefits", True)]
    exported = json.loads(_run("clients", "export", client, *db).stdout)
    assert exported["shared"][0]["acknowledged_at"] == acked["acked_at"]
    assert _run("consents", "revoke", client, "cra_child_benefits", *db).returncode == 0
    assert _run("audit", "verify", *db).stdout.strip() == "audit log intact"


def test_bad_input_on_the_command_line_exits_2_naming_the_field(tmp_path: Path) -> None:
    db = ["--database", f"sqlite:///{tmp_path / 'store.sqlite3'}"]
    no_tables = _run("clients", "show", "x", *db)
    assert no_tables.returncode == 2 and "lifeevents db upgrade" in no_tables.stderr
    _run("db", "upgrade", *db)
    client = _run("clients", "register", str(EXAMPLES / "household.json"), *db).stdout.strip()
    for args, words in [
        (("consents", "grant", client, "nope"), "agreement_id: no sharing agreement"),
        (("consents", "grant", "nobody", "cra_child_benefits"), "client_id: no client"),
        (("clients", "event", client, str(EXAMPLES / "birth.json")), "household: the store"),
        (("inbox", "ack", "cra", "7"), "message_id: no message 7"),
        (("clients", "show", client, "--on", "soon"), "--on: not a date"),
    ]:
        done = _run(*args, *db)
        assert (done.returncode, "Traceback" in done.stderr) == (2, False), (args, done.stderr)
        assert words in done.stderr, (args, done.stderr)
    exported = json.loads(_run("clients", "export", client, *db).stdout)
    assert exported["consents"] == [] and exported["events"] == []  # nothing half-written


def test_a_revocation_before_delivery_is_reported_by_the_worker(tmp_path: Path) -> None:
    db = ["--database", f"sqlite:///{tmp_path / 'store.sqlite3'}"]
    _run("db", "upgrade", *db)
    client = _run("clients", "register", str(EXAMPLES / "household.json"), *db).stdout.strip()
    _run("consents", "grant", client, "cra_child_benefits", "--on", "2026-03-02", *db)
    birth = tmp_path / "birth.json"
    event = json.loads((EXAMPLES / "birth.json").read_text())["event"]
    birth.write_text(json.dumps({"as_of": "2026-03-02", "event": event}))
    assert "shared with: cra" in _run("clients", "event", client, str(birth), *db).stdout
    assert _run("consents", "revoke", client, "cra_child_benefits", *db).returncode == 0
    done = _run("outbox", "deliver", *db)
    assert done.stdout.strip() == "0 delivered (0 already held by the agency); 1 withdrawn " + (
        "(consent revoked)"
    )
    assert json.loads(_run("inbox", "list", "cra", *db).stdout) == []
    exported = json.loads(_run("clients", "export", client, *db).stdout)
    assert exported["shared"][0]["withdrawn_at"] is not None
