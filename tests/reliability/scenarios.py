"""The reliability scenarios, shared by the pytest suite (small counts) and report.py (large counts).

Every scenario works on real files in a temp folder, through real processes
(the `backroll` CLI as `python -m tracker`, or children forked from
worker.py / store_worker.py that run the same code), with real SIGKILLs,
real mounts and a real app under Textual's Pilot. Nothing of ours is
mocked; the only seams used are the ones the product offers (the store's
`write_bytes`, the service's `now`, the runner's clock, the TZ variable).

A scenario never raises on a broken invariant: it returns a Tally (tried /
survived / lost, with the failures spelled out), so the report can print
every row even when one fails, and the test asserts `tally.ok`.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import json
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .store_worker import BASE_DAY, make_session

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
STORE_WORKER = HERE / "store_worker.py"
WORKER = HERE / "worker.py"
PY = sys.executable


# ----------------------------------------------------------------------------- bookkeeping


@dataclass
class Tally:
    """One row of the report: how many attempts, how many kept every invariant, what was lost."""

    row: str
    what: str = ""
    tried: int = 0
    survived: int = 0
    lost: int = 0  # acknowledged sessions missing, or files changed that had to stay untouched
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures and self.lost == 0 and self.survived == self.tried

    def attempt(self, problems: Sequence[str], lost: int = 0) -> bool:
        """Count one attempt; it survived when it has no problems and lost nothing."""
        self.tried += 1
        self.lost += lost
        if problems or lost:
            self.failures.extend(problems[:5] or [f"{lost} lost"])
            return False
        self.survived += 1
        return True

    def merge(self, other: Tally) -> None:
        self.tried += other.tried
        self.survived += other.survived
        self.lost += other.lost
        self.failures += other.failures
        self.notes += other.notes

    def explain(self) -> str:
        return f"{self.row}: {self.survived}/{self.tried} survived, {self.lost} lost; " + "; ".join(
            self.failures[:10]
        )


class ScenarioError(RuntimeError):
    """The scenario itself could not go on (a worker died, a timeout)."""


@contextlib.contextmanager
def timed(tally: Tally) -> Iterator[Tally]:
    started = time.monotonic()
    try:
        yield tally
    finally:
        tally.seconds += time.monotonic() - started


@contextlib.contextmanager
def temp_root(prefix: str = "br-") -> Iterator[Path]:
    """A short temp folder (short paths fit on an 80-column screen), removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def file_hashes(root: Path, *, skip_lock: bool = False) -> dict[str, str]:
    """sha256 of every file under root (the lock file's generation changes on every open: skip_lock)."""
    if not root.exists():
        return {}
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not (skip_lock and path.name == "backroll.lock"):
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def changed_files(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def is_temp(path: Path) -> bool:
    return path.name.startswith(".") and path.name.endswith(".tmp")


def unparsable_files(home: Path) -> list[str]:
    """Every history file (temp files aside) that is not a JSON object."""
    bad = []
    for folder in [home / "data", home, *sorted((home / "backups").glob("[0-9]*"))]:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.suffix != ".json" or is_temp(path) or not path.is_file():
                continue
            try:
                data = json.loads(path.read_bytes())
            except ValueError as exc:
                bad.append(f"{path}: {exc}")
                continue
            if not isinstance(data, dict):
                bad.append(f"{path}: not an object")
    return bad


def ids_on_disk(home: Path) -> set[str]:
    ids = set()
    for path in (home / "data").glob("sessions-*.json"):
        data = json.loads(path.read_bytes())
        ids.update(doc["id"] for doc in data.get("sessions", {}).values())
    return ids


# ----------------------------------------------------------------------------- processes


def cli_env(tz: str = "Europe/London", extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BACKROLL_HOME", "NO_COLOR")}
    env["TZ"] = tz
    env.update(extra or {})
    return env


def run_cli(
    home: Path | None,
    *args: str,
    tz: str = "Europe/London",
    umask: int | None = None,
    unprivileged: bool = False,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`backroll [--home HOME] ARGS` as a real process: `python -m tracker`.

    `unprivileged`: in a new user namespace (`unshare -U`), where root keeps
    owning its files but loses CAP_DAC_OVERRIDE: file modes apply to it.
    """
    command = [PY, "-m", "tracker"]
    if unprivileged:
        command = ["unshare", "-U", *command]
    if home is not None:
        command += ["--home", str(home)]

    def before() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run(
        [*command, *args],
        cwd=REPO,
        env=cli_env(tz),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        preexec_fn=before if umask is not None else None,
    )


def run_many(calls: Sequence[Callable[[], Any]], workers: int = 3) -> list[Any]:
    """Run independent CLI calls a few at a time (each is mostly Python start-up)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda call: call(), calls))


class Lines:
    """A process's stdout read by a thread, so every wait has a real timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.pending: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.queue.put(line.rstrip("\n"))
        self.queue.put(None)

    def next(self, timeout: float = 60.0) -> str:
        if self.pending:
            return self.pending.pop(0)
        try:
            line = self.queue.get(timeout=timeout)
        except queue.Empty:
            raise ScenarioError(f"the worker said nothing for {timeout} s") from None
        if line is None:
            self.queue.put(None)
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise ScenarioError(f"the worker exited: {err[-2000:]}")
        return line

    def until(self, predicate: Callable[[str], bool], timeout: float = 60.0) -> tuple[str, list[str]]:
        """The first line matching; the lines skipped on the way are returned too (never lost)."""
        skipped = []
        deadline = time.monotonic() + timeout
        while True:
            line = self.next(max(0.1, deadline - time.monotonic()))
            if predicate(line):
                return line, skipped
            skipped.append(line)


class Forker:
    """tests/reliability/worker.py: forks warm children on demand."""

    def __init__(self, script: Path = WORKER) -> None:
        self.proc = subprocess.Popen(
            [PY, str(script)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            cwd=REPO,
            env=cli_env(),
        )
        self.lines = Lines(self.proc)
        self.events: list[str] = []  # lines read while looking for something else

    def send(self, command: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def spawn(self, task: str, **args: Any) -> int:
        self.send({"spawn": task, **args})
        line, skipped = self.lines.until(lambda l: l.startswith("child "))
        self.events += skipped
        return int(line.split()[1])

    def expect(self, word: str, pid: int, timeout: float = 60.0) -> str:
        """The line "WORD PID ..." (an "error PID" line raises)."""
        for i, line in enumerate(self.events):
            if line.startswith(f"{word} {pid}"):
                return self.events.pop(i)
        while True:
            line = self.lines.next(timeout)
            if line.startswith(f"error {pid} "):
                raise ScenarioError(line)
            if line.startswith(f"{word} {pid}"):
                return line
            self.events.append(line)

    def reap(self, pid: int) -> tuple[str, int]:
        """("dead", signal) or ("exit", code); every line the child printed stays in self.events."""
        self.send({"wait": pid})
        while True:
            for i, event in enumerate(self.events):
                word, _, rest = event.partition(" ")
                if word in ("dead", "exit") and rest.split()[0] == str(pid):
                    self.events.pop(i)
                    return word, int(rest.split()[1])
            line = self.lines.next()
            self.events.append(line)

    def child_lines(self, pid: int) -> list[str]:
        mine = [e for e in self.events if e.split()[1:2] == [str(pid)]]
        self.events = [e for e in self.events if e.split()[1:2] != [str(pid)]]
        return mine

    def close(self) -> None:
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()

    def __enter__(self) -> Forker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cli_result(lines: Sequence[str]) -> tuple[int, str] | None:
    """(exit code, stderr) from a forked `cli` child's "done" line."""
    for line in lines:
        if line.startswith("done "):
            _, _, code, err = line.split(" ", 3)
            return int(code), json.loads(err)
    return None


# ----------------------------------------------------------------------------- shared fixtures


def demo_sessions(days: int, end: date, seed: int, zone: str = "Europe/Paris") -> list[Any]:
    from tracker.demo import generate_history

    return generate_history(days, end=end, seed=seed, zone=zone)


def export_file(path: Path, sessions: Sequence[Any]) -> Path:
    from tracker.exchange import export_json, write_private

    write_private(path, export_json(sessions, datetime(2025, 6, 1, 12, tzinfo=UTC)))
    return path


def make_home(home: Path, sessions: Sequence[Any], today: date | None = None) -> Path:
    from tracker.store import Store

    with Store.open(home, today=(lambda: today) if today else None) as store:
        if sessions:
            store.merge(list(sessions))
    return home


def history_dicts(home: Path) -> dict[str, dict[str, Any]]:
    from tracker.store import Store

    with Store.open(home) as store:
        return {s.id: s.to_dict() for s in store.sessions()}


# ============================================================================= 1. kills


ROUND = 250  # kills per home: the history (and so the cost of each check) stays the same size


def kill_writers(kills: int, seed: int | None = None) -> Tally:
    """kill -9 a process saving sessions in a loop, at random moments; check every file after every kill."""
    seed = random.randrange(1 << 30) if seed is None else seed
    rng = random.Random(seed)
    tally = Tally(
        "1 kill -9 while saving", f"writer saving in a loop, SIGKILL at a random moment (seed {seed})"
    )
    with timed(tally):
        done = 0
        while done < kills:
            n = min(ROUND, kills - done)
            _kill_writers_round(tally, n, rng)
            done += n
    return tally


def _kill_writers_round(tally: Tally, kills: int, rng: random.Random) -> None:
    from tracker.store import Store

    with temp_root() as root:
        home = root / "home"
        Store.open(home).close()
        acked: set[str] = set()
        during_open = 0
        proc = subprocess.Popen(
            [PY, str(STORE_WORKER), "forker", str(home)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, bufsize=1, cwd=REPO, env=cli_env(),
        )  # fmt: skip
        lines = Lines(proc)
        try:
            for kill in range(kills):
                proc.stdin.write(f"go k{kill} {kill * 1000}\n")
                proc.stdin.flush()
                pid = int(lines.until(lambda l: l.startswith("child "))[0].split()[1])
                when = rng.random()
                early: list[str] = []
                if when < 0.1:  # now and then, die while opening (temp-file cleanup, lock, first reads)
                    time.sleep(rng.uniform(0, 0.01))
                    during_open += 1
                else:
                    line, early = lines.until(
                        lambda l: (
                            l.split()[:2] in (["ready", str(pid)], ["error", str(pid)], ["dead", str(pid)])
                        )
                    )
                    if not line.startswith("ready"):  # the writer failed or died before it was ready: say why
                        raise ScenarioError(f"kill {kill}: the writer never became ready: {line}")
                    if when > 0.5:  # half the time once it has saved one: kills land among later writes
                        line, more = lines.until(lambda l: l.startswith(f"ack {pid} "))
                        early += more + [line]
                    time.sleep(rng.uniform(0, 0.03))
                os.kill(pid, signal.SIGKILL)
                problems = []
                pending = list(early)
                while True:
                    line = pending.pop(0) if pending else lines.next()
                    word, child, *rest = line.split()
                    if word == "error":
                        problems.append(f"writer failed: {line}")
                    if word == "ack" and int(child) == pid:
                        acked.add(rest[0])
                    if word == "dead" and int(child) == pid:
                        if rest != [str(int(signal.SIGKILL))]:
                            problems.append(f"not killed by SIGKILL: {line}")
                        break
                problems += unparsable_files(home)
                try:
                    on_disk = ids_on_disk(home)
                except ValueError as exc:
                    problems.append(f"unreadable shard: {exc}")
                    on_disk = set()
                missing = acked - on_disk
                tally.attempt(problems + [f"kill {kill}: {len(missing)} acknowledged sessions missing"] * bool(missing),
                              lost=len(missing))  # fmt: skip
            proc.stdin.write("quit\n")
            proc.stdin.flush()
            proc.wait(30)
        except (
            ScenarioError
        ) as error:  # a writer stuck or failed: add where it was (faulthandler) to the error
            proc.kill()
            proc.wait(10)
            stuck = proc.stderr.read() if proc.stderr else ""
            raise ScenarioError(f"{error}; the writers' stderr: {stuck[-4000:]}") from None
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        with Store.open(home) as store:  # validates every file; removes the last victim's temp files
            saved = {s.id for s in store.sessions()}
        missing = acked - saved
        if missing:
            tally.lost += len(missing)
            tally.failures.append(
                f"{len(missing)} acknowledged sessions missing after reopening, e.g. {sorted(missing)[:3]}"
            )
        if list((home / "data").glob(".*.tmp")):
            tally.failures.append("temp files left after reopening")
        if len(acked) <= kills // 2:
            tally.failures.append(f"the writers hardly wrote ({len(acked)} acks for {kills} kills)")
        tally.notes.append(
            f"{kills} kills ({during_open} while opening), {len(acked)} sessions acknowledged, {len(saved)} on disk"
        )


def _month(session: Any) -> str:
    return session.local_date.strftime("%Y-%m")


def _check_import_state(
    home: Path, base: dict[str, dict], incoming: dict[str, dict], months: dict[str, set[str]]
) -> tuple[list[str], str]:
    """After a killed import: files parse, nothing foreign, each month all-or-nothing. Returns (problems, state)."""
    problems = unparsable_files(home)
    if problems:
        return problems, "broken"
    try:
        now = history_dicts(home)
    except Exception as exc:
        return [f"cannot reopen: {exc}"], "broken"
    lost = [sid for sid in base if now.get(sid) != base[sid]]
    if lost:
        problems.append(f"{len(lost)} sessions of the history changed or vanished")
    foreign = [sid for sid in now if sid not in base and now[sid] != incoming.get(sid)]
    if foreign:
        problems.append(f"{len(foreign)} sessions that are neither in the history nor in the file")
    done_months = 0
    for month, ids in months.items():
        present = sum(1 for sid in ids if sid in now)
        if present not in (0, len(ids)):
            problems.append(f"month {month} half imported ({present} of {len(ids)})")
        done_months += present == len(ids)
    state = "unchanged" if done_months == 0 else "complete" if done_months == len(months) else "partial"
    return problems, state


def _wait_for_change(folder: Path, deadline: float) -> None:
    """Busy-wait until a file in folder is replaced or added (its inode changes)."""

    def inodes() -> set[tuple[str, int]]:
        with os.scandir(folder) as entries:
            return {(e.name, e.inode()) for e in entries if not e.name.startswith(".")}

    first = inodes()
    while time.monotonic() < deadline and inodes() == first:
        pass


def kill_imports(kills: int, real_processes: int = 2, seed: int | None = None) -> Tally:
    """kill -9 during `backroll import` of a 12-month file; then re-run it: unchanged or fully imported."""
    seed = random.randrange(1 << 30) if seed is None else seed
    rng = random.Random(seed)
    tally = Tally(
        "1 kill -9 during import",
        f"`backroll import` of a 12-month file, SIGKILL at a random moment, then imported again (seed {seed})",
    )
    with timed(tally), temp_root() as root:
        base_home = make_home(root / "base", demo_sessions(45, date(2024, 2, 29), seed=11))
        imported = demo_sessions(366, date(2025, 2, 28), seed=12)
        source = export_file(root / "year.json", imported)
        base = history_dicts(base_home)
        incoming = {s.id: s.to_dict() for s in imported}
        months: dict[str, set[str]] = {}
        for s in imported:
            months.setdefault(_month(s), set()).add(s.id)
        expected = {**base, **incoming}
        home = root / "home"
        states = {"unchanged": 0, "partial": 0, "complete": 0, "broken": 0, "journal": 0}
        aimed = 0

        def reset() -> None:
            shutil.rmtree(home, ignore_errors=True)
            shutil.copytree(base_home, home)

        def after_kill(problems: list[str], forker: Forker) -> None:
            states["journal"] += (
                home / "data" / "merge-journal.json"
            ).exists()  # committed, replayed at the next open
            found, state = _check_import_state(home, base, incoming, months)
            states[state] += 1
            problems += found
            pid = forker.spawn("cli", argv=["--home", str(home), "import", str(source)])  # again, to the end
            forker.reap(pid)
            result = cli_result(forker.child_lines(pid))
            if result is None or result[0] != 0:
                problems.append(f"re-running the import failed: {result}")
            try:
                final = history_dicts(home)
            except Exception as exc:
                problems.append(f"cannot reopen after the re-run: {exc}")
                final = {}
            missing = [sid for sid in expected if final.get(sid) != expected[sid]]
            extra = [sid for sid in final if sid not in expected]
            if extra:
                problems.append(f"{len(extra)} unexpected sessions")
            tally.attempt(problems, lost=len(missing))

        with Forker() as forker:
            # calibrate: one import run to the end gives the window the kills are spread over
            reset()
            pid = forker.spawn("cli", argv=["--home", str(home), "import", str(source)])
            forker.expect("start", pid)
            started = time.monotonic()
            forker.expect("done", pid)
            window = time.monotonic() - started
            forker.reap(pid)
            forker.events.append(f'done {pid} 0 ""')  # expect() consumed it; child_lines() reads it back
            if cli_result(forker.child_lines(pid)) is None or history_dicts(home) != expected:
                tally.failures.append("the calibration import did not import the whole file")
            for _ in range(kills):
                reset()
                pid = forker.spawn("cli", argv=["--home", str(home), "import", str(source)])
                forker.expect("start", pid)
                if (
                    rng.random() < 0.4
                ):  # aimed: wait for the first month file to be replaced, then kill at once or within 2 ms
                    _wait_for_change(home / "data", deadline=time.monotonic() + window * 3)
                    if rng.random() < 0.5:
                        time.sleep(rng.uniform(0, 0.002))
                    aimed += 1
                else:  # the writes come last (one atomic replace per month): most kills aim at the second half
                    time.sleep(
                        window * (rng.uniform(0.5, 1.05) if rng.random() < 0.75 else rng.uniform(0, 1))
                    )
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                forker.reap(pid)
                forker.child_lines(pid)
                after_kill([], forker)
            # the same through `python -m tracker import`, start-up included
            exec_window = None
            for _ in range(real_processes):
                reset()
                if exec_window is None:
                    started = time.monotonic()
                    run_cli(home, "import", str(source))
                    exec_window = time.monotonic() - started
                    reset()
                proc = subprocess.Popen([PY, "-m", "tracker", "--home", str(home), "import", str(source)],
                                        cwd=REPO, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
                time.sleep(rng.uniform(exec_window * 0.5, exec_window * 1.05))
                proc.send_signal(signal.SIGKILL)
                proc.wait(30)
                after_kill([], forker)
        tally.notes.append(
            f"import took {window * 1000:.0f} ms, {aimed} kills aimed at the first month written; state found after the kill: {states['unchanged']} unchanged, {states['partial']} some months in, "
            f"{states['complete']} complete ({states['journal']} of them finished from the import journal at the next open); every one complete after re-running ({len(imported)} sessions, {len(months)} months, "
            f"{real_processes} of the kills on `python -m tracker import`)"
        )
    return tally


def kill_backups(kills: int, seed: int | None = None) -> Tally:
    """kill -9 during the first save of a day: the daily backup, its rotation, then the write."""
    from tracker.store import Store
    from tracker.store.backups import KEEP, PARTIAL_PREFIX, backup_days

    seed = random.randrange(1 << 30) if seed is None else seed
    rng = random.Random(seed)
    tally = Tally(
        "1 kill -9 during backup",
        f"first save of a new day (backup + rotation), SIGKILL at a random moment (seed {seed})",
    )
    with timed(tally), temp_root() as root:
        home = root / "home"
        # 14 months of history: each backup copies the changed month and links the rest
        history = [
            make_session(i, prefix="h", day=BASE_DAY + timedelta(days=(i * 37) % 420)) for i in range(300)
        ]
        make_home(home, history)
        acked: set[str] = {s.id for s in history}
        day0 = date(2030, 1, 1)
        interrupted = aimed = most = 0
        with Forker() as forker:
            window = None
            for k in range(kills + 1):
                day = day0 + timedelta(days=k)
                pid = forker.spawn("backup", home=str(home), day=day.isoformat(), n=1000 + k)
                forker.expect("ready", pid)
                started = time.monotonic()
                if window is None:  # calibration: one day's first save, not killed
                    forker.reap(pid)
                    window = time.monotonic() - started
                else:
                    if rng.random() < 0.4:  # aimed: the day's folder just appeared, the rotation runs now
                        _wait_for_change(home / "backups", deadline=time.monotonic() + window * 3)
                        if rng.random() < 0.5:
                            time.sleep(rng.uniform(0, 0.002))
                        aimed += 1
                    else:
                        time.sleep(rng.uniform(0, window * 1.3))
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                    forker.reap(pid)
                mine = forker.child_lines(pid)
                problems = [l for l in mine if l.startswith("error")]
                new = [l.split()[2] for l in mine if l.startswith("ack")]
                acked.update(new)
                interrupted += not new
                problems += unparsable_files(home)
                try:
                    with Store.open(home) as store:  # removes half-made backups
                        saved = {s.id for s in store.sessions()}
                except Exception as exc:
                    problems.append(f"cannot reopen: {exc}")
                    saved = set()
                if list((home / "backups").glob(PARTIAL_PREFIX + "*")):
                    problems.append("a half-made backup is left after reopening")
                days = backup_days(home / "backups")
                if (
                    new and len(days) > KEEP
                ):  # a save that returned has rotated; a killed one may leave extras
                    problems.append(f"{len(days)} backups kept after a completed save")
                most = max(most, len(days))
                for folder in days:
                    if not (folder / "meta.json").is_file():
                        problems.append(f"{folder} is incomplete")
                today_backup = home / "backups" / day.isoformat()
                if today_backup.is_dir():
                    inside = {doc["id"] for p in today_backup.glob("sessions-*.json")
                              for doc in json.loads(p.read_bytes())["sessions"].values()}  # fmt: skip
                    if inside & set(new):
                        problems.append(
                            "the day's backup holds that day's new session: it was not taken first"
                        )
                    if not inside:
                        problems.append("the day's backup holds no session")
                missing = acked - saved
                if k > 0:
                    tally.attempt(problems, lost=len(missing))
        tally.notes.append(f"{kills} kills ({aimed} aimed at the rotation), {interrupted} before the save returned; "
                           f"every backup folder complete, the newest {KEEP} kept after each completed save (up to {most} between)")  # fmt: skip
    return tally


# ============================================================================= 2. corruption


@dataclass(frozen=True)
class Damage:
    name: str
    target: str  # file under home ("{device}": this machine's device id)
    payload: Callable[[bytes], bytes]
    also_backups: int = 0  # how many of the newest backups of that file are damaged too


def _truncate(b: bytes) -> bytes:
    return b[: len(b) // 2]


DAMAGES = [
    Damage("shard truncated", "data/sessions-2025-01.{device}.json", _truncate),
    Damage("shard 0 bytes", "data/sessions-2025-01.{device}.json", lambda b: b""),
    Damage(
        "shard garbage",
        "data/sessions-2025-01.{device}.json",
        lambda b: bytes(random.Random(5).randrange(256) for _ in range(400)),
    ),
    Damage(
        "shard wrong shape",
        "data/sessions-2025-01.{device}.json",
        lambda b: b'{"sessions": {"1": {"id": 7, "routine": []}}}',
    ),
    Damage("shard a JSON list", "data/sessions-2025-01.{device}.json", lambda b: b"[1, 2, 3]"),
    Damage("meta future schema", "data/meta.json", lambda b: b'{"format": "backroll.store", "schema": 99}'),
    Damage("settings garbage", "settings.json", lambda b: b"\x00\x01tempo=fast"),
    Damage("shard + newest backup", "data/sessions-2025-01.{device}.json", _truncate, also_backups=1),
    Damage("shard + every backup", "data/sessions-2025-01.{device}.json", lambda b: b"", also_backups=99),
]


def _corrupt_home(root: Path, damage: Damage) -> tuple[Path, Path, Path | None]:
    """A history written on three days (so there are backups), then damaged. Returns (home, bad file, good backup)."""
    from tracker.model import Settings
    from tracker.store import Store

    home = root / damage.name.replace(" ", "-").replace("+", "and")
    for i, day in enumerate([date(2025, 1, 10), date(2025, 1, 11), date(2025, 1, 12)]):
        with Store.open(home, today=lambda day=day: day) as store:
            store.add(make_session(i, day=day))
            store.save_settings(replace(Settings(), safety_note_seen=True, sound=False))
    device = json.loads((home / "device.json").read_text())[
        "id"
    ]  # this machine's month files carry it (issue 18)
    bad = home / damage.target.format(device=device)
    copies = [
        d / bad.name for d in sorted((home / "backups").iterdir(), reverse=True) if (d / bad.name).exists()
    ]
    for copy in copies[: damage.also_backups]:
        fresh = copy.with_name(copy.name + ".new")
        fresh.write_bytes(damage.payload(copy.read_bytes()))
        os.replace(fresh, copy)  # a new inode: the other days' hard links keep their bytes
    good = next((c for c in copies[damage.also_backups :]), None)
    fresh = bad.with_name(bad.name + ".new")
    fresh.write_bytes(damage.payload(bad.read_bytes()))
    os.replace(fresh, bad)
    return home, bad, good


async def app_probe(
    service: Any, *, size: tuple[int, int] = (80, 24), timeout: float = 20.0
) -> dict[str, Any]:
    """Start the real app on `service` under Pilot; what it shows once it has loaded (or failed to)."""
    from tracker.ui.app import make_app

    app = make_app(service, cursor_blink=False, voice_program="")
    async with app.run_test(size=size) as pilot:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            if app.ready or type(app.screen).__name__ == "StoreErrorScreen":
                break
        await pilot.pause()
        screen = app.screen
        strips = screen._compositor.render_strips()
        dialog = ""
        with contextlib.suppress(Exception):
            dialog = str(screen.query_one(".dialog-text").render())
        return {
            "screen": type(screen).__name__,
            "ready": app.ready,
            "text": "\n".join(strip.text for strip in strips),
            "dialog": dialog,
            "stack": [type(s).__name__ for s in app.screen_stack],
            "app": app,
        }


def flat(screen_text: str) -> str:
    """Screen text without box-drawing blocks and white space: a path folded over two lines reads whole."""
    return re.sub(r"[\s\u2580-\u259f]", "", screen_text)


def probe_app(service: Any, **kwargs: Any) -> dict[str, Any]:
    return asyncio.run(app_probe(service, **kwargs))


def corruption(cases: Sequence[Damage] = DAMAGES, app: bool = True) -> Tally:
    """Each damaged file: exit 3 naming it and the newest good backup, a readable app screen, bytes untouched."""
    from tracker.service import Backroll

    tally = Tally(
        "2 corrupt files",
        "truncated, 0-byte, garbage, wrong shape, future schema, backups damaged too: CLI and app",
    )
    with timed(tally), temp_root() as root:
        prepared = [(damage, *_corrupt_home(root, damage)) for damage in cases]

        def one(item: tuple[Damage, Path, Path, Path | None]) -> list[str]:
            damage, home, bad, good = item
            before = file_hashes(home, skip_lock=True)
            problems = []
            for args in (("status",), ("log", "bridge", "--note", "after the damage"), ("export",)):
                result = run_cli(home, *args)
                if result.returncode != 3:
                    problems.append(
                        f"{damage.name}: `{args[0]}` exit {result.returncode}, not 3: {result.stderr.strip()[:200]}"
                    )
                err = result.stderr
                if str(bad) not in err:
                    problems.append(f"{damage.name}: `{args[0]}` does not name {bad}: {err.strip()[:300]}")
                if good is not None and str(good) not in err:
                    problems.append(
                        f"{damage.name}: `{args[0]}` does not name the good backup {good}: {err.strip()[:300]}"
                    )
                if good is None and "no good backup" not in err:
                    problems.append(
                        f"{damage.name}: `{args[0]}` does not say there is no good backup: {err.strip()[:300]}"
                    )
                if "Traceback" in err or len(err.strip().splitlines()) > 3:
                    problems.append(
                        f"{damage.name}: `{args[0]}` message is not one clear sentence: {err[:300]}"
                    )
            if changed_files(before, file_hashes(home, skip_lock=True)):
                problems.append(
                    f"{damage.name}: files changed by the CLI: {changed_files(before, file_hashes(home, skip_lock=True))}"
                )
            return problems

        results = run_many([lambda item=item: one(item) for item in prepared])
        for (damage, home, bad, good), problems in zip(prepared, results):
            if app:
                before = file_hashes(home, skip_lock=True)
                service = Backroll(
                    home, now=lambda: datetime(2025, 1, 13, 8, tzinfo=ZoneInfo("Europe/Paris"))
                )
                try:
                    shown = probe_app(service)
                finally:
                    service.close()
                if shown["screen"] != "StoreErrorScreen":
                    problems.append(f"{damage.name}: the app shows {shown['screen']}, not the error screen")
                on_screen = flat(
                    shown["text"]
                )  # long paths fold over lines: compare without borders and spaces
                if str(bad) not in shown["dialog"] or str(bad) not in on_screen:
                    problems.append(
                        f"{damage.name}: the app's screen does not name {bad}: {shown['text'][:400]!r}"
                    )
                if good is not None and (str(good) not in shown["dialog"] or str(good) not in on_screen):
                    problems.append(f"{damage.name}: the app's screen does not name the backup {good}")
                if "Traceback" in shown["text"]:
                    problems.append(f"{damage.name}: a traceback on screen")
                if changed_files(before, file_hashes(home, skip_lock=True)):
                    problems.append(f"{damage.name}: files changed by the app")
            lost = 0 if not any("files changed" in p for p in problems) else 1
            tally.attempt(problems, lost=lost)
        tally.notes.append(
            f"{len(cases)} kinds of damage x (status, log, export via `python -m tracker`{', the app under Pilot' if app else ''})"
        )
    return tally


# ============================================================================= 3. two instances


def two_instances(races: int, real_races: int = 3, app: bool = True) -> Tally:
    """The app open while `backroll log` runs; two `log` processes racing; a holder that makes one wait or refuse."""

    tally = Tally("3 two instances", "app open + `backroll log`; two `log` racing; a writer holding the lock")
    with timed(tally), temp_root() as root:
        # a) two `backroll log` racing, started at the same instant (forked: same code, no start-up)
        home = root / "race"
        make_home(home, [])
        notes: list[str] = []
        with Forker() as forker:
            for i in range(races):
                at = time.monotonic() + 0.03
                pids = [forker.spawn("cli", argv=["--home", str(home), "log", "bridge", "--note", f"race {i} {side}"], at=at)
                        for side in "ab"]  # fmt: skip
                problems = []
                for side, pid in zip("ab", pids):
                    forker.reap(pid)
                    result = cli_result(forker.child_lines(pid))
                    if result is None or result[0] != 0:
                        problems.append(f"race {i}{side}: {result}")
                    else:
                        notes.append(f"race {i} {side}")
                on_disk = _notes(home)
                lost = sum(1 for n in (f"race {i} a", f"race {i} b") if n not in on_disk)
                tally.attempt(problems, lost=lost)
        # the same with `python -m tracker log`, start-up included
        for i in range(real_races):
            procs = [subprocess.Popen([PY, "-m", "tracker", "--home", str(home), "log", "bridge", "--note", f"exec {i} {side}"],
                                      cwd=REPO, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for side in "ab"]  # fmt: skip
            problems = []
            for side, proc in zip("ab", procs):
                out, err = proc.communicate(timeout=60)
                if proc.returncode != 0:
                    problems.append(f"exec race {i}{side}: exit {proc.returncode}: {err.strip()[:200]}")
            on_disk = _notes(home)
            tally.attempt(problems, lost=sum(1 for side in "ab" if f"exec {i} {side}" not in on_disk))
        counted = len(_notes(home))
        if counted != 2 * (races + real_races):
            tally.failures.append(f"{counted} sessions on disk after {races + real_races} races of two")

        # b) a writer holding the lock: `log` waits for it, or refuses naming it
        home = root / "held"
        make_home(home, [])
        with _holder(home, 30, "backroll import") as holder:
            before = file_hashes(home, skip_lock=True)  # the holder has taken its daily backup by now
            result = run_cli(home, "log", "bridge", "--note", "refused")
            after = file_hashes(home, skip_lock=True)
        problems = []
        if result.returncode != 3:
            problems.append(f"log against a held lock: exit {result.returncode}")
        if f"in use by process {holder.pid} (backroll import)" not in result.stderr:
            problems.append(
                f"log against a held lock does not name the holder: {result.stderr.strip()[:300]}"
            )
        changed = changed_files(before, after)
        tally.attempt(
            problems + [f"changed by the refused log: {changed}"] * bool(changed), lost=len(changed)
        )
        with _holder(home, 1.5, "backroll") as holder:
            started = time.monotonic()
            result = run_cli(home, "log", "bridge", "--note", "waited")
            waited = time.monotonic() - started
        problems = (
            []
            if result.returncode == 0
            else [f"log after a short hold: exit {result.returncode}: {result.stderr[:200]}"]
        )
        tally.attempt(problems, lost=0 if "waited" in _notes(home) else 1)
        tally.notes.append(
            f"held 30 s: refused after 5 s naming the holder's PID; held 1.5 s: waited, saved in {waited:.1f} s"
        )

        # c) the real app open (its store open, Today loaded) while `backroll log` runs in another process
        if app:
            tally.merge(_app_and_cli(root / "app"))
        tally.notes.append(
            f"{races} forked races + {real_races} `python -m tracker` races of two `log`: {counted} sessions, none lost"
        )
    return tally


def _notes(home: Path) -> list[str]:
    from tracker.store import Store

    with Store.open(home, wait=30) as store:
        return [s.checkin.note for s in store.sessions()]


@contextlib.contextmanager
def _holder(home: Path, seconds: float, label: str) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen([PY, str(STORE_WORKER), "hold", str(home), str(seconds), "--label", label],
                            cwd=REPO, env=cli_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    lines = Lines(proc)
    try:
        lines.until(lambda l: l == "locked", timeout=60)
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


def _app_and_cli(home: Path) -> Tally:
    from tracker.model import CheckIn
    from tracker.service import Backroll

    tally = Tally("3 app + cli")
    now = datetime.now(ZoneInfo("Europe/London"))

    async def scenario() -> list[str]:
        from tracker.ui.app import make_app

        problems = []
        service = Backroll(home, zone="Europe/London")
        try:
            app = make_app(service, cursor_blink=False, voice_program="")
            async with app.run_test(size=(80, 24)) as pilot:
                for _ in range(50):
                    await pilot.pause()
                    await app.workers.wait_for_complete()
                    if app.ready:
                        break
                if not (app.ready and service.store_is_open):
                    problems.append(f"the app did not load ({type(app.screen).__name__})")
                result = await asyncio.to_thread(run_cli, home, "log", "bridge", "--note", "from the cli")
                if result.returncode != 0:
                    problems.append(
                        f"`log` while the app is open: exit {result.returncode}: {result.stderr.strip()[:300]}"
                    )
                # the app saves a session of its own, as the check-in screen does, after the CLI's
                routine = (
                    service.routine("floor-flow")
                    if "floor-flow" in service.library.routines
                    else service.routine("bridge")
                )
                session = service.log_session(routine, now, CheckIn(note="from the app"), origin="app")
                await asyncio.to_thread(service.save_session, session)
                await pilot.press("q")
        finally:
            service.close()
        return problems

    problems = asyncio.run(scenario())
    notes = _notes(home)
    lost = sum(1 for n in ("from the cli", "from the app") if n not in notes)
    tally.attempt(problems, lost=lost)
    return tally


# ============================================================================= 4. bad content


OK_STEP = 'pose = "hip-rocks"\nkind = "reps"\nreps = 6\nraise = 3\nlower = 3'


def _routine(steps: str, header: str = 'id = "mine"\nname = "Mine"') -> str:
    return f"[routine]\n{header}\n\n[[routine.steps]]\n{steps}\n"


# (file name, text with "# <--" on the line the error must point at, the field named, words in the message)
BAD_ROUTINES: list[tuple[str, str | bytes, str, str]] = [
    ("syntax.toml", '[routine]\nid = "a"\nname = "A  # <--\n', "", "TOML syntax error"),
    ("syntax-table.toml", '[routine  # <--\nid = "a"', "", "TOML syntax error"),
    (
        "unknown-pose.toml",
        _routine(
            'pose = "hip-rockz"  # <--\nkind = "reps"\nreps = 6\nraise = 3\nlower = 3',
            'id = "u1"\nname = "U"',
        ),
        "routine.steps[0].pose",
        "unknown pose",
    ),
    (
        "negative-reps.toml",
        _routine(
            'pose = "hip-rocks"\nkind = "reps"\nreps = -3  # <--\nraise = 3\nlower = 3',
            'id = "u2"\nname = "U"',
        ),
        "routine.steps[0].reps",
        "1 to 100",
    ),
    (
        "negative-raise.toml",
        _routine(
            'pose = "hip-rocks"\nkind = "reps"\nreps = 3\nraise = -1  # <--\nlower = 3',
            'id = "u3"\nname = "U"',
        ),
        "routine.steps[0].raise",
        "-1",
    ),
    (
        "zero-lower.toml",
        _routine(
            'pose = "hip-rocks"\nkind = "reps"\nreps = 3\nraise = 3\nlower = 0  # <--',
            'id = "u4"\nname = "U"',
        ),
        "routine.steps[0].lower",
        "0",
    ),
    (
        "huge-repeats.toml",
        _routine(OK_STEP, 'id = "u5"\nname = "U"\nrepeats = 1000000  # <--'),
        "routine.repeats",
        "1000000",
    ),
    (
        "huge-step-repeats.toml",
        _routine(OK_STEP + "\nrepeats = 99999  # <--", 'id = "u6"\nname = "U"'),
        "routine.steps[0].repeats",
        "99999",
    ),
    (
        "huge-hold.toml",
        _routine(
            'pose = "child"\nkind = "hold"\nhold = { seconds = 100000000 }  # <--', 'id = "u7"\nname = "U"'
        ),
        "routine.steps[0].hold.seconds",
        "100000000",
    ),
    (
        "reps-string.toml",
        _routine(
            'pose = "hip-rocks"\nkind = "reps"\nreps = "six"  # <--\nraise = 3\nlower = 3',
            'id = "u8"\nname = "U"',
        ),
        "routine.steps[0].reps",
        "six",
    ),
    (
        "reps-float.toml",
        _routine(
            'pose = "hip-rocks"\nkind = "reps"\nreps = 2.5  # <--\nraise = 3\nlower = 3',
            'id = "u9"\nname = "U"',
        ),
        "routine.steps[0].reps",
        "2.5",
    ),
    ("name-number.toml", _routine(OK_STEP, 'id = "u10"\nname = 42  # <--'), "routine.name", "42"),
    (
        "unknown-kind.toml",
        _routine('pose = "child"\nkind = "levitate"  # <--\nduration = 30', 'id = "u11"\nname = "U"'),
        "routine.steps[0].kind",
        "levitate",
    ),
    (
        "typo-key.toml",
        _routine(OK_STEP + "\nrepz = 2  # <--", 'id = "u12"\nname = "U"'),
        "routine.steps[0].repz",
        "repz",
    ),
    ("bad-id.toml", _routine(OK_STEP, 'id = "My Routine"  # <--\nname = "U"'), "routine.id", "My Routine"),
    (
        "duplicate-builtin-id.toml",
        _routine(OK_STEP, 'id = "floor-flow"  # <--\nname = "Mine"'),
        "routine.id",
        "floor-flow",
    ),
    (
        "duplicate-id-a.toml",
        _routine(OK_STEP, 'id = "twice"\nname = "First"'),
        "",
        "",
    ),  # valid: the first one wins
    ("duplicate-id-b.toml", _routine(OK_STEP, 'id = "twice"  # <--\nname = "Second"'), "routine.id", "twice"),
    ("no-steps.toml", '[routine]  # <--\nid = "u13"\nname = "U"\n', "routine.steps", "steps"),
    (
        "zero-duration.toml",
        _routine('pose = "cat-cow"\nkind = "flow"\nduration = 0  # <--', 'id = "u14"\nname = "U"'),
        "routine.steps[0].duration",
        "1 to 3600",
    ),
    (
        "hold-wrong-unit.toml",
        _routine('pose = "child"\nkind = "hold"\nhold = { count = 4 }  # <--', 'id = "u15"\nname = "U"'),
        "routine.steps[0].hold",
        "count",
    ),
    (
        "hold-wrong-type.toml",
        _routine('pose = "child"\nkind = "hold"\nhold = "long"  # <--', 'id = "u16"\nname = "U"'),
        "routine.steps[0].hold",
        "long",
    ),
    (
        "steps-not-array.toml",
        '[routine]\nid = "u17"\nname = "U"\n\n[routine.steps]  # <--\npose = "child"\n',
        "routine.steps",
        "[[routine.steps]]",
    ),
    ("unknown-table.toml", "[routin]  # <--\nid = 'x'\n", "routin", "routine"),
    (
        "non-utf8.toml",
        _routine(OK_STEP, 'id = "u18"\nname = "U"').encode() + b'cue = "caf\xe9"  # <--\n',
        "",
        "UTF-8",
    ),
    (
        "tighter-no-sides.toml",
        _routine(
            'pose = "triangle"\nkind = "hold"\nhold = { breaths = 5 }\ntighter_extra = { breaths = 2 }  # <--',
            'id = "u19"\nname = "U"',
        ),
        "routine.steps[0].tighter_extra",
        "sides",
    ),
    (
        "sides-bad.toml",
        _routine(
            'pose = "triangle"\nkind = "hold"\nhold = { breaths = 5 }\nsides = "up"  # <--',
            'id = "u20"\nname = "U"',
        ),
        "routine.steps[0].sides",
        "up",
    ),
    ("program.toml", '[program]  # <--\nid = "my-bridge"\nname = "Mine"\n', "program", "program"),
]


NEEDS_THE_FOLDER = {"duplicate-id-b.toml"}


def _marked_line(text: str | bytes) -> int | None:
    raw = text if isinstance(text, bytes) else text.encode()
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if b"# <--" in line:
            return number
    return None


def bad_content(app: bool = True) -> Tally:
    """20+ broken routine files in the user folder: each named with file, line and field; the built-ins still load."""
    from tracker.content import load_builtin
    from tracker.service import Backroll

    tally = Tally(
        "4 bad routine files",
        "syntax, unknown pose, negative/huge counts, wrong types, duplicate ids, non-UTF-8...",
    )
    with timed(tally), temp_root() as root:
        home = root / "home"
        folder = home / "routines"
        folder.mkdir(parents=True)
        for name, text, _, _ in BAD_ROUTINES:
            (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode())
        builtin = load_builtin()
        builtin_ids = {*builtin.routines, *builtin.programs}

        listing = run_cli(home, "routines")
        as_json = run_cli(home, "routines", "--json")
        checks = run_many(
            [lambda p=folder / name: run_cli(None, "check", str(p)) for name, *_ in BAD_ROUTINES]
        )
        rows = json.loads(as_json.stdout)["routines"] if as_json.returncode == 0 else []
        listed = {r["id"] for r in rows}
        for (name, text, fieldpath, words), check in zip(BAD_ROUTINES, checks):
            path = folder / name
            line = _marked_line(text)
            problems = []
            if line is None:  # the valid twin of a duplicate: listed, and `check` says valid
                if check.returncode != 0:
                    problems.append(f"{name}: a valid file failed `check`: {check.stderr.strip()[:200]}")
                tally.attempt(problems)
                continue
            where = f"{path}:{line}: " + (f"{fieldpath}: " if fieldpath else "")
            reports = [
                ("routines", listing.stderr),
                ("routines --json", as_json.stderr),
                ("check", check.stderr),
            ]
            if name in NEEDS_THE_FOLDER:  # `check FILE` reads one file: it cannot know the other file's id
                reports.pop()
            for label, stderr in reports:
                mine = [l for l in stderr.splitlines() if str(path) in l]
                if not any(where in l and words.lower() in l.lower() for l in mine):
                    problems.append(f"{name}: `{label}` should say {where!r} ... {words!r}; said {mine[:2]}")
            if check.returncode != 1 and name not in NEEDS_THE_FOLDER:
                problems.append(f"{name}: `check` exit {check.returncode}")
            tally.attempt(problems)
        problems = []
        if listing.returncode != 0 or as_json.returncode != 0:
            problems.append(f"`routines` exit {listing.returncode} / {as_json.returncode}")
        if not builtin_ids <= listed:
            problems.append(f"built-ins missing from `routines --json`: {sorted(builtin_ids - listed)}")
        if "twice" not in listed:
            problems.append("the valid user routine was not listed")
        if app:
            service = Backroll(
                home, now=lambda: datetime(2025, 3, 12, 7, 30, tzinfo=ZoneInfo("Europe/Paris"))
            )
            # The first-run safety note (a dialog over Today, 80x24) is read once; here the list under it is the point.
            service.save_settings(replace(service.settings, safety_note_seen=True))
            try:
                shown = probe_app(service)
            finally:
                service.close()
            if not shown["ready"] or "TodayScreen" not in shown["stack"]:
                problems.append(f"the app did not start on Today: {shown['stack']}")
            names = [b.name for b in builtin.routines.values()]
            if not any(n in shown["text"] for n in names):
                problems.append("Today lists no built-in routine")
        tally.attempt(problems)
        tally.notes.append(f"{len(BAD_ROUTINES) - 1} broken files in one folder, checked by `routines`, `routines --json` and `check` each; "
                           f"{len(builtin_ids)} built-ins still listed{', the app starts on Today' if app else ''}")  # fmt: skip
    return tally


# ============================================================================= 5. bad imports


def _session_doc(**changes: Any) -> dict[str, Any]:
    doc = make_session(3, session_id="2f1c4a52-5b0e-4d3e-9d0a-bac401100001").to_dict()
    doc.update(changes)
    return doc


def _export(sessions: list[Any], **envelope: Any) -> bytes:
    doc = {
        "format": "backroll.history",
        "version": 1,
        "exported_at": "2025-06-01T12:00:00+00:00",
        "sessions": sessions,
    }
    doc.update(envelope)
    return json.dumps(doc).encode()


def _checkin(**changes: Any) -> dict[str, Any]:
    c = _session_doc()["checkin"]
    c.update(changes)
    return c


def hostile_imports() -> list[tuple[str, Callable[[Path], None]]]:
    """(name, writer) for 24 files `backroll import` must refuse."""

    def data(payload: bytes) -> Callable[[Path], None]:
        return lambda path: path.write_bytes(payload)

    def huge(path: Path) -> None:
        with open(path, "wb") as f:
            f.write(b'{"format": "backroll.history", "version": 1, "sessions": [')
            chunk = (json.dumps(_session_doc()) + ",").encode()
            f.write(chunk * (50 * 1024 * 1024 // len(chunk) + 1))
            f.write(b"null]}")

    dup = _session_doc()
    dup_other = _session_doc(checkin=_checkin(note="different"))
    steps_bad = _session_doc()
    steps_bad["steps"] = [dict(steps_bad["steps"][0], reps_done=-1)]
    return [
        ("not JSON", data(b"this is not json at all\n")),
        ("empty file", data(b"")),
        ("binary garbage", data(bytes(random.Random(9).randrange(256) for _ in range(2048)))),
        ("not UTF-8", data(_export([_session_doc()]).replace(b"session 3", b"s\xe9ance"))),
        ("truncated export", data(_export([_session_doc()])[:-40])),
        ("wrong format tag", data(_export([_session_doc()], format="backroll.backup"))),
        ("no format tag", data(json.dumps({"version": 1, "sessions": []}).encode())),
        ("future version", data(_export([_session_doc()], version=2))),
        ("version as string", data(_export([_session_doc()], version="1"))),
        ("a JSON list", data(b"[1, 2, 3]")),
        ("50 MB", huge),
        ("10,000-deep nesting", data(b"[" * 10_000 + b"]" * 10_000)),
        ("10,000-deep objects", data(b'{"a":' * 10_000 + b"1" + b"}" * 10_000)),
        ("invalid date", data(_export([_session_doc(local_date="2025-02-30")]))),
        ("date not a date", data(_export([_session_doc(started_at="yesterday")]))),
        ("local_date mismatch", data(_export([_session_doc(local_date="2019-01-01")]))),
        ("pain 11", data(_export([_session_doc(checkin=_checkin(pain_after=11))]))),
        ("pain -1", data(_export([_session_doc(checkin=_checkin(pain_before=-1))]))),
        ("duplicate UUID, other content", data(_export([dup, dup_other]))),
        (
            "duplicate JSON keys",
            data(_export([_session_doc()]).replace(b'"version": 1', b'"version": 1, "version": 1')),
        ),
        ("NaN duration", data(_export([_session_doc()]).replace(b'"duration": 603.0', b'"duration": NaN'))),
        ("unknown zone", data(_export([_session_doc(zone="Mars/Olympus_Mons")]))),
        ("id not a UUID", data(_export([_session_doc(id="../../etc/passwd")]))),
        ("negative reps", data(_export([steps_bad]))),
        ("sessions not a list", data(_export({"a": 1}))),  # type: ignore[arg-type]
        ("extra field", data(_export([_session_doc(admin=True)]))),
    ]


def bad_imports(cases: int | None = None) -> Tally:
    """Hostile files through `backroll import`: exit 1 with a message naming the file; every file under home byte-identical."""
    tally = Tally(
        "5 hostile imports",
        "not JSON, wrong tag/version, 50 MB, 10,000-deep, bad dates, pain 11, duplicate UUIDs...",
    )
    with timed(tally), temp_root() as root:
        home = make_home(
            root / "home",
            [make_session(i, day=BASE_DAY + timedelta(days=(i * 37) % 420)) for i in range(60)],
            today=date(2025, 1, 1),
        )
        (root / "in").mkdir()
        chosen = hostile_imports()[:cases] if cases else hostile_imports()
        files = []
        for i, (name, write) in enumerate(chosen):
            path = root / "in" / f"{i:02d}.json"
            write(path)
            files.append(path)
        before = file_hashes(home)
        results = run_many([lambda p=p: run_cli(home, "import", str(p)) for p in files])
        after = file_hashes(home)
        for (name, _), path, result in zip(chosen, files, results):
            problems = []
            if result.returncode != 1:
                problems.append(f"{name}: exit {result.returncode}, not 1")
            first = result.stderr.strip().splitlines()[:1]
            if not first or not first[0].startswith(str(path)) or "Traceback" in result.stderr:
                problems.append(f"{name}: message {result.stderr.strip()[:200]!r}")
            if "nothing was imported" not in result.stderr.lower():
                problems.append(f"{name}: does not say nothing was imported")
            tally.attempt(problems)
        damaged = changed_files(before, after)
        if damaged:
            tally.lost += len(damaged)
            tally.failures.append(f"files changed under the home: {damaged}")
        tally.notes.append(
            f"{len(chosen)} files, {len(before)} files under the home hashed before and after: identical"
        )
    return tally


# ============================================================================= 6. failed writes


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path | None]:
    """A real tmpfs of `size` at path, or None when this machine does not allow mounting."""
    path.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],
                            capture_output=True, text=True)  # fmt: skip
    if result.returncode != 0:
        yield None
        return
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
    finally:
        os.close(fd)
    return filler


def _recover(session: Any, spare: Path, home: Path) -> list[str]:
    """The caller still holds the unsaved session: export it elsewhere, import it once the home is writable."""
    from tracker.exchange import export_json, write_private

    path = spare / f"unsaved-{session.id[:8]}.json"
    write_private(path, export_json([session], datetime.now(UTC)))
    result = run_cli(home, "import", str(path))
    if result.returncode != 0:
        return [f"importing the exported unsaved session failed: {result.stderr.strip()[:200]}"]
    if history_dicts(home).get(session.id) != session.to_dict():
        return ["the recovered session differs from the unsaved one"]
    return []


STRANGER = 12345  # a uid that owns nothing here


def failed_writes() -> Tally:
    """Read-only home, full disk, permission denied: a clear error, old files intact, the unsaved session recoverable."""
    from tracker.model import CheckIn
    from tracker.service import Backroll
    from tracker.store import Store, StoreWriteError
    from tracker.store.storage import write_all

    tally = Tally(
        "6 failed writes",
        "read-only tmpfs, full tmpfs, folders of another owner (unshare -U), 5 errnos through the write seam",
    )
    with timed(tally), temp_root() as root:
        spare = root / "spare"
        spare.mkdir()
        zone = ZoneInfo("Europe/London")
        mounted = True

        def service_at(home: Path) -> Backroll:
            return Backroll(home, zone="Europe/London")

        # a) a real read-only file system
        with tmpfs(root / "ro", "1m") as mount:
            if mount is None:
                mounted = False
            else:
                home = mount / "home"
                service = service_at(home)
                service.save_session(
                    service.log_session(service.routine("bridge"), datetime.now(zone), CheckIn(note="kept"))
                )
                before = file_hashes(home, skip_lock=True)
                subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
                problems = []
                try:
                    result = run_cli(home, "log", "bridge", "--note", "refused")
                    if result.returncode != 1 or "read-only" not in result.stderr:
                        problems.append(f"ro: `log` exit {result.returncode}: {result.stderr.strip()[:200]}")
                    unsaved = service.log_session(
                        service.routine("bridge"), datetime.now(zone), CheckIn(note="unsaved")
                    )
                    try:
                        service.save_session(unsaved)
                        problems.append("ro: save_session did not fail")
                    except StoreWriteError as exc:
                        if "read-only" not in str(exc) or "intact" not in str(exc):
                            problems.append(f"ro: unclear error {exc}")
                    if [s.checkin.note for s in service.sessions()] != ["kept"]:
                        problems.append("ro: memory changed by the failed save")
                finally:
                    subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)
                changed = changed_files(before, file_hashes(home, skip_lock=True))
                service.close()
                problems += _recover(unsaved, spare, home)
                tally.attempt(problems + [f"ro: changed {changed}"] * bool(changed), lost=len(changed))

        # b) a really full disk
        with tmpfs(root / "full", "256k") as mount:
            if mount is not None:
                home = mount / "home"
                ok = run_cli(home, "log", "bridge", "--note", "kept")
                filler = fill(mount)
                before = file_hashes(home, skip_lock=True)
                result = run_cli(home, "log", "bridge", "--note", "x" * 9000)
                problems = [] if ok.returncode == 0 else [f"full: first log failed: {ok.stderr[:200]}"]
                if result.returncode != 1 or "disk is full" not in result.stderr:
                    problems.append(f"full: `log` exit {result.returncode}: {result.stderr.strip()[:200]}")
                service = service_at(home)
                unsaved = service.log_session(
                    service.routine("bridge"), datetime.now(zone), CheckIn(note="y" * 9000)
                )
                try:
                    service.save_session(unsaved)
                    problems.append("full: save_session did not fail")
                except StoreWriteError as exc:
                    if "disk is full" not in str(exc):
                        problems.append(f"full: unclear error {exc}")
                changed = changed_files(before, file_hashes(home, skip_lock=True))
                leftovers = [p.name for p in home.rglob(".*.tmp")]
                if leftovers:
                    problems.append(f"full: temp files left: {leftovers}")
                service.close()
                filler.unlink()
                problems += _recover(unsaved, spare, home)
                tally.attempt(problems + [f"full: changed {changed}"] * bool(changed), lost=len(changed))

        # c) permission denied, for real: root in a user namespace of its own obeys file modes, and
        #    cannot chmod what it does not own (the store makes its own folders 0700 again)
        can_drop = os.geteuid() == 0 and shutil.which("unshare") is not None and \
            subprocess.run(["unshare", "-U", "true"], capture_output=True).returncode == 0  # fmt: skip
        if can_drop:
            home = root / "denied"
            yesterday = datetime.now(zone).date() - timedelta(days=1)
            with Store.open(home, today=lambda: yesterday) as store:  # a backup dated yesterday exists
                store.add(make_session(1, day=yesterday))
                store.add(make_session(2, day=yesterday))
            os.chown(home / "backups", STRANGER, STRANGER)
            os.chmod(home / "backups", 0o755)
            backups_before = file_hashes(home / "backups")
            result = run_cli(home, "log", "bridge", "--note", "backup denied", unprivileged=True)
            os.chown(home / "backups", 0, 0)
            os.chmod(home / "backups", 0o700)
            problems = []
            if result.returncode != 0:
                problems.append(
                    f"backups denied: `log` exit {result.returncode} (a failed backup must not stop a save): {result.stderr[:200]}"
                )
            if "backup" not in result.stderr.lower() or "permission" not in result.stderr.lower():
                problems.append(
                    f"backups denied: no clear warning on stderr: {result.stderr.strip()[:200]!r}"
                )
            if changed_files(backups_before, file_hashes(home / "backups")):
                problems.append("backups denied: the backups changed")
            saved = "backup denied" in _notes(home)
            tally.attempt(problems, lost=0 if saved else 1)

            os.chown(home / "data", STRANGER, STRANGER)  # 0700 and someone else's: cannot even be listed
            before = file_hashes(home, skip_lock=True)
            results = {" ".join(args[:2]): run_cli(home, *args, unprivileged=True)
                       for args in (("log", "bridge", "--note", "data denied"), ("status",), ("status", "--json"))}  # fmt: skip
            os.chown(home / "data", 0, 0)
            problems = []
            for command, result in results.items():
                if (
                    result.returncode == 0
                    or "Traceback" in result.stderr
                    or "permission" not in result.stderr.lower()
                    or str(home / "data") not in result.stderr
                ):
                    problems.append(
                        f"data denied: `{command}` exit {result.returncode}: {result.stderr.strip()[-300:]}"
                    )
            changed = changed_files(before, file_hashes(home, skip_lock=True))
            tally.attempt(problems + [f"data denied: changed {changed}"] * bool(changed), lost=len(changed))
        else:
            tally.notes.append(
                "not root, or `unshare -U` not permitted: permission denied is covered by the EACCES seam case only"
            )

        # d) the store's write seam: every errno a disk can return, in-process
        for code in (errno.EROFS, errno.ENOSPC, errno.EACCES, errno.EIO, errno.EDQUOT):
            home = root / f"seam-{code}"
            kept = [make_session(i) for i in range(3)]
            make_home(home, kept)
            before = file_hashes(home, skip_lock=True)

            def failing(fd: int, data: bytes, code: int = code) -> None:
                write_all(fd, data[: len(data) // 2])
                raise OSError(code, os.strerror(code))

            problems = []
            unsaved = make_session(
                9, day=date(2020, 1, 2), session_id=str(uuid.uuid4())
            )  # a month already on disk
            with Store.open(home, write_bytes=failing) as store:
                try:
                    store.add(unsaved)
                    problems.append(f"errno {code}: add did not fail")
                except StoreWriteError as exc:
                    if str(home) not in str(exc) or "intact" not in str(exc):
                        problems.append(f"errno {code}: unclear error {exc}")
                if [s.id for s in store.sessions()] != [s.id for s in kept]:
                    problems.append(f"errno {code}: memory changed by the failed save")
            changed = changed_files(before, file_hashes(home, skip_lock=True))
            if list(home.rglob(".*.tmp")):
                problems.append(f"errno {code}: temp files left")
            problems += _recover(unsaved, spare, home)
            tally.attempt(problems + [f"errno {code}: changed {changed}"] * bool(changed), lost=len(changed))
        if not mounted:
            tally.notes.append(
                "mount is not permitted here: the read-only and full-disk cases were skipped (the seam cases ran)"
            )
        else:
            tally.notes.append(
                "read-only and full are real tmpfs mounts; permission denied is real (`unshare -U`, folders of another uid); 5 errnos through the seam"
            )
    return tally


# ============================================================================= 7. time


def runner_clock_jumps(runs: int, seed: int | None = None) -> Tally:
    """The real Runner under a clock that jumps back and forward: nothing rewinds, the end never drifts."""
    from tracker.content import load_library
    from tracker.model import Prescription, Settings
    from tracker.runner import SUSPEND_CREDIT, SUSPEND_GAP, Runner

    seed = random.randrange(1 << 30) if seed is None else seed
    rng = random.Random(seed)
    library = load_library()
    settings = Settings()
    ids = sorted(
        r
        for r, routine in library.routines.items()
        if not any(s.kind.value == "observe" for s in routine.steps)
    )
    tally = Tally("7 clock jumps", f"runner under a clock jumping back and forward (seed {seed})")
    with timed(tally):
        for run in range(runs):
            if run % 2 == 0:
                routine = library.routine(
                    "bridge", Prescription(rng.randint(2, 8), rng.randint(4, 8), rng.choice([0, 4, 8]))
                )
            else:
                routine = library.routines[rng.choice(ids)]
            now = [1_000_000.0]
            runner = Runner(routine, library.poses, settings, lambda: now[0])
            planned = runner.planned_seconds
            runner.start()
            last = runner.view()
            credit = 0.0  # the most active time the clock can have given
            problems = []
            for _ in range(2000):
                if runner.done:
                    break
                roll = rng.random()
                if roll < 0.15:
                    jump = -rng.uniform(1, 7200)  # NTP, a manual change: backwards
                elif roll < 0.25:
                    jump = rng.uniform(SUSPEND_GAP + 0.1, 86_400)  # a suspend, a jump ahead
                    credit += SUSPEND_CREDIT
                else:
                    jump = rng.uniform(0.05, min(SUSPEND_GAP, max(0.1, planned / 20)))
                    credit += jump
                now[0] += jump
                if rng.random() < 0.03 and runner.status == "running":
                    runner.pause()
                    now[0] += rng.uniform(0, 600)
                    runner.resume()
                runner.poll()
                view = runner.view()
                if view.progress + 1e-9 < last.progress or view.elapsed + 1e-9 < last.elapsed:
                    problems.append(f"run {run}: went backwards ({last.progress:.4f} -> {view.progress:.4f})")
                if view.session_left > last.session_left + 1e-9 or view.session_left < -1e-9:
                    problems.append(
                        f"run {run}: time left grew or went negative ({last.session_left} -> {view.session_left})"
                    )
                if view.phase_left is not None and view.phase_left < -1e-9:
                    problems.append(f"run {run}: negative phase time")
                if view.elapsed > credit + 1e-6:
                    problems.append(
                        f"run {run}: counted {view.elapsed:.2f} s active, more than the clock gave ({credit:.2f})"
                    )
                last = view
                if problems:
                    break
            result = runner.results()
            if not runner.done:
                problems.append(f"run {run}: not finished")
            elif not result.completed or abs(result.duration - planned) > 1e-6:
                problems.append(
                    f"run {run}: active {result.duration:.3f} s, planned {planned:.3f} s (completed {result.completed})"
                )
            tally.attempt(problems)
        tally.notes.append(
            f"{runs} whole sessions, clock jumps of -2 h..+24 h: progress never rewinds, active time == plan"
        )
    return tally


def dst_and_zones() -> Tally:
    """Sessions across DST changes, and the machine's zone changing between runs (TZ of the process)."""
    tally = Tally("7 DST and zones", "log across DST in Paris; log in Tokyo, status in Los Angeles")
    with timed(tally), temp_root() as root:
        # a) DST: 2025-03-30 02:30 does not exist in Paris, 2025-10-26 02:30 happens twice
        home = root / "paris"
        dst_logs = ["2025-03-29 23:30", "2025-03-30 02:30", "2025-03-30 23:59", "2025-10-25 07:00",
                    "2025-10-26 02:30", "2025-10-26 02:45", "2025-10-27 00:01"]  # fmt: skip
        results = run_many(
            [
                lambda d=d: run_cli(home, "log", "bridge", "--date", d, "--note", d, tz="Europe/Paris")
                for d in dst_logs
            ]
        )
        problems = [
            f"log {d}: {r.stderr.strip()[:200]}" for d, r in zip(dst_logs, results) if r.returncode != 0
        ]
        exported = run_cli(home, "export", tz="UTC")
        sessions = json.loads(exported.stdout)["sessions"] if exported.returncode == 0 else []
        for s in sessions:
            wall = s["checkin"]["note"]
            if s["local_date"] != wall[:10] or s["zone"] != "Europe/Paris":
                problems.append(f"{wall}: stored as {s['local_date']} in {s['zone']}")
            started = datetime.fromisoformat(s["started_at"])
            if started.astimezone(ZoneInfo("Europe/Paris")).date().isoformat() != wall[:10]:
                problems.append(f"{wall}: started_at {s['started_at']} is not on that day in Paris")
        if len(sessions) != len(dst_logs):
            problems.append(f"{len(sessions)} sessions exported, {len(dst_logs)} logged")
        asks = [(today, current, days, tz) for today, current, days in (("2025-03-30", 2, 2), ("2025-10-27", 3, 5), ("2025-10-28", 3, 5))
                for tz in ("Europe/Paris", "Pacific/Auckland", "America/Los_Angeles")]  # fmt: skip
        answers = run_many(
            [lambda a=a: run_cli(home, "status", "--json", "--today", a[0], tz=a[3]) for a in asks]
        )
        for (today, current, days, tz), status in zip(asks, answers):
            got = json.loads(status.stdout) if status.returncode == 0 else {}
            if (got.get("current_streak"), got.get("practice_days")) != (current, days):
                problems.append(
                    f"status --today {today} under {tz}: streak {got.get('current_streak')}, days {got.get('practice_days')}; expected {current}, {days}"
                )
        tally.attempt(problems, lost=max(0, len(dst_logs) - len(sessions)))

        # b) the machine's zone changes between runs: Tokyo mornings are the previous afternoon in Los Angeles
        home = root / "travel"
        days = ["2025-06-10", "2025-06-11", "2025-06-12"]
        problems = []
        for d in days:
            r = run_cli(home, "log", "bridge", "--date", f"{d} 08:00", tz="Asia/Tokyo")
            if r.returncode != 0:
                problems.append(f"log in Tokyo {d}: {r.stderr.strip()[:200]}")
        r = run_cli(home, "log", "bridge", "--date", "2025-06-13 07:00", tz="America/Los_Angeles")
        if r.returncode != 0:
            problems.append(f"log in LA: {r.stderr.strip()[:200]}")
        expect = {"2025-06-11": (2, 2, "2025-06-11"), "2025-06-12": (3, 3, "2025-06-12"),
                  "2025-06-13": (4, 4, "2025-06-13"), "2025-06-14": (4, 4, "2025-06-13")}  # fmt: skip
        answers = run_many(
            [
                lambda t=t: run_cli(home, "status", "--json", "--today", t, tz="America/Los_Angeles")
                for t in expect
            ]
        )
        for (today, (current, count, last)), status in zip(expect.items(), answers):
            got = json.loads(status.stdout) if status.returncode == 0 else {}
            if (got.get("current_streak"), got.get("practice_days"), got.get("last_practice")) != (
                current,
                count,
                last,
            ):
                problems.append(
                    f"LA status --today {today}: {got.get('current_streak')}, {got.get('practice_days')}, {got.get('last_practice')}; expected {current}, {count}, {last}"
                )
        exported = json.loads(run_cli(home, "export", tz="America/Los_Angeles").stdout)["sessions"]
        stamps = [(s["local_date"], s["zone"], s["started_at"][-6:]) for s in exported]
        wanted = [(d, "Asia/Tokyo", "+09:00") for d in days] + [
            ("2025-06-13", "America/Los_Angeles", "-07:00")
        ]
        if stamps != wanted:
            problems.append(f"stored {stamps}, expected {wanted}")
        tally.attempt(problems, lost=max(0, 4 - len(exported)))
        tally.notes.append(
            "7 sessions over both Paris DST changes read under 3 zones; 3 Tokyo mornings + 1 LA session read in LA"
        )
    return tally


# ============================================================================= 8. properties


def properties(max_examples: int = 30, seed: int | None = None, shrink: bool = True) -> Tally:
    """Random histories and operation sequences on a real store: the history's invariants hold after every step."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    from tracker.exchange import ImportRefused, import_sessions, read_export
    from tracker.model import CheckIn, Felt, Prescription, Stability
    from tracker.progression import ADVANCING, pain_flags
    from tracker.service import Backroll
    from tracker.sessions import build_session
    from tracker.store import Store

    library_routines = {}

    def routine_for(routine_id: str, prescription: Prescription | None) -> Any:
        key = (routine_id, prescription)
        if key not in library_routines:
            service = Backroll(Path("/nonexistent"), zone="UTC")
            library_routines[key] = service.library.routine(routine_id, prescription)
        return library_routines[key]

    zones = st.sampled_from(
        ["Europe/Paris", "Asia/Tokyo", "America/Los_Angeles", "Australia/Lord_Howe", "UTC"]
    )
    pain = st.one_of(st.none(), st.integers(0, 10))

    @st.composite
    def sessions(draw: Any) -> Any:
        zone = draw(zones)
        day = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 120)))
        started = datetime(
            day.year,
            day.month,
            day.day,
            draw(st.integers(0, 23)),
            draw(st.integers(0, 59)),
            tzinfo=ZoneInfo(zone),
        )
        bridge = draw(st.booleans())
        prescription = (
            Prescription(draw(st.integers(1, 8)), draw(st.integers(4, 8)), draw(st.sampled_from([0, 4, 8])))
            if bridge
            else None
        )
        checkin = CheckIn(
            pain_before=draw(pain), pain_after=draw(pain),
            stable=draw(st.sampled_from([None, *Stability])), felt=draw(st.sampled_from([None, *Felt])),
            note=draw(st.text(max_size=20)),
        )  # fmt: skip
        return build_session(
            routine_for("bridge" if bridge else "floor-flow", prescription),
            started_at=started, zone=zone, hurt=draw(st.booleans()), checkin=checkin, prescription=prescription,
            session_id=str(__import__("uuid").UUID(int=draw(st.integers(0, 2**128 - 1)), version=4)),
        )  # fmt: skip

    ops = st.lists(
        st.one_of(
            st.tuples(st.just("log"), sessions()),
            st.tuples(st.just("delete"), st.integers(0, 1000)),
            st.tuples(st.just("undo"), st.none()),
            st.tuples(st.just("import"), st.lists(sessions(), max_size=6)),
            st.tuples(st.just("conflict"), st.integers(0, 1000)),
            st.tuples(st.just("export"), st.none()),
            st.tuples(st.just("reopen"), st.none()),
        ),
        min_size=1,
        max_size=14,
    )
    tally = Tally(
        "8 property-based",
        "random histories x (log, delete, undo, import, conflicting import, export, reopen)",
    )
    counted = {"examples": 0, "operations": 0}

    def invariants(service: Any, model: dict[str, dict], label: str) -> None:
        got = {s.id: s.to_dict() for s in service.sessions()}
        assert got == model, f"{label}: the store differs from the model"
        if not model:
            return
        days = {s.local_date for s in service.sessions()}
        today = max(days) + timedelta(days=1)
        status = service.status(today)
        st_ = status.streak
        assert 0 <= st_.current <= st_.longest <= st_.practice_days == len(days), f"{label}: streaks {st_}"
        assert st_.last_practice == max(days)
        assert 0.0 <= st_.consistency <= 1.0
        rules = service.rules()
        p = status.prescription
        assert (
            1 <= p.lifts <= rules.max_lifts
            and 1 <= p.count <= rules.max_count
            and 0 <= p.hold <= rules.max_hold
        ), f"{label}: {p}"
        program = [s for s in service.sessions() if s.routine == "bridge"]
        if program and pain_flags(program, rules)[-1]:
            assert status.advice.kind not in ADVANCING, f"{label}: advances after pain"

    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=seed is not None,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
              phases=[Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if shrink else []))  # fmt: skip
    @given(ops)
    def check(operations: list[tuple[str, Any]]) -> None:
        counted["examples"] += 1
        with temp_root("br-prop-") as root:
            home = root / "home"
            service = Backroll(
                home,
                zone="Europe/Paris",
                now=lambda: datetime(2024, 6, 1, 9, tzinfo=ZoneInfo("Europe/Paris")),
            )
            model: dict[str, dict] = {}
            undo: list[Any] = []
            try:
                for n, (op, arg) in enumerate(operations):
                    counted["operations"] += 1
                    label = f"step {n} {op}"
                    if op == "log":
                        if arg.id in model:
                            continue
                        service.save_session(arg)
                        model[arg.id] = arg.to_dict()
                    elif op == "delete" and model:
                        sid = sorted(model)[arg % len(model)]
                        undo.append(service.delete_session(sid))
                        del model[sid]
                    elif op == "undo" and undo:
                        session = undo.pop()
                        service.restore_session(session)
                        model[session.id] = session.to_dict()
                    elif op == "import":
                        known = [s for s in service.sessions()][:2]  # some already present, identical
                        path = export_file(root / f"in-{n}.json", [*arg, *known])
                        first: dict[str, dict] = {}
                        clash = False
                        for s in [*arg, *known]:
                            clash |= first.setdefault(s.id, s.to_dict()) != s.to_dict()
                        if clash:  # one id twice with different content: the whole file is refused
                            try:
                                read_export(path)
                                raise AssertionError(f"{label}: a file with one id twice was accepted")
                            except ImportRefused:
                                pass
                        else:
                            report = import_sessions(service.store, read_export(path))
                            conflicts = {sid for sid, d in first.items() if sid in model and model[sid] != d}
                            assert {s.id for s, _ in report.rejected} == conflicts, (
                                f"{label}: rejected {report.rejected}"
                            )
                            for sid, d in first.items():
                                model.setdefault(sid, d)
                    elif op == "conflict" and model:
                        sid = sorted(model)[arg % len(model)]
                        other = replace(service.store.get(sid), duration=service.store.get(sid).duration + 1)
                        path = export_file(root / f"conflict-{n}.json", [other])
                        report = import_sessions(service.store, read_export(path))
                        assert len(report.rejected) == 1 and not report.added, (
                            f"{label}: a conflict overwrote"
                        )
                    elif op == "export":
                        first = export_file(root / f"out-{n}.json", service.sessions())
                        fresh = Backroll(root / f"fresh-{n}", zone="UTC")
                        try:
                            import_sessions(fresh.store, read_export(first))
                            second = export_file(root / f"again-{n}.json", fresh.sessions())
                        finally:
                            fresh.close()
                        assert first.read_bytes() == second.read_bytes(), (
                            f"{label}: export -> import -> export is not identity"
                        )
                    elif op == "reopen":
                        service.close()
                        service = Backroll(home, zone="Europe/Paris")
                    invariants(service, model, label)
            finally:
                service.close()
            with Store.open(home) as store:
                assert {s.id: s.to_dict() for s in store.sessions()} == model, (
                    "the files differ from the model"
                )

    with timed(tally):
        try:
            check()
            tally.attempt([])
        except Exception as exc:
            tally.attempt(
                [f"{type(exc).__name__}: {exc}"[:1500] + "".join(getattr(exc, "__notes__", []))[:3000]]
            )
        tally.tried, tally.survived = (
            counted["examples"],
            counted["examples"] if tally.ok else counted["examples"] - 1,
        )
        tally.notes.append(
            f"{counted['examples']} random histories, {counted['operations']} operations on real stores"
        )
    return tally


# ============================================================================= 9. privacy


def privacy() -> Tally:
    """0700 folders, 0600 files (backups and `export -o` too) whatever the umask; a warning when found wider."""
    tally = Tally(
        "9 privacy", "umask 000: 0700 folders, 0600 files, backups, `export -o`; a warning for a wide home"
    )
    with timed(tally), temp_root() as root:
        home = root / "home"
        yesterday = (datetime.now(ZoneInfo("Europe/London")) - timedelta(days=1)).strftime("%Y-%m-%d 08:00")
        problems = []
        for args in (("log", "bridge", "--date", yesterday), ("log", "floor-flow"), ("export", "-o", str(root / "out.json")),
                     ("export", "--format", "csv", "-o", str(root / "out.csv"))):  # fmt: skip
            r = run_cli(home, *args, umask=0)
            if r.returncode != 0:
                problems.append(f"{args[0]}: {r.stderr.strip()[:200]}")
        if not list((home / "backups").glob("*/*")):
            problems.append("no backup was written to check")
        for path in [home, *home.rglob("*"), root / "out.json", root / "out.csv"]:
            mode = path.stat().st_mode & 0o777
            want = 0o700 if path.is_dir() else 0o600
            if mode != want:
                problems.append(f"{path} is {mode:o}, not {want:o}")
        tally.attempt(problems)

        os.chmod(home, 0o755)
        os.chmod(home / "data", 0o755)
        r = run_cli(home, "status")
        problems = []
        if "warning" not in r.stderr or str(home) not in r.stderr or "chmod 700" not in r.stderr:
            problems.append(f"no warning for a 755 home: {r.stderr.strip()[:200]!r}")
        for path in (home, home / "data"):
            if path.stat().st_mode & 0o777 != 0o700:
                problems.append(f"{path} left at {path.stat().st_mode & 0o777:o}")
        tally.attempt(problems)
        tally.notes.append("every folder and file under the home checked, with backups and two exports")
    return tally


ALL = [
    "kill_writers", "kill_imports", "kill_backups", "corruption", "two_instances", "bad_content",
    "bad_imports", "failed_writes", "runner_clock_jumps", "dst_and_zones", "properties", "privacy",
]  # fmt: skip
