"""A real process using tracker.store, driven by tests/reliability/test_store_kills.py.

    python tests/reliability/store_worker.py add HOME [--prefix P] [--count N] [--label L]
        open the store, print "ready", then add sessions in a loop (forever
        without --count), printing each id (flushed) once add() has returned.
    python tests/reliability/store_worker.py hold HOME SECONDS [--label L]
        open the store, take the writer lock as a write transaction does,
        print "locked", sleep, release, print "released".
    python tests/reliability/store_worker.py forker HOME
        import once, then for each "go PREFIX START" line on stdin fork a child
        that does what `add` does; prints "child PID", "ready PID",
        "ack PID ID" (after add() returned) and "dead PID SIGNAL" once the
        child is gone. Forking skips Python's start-up, so the kill test
        can kill hundreds of writers in seconds. "quit" ends it.
    python tests/reliability/store_worker.py bench [--sizes 1000,10000] [--repeat 20]
        time one save at each history size: ours against stock TinyDB insert.

Kept dependency-free beyond tracker and tinydb so it starts fast.
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from tracker.model import CheckIn, Felt, Prescription, Session, Side, Stability, StepResult

BASE_DAY = date(2020, 1, 1)
PARIS_SUMMER = timezone(timedelta(hours=2))


def make_session(
    n: int, *, prefix: str = "s", day: date | None = None, session_id: str | None = None
) -> Session:
    """A realistic session of about 1 KB; the n-th one falls on day n (one a day) unless `day` is given."""
    day = day or BASE_DAY + timedelta(days=n)
    started = datetime(day.year, day.month, day.day, 7, 30, tzinfo=PARIS_SUMMER) + timedelta(seconds=n % 3600)
    steps = tuple(
        StepResult(
            index=i,
            pose=pose,
            side=Side.NONE if i % 2 else Side.LEFT,
            reps_planned=4,
            reps_done=4,
            raise_counts=4,
            lower_counts=4,
            hold_seconds=4.0,
            seconds=62.5 + i,
            completed=True,
        )
        for i, pose in enumerate(["constructive-rest", "pelvic-tilt", "back-roll", "knee-to-chest", "child"])
    )
    return Session(
        id=session_id or f"{prefix}-{n:06d}-{uuid.uuid4().hex[:8]}",
        routine="bridge",
        started_at=started,
        zone="Europe/Paris",
        local_date=day,
        duration=600.0 + n % 60,
        completed=True,
        checkin=CheckIn(
            pain_before=3, pain_after=2, stable=Stability.YES, felt=Felt.RIGHT, note=f"session {n}"
        ),
        prescription=Prescription(3, 4, 0),
        steps=steps,
        origin="cli",
    )


def cmd_add(args: argparse.Namespace) -> None:
    from tracker.store import Store

    store = Store.open(Path(args.home), wait=30.0, label=args.label)
    print("ready", flush=True)
    n = args.start
    stop = None if args.count is None else args.start + args.count
    while stop is None or n < stop:
        # spread over ~14 months so several shards are written, some in the same month as other writers
        session = make_session(n, prefix=args.prefix, day=BASE_DAY + timedelta(days=(n * 37) % 420))
        store.add(session)
        print(session.id, flush=True)
        n += 1
    store.close()


def _emit(text: str) -> None:
    os.write(1, (text + "\n").encode())  # one write() per line: lines from several children never mix


def cmd_forker(args: argparse.Namespace) -> None:
    from tracker.store import Store

    home = Path(args.home)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        prefix, start = words[1], int(words[2])
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # the child: a writer that will be killed at a random moment
            try:
                me = os.getpid()
                # A writer still opening after 20 s writes where it is to stderr (the test shows it).
                faulthandler.dump_traceback_later(20.0, exit=False)
                store = Store.open(home, wait=30.0, label="kill-test writer")
                faulthandler.cancel_dump_traceback_later()
                _emit(f"ready {me}")
                n = start
                while True:
                    session = make_session(n, prefix=prefix, day=BASE_DAY + timedelta(days=(n * 37) % 420))
                    store.add(session)
                    _emit(f"ack {me} {session.id}")
                    n += 1
            except BaseException as exc:
                _emit(f"error {os.getpid()} {type(exc).__name__}: {exc}")
            finally:
                os._exit(1)
        _emit(f"child {pid}")
        _, status = os.waitpid(pid, 0)
        _emit(f"dead {pid} {os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status)}")


def cmd_hold(args: argparse.Namespace) -> None:
    from tracker.store import Store

    store = Store.open(Path(args.home), wait=30.0, label=args.label)
    with store._writing():  # the very transaction add() runs in
        print("locked", flush=True)
        time.sleep(args.seconds)
    print("released", flush=True)
    store.close()


def cmd_bench(args: argparse.Namespace) -> None:
    from tinydb import TinyDB

    from tracker.store import Store

    sizes = [int(s) for s in args.sizes.split(",")]
    sample = len(make_session(0).to_dict().__repr__())
    print(f"session size ~{sample} bytes of JSON; median of {args.repeat} saves at each size")
    print(f"{'sessions':>9} {'ours ms':>9} {'stock ms':>9} {'ratio':>7}  {'open ms':>8}")
    for size in sizes:
        root = Path(tempfile.mkdtemp(prefix="backroll-bench-"))
        try:
            history = [make_session(i) for i in range(size)]
            # ours: build the history with one merge, then time single saves
            store = Store.open(root / "ours")
            store.merge(history)
            store.close()
            t0 = time.perf_counter()
            store = Store.open(root / "ours")
            open_ms = (time.perf_counter() - t0) * 1000
            ours = []
            for i in range(args.repeat):
                session = make_session(size + i)
                t0 = time.perf_counter()
                store.add(session)
                ours.append((time.perf_counter() - t0) * 1000)
            store.close()
            # stock TinyDB: one JSONStorage file, insert one document
            db = TinyDB(root / "stock.json")
            db.insert_multiple(s.to_dict() for s in history)
            stock = []
            for i in range(args.repeat):
                doc = make_session(size + i).to_dict()
                t0 = time.perf_counter()
                db.insert(doc)
                stock.append((time.perf_counter() - t0) * 1000)
            db.close()
            o, s = statistics.median(ours), statistics.median(stock)
            print(f"{size:>9} {o:>9.2f} {s:>9.2f} {s / o:>6.1f}x  {open_ms:>8.0f}", flush=True)
        finally:
            shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="store_worker")
    sub = parser.add_subparsers(dest="cmd", required=True)
    add = sub.add_parser("add")
    add.add_argument("home")
    add.add_argument("--prefix", default=f"p{os.getpid()}")
    add.add_argument("--start", type=int, default=0)
    add.add_argument("--count", type=int)
    add.add_argument("--label", default="store_worker add")
    hold = sub.add_parser("hold")
    hold.add_argument("home")
    hold.add_argument("seconds", type=float)
    hold.add_argument("--label", default="backroll log")
    forker = sub.add_parser("forker")
    forker.add_argument("home")
    bench = sub.add_parser("bench")
    bench.add_argument("--sizes", default="1000,10000")
    bench.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    {"add": cmd_add, "hold": cmd_hold, "forker": cmd_forker, "bench": cmd_bench}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
