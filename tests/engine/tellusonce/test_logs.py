"""Personal data never reaches the logs: the whole tell-us-once flow runs with every logger at
DEBUG (SQLAlchemy's statements included), and no stated value or member id is in what was
logged, even when a statement fails."""

from __future__ import annotations

import logging

import pytest
from flow import HOUSEHOLD, recorded, registered
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from engine.tellusonce import ack, deliver, export, pull

SECRETS = ["1991-05-02", "2023-09-10", "35000", "33000", "maria", "leo", "ana"]


def test_the_flow_logs_no_personal_data(store: Engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")  # which sets itself to WARNING
    client = registered(store, "cra_child_benefits")
    recorded(store, client)
    deliver(store)
    with store.begin() as connection:
        (message,) = pull(connection, "cra", actor="cra", role="agency")
        ack(connection, "cra", message["id"], actor="cra", role="agency")
        export(connection, client, actor="cw", role="caseworker", purpose="client request")
    with pytest.raises(SQLAlchemyError), store.begin() as connection:
        connection.execute(text("insert into members (client_id) values (:v)"), {"v": "maria"})
    # the exception's own text may quote the row (PostgreSQL's DETAIL): the store and the CLI
    # never log or print it, only its type
    logged = caplog.text
    assert "outbox delivery" in logged  # the capture did see the store's own records
    assert "INSERT INTO facts" in logged or "insert into facts" in logged.lower()  # and SQL's
    assert HOUSEHOLD["household"]["members"][0]["id"] == "maria"
    leaked = [s for s in SECRETS if s in logged]
    assert leaked == []
