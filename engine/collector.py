"""The cyclic garbage collector, paused while long-lived structures are built.

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

__all__ = ["paused"]


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
