"""How native modules are built and kept (engine/evaluation/native.py): once, in a process of
its own, into the user's cache; taken from there afterwards; never twice at once; a build that
died does not hold the next one back."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from engine.evaluation import native

#: a value unit that doubles a person's fact: the generated code's own shape
SOURCE = """
def u1(c, r):
    if c.base is not None and (1 not in c.du or
            (r != c.q and 1 in LU)):
        c = c.base
    k = 65536 + r
    v = c.m.get(k)
    if v is not None:
        return v
    F = c.f
    t1 = F[0][r] * 2.0
    v = t1
    c.m[k] = v
    return v
"""

pytestmark = pytest.mark.skipif(
    not native.enabled() and os.environ.get("CI") != "true",
    reason="no C compiler or Python headers here (CI requires them)",
)


@pytest.fixture
def job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> native.Job:
    """A one-unit job (its own module: the cache is ``tmp_path``), built in the background."""
    monkeypatch.setenv("LIFEEVENTS_CACHE", str(tmp_path))
    monkeypatch.setenv("LIFEEVENTS_NATIVE", "on")
    # a name of this test's own: a module of the same name is loaded once per process
    return native.Job([SOURCE + f"\n# {tmp_path}\n"], {}, (frozenset(), frozenset()), {})


def _doubled(module: object, value: float) -> float:
    found = native.Native(module, {"u1": lambda c, r: float("nan")})  # type: ignore[arg-type]
    day = found.day(([], []))
    frame = found.frame(day, [[value, 7.0]], [0.0] * 4, 0.0, 0, -1, [-1, -1], [0, 1])
    return float(found.units["u1"](frame, 0))


def test_a_module_is_built_in_the_background_then_taken_from_the_cache(
    job: native.Job,
) -> None:
    started = native.build(job)
    assert isinstance(started, native.Pending)  # not there yet: a process builds it
    module = started.wait(timeout=120)
    assert module is not None and _doubled(module, 1.25) == 2.5
    file = native.file_of(job.name())
    assert file is not None and file.is_file() and file.stat().st_mode & 0o077 == 0
    assert not file.with_suffix(".lock").exists() and not file.with_suffix(".job").exists()
    assert native.build(job) is module  # from the cache now


def test_a_build_under_way_is_waited_for_not_started_again(job: native.Job) -> None:
    file = native.file_of(job.name())
    assert file is not None
    file.parent.mkdir(parents=True)
    lock = file.with_suffix(".lock")
    lock.touch()  # another process is building it
    waiting = native.build(job)
    assert isinstance(waiting, native.Pending) and waiting.child is None
    assert waiting.wait(timeout=0.5) is None  # nothing yet, and nothing started here
    assert not file.with_suffix(".job").exists()
    lock.unlink()  # the other build ended without a module
    assert waiting.wait(timeout=5) is None


def test_a_build_that_died_long_ago_does_not_hold_the_next_one_back(job: native.Job) -> None:
    file = native.file_of(job.name())
    assert file is not None
    file.parent.mkdir(parents=True)
    lock = file.with_suffix(".lock")
    lock.touch()
    old = time.time() - 3600
    os.utime(lock, (old, old))
    started = native.build(job)
    assert isinstance(started, native.Pending) and started.child is not None
    module = started.wait(timeout=120)
    assert module is not None and _doubled(module, -3.0) == -6.0


def test_a_cache_that_cannot_be_written_leaves_the_code_python(
    job: native.Job, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache's folder would be")
    monkeypatch.setenv("LIFEEVENTS_CACHE", str(blocked))
    assert native.build(job) is None


def test_off_builds_nothing(job: native.Job, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIFEEVENTS_NATIVE", "off")
    assert native.build(job) is None
    file = native.file_of(job.name())
    assert file is not None and not file.parent.exists()
