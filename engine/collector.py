"""The cyclic garbage collector: paused while long-lived structures are built, and set up once
for a long-running service.

Loading a catalog, compiling it and writing its generated code allocate hundreds of thousands
of objects that all live as long as the engine. Each allocation burst makes Python's
generational collector scan everything already allocated, again and again, for cycles that
are not there: about a fifth of a second of a cold ``lifeevents check``. Pausing it while they
are built frees nothing later than it would have been freed: whatever became garbage meanwhile
is collected at the next collection after the pause.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["SERVING_YOUNG", "paused", "serving"]

#: allocations between two collections of the youngest generation in a service (Python: 700)
SERVING_YOUNG = 10_000


@contextmanager
def paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, then put it back as it was (nested and
    concurrent uses only keep it off longer; reference counting frees as usual throughout).

    Examples:
        >>> with paused():
        ...     gc.isenabled()
        False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def serving(young: int = SERVING_YOUNG) -> None:
    """Set the collector up for serving, once everything long-lived is loaded: collect, then
    freeze what is left (the catalog, its generated code) out of every later scan, and collect
    the youngest generation every ``young`` allocations instead of every 700.

    A check allocates tens of thousands of objects that reference counting frees (it releases
    its own cycles, :meth:`ScalarRun.release`), so a young collection every 700 allocations
    mostly scans objects about to be freed: measured, interleaved in one process, a check was
    about 8% faster with 10,000 and its p99 no worse (docs/design.md).
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, old)
