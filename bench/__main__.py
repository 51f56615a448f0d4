"""`python -m bench`: run every benchmark, print one table, write bench/results.json.

Each figure is measured next to a baseline in the same run, so the ratio
holds on a noisy machine. `--quick` shrinks the sizes and repetitions for a
smoke run; `--only NAME[,NAME]` runs a subset (commands, startup, save,
status, log, exchange, timer, idle, memory).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import figures
from bench.table import Figure, render

RESULTS = Path(__file__).with_name("results.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, few repetitions (a smoke run)")
    parser.add_argument("--only", default="", help="comma-separated subset: " + ", ".join(figures.ALL))
    parser.add_argument("-o", "--output", type=Path, default=RESULTS, help="where to write the JSON results")
    args = parser.parse_args(argv)

    chosen = [name for name in args.only.split(",") if name] or list(figures.ALL)
    unknown = [name for name in chosen if name not in figures.ALL]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")

    started = time.monotonic()
    results: list[Figure] = []
    for name in chosen:
        print(f"... {name}", file=sys.stderr, flush=True)
        results.extend(figures.ALL[name](quick=args.quick))

    print(render(results))
    notes = [f for f in results if f.note]
    if notes:
        print("\nNotes:")
        for f in notes:
            print(f"  - {f.name}: {f.note}")
    missed = [f for f in results if f.met is False]
    if missed:
        print("\nTargets missed:")
        for f in missed:
            ratio = f" ({f.ratio:.2f}x)" if f.ratio is not None else ""
            print(f"  - {f.name}: {f.value_text()}{ratio} vs target {f.target}")
            why = next((text for prefix, text in figures.PROFILED.items() if f.name.startswith(prefix)), "")
            if why:
                print(f"    profile: {why}")
    else:
        print("\nEvery target met.")
    print(f"\n(total {time.monotonic() - started:.0f} s)")

    payload = {
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "quick": args.quick,
        "figures": [f.to_dict() for f in results],
    }
    args.output.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
