"""The benchmarks. Each returns Figures measured next to a same-run baseline."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC
from pathlib import Path

from bench.table import Figure

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


# -- helpers -------------------------------------------------------------------


def _median_process_seconds(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    """Median wall time of a whole process, spawn to exit."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _process_json(cmd: list[str], env: dict[str, str] | None = None) -> dict:
    out = subprocess.run(cmd, check=True, cwd=ROOT, env=env, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _env(home: Path | None = None, cache: Path | None = None) -> dict[str, str]:
    """The environment of a measured process; `cache`: its cache folder (the library's, kept answers)."""
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    # As an installed package runs: with its bytecode cached. (Without this, a machine that sets
    # PYTHONDONTWRITEBYTECODE compiles every one of our modules in every process, while the
    # baselines' libraries were compiled when pip installed them.)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if home is not None:
        env["BACKROLL_HOME"] = str(home)
    if cache is not None:
        env["BACKROLL_CACHE"] = str(cache)
    return env


def _forget_answers(cache: Path) -> None:
    """Drop the kept answers (tracker/cli/answers.py), keeping the library's cache: the next `status` is
    worked out, as the first one after anything changed is."""
    for kept in cache.glob("answer-*.json"):
        kept.unlink()


def _history_home(n_sessions: int, parent: Path) -> Path:
    """A data home holding n generated sessions (the same generator as `backroll demo`).

    Made in a child process: a child's peak RSS (wait4's ru_maxrss) starts from the high-water mark
    of the process that forked it, so the benchmark itself must never hold a big history.
    """
    home = parent / f"home-{n_sessions}"
    code = f"from bench.figures import _make_home; _make_home({n_sessions}, {str(home)!r})"
    subprocess.run([PY, "-c", code], cwd=ROOT, check=True)
    return home


def _make_home(n_sessions: int, where: str) -> None:
    from tracker.demo import generate_bulk
    from tracker.store import Store

    home = Path(where)
    store = Store.open(home)
    try:
        # A returning user: the first-launch safety note was read long ago.
        store.save_settings(replace(store.load_settings(), safety_note_seen=True))
        if n_sessions:
            store.merge(generate_bulk(n_sessions, seed=11))
    finally:
        store.close()
    os.chmod(home, 0o700)  # as the app makes it; a wider home makes every process print a warning


def _one_more_session(seed: int):
    from tracker.demo import generate_bulk

    return generate_bulk(1, seed=seed)[0]


# -- startup -----------------------------------------------------------------------


def _first_frame(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(spawn to first frame, spawn to exit) of one app process, in seconds (see bench/probe.py)."""
    t0 = time.monotonic()
    out = subprocess.run(cmd, check=True, cwd=ROOT, env=env, capture_output=True, text=True).stdout
    whole = time.monotonic() - t0
    first = json.loads(out.strip().splitlines()[-1])["first_frame"] - t0
    return first, whole


def bench_startup(quick: bool) -> list[Figure]:
    runs = 3 if quick else 7
    bare_cmd = [PY, "-m", "bench.bare_app", "--exit-after-first-frame"]
    ours_cmd = [PY, "-m", "bench.our_app", "--exit-after-first-frame"]
    with tempfile.TemporaryDirectory() as tmp:
        home = _history_home(1_000 if quick else 10_000, Path(tmp))
        env = _env(home)
        # Warm the OS file cache and .pyc files for both, so neither pays a cold start.
        for cmd in (bare_cmd, ours_cmd):
            subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
        bare: list[tuple[float, float]] = []
        ours: list[tuple[float, float]] = []
        for _ in range(runs):  # alternate, so a noisy stretch hits both alike
            bare.append(_first_frame(bare_cmd, env))
            ours.append(_first_frame(ours_cmd, env))
    bare_first = statistics.median(b[0] for b in bare)
    ours_first = statistics.median(o[0] for o in ours)
    bare_whole = statistics.median(b[1] for b in bare)
    ours_whole = statistics.median(o[1] for o in ours)
    size = "1k" if quick else "10k"
    return [
        Figure(
            f"startup to first frame ({size} history)",
            ours_first * 1000,
            "ms",
            bare_first * 1000,
            "bare Textual app",
            "<= 1.3x",
            ours_first <= 1.3 * bare_first,
            f"median of {runs} whole processes, spawn to first frame; spawn to exit: "
            f"ours {ours_whole * 1000:.0f} ms, bare {bare_whole * 1000:.0f} ms",
        )
    ]


# -- commands against the floor Python and our dependencies set ------------------------------

FLOOR_IMPORTS = "import argparse, json, zoneinfo, tomllib, tinydb, dateutil.parser, dateutil.rrule"


def bench_commands(quick: bool) -> list[Figure]:
    """Whole `backroll` processes against the floor: a Python that only imports the libraries we use.

    The floor is measured in the same run, in turn with ours (and itself against a bare `python -c
    pass`), so a slower machine or a slower floor can never make us look faster.
    """
    runs = 5 if quick else 15
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        empty = _history_home(0, tmp)
        logged = _history_home(0, tmp / "log")  # gains one session a run: stays all but empty
        cache, worked_cache = tmp / "cache", tmp / "cache-worked-out"  # answers dropped from the second only
        env, log_env, worked_env = _env(empty, cache), _env(logged, cache), _env(empty, worked_cache)
        cmds: dict[str, tuple[list[str], dict[str, str]]] = {
            "bare": ([PY, "-c", "pass"], env),
            "floor": ([PY, "-c", FLOOR_IMPORTS], env),
            "status": ([PY, "-m", "tracker", "status", "--json"], env),
            "worked out": ([PY, "-m", "tracker", "status", "--json"], worked_env),
            "routines": ([PY, "-m", "tracker", "routines"], env),
            "log": ([PY, "-m", "tracker", "log", "pelvic-tilt-check", "--pain-after", "0"], log_env),
        }
        for cmd, cmd_env in cmds.values():  # warm: bytecode, the OS file cache, our library cache
            subprocess.run(cmd, cwd=ROOT, env=cmd_env, check=True, capture_output=True)
        times: dict[str, list[float]] = {name: [] for name in cmds}
        for _ in range(runs):  # in turn, so a noisy stretch hits every one alike
            for name, (cmd, cmd_env) in cmds.items():
                if name == "worked out":  # the first status after anything changed: no answer kept for it
                    _forget_answers(worked_cache)
                times[name].append(_median_process_seconds(cmd, 1, cmd_env))
    med = {name: statistics.median(values) * 1000 for name, values in times.items()}
    floor = med["floor"]
    note = f"median of {runs} whole processes each, run in turn with the floor"
    return [
        Figure("floor: python + our libraries", floor, "ms", med["bare"], "python -c pass", "-", None,
               f"python -c '{FLOOR_IMPORTS}'; {note}"),
        Figure("status --json (empty home)", med["status"], "ms", floor, "floor", "<= 1.5x",
               med["status"] <= 1.5 * floor, note + "; nothing changed since the last run: the answer kept"),
        Figure("status --json, worked out (empty home)", med["worked out"], "ms", floor, "floor", "-", None,
               note + "; with no answer kept (the first status after anything changed), the library from its cache"),
        Figure("routines", med["routines"], "ms", floor, "floor", "<= 1.5x", med["routines"] <= 1.5 * floor,
               note + "; the answer kept"),
        Figure("log ROUTINE (empty home)", med["log"], "ms", floor, "floor", "<= 1.7x", med["log"] <= 1.7 * floor,
               note + ", each saving one more session"),
    ]  # fmt: skip


# -- save one session ---------------------------------------------------------------


def _stock_tinydb_insert_ms(records: list[dict], extra: dict, reps: int, tmp: Path) -> float:
    from tinydb import TinyDB

    path = tmp / f"stock-{len(records)}.json"
    db = TinyDB(path)
    db.insert_multiple(records)
    times = []
    for i in range(reps):
        doc = dict(extra, id=f"{extra['id']}-{i}")
        t0 = time.perf_counter()
        db.insert(doc)
        times.append(time.perf_counter() - t0)
    db.close()
    return statistics.median(times) * 1000


def _our_save_ms(home: Path, reps: int) -> float:
    from tracker.store import Store

    store = Store.open(home)
    times = []
    try:
        for i in range(reps):
            session = _one_more_session(1000 + i)
            t0 = time.perf_counter()
            store.add(session)
            times.append(time.perf_counter() - t0)
    finally:
        store.close()
    return statistics.median(times) * 1000


def bench_save(quick: bool) -> list[Figure]:
    from tracker.demo import generate_bulk

    sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
    out: list[Figure] = []
    ours_by_size: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n in sizes:
            sessions = generate_bulk(n, seed=11)
            records = [s.to_dict() for s in sessions]
            extra = _one_more_session(999).to_dict()
            stock_reps = 3 if n >= 100_000 else 7
            stock = _stock_tinydb_insert_ms(records, extra, stock_reps, tmp)
            home = tmp / f"home-{n}"
            from tracker.store import Store

            store = Store.open(home)
            store.merge(sessions)
            store.close()
            ours = _our_save_ms(home, 15)
            ours_by_size[n] = ours
            target, met = "-", None
            if n == 10_000:
                target, met = "<= 20 ms and <= 0.1x", ours <= 20 and ours <= 0.1 * stock
            out.append(
                Figure(
                    f"save one session at {n // 1000}k", ours, "ms", stock, "stock TinyDB insert", target, met
                )
            )
        if 100_000 in ours_by_size:
            growth = ours_by_size[100_000] / ours_by_size[10_000]
            out.append(
                Figure(
                    "save growth 10k -> 100k",
                    ours_by_size[100_000],
                    "ms",
                    ours_by_size[10_000],
                    "ours at 10k",
                    "<= 2x",
                    growth <= 2.0,
                )
            )
    return out


# -- status --json -------------------------------------------------------------------


def _median_process(cmd: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """(median wall seconds, largest peak RSS in MB) of a whole `python -m MODULE ...` process, spawn to
    exit; the peak is the child's own (bench/peak.py), not inherited from this process."""
    assert cmd[1] == "-m", cmd
    wrapped = [cmd[0], "-m", "bench.peak", *cmd[2:]]
    times, peaks = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(
            wrapped, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        times.append(time.perf_counter() - t0)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-500:]}")
        peaks.append(json.loads(done.stderr.strip().splitlines()[-1])["peak_kb"] / 1024)
    return statistics.median(times), max(peaks)


def bench_status(quick: bool) -> list[Figure]:
    """`backroll status --json` on 10k and 100k sessions against the same command on an empty history.

    Every run works the answer out (the kept answers are dropped before each: tracker/cli/answers.py),
    as the first status after a session is logged does: these rows are about reading a long history.
    """
    runs = 3 if quick else 7
    sizes = [(1_000, 1.3, None)] if quick else [(10_000, 1.3, None), (100_000, 2.0, 60.0)]
    out: list[Figure] = []
    cmd = [PY, "-m", "tracker", "status", "--json", "--today", "2026-01-01"]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cache = tmp / "cache"

        def worked_out(home: Path) -> tuple[float, float]:
            _forget_answers(cache)
            return _median_process(cmd, 1, _env(home, cache))

        empty = _history_home(0, tmp)
        for n, target, mb in sizes:
            full = _history_home(n, tmp)
            # The first status with no summary cache reads every month file and makes the whole carry.
            cold, cold_mb = worked_out(full)
            for home in (full, empty):
                subprocess.run(cmd, cwd=ROOT, env=_env(home, cache), check=True, capture_output=True)
            pairs = [(worked_out(empty), worked_out(full)) for _ in range(runs)]
            base = statistics.median(b[0] for b, _ in pairs)
            ours = statistics.median(o[0] for _, o in pairs)
            peak = max(o[1] for _, o in pairs)
            base_peak = max(b[1] for b, _ in pairs)
            size = f"{n // 1000}k"
            met = ours <= target * base and (mb is None or peak <= mb)
            out.append(
                Figure(
                    f"status --json ({size} history)",
                    ours * 1000,
                    "ms",
                    base * 1000,
                    "same, empty history",
                    f"<= {target:g}x" + (f" and <= {mb:g} MB" if mb else ""),
                    met,
                    f"median of {runs} pairs of whole processes; peak RSS {peak:.0f} MB (empty: {base_peak:.0f} MB); "
                    f"first run with no summary cache (every month file read): {cold * 1000:.0f} ms, {cold_mb:.0f} MB",
                )
            )
            if mb is not None or quick:
                out.append(_status_after_old_change(cmd, full, n, 1 if quick else 3, cache))
            # The quick path must answer exactly what the full store gives (in a child: the full store is big).
            code = f"from bench.figures import _check_status; _check_status(__import__('pathlib').Path({str(full)!r}), {cmd!r})"
            subprocess.run([PY, "-c", code], cwd=ROOT, check=True)
            shutil.rmtree(full)
    return out


def _change_old_month(home: Path, nth: int) -> None:
    """Add a session to one of the oldest months (as an import or a late `log --date` would): the carry
    of the years before the last weeks no longer matches and is made again."""
    from datetime import timedelta

    from tracker.model import Session
    from tracker.store import Store

    store = Store.open(home)
    try:
        sessions = store.sessions()
        old = sessions[min(len(sessions) - 1, 40 * nth)]
        store.add(replace(old, id=Session.new_id(), started_at=old.started_at + timedelta(minutes=1 + nth)))
    finally:
        store.close()


def _status_after_old_change(cmd: list[str], home: Path, n: int, runs: int, cache: Path) -> Figure:
    measured = []
    for nth in range(runs):
        code = f"from bench.figures import _change_old_month; _change_old_month(__import__('pathlib').Path({str(home)!r}), {nth})"
        subprocess.run([PY, "-c", code], cwd=ROOT, check=True)
        measured.append(_median_process(cmd, 1, _env(home, cache)))
    seconds = statistics.median(m[0] for m in measured)
    peak = max(m[1] for m in measured)
    return Figure(
        f"first status after an old month changed ({n // 1000}k)", seconds * 1000, "ms", None,
        "whole process", "<= 1.5 s and <= 60 MB", seconds <= 1.5 and peak <= 60,
        f"median of {runs}, each after a session was added to one of the oldest months; peak RSS {peak:.0f} MB",
    )  # fmt: skip


def bench_log(quick: bool) -> list[Figure]:
    """`backroll log ROUTINE` (save one session, print the streak) on 10k sessions against an empty history."""
    runs = 3 if quick else 7
    n = 1_000 if quick else 10_000
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        empty = _history_home(0, tmp)
        full = _history_home(n, tmp)
        cmd = [PY, "-m", "tracker", "log", "pelvic-tilt-check", "--pain-after", "0"]
        for home in (full, empty):  # warm the caches both ways
            subprocess.run(cmd, cwd=ROOT, env=_env(home), check=True, capture_output=True)
        pairs = [
            (_median_process(cmd, 1, _env(empty)), _median_process(cmd, 1, _env(full))) for _ in range(runs)
        ]
    base = statistics.median(b[0] for b, _ in pairs)
    ours = statistics.median(o[0] for _, o in pairs)
    return [
        Figure(
            f"log ROUTINE ({n // 1000}k history)",
            ours * 1000,
            "ms",
            base * 1000,
            "same, empty history",
            "<= 1.2x",
            ours <= 1.2 * base,
            f"median of {runs} pairs of whole processes, each saving one more session",
        )
    ]


def _check_status(home: Path, cmd: list[str]) -> None:
    """The quick path (summary cache) must answer exactly what the full store gives."""
    from datetime import date

    from tracker.service import Backroll

    quick = json.loads(
        subprocess.run(cmd, cwd=ROOT, env=_env(home), check=True, capture_output=True, text=True).stdout
    )
    with Backroll(home) as service:
        full = service.status(date(2026, 1, 1)).to_json_dict()
    if quick != full:
        raise SystemExit(
            f"status --json through the summary cache differs from the store's answer:\n{quick}\n{full}"
        )


# -- export / import ------------------------------------------------------------------


def _best_of(fn: Callable[[], object], reps: int) -> float:
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_exchange(quick: bool) -> list[Figure]:
    """`backroll export` / `backroll import` at the library level: the same functions the CLI calls.

    Export: exchange.export_json (sessions -> the export text). Import:
    exchange.parse_history, i.e. what `backroll import` runs (read_history)
    minus the file read: parse, full validation, Session objects, duplicates folded.
    Baselines: json.dumps of the same document (already dicts) and json.loads
    of the same bytes.
    """
    from datetime import datetime

    from tracker import exchange
    from tracker.demo import generate_bulk

    n = 1_000 if quick else 10_000
    reps = 3 if quick else 5
    sessions = generate_bulk(n, seed=11)
    exported_at = datetime(2026, 1, 1, tzinfo=UTC)
    document = exchange.export_document(sessions, exported_at)
    data = exchange.export_json(sessions, exported_at).encode("utf-8")

    dumps = _best_of(lambda: json.dumps(document), reps)
    ours_export = _best_of(lambda: exchange.export_json(sessions, exported_at), reps)
    loads = _best_of(lambda: json.loads(data), reps)
    ours_import = _best_of(lambda: exchange.parse_history(data), reps)
    size = f"{n // 1000}k"
    note = f"best of {reps}"
    return [
        Figure(
            f"export JSON ({size})",
            ours_export * 1000,
            "ms",
            dumps * 1000,
            "json.dumps",
            "<= 1.8x",
            ours_export <= 1.8 * dumps,
            note,
        ),
        Figure(
            f"import JSON with validation ({size})",
            ours_import * 1000,
            "ms",
            loads * 1000,
            "json.loads",
            "<= 3.5x",
            ours_import <= 3.5 * loads,
            note,
        ),
    ]


# -- timer accuracy and CPU while a session runs ---------------------------------------------


def bench_timer(quick: bool) -> list[Figure]:
    seconds = 15 if quick else 60
    with tempfile.TemporaryDirectory() as tmp_name:
        home = _history_home(0, Path(tmp_name))
        report = _process_json([PY, "-m", "bench.our_app", "--session", str(seconds)], _env(home))
    lateness = sorted(report["lateness_ms"])
    p99 = _p99(lateness)
    cpu_pct = 100 * report["cpu"] / report["wall"]
    mounted_pct = 100 * report["cpu_after_mount"] / report["wall_after_mount"]
    return [
        Figure(
            f"session end error ({seconds} s routine)",
            abs(report["end_error_ms"]),
            "ms",
            report["planned_s"] * 1000,
            "planned end",
            "<= 10 ms",
            abs(report["end_error_ms"]) <= 10,
            f"the redraw that ends it; the check-in screen is on screen {report['end_shown_error_ms']:.0f} ms after the planned end",
        ),
        Figure(
            "count change lateness p99",
            p99,
            "ms",
            None,
            f"{len(lateness)} count changes",
            "<= 50 ms",
            p99 <= 50,
            f"due -> frame handed to the driver; due -> redraw p99 {_p99(sorted(report['drawn_lateness_ms'])):.1f} ms; "
            f"median {lateness[len(lateness) // 2]:.1f} ms",
        ),
        Figure(
            "CPU while a session runs",
            cpu_pct,
            "%",
            None,
            f"{report['cpu']:.2f} s CPU in {report['wall']:.1f} s wall",
            "<= 1.5% of a core",
            cpu_pct <= 1.5,
            f"start key to end; after the session screen is up: {mounted_pct:.2f} %; "
            f"{report['redraws']} redraws, {report['frames']} frames",
        ),
    ]


def _p99(values: list[float]) -> float:
    return values[min(len(values) - 1, int(round(0.99 * (len(values) - 1))))] if values else float("nan")


def bench_idle(quick: bool) -> list[Figure]:
    idle = 10 if quick else 30
    with tempfile.TemporaryDirectory() as tmp_name:
        home = _history_home(1_000, Path(tmp_name))
        ours = _process_json([PY, "-m", "bench.our_app", "--idle", str(idle)], _env(home))
        bare = _process_json([PY, "-m", "bench.bare_app", "--idle", str(idle)], _env(home))
    pct = 100 * ours["cpu"] / ours["wall"]
    bare_pct = 100 * bare["cpu"] / bare["wall"]
    return [
        Figure(f"CPU idle on Today ({idle} s)", pct, "%", bare_pct, "bare app idle", "<= 0.5%", pct <= 0.5)
    ]


def bench_memory(quick: bool) -> list[Figure]:
    """Peak RSS with a history open, and spawn to Today loaded against the bare app's first frame: the
    median of interleaved runs (one run of each moves with the machine by +-15 ms)."""
    runs = 3 if quick else 7
    with tempfile.TemporaryDirectory() as tmp_name:
        home = _history_home(1_000 if quick else 10_000, Path(tmp_name))
        # A second launch: the first one after the history changed makes the summary cache (see status).
        _process_json([PY, "-m", "bench.our_app", "--idle", "1"], _env(home))
        loaded, first, ours_rss, bare_rss = [], [], [], []
        for _ in range(runs):  # in turn, so a noisy stretch hits both alike
            t0 = time.monotonic()
            ours = _process_json([PY, "-m", "bench.our_app", "--idle", "1"], _env(home))
            loaded.append(ours["loaded"] - t0)
            ours_rss.append(ours["maxrss_kb"] / 1024)
            t0 = time.monotonic()
            bare = _process_json([PY, "-m", "bench.bare_app", "--idle", "1"], _env(home))
            first.append(bare["first_frame"] - t0)
            bare_rss.append(bare["maxrss_kb"] / 1024)
    ours_loaded, bare_first = statistics.median(loaded), statistics.median(first)
    o, b = max(ours_rss), max(bare_rss)
    size = "1k" if quick else "10k"
    return [
        Figure(
            f"peak RSS ({size} history open)",
            o,
            "MB",
            b,
            "bare Textual app",
            "<= 1.5x",
            o <= 1.5 * b,
            "after Today has shown the history (read through the summary cache; the store opens at the first write)",
        ),
        Figure(
            f"startup to Today loaded ({size})",
            ours_loaded * 1000,
            "ms",
            bare_first * 1000,
            "bare app first frame",
            "<= 1.8x",
            ours_loaded <= 1.8 * bare_first,
            f"median of {runs} interleaved runs; spawn until the first frame that shows the history's streaks "
            "and advice",
        ),
    ]


# What a profile (pyinstrument / cProfile, Python 3.11, this repository's code at the time of writing)
# showed as the cost behind a figure, printed under a missed target. Keyed by the start of the figure name.
PROFILED: dict[str, str] = {
    "status --json (empty": (
        "a status with nothing changed since the last one prints the answer kept for it (tracker/cli/"
        "answers.py: the stat of every file it could read, the day and the asking compared; the commands' "
        "modules never imported). The first status after a change works it out (the row below): the library "
        "from its derived cache, the model, the summary cache's store modules and the rules; above the floor "
        "that is mostly building ~40 dataclasses at import (Python 3.11 compiles each generated method "
        "apart) and `dataclasses` itself with inspect and ast."
    ),
    "routines": (
        "as status: the answer kept while nothing it reads changed; worked out, the lengths of each routine "
        "at the current settings (tracker.plan) and the program's prescription through status."
    ),
    "log ROUTINE (empty": (
        "a write, so never a kept answer: status worked out once (the advice before saving, so a damaged "
        "file stops it first; the streak after it from the practice days that read gave), opening the store "
        "for the write (lock, the month file, the journal, the daily backup check) and the session's planned "
        "steps (tracker.plan). After imports its work is ~7 ms; the rest above the floor is importing the "
        "model, store, rules and plan: ~40 frozen dataclasses built at import (~27 ms measured in-process, "
        "plus ~7 ms for `dataclasses` with inspect and ast) and the modules' own code. No longer imported: "
        "uuid with platform, statistics, shutil. Going further means records that cost nothing to define "
        "(a change of how the whole model is declared)."
    ),
    "first status after an old month changed": (
        "the summary cache keeps the carry after each quarter's last month (its marks) and, for each file, "
        "the edits that reached it (tracker/store/summary.py): a change in an old month folds the carry "
        "again from the mark before it only, until a month folds to the carry kept for it (here within the "
        "quarter), then jumps to the last mark; an edit or a delete makes stale only the files it reaches "
        "(was: 5.5-16 s, every month file read in full with its steps). What is left is the cache itself, "
        "read and written whole (~4 MB at 100k: the practice days and session ids of every month), one to "
        "four month files read in full and their fold. With no cache at all (first run ever, or deleted) "
        "every month file is still read once (~5 s at 100k)."
    ),
    "startup to first frame": (
        "the app opens straight on Today's mode, each stylesheet is parsed once (Textual threw its parse "
        "cache away at every re-parse: four parses before the first frame), the runner's and dialogs' CSS "
        "is read after Today loads, the service and the model are imported by Today's first load after the "
        "first frame, the palette's provider when the palette opens, and the collector waits until Today "
        "has its data. What is left is tracker.ui.app with Today's widgets and our stylesheet; the rest is "
        "Textual's own start-up, which the bare app pays too."
    ),
    "startup to Today loaded": (
        "after the first frame, Today's loader (a thread) imports the service, the model and the rules "
        "(~48 ms of CPU, mostly building ~40 dataclasses) and reads the summary cache once for the status "
        "and the back question (~25 ms at 10k); showing the data and its frame ~20 ms."
    ),
    "status --json": (
        "status reads the summary cache: the practice days of every month, the last weeks in full and the "
        "carry of the years before (tracker.status_cache); what grows with the years is the list of practice days "
        "(streaks) and the session ids kept to catch a move cut short."
    ),
    "log ROUTINE": (
        "log reads the summary cache once, for the advice before saving (so a damaged file stops it "
        "first; no streaks over every practice day); the store opens lazily, reads only the new session's "
        "month and proves the new id absent by the ids that read gave for each month file still at its "
        "token (was: every other month's bytes searched, ~9 MB at 10k); the streak printed is the days "
        "read plus the new one (was: a second status). What grows with the years is that read (the "
        "practice days and session ids of every month, ~0.7 MB at 10k), the cache written again whole "
        "after each log's month changed, and three scans of the data folder (the read's, the store's "
        "open, the write's own)."
    ),
    "export JSON": (
        "export_json writes one session per line through one C encoder made once (JSONEncoder.encode makes "
        "one per call), each session's dict encoded and dropped as it is made, the text joined once (each + "
        "of two 10 MB strings copied it all). What is left is Session.to_dict (~0.6x dumps: a frozen "
        "dataclass walk, two isoformats and round() per session and step) plus the encoding itself (~0.85x "
        "dumps). Was 1.5-1.6x, and 2.0-2.2x before that."
    ),
    "import JSON": (
        "parse_history (what `backroll import` runs), with the cyclic collector held off (no cycles in parsed "
        "JSON or records): a well-formed file is parsed once plainly (~1.0x json.loads: no hook; no key "
        "repeated proven by one count of colons against the keys and strings read, untrusted.repeats_no_key), "
        "proven valid a column at a time from the declaration (validate.proven_document, ~0.65x), and its "
        "sessions built a field at a time from the columns that proof took out (exchange.build, ~0.85x: "
        "nearly all of it the 60k frozen dataclasses' own __init__, ~1.1 us each, StepResult's ~1.5 us). "
        "Was 3.8-5.1x (plain parse with a hook per object, the check, then Session.from_dict per record with "
        "the collections its objects set off), 6-7x before that. Next: a cheaper __init__ in the model "
        "(the 30k StepResults are half of the build)."
    ),
    "CPU while a session runs": (
        "about 8 ms of CPU a second on this machine with one redraw a second, almost all Textual: ~4 ms the "
        "compositor's frame (it walks every visible widget's cached lines over the region from the top line "
        "to the count, and renders again the bar, the time left, the count and the figure), ~1 ms the "
        "redraw itself, the rest Textual's timers and message loop; the start (the pain question's dismissal, "
        "the session screen's first layout and footer) is ~0.1 s once. Fixed here: no layout pass per second "
        "nor at a phase change (only the labels whose text changed are touched, one restyle of the count's "
        "four widgets a change), the count and the figure work out their style once a frame, not once a line, "
        "the figure's later reps reuse the first rep's drawings, one frame per change (no ProgressBar ETA "
        "timer), no redundant safety redraws, and the bench's autopilot no longer polls at 20 Hz."
    ),
    "peak RSS": (
        "the app's own modules, CSS and widgets put it at ~1.25x the bare app with no history; Today reads "
        "the history through the summary cache (tracker.status_cache), so the sessions are not in memory until "
        "the store opens for a write or History."
    ),
    "startup to Today": (
        "the first frame's own cost (above) plus Today's worker: importing progression and the summary "
        "cache, the library from its derived cache (was ~45 ms of TOML), reading the summary cache and "
        "computing status (~100 ms at 10k: streaks over every practice day), all on the same core as the "
        "UI thread; the baseline is the bare app's first frame, so this cannot meet 1.8x before the first "
        "frame meets 1.3x."
    ),
    "count change lateness": (
        "the redraw runs ~4 ms after the change is due; the rest is Textual's screen update timer (frames "
        "are batched at 60 fps, so up to 17 ms) and rendering the frame."
    ),
}

ALL: dict[str, Callable[..., list[Figure]]] = {
    "commands": bench_commands,
    "startup": bench_startup,
    "save": bench_save,
    "status": bench_status,
    "log": bench_log,
    "exchange": bench_exchange,
    "timer": bench_timer,
    "idle": bench_idle,
    "memory": bench_memory,
}
