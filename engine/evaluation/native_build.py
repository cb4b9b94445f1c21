"""Build native units in a process of its own: ``python -m engine.evaluation.native_build JOB``.

:func:`engine.evaluation.native.build` writes the job (the generated sources and their names'
bindings) into the user's cache and starts this; the build goes on when the process that asked
for it ends (a one-shot command), and the next one finds the module in the cache. The lock the
asker took is given back at the end, whatever happens.
"""

from __future__ import annotations

import contextlib
import pickle
import sys
from pathlib import Path

from engine.evaluation.native import compile_module


def main(job_file: str) -> int:
    """Build the job in ``job_file``; 0 when the module is there."""
    path = Path(job_file)
    lock = path.with_suffix(".lock")
    try:
        job, name, target = pickle.loads(path.read_bytes())  # the user's own cache (0700)
        return 0 if compile_module(job, name, Path(target)) else 1
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        with contextlib.suppress(OSError):
            lock.unlink()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
