"""`make reliability`: the reliability scenarios with large counts, as a one-screen table (and as Markdown).

    .venv/bin/python tests/reliability/report.py [--quick] [--seed N] [--only NAME,...]

Runs the very scenarios the pytest suite runs (tests/reliability/scenarios.py),
with counts raised (1,000 kills...), and prints: row | tried | survived | lost.
Exit status 1 when any row lost anything or broke an invariant.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: `reliability` is a package
sys.path.insert(1, str(Path(__file__).resolve().parents[2]))  # the repository: `tests.processes` and the like

from reliability import (
    hostile,
    hostile_peers,
    scenarios,
    serve_attacks,
    session_kills,
    sync_kills,
    terminal_attacks,
)

FULL = {
    "kill_writers": dict(kills=1000),
    "kill_imports": dict(kills=30, real_processes=4),
    "kill_backups": dict(kills=100),
    "corruption": dict(),
    "two_instances": dict(races=120, real_races=10),
    "bad_content": dict(),
    "bad_imports": dict(),
    "failed_writes": dict(),
    "runner_clock_jumps": dict(runs=1000),
    "dst_and_zones": dict(),
    "properties": dict(max_examples=100),
    "privacy": dict(),
    "session_kills": dict(kills=120),
    "terminal_closes": dict(runs=10),
    "hostile_fuzz": dict(examples=300),
    "sync_kills": dict(kills=300),
    "truncated_arrivals": dict(),
    "serve_attacks": dict(),
    "terminal_attacks": dict(),
    "hostile_peers": dict(),
    "peer_arrivals": dict(examples=300),
}
QUICK = {
    "kill_writers": dict(kills=100),
    "kill_imports": dict(kills=4, real_processes=1),
    "kill_backups": dict(kills=10),
    "two_instances": dict(races=10, real_races=1),
    "runner_clock_jumps": dict(runs=50),
    "properties": dict(max_examples=10),
    "session_kills": dict(kills=10),
    "terminal_closes": dict(runs=2),
    "hostile_fuzz": dict(examples=20),
    "sync_kills": dict(kills=20),
    "peer_arrivals": dict(examples=20),
}
SEEDED = {
    "sync_kills",
    "kill_writers",
    "kill_imports",
    "kill_backups",
    "runner_clock_jumps",
    "properties",
    "session_kills",
    "terminal_closes",
    "hostile_fuzz",
    "peer_arrivals",
}
SCENARIOS = {
    "session_kills": session_kills.session_kills,
    "terminal_closes": session_kills.terminal_closes,
    "hostile_fuzz": hostile.fuzz,
    "sync_kills": sync_kills.sync_kills,  # issue 18
    "truncated_arrivals": sync_kills.truncated_arrivals,
    "serve_attacks": serve_attacks.serve_attacks,  # issue 24: hostile pages
    "terminal_attacks": terminal_attacks.terminal_attacks,  # issue 24: hostile files on a terminal
    "hostile_peers": hostile_peers.peers,  # issue 24
    "peer_arrivals": hostile_peers.arrivals_row,
}  # scenarios kept outside scenarios.py


def table(tallies: list[scenarios.Tally], markdown: bool) -> str:
    head = ("row", "tried", "survived", "lost", "what was tried")
    rows = [(t.row, str(t.tried), str(t.survived), str(t.lost), t.what) for t in tallies]
    total = ("total", str(sum(t.tried for t in tallies)), str(sum(t.survived for t in tallies)),
             str(sum(t.lost for t in tallies)), "")  # fmt: skip
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|---|--:|--:|--:|---|"]
        lines += ["| " + " | ".join(r) + " |" for r in [*rows, tuple(f"**{c}**" if c else "" for c in total)]]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [head, *rows, total]) for i in range(4)]

    def fmt(r: tuple[str, ...]) -> str:
        return f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}"

    rule = "-" * len(fmt(head))
    return "\n".join([fmt(head), rule, *map(fmt, rows), rule, fmt(total)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small counts (a smoke run)")
    parser.add_argument("--seed", type=int, help="replay the random choices of an earlier run")
    parser.add_argument("--only", help="comma-separated scenario names: " + ", ".join(FULL))
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(FULL)
    tallies = []
    started = time.monotonic()
    for name in names:
        kwargs = dict(FULL[name])
        if args.quick:
            kwargs.update(QUICK.get(name, {}))
        if name in SEEDED:
            kwargs["seed"] = args.seed
        print(f"  running {name} {kwargs or ''}...", file=sys.stderr, flush=True)
        tally = SCENARIOS.get(name, getattr(scenarios, name, None))(**kwargs)
        tallies.append(tally)
        state = "ok" if tally.ok else "FAILED"
        print(
            f"  {state}: {tally.row} {tally.survived}/{tally.tried} in {tally.seconds:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    elapsed = time.monotonic() - started
    print(f"Backroll reliability report ({elapsed:.0f} s, {os.cpu_count()} CPUs)\n")
    print(table(tallies, markdown=False))
    print()
    for tally in tallies:
        for note in tally.notes:
            print(f"- {tally.row}: {note}")
    failed = [t for t in tallies if not t.ok]
    for tally in failed:
        print(f"\nFAILED {tally.explain()}")
    print("\nMarkdown (for the README):\n")
    print(table(tallies, markdown=True))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
