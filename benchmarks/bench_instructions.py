"""`make bench`: instructions per call, counted by valgrind's callgrind, printed as JSON.

Seconds on these shared machines move by a third from one minute to the next, and not in the
same proportion for every workload: a change of a few percent cannot be told from the noise by
timing it. The number of instructions a call executes does not depend on the machine's load
(the same count twice to 0.05%), so it is the figure to compare a change by (A/B, one run
each). It is not a time: cache misses and branch mispredictions do not count.

Each workload runs in a fresh process under callgrind with collection switched on only around
the measured calls (after loading, warm-up and the collector set as ``lifeevents serve`` sets
it), through a two-function helper compiled against valgrind's ``callgrind.h``:

- ``check``: the full check as the service writes it (``Engine.check_json``), on distinct
  households (the README household, incomes shifted by a cent per call);
- ``core``: statuses and amounts only;
- ``event``: a life event as the service writes it (``Engine.event_json``) from the mixed
  stream of ``bench_events.py`` (``Engine.event`` until 2026-12-01: the check after the event
  validated into models);
- ``worst``: the 30-member household with only the roles known, as the service writes it
  (``Engine.check_json``; ``Engine.check`` until 2026-12-01, about 4% more: the models);
- ``baseline``: the trivial OpenFisca household of ``trivial_baseline.py`` (60 variables), for
  ratios that read the same on any machine.

Skipped (with the reason) where valgrind, its headers or a C compiler is missing.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# the workloads' processes wait for the native units, as the timed benchmarks do (machine.py)
os.environ.setdefault("LIFEEVENTS_NATIVE", "wait")

_HELPER = r"""
#include <valgrind/callgrind.h>
void measure_start(void) {
    CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; CALLGRIND_TOGGLE_COLLECT;
}
void measure_stop(void) {
    CALLGRIND_TOGGLE_COLLECT; CALLGRIND_DUMP_STATS; CALLGRIND_STOP_INSTRUMENTATION;
}
"""
WORKLOADS = ("check", "core", "event", "worst", "baseline")


def _helper(folder: Path) -> Path | str:
    """The helper library built in ``folder``, or why it cannot be."""
    if shutil.which("valgrind") is None:
        return "valgrind is not installed"
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        return "no C compiler"
    source, library = folder / "measure.c", folder / "libmeasure.so"
    source.write_text(_HELPER)
    built = subprocess.run(
        [compiler, "-O2", "-shared", "-fPIC", "-o", str(library), str(source)],
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:
        return "valgrind's callgrind.h is not installed"
    return library


def _calls(workload: str, count: int) -> tuple[Any, list[Any]]:
    """The function measured and its inputs (``count`` calls)."""
    sys.path.insert(0, str(HERE))
    if workload == "baseline":
        from trivial_baseline import trivial_household, trivial_system

        system = trivial_system()
        return (lambda _: trivial_household(system)), [None] * count
    from bench_speed import ENGINE, EXAMPLE, _households

    if workload == "event":
        from bench_events import stream

        return ENGINE.event_json, [body for _, body in stream(count, 7)]
    if workload == "worst":
        members = [{"id": "a", "role": "applicant"}, {"id": "s", "role": "spouse"}]
        members += [{"id": f"c{i}", "role": "child"} for i in range(20)]
        members += [{"id": f"d{i}", "role": "dependant"} for i in range(8)]
        household = {"as_of": EXAMPLE["as_of"], "household": {"members": members}}
        return ENGINE.check_json, [ENGINE.parse(household)] * count
    profiles = _households(count)
    if workload == "core":
        return (lambda p: ENGINE.evaluate(ENGINE.population([p]))), profiles
    return ENGINE.check_json, profiles


def measured(library: str, workload: str, count: int, warm: int) -> None:
    """Inside callgrind: warm up, then collect around ``count`` calls."""
    from engine.collector import serving

    fn, inputs = _calls(workload, warm + count)
    for item in inputs[:warm]:
        fn(item)
    serving()
    helper = ctypes.CDLL(library)
    helper.measure_start()
    for item in inputs[warm:]:
        fn(item)
    helper.measure_stop()


def count_instructions(library: Path, workload: str, count: int, warm: int) -> float:
    """Instructions per call of ``workload``, in a fresh process under callgrind."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        run = subprocess.run(
            [
                "valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no",
                f"--callgrind-out-file={out}", sys.executable, __file__, "--measure",
                str(library), workload, str(count), str(warm),
            ],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        found = re.findall(r"Collected : (\d+)", run.stderr)
        if run.returncode != 0 or not found:
            raise RuntimeError(f"callgrind failed on {workload}: {run.stderr[-2000:]}")
        # "Collected": the events counted while collection was on, the measured calls only
        return int(found[-1]) / count


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=20, help="measured calls per workload")
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--measure", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        library, workload, count, warm = args.measure
        sys.path.insert(0, str(ROOT))
        measured(library, workload, int(count), int(warm))
        return
    report: dict[str, Any] = {"benchmark": "instructions", "unit": "millions per call"}
    with tempfile.TemporaryDirectory() as folder:
        library = _helper(Path(folder))
        if isinstance(library, str):
            report["skipped"] = library
            print(json.dumps(report, indent=2))
            return
        counts: dict[str, float] = {}
        for workload in args.workloads.split(","):
            calls = 5 if workload == "worst" else args.calls
            counts[workload] = count_instructions(library, workload, calls, warm=10)
    report["calls"] = args.calls
    report["instructions"] = {k: round(v / 1e6, 3) for k, v in counts.items()}
    if "baseline" in counts:
        report["over_baseline"] = {
            k: round(v / counts["baseline"], 2) for k, v in counts.items() if k != "baseline"
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
