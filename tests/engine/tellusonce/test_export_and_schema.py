"""The client's export holds everything about that client and nothing about another; the
migrations build exactly the tables the code declares, and go down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flow import WHO, recorded, registered
from sqlalchemy import Engine

from engine.tellusonce import ack, deliver, export, pull, upgrade
from engine.tellusonce.db import downgrade
from engine.tellusonce.schema import metadata


def test_the_export_holds_the_clients_record_and_who_read_it(store: Engine) -> None:
    client = registered(store, "cra_child_benefits")
    other = registered(store, "cra_child_benefits")
    recorded(store, client)
    recorded(store, other)
    deliver(store)
    with store.begin() as connection:
        mine = next(m for m in pull(connection, "cra", actor="cra", role="agency")
                    if m["client_id"] == client)  # fmt: skip
        ack(connection, "cra", mine["id"], actor="cra", role="agency")
        held = export(connection, client, purpose="client request", **WHO)
    assert held["client"]["id"] == client
    assert {m["id"]: m["joined"] for m in held["members"]} == {
        "maria": None,
        "leo": None,
        "ana": "2026-03-01",
    }
    names = [(f["member"], f["name"]) for f in held["facts"]]
    assert ("ana", "date_of_birth") in names and ("maria", "net_income") in names
    assert [e["type"] for e in held["events"]] == ["birth"]
    assert [c["agreement"] for c in held["consents"]] == ["cra_child_benefits"]
    (shared,) = held["shared"]
    assert shared["agency"] == "cra" and shared["delivered_at"] and shared["acknowledged_at"]
    actions = [a["action"] for a in held["accesses"]]
    assert actions[0] == "client.create" and actions[-1] == "client.export"
    assert {"profile.read", "share.queue", "share.deliver", "inbox.read", "inbox.ack"} <= set(
        actions
    )
    assert other not in repr(held)  # nothing of the other client


def test_the_migrations_build_the_declared_schema(store: Engine) -> None:
    with store.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, metadata) == []


def test_the_migrations_go_down_and_up_again(store: Engine) -> None:
    downgrade(store, "0001")
    upgrade(store)
    with store.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
