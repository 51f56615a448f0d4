"""Issue 18 in `make reliability`: kills while another device's files arrive, and files arriving truncated.

- `sync_kills`: a writer on device A (the forked store worker, saving in a
  loop) is killed with SIGKILL at random moments while a deliverer thread,
  standing in for a sync engine, brings device B's files into A's data
  folder: replaced atomically (temp file, rename), written in place in two
  halves (an engine that does not rename), left as a `.syncthing.*.tmp`, or
  as a Syncthing conflict copy. After every kill: every session A
  acknowledged is in A's own files, each of B's files in A's folder holds
  bytes the deliverer wrote (A never wrote over another device's file), and
  A opens (no "corruption" from a half-arrived file). At the end, with
  every file delivered whole, A holds all of B's history.
- `truncated_arrivals`: each of B's file kinds (month file, events, usual
  pain) arriving cut at 0 bytes, 1 byte, half, all but one: real `backroll
  status`, `log`, `export` and `sync-check` processes on A all succeed, the
  cut file is untouched, status says a file is still arriving; once the
  rest arrives, A holds B's history.

Rows: tried / survived / lost (acknowledged sessions missing, B's sessions
missing at the end, or another device's file written over).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from .scenarios import PY, REPO, STORE_WORKER, Lines, Tally, cli_env, run_cli, temp_root, timed
from .store_worker import make_session


def _device(home: Path) -> str:
    return str(json.loads((home / "device.json").read_text())["id"])


def _other_device(root: Path) -> tuple[Path, dict[str, bytes], set[str]]:
    """Device B's history: sessions over three months, an edit, a delete, usual pain. (home, files, live ids)."""
    from tracker.model import CheckIn, UsualPain
    from tracker.store import Store

    home = root / "b"
    with Store.open(home) as store:
        sessions = [make_session(i, prefix="b", day=date(2026, 9 + i % 3, 1 + i)) for i in range(12)]
        for s in sessions:
            store.add(s)
        store.update(replace(sessions[0], checkin=CheckIn(note="edited on b")))
        store.delete(sessions[1].id)
        store.add_usual_pain(
            UsualPain(id="5b0e1c52-5b0e-4d3e-9d0a-bac4011000bb", since=date(2026, 9, 1), value=2)
        )
        live = {s.id for s in store.sessions()}
    device = _device(home)
    files = {p.name: p.read_bytes() for p in sorted((home / "data").glob(f"*.{device}.json"))}
    return home, files, live


class Deliverer:
    """A stand-in sync engine bringing B's files into A's data folder, in the ways engines do."""

    def __init__(self, data: Path, files: dict[str, bytes], rng: random.Random) -> None:
        self.data = data
        self.files = files
        self.rng = rng
        self.lock = threading.Lock()  # held while a file is half there
        self.stop = threading.Event()
        self.conflicts = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        names = sorted(self.files)
        while not self.stop.is_set():
            name = self.rng.choice(names)
            data = self.files[name]
            how = self.rng.random()
            with self.lock:
                target = self.data / name
                if how < 0.4:  # the Syncthing way: a temp file, then a rename
                    tmp = self.data / f".syncthing.{name}.tmp"
                    tmp.write_bytes(data)
                    os.replace(tmp, target)
                elif how < 0.7:  # in place, in two halves, with a pause in between
                    with open(target, "wb") as f:
                        f.write(data[: len(data) // 2])
                        f.flush()
                        time.sleep(self.rng.uniform(0, 0.02))
                        f.write(data[len(data) // 2 :])
                elif how < 0.85:  # a temp file the engine has not renamed yet
                    (self.data / f".syncthing.{name}.tmp").write_bytes(data[: self.rng.randrange(len(data))])
                else:  # a conflict copy of it
                    self.conflicts += 1
                    stem = name[: -len(".json")]
                    (
                        self.data
                        / f"{stem}.sync-conflict-20261201-{self.conflicts % 240000:06d}-BBBBBBB.json"
                    ).write_bytes(data)
            time.sleep(self.rng.uniform(0, 0.005))

    def finish(self) -> None:
        """Stop, then deliver every file whole (what the engine does once it catches up)."""
        self.stop.set()
        self.thread.join(30)
        for name, data in self.files.items():
            (self.data / name).write_bytes(data)
            (self.data / f".syncthing.{name}.tmp").unlink(missing_ok=True)


def _foreign_problems(data: Path, files: dict[str, bytes]) -> list[str]:
    """B's files in A's folder must hold what the deliverer wrote (a prefix of B's bytes), nothing else."""
    problems = []
    for name, whole in files.items():
        path = data / name
        if path.exists() and not whole.startswith(path.read_bytes()):
            problems.append(f"{name}: another device's file was written over")
    return problems


def sync_kills(kills: int, seed: int | None = None) -> Tally:
    """kill -9 the writer on device A while device B's files arrive in A's data folder."""
    from tracker.store import Store

    seed = random.randrange(1 << 30) if seed is None else seed
    rng = random.Random(seed)
    tally = Tally(
        "14 kill -9 while files sync in",
        f"A saves in a loop, B's files arrive (rename, in place, tmp, conflict copy), SIGKILL at random (seed {seed})",
    )
    with timed(tally), temp_root() as root:
        _, files, b_live = _other_device(root)
        home = root / "a"
        Store.open(home).close()
        mine = _device(home)
        deliverer = Deliverer(home / "data", files, random.Random(rng.random()))
        deliverer.thread.start()
        acked: set[str] = set()
        proc = subprocess.Popen(
            [PY, str(STORE_WORKER), "forker", str(home)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, bufsize=1, cwd=REPO, env=cli_env(),
        )  # fmt: skip
        lines = Lines(proc)
        try:
            for kill in range(kills):
                assert proc.stdin is not None
                proc.stdin.write(f"go k{kill} {kill * 1000}\n")
                proc.stdin.flush()
                pid = int(lines.until(lambda line: line.startswith("child "))[0].split()[1])
                early: list[str] = []
                if rng.random() < 0.5:
                    line, early = lines.until(
                        lambda line: line.startswith(f"ack {pid} ") or line.startswith("error")
                    )
                    early.append(line)
                time.sleep(rng.uniform(0, 0.03))
                os.kill(pid, signal.SIGKILL)
                problems: list[str] = []
                pending = list(early)
                while True:
                    line = pending.pop(0) if pending else lines.next()
                    word, child, *rest = line.split()
                    if word == "error":
                        problems.append(f"writer failed: {line[:300]}")
                    if word == "ack" and int(child) == pid:
                        acked.add(rest[0])
                    if word == "dead" and int(child) == pid:
                        break
                with deliverer.lock:  # no file half there while we look
                    problems += _foreign_problems(home / "data", files)
                    own = set()
                    for path in (home / "data").glob(f"sessions-*.{mine}.json"):
                        own |= {doc["id"] for doc in json.loads(path.read_bytes())["sessions"].values()}
                missing = acked - own
                if missing:
                    problems.append(f"kill {kill}: {len(missing)} acknowledged sessions missing")
                tally.attempt(problems, lost=len(missing))
            assert proc.stdin is not None
            proc.stdin.write("quit\n")
            proc.stdin.flush()
            proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
            deliverer.finish()
        try:
            with Store.open(home) as store:  # merges the conflict copies, reads B's files whole
                saved = {s.id for s in store.sessions()}
                skipped = store.skipped()
                aside = len(store.set_aside)
        except Exception as exc:
            tally.failures.append(f"A cannot be opened after the sync caught up: {exc}")
            return tally
        lost = len(acked - saved) + len(b_live - saved)
        if lost:
            tally.lost += lost
            tally.failures.append(
                f"{len(acked - saved)} of A's and {len(b_live - saved)} of B's sessions missing at the end"
            )
        if skipped:
            tally.failures.append(f"files still skipped once delivered whole: {sorted(skipped)}")
        if list((home / "data").glob("*sync-conflict*")):
            tally.failures.append("a conflict copy was left unmerged")
        tally.notes.append(
            f"{kills} kills, {len(acked)} sessions acknowledged on A, B's {len(b_live)} sessions read, "
            f"{deliverer.conflicts} conflict copies delivered ({aside} left to merge at the end)"
        )
    return tally


CUTS = {
    "0 bytes": lambda b: b"",
    "1 byte": lambda b: b[:1],
    "half": lambda b: b[: len(b) // 2],
    "all but 1": lambda b: b[:-1],
}


def truncated_arrivals(cuts: tuple[str, ...] = tuple(CUTS)) -> Tally:
    """Each kind of B's files arriving cut short: A's CLI keeps working, never writes over it, reads it once whole."""
    tally = Tally(
        "14 file arriving truncated",
        "B's month file, events, usual pain cut at 0, 1, half, all-but-1 bytes: status, log, export, sync-check",
    )
    with timed(tally), temp_root() as root:
        _, files, b_live = _other_device(root)
        kinds = {
            "month file": next(n for n in files if n.startswith("sessions-")),
            "events": next(n for n in files if n.startswith("events")),
            "usual pain": next(n for n in files if n.startswith("usual-pain")),
        }
        for kind, name in kinds.items():
            for cut_name in cuts:
                cut = CUTS[cut_name]
                home = root / f"a-{kind.replace(' ', '-')}-{cut_name.replace(' ', '-')}"
                run_cli(home, "log", "bridge", "--note", "before")
                for other, data in files.items():  # the rest of B's files are already there
                    if other != name:
                        (home / "data" / other).write_bytes(data)
                partial = cut(files[name])
                (home / "data" / name).write_bytes(partial)
                problems = []
                for args in (
                    ("status",),
                    ("log", "bridge", "--note", "while it arrives"),
                    ("export",),
                    ("sync-check",),
                ):
                    result = run_cli(home, *args)
                    if result.returncode != 0:
                        problems.append(
                            f"{kind} {cut_name}: `{args[0]}` exit {result.returncode}: {result.stderr.strip()[:200]}"
                        )
                    if args[0] == "status" and "still arriving" not in result.stdout:
                        problems.append(f"{kind} {cut_name}: status does not say a file is still arriving")
                if (home / "data" / name).read_bytes() != partial:
                    problems.append(f"{kind} {cut_name}: the arriving file was written over")
                (home / "data" / name).write_bytes(files[name])
                result = run_cli(home, "export")
                lost = 0
                if result.returncode != 0:
                    problems.append(
                        f"{kind} {cut_name}: export after arrival failed: {result.stderr.strip()[:200]}"
                    )
                else:
                    ids = {s["id"] for s in json.loads(result.stdout)["sessions"]}
                    lost = len(b_live - ids) + (2 - len(ids - b_live))  # B's sessions, and A's two
                    if lost:
                        problems.append(
                            f"{kind} {cut_name}: {lost} sessions missing once the file arrived whole"
                        )
                tally.attempt(problems, lost=max(0, lost))
    return tally
