"""SQLite writers queue on an OS lock beside the database file (``engine.tellusonce.db``): a
waiting writer starts as soon as the one before it ends, not at SQLite's next poll (sleeps of up
to 100 ms); a reader never waits; a killed writer's lock goes with its process."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import Engine, text

from engine.tellusonce import connect, upgrade
from engine.tellusonce.db import READ_ONLY

HOLD_S = 0.5  # long enough that SQLite's own poll would be at its 100 ms steps


def _store(tmp_path: Path) -> Engine:
    store = connect(f"sqlite:///{tmp_path}/queue.sqlite3")
    upgrade(store)
    return store


def test_a_waiting_writer_starts_as_soon_as_the_one_before_it_ends(tmp_path: Path) -> None:
    store = _store(tmp_path)
    late: list[float] = []
    for _ in range(3):
        ended: list[float] = []
        holding = threading.Event()

        def hold(holding: threading.Event = holding, ended: list[float] = ended) -> None:
            with store.begin() as connection:
                connection.execute(text("SELECT 1"))
                holding.set()
                time.sleep(HOLD_S)
            ended.append(time.perf_counter())

        holder = threading.Thread(target=hold)
        holder.start()
        holding.wait()
        with store.begin() as connection:  # waits for the holder's commit
            began = time.perf_counter()
            connection.execute(text("SELECT 1"))
        holder.join()
        late.append(began - ended[0])
    # after the holder's commit, at most a poll of a millisecond and the thread switch
    assert max(late) < 0.025, late
    assert (tmp_path / "queue.sqlite3.lock").exists()
    store.dispose()


def test_a_reader_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with store.begin() as writer:
        writer.execute(text("SELECT 1"))
        start = time.perf_counter()
        reader = store.connect().execution_options(**{READ_ONLY: True})
        with reader as connection, connection.begin():
            connection.execute(text("SELECT count(*) FROM alembic_version"))
        assert time.perf_counter() - start < 0.25
    store.dispose()


_KILLED = """
import os, signal, sys
from sqlalchemy import Engine, text
from engine.tellusonce import connect
store = connect(sys.argv[1])
connection = store.connect()
connection.begin()
connection.execute(text("SELECT 1"))
print("holding", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_writer_s_lock_goes_with_it(tmp_path: Path) -> None:
    store = _store(tmp_path)
    url = f"sqlite:///{tmp_path}/queue.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", _KILLED, url], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "holding" and done.returncode == -9
    start = time.perf_counter()
    with store.begin() as connection:
        connection.execute(text("SELECT 1"))
    assert time.perf_counter() - start < 1.0
    store.dispose()
