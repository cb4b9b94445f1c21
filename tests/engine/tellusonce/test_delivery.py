"""Delivery at least once to the agencies' inboxes, kept once by idempotency key; agencies pull
only their own messages and acknowledge them once."""

from __future__ import annotations

import pytest
from flow import TOLD, WHO, recorded, registered
from kit import CATALOG
from sqlalchemy import Engine, select

from engine.errors import InputError
from engine.tellusonce import ack, deliver, export, grant, pull, revoke, verify
from engine.tellusonce.delivery import Delivery
from engine.tellusonce.schema import audit, inbox, outbox

CRA = {"actor": "cra-clerk", "role": "agency"}


class Crash(Exception):
    """The worker stopping between the inbox write and the outbox mark."""


def _crash() -> None:
    raise Crash


def test_a_message_reaches_its_agency_once_with_only_the_allowed_facts(store: Engine) -> None:
    client = registered(store, "cra_child_benefits")
    recorded(store, client)
    assert deliver(store).sent == 1
    assert deliver(store).sent == 0  # nothing left
    with store.begin() as connection:
        messages = pull(connection, "cra", **CRA)
        assert pull(connection, "esdc", **CRA) == []  # another agency's inbox holds nothing
        assert verify(connection) is None
    assert [m["client_id"] for m in messages] == [client]
    assert {(f["member"], f["name"]) for f in messages[0]["fields"]} == {
        ("ana", "custody"),
        ("ana", "date_of_birth"),
    }
    assert messages[0]["deliveries"] == 1 and messages[0]["acked_at"] is None


def test_a_crash_after_the_inbox_write_redelivers_and_the_inbox_keeps_one(store: Engine) -> None:
    for _ in range(2):
        recorded(store, registered(store, "cra_child_benefits"))
    with pytest.raises(Crash):
        deliver(store, between=_crash)
    with store.connect() as connection:  # the agency holds them, the outbox does not know
        assert len(list(connection.execute(select(inbox)))) == 2
        delivered = select(outbox).where(outbox.c.delivered_at.isnot(None))
        assert connection.execute(delivered).first() is None
    again = deliver(store)
    assert (again.sent, again.redelivered, again.new) == (2, 2, 0)
    with store.connect() as connection:
        rows = list(connection.execute(select(inbox)))
        keys = [r.idempotency_key for r in rows]
        queued = list(connection.execute(select(outbox.c.idempotency_key)).scalars())
    assert sorted(keys) == sorted(queued) and len(set(keys)) == len(keys)
    assert {r.deliveries for r in rows} == {2}


def test_an_agency_acknowledges_its_own_messages_once(store: Engine) -> None:
    client = registered(store, "cra_child_benefits")
    recorded(store, client)
    deliver(store)
    with store.begin() as connection:
        (message,) = pull(connection, "cra", **CRA)
        first = ack(connection, "cra", message["id"], **CRA)
        second = ack(connection, "cra", message["id"], **CRA)
        assert first["acked_at"] is not None and second == first
        assert pull(connection, "cra", **CRA) == []  # acknowledged: no longer pending
        assert len(pull(connection, "cra", include_acked=True, **CRA)) == 1
    with pytest.raises(InputError) as caught, store.begin() as connection:
        ack(connection, "esdc", message["id"], **CRA)  # not that agency's message
    assert caught.value.path == "message_id"
    with store.connect() as connection:
        assert len(list(connection.execute(select(inbox.c.acked_at)).scalars())) == 1
        assert verify(connection) is None


def test_no_consent_no_delivery(store: Engine) -> None:
    recorded(store, registered(store))
    assert deliver(store).sent == 0
    with store.begin() as connection:
        assert pull(connection, "cra", **WHO) == []


def test_a_message_queued_before_a_revocation_is_withdrawn_never_delivered(
    store: Engine,
) -> None:
    client, other = registered(store, "cra_child_benefits"), registered(store, "cra_child_benefits")
    recorded(store, client)
    recorded(store, other)  # still consenting: delivered as usual
    with store.begin() as connection:
        revoke(connection, client, "cra_child_benefits", **WHO)
        grant(connection, CATALOG.sharing, client, "cra_child_benefits", on=TOLD, **WHO)
        revoke(connection, client, "cra_child_benefits", **WHO)  # open, then closed again
    done = deliver(store)
    assert (done.sent, done.withdrawn) == (1, 1)
    assert deliver(store) == Delivery(0, 0, 0)  # a withdrawn message is not taken up again
    with store.begin() as connection:
        assert [m["client_id"] for m in pull(connection, "cra", **CRA)] == [other]
        row = connection.execute(select(outbox).where(outbox.c.client_id == client)).one()
        assert row.withdrawn_at is not None and row.delivered_at is None
        withdrawn = connection.execute(
            select(audit.c.detail).where(
                audit.c.subject == client, audit.c.action == "share.withdraw"
            )
        ).scalar_one()
        assert withdrawn == {
            "agency": "cra", "agreement": "cra_child_benefits",
            "facts": ["custody", "date_of_birth"],
        }  # fmt: skip
        told = export(connection, client, actor="portal", role="citizen", purpose="access")
        assert verify(connection) is None
    (shared,) = told["shared"]
    assert shared["withdrawn_at"] is not None and shared["delivered_at"] is None
