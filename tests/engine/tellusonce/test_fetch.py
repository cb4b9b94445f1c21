"""``db.fetch``: a statement's rows as tuples, the same on both databases and as SQLAlchemy's
own execution gives them; on PostgreSQL a transaction's first statement travels with its
``BEGIN``, and a driver error is raised as SQLAlchemy's."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, bindparam, select, text
from sqlalchemy.exc import DBAPIError

from engine.tellusonce.db import fetch
from engine.tellusonce.schema import clients

STATEMENT = text("SELECT :day AS day, :name AS name, 2 + 3 AS five")


def test_rows_as_sqlalchemy_gives_them_first_in_a_transaction_or_later(store: Engine) -> None:
    params = {"day": dt.date(2026, 3, 2), "name": "ana"}
    with store.begin() as connection:
        first = fetch(connection, STATEMENT, params)  # with the BEGIN on PostgreSQL
        later = fetch(connection, STATEMENT, params)
        theirs = [tuple(row) for row in connection.execute(STATEMENT, params)]
    assert first == later == theirs
    assert [(str(day), name, five) for day, name, five in first] == [("2026-03-02", "ana", 5)]


def test_a_transactions_first_read_is_in_the_transaction(store: Engine) -> None:
    # what was read first is rolled back with the rest: the transaction began with it
    query = select(clients.c.id).where(clients.c.id == bindparam("id"))
    with store.connect() as connection:
        transaction = connection.begin()
        assert fetch(connection, query, {"id": "nobody"}) == []
        connection.execute(
            clients.insert().values(id="someone", created_at=dt.datetime(2026, 3, 2))
        )
        assert fetch(connection, query, {"id": "someone"}) == [("someone",)]
        transaction.rollback()
        assert fetch(connection, query, {"id": "someone"}) == []


def test_a_driver_error_is_sqlalchemys_and_names_no_parameter(store: Engine) -> None:
    with store.begin() as connection, pytest.raises(DBAPIError) as raised:
        fetch(connection, text("SELECT * FROM no_such_table WHERE id = :id"), {"id": "secret"})
    assert "secret" not in str(raised.value)
