"""A forking worker for the reliability scenarios: real processes, started in milliseconds.

    python tests/reliability/worker.py

reads one JSON command per line on stdin and answers one line per event on
stdout (each line is one write(), so lines from several children never mix):

    {"spawn": TASK, ...args}   fork a child running TASK; prints "child PID"
    {"wait": PID}              reap it; prints "dead PID SIGNAL" (killed) or "exit PID CODE"

Tasks (the child prints its own lines, always with its PID):

    cli      {"argv": [...], "at": T}   tracker.cli.main(argv) exactly as `backroll ARGV`
             runs it, stdout/stderr captured; prints "start PID" just before and
             "done PID CODE <stderr as JSON>" after. `at` (monotonic) delays the
             start, so that two children can be started at the same instant.
    backup   {"home", "day", "n"}       open the store with today = DAY, print "ready PID",
             add session n (the day's first write: a daily backup and its rotation
             run first), print "ack PID ID".

Forking from one process that has already imported tracker skips Python's
start-up (about half a second here), so a test can kill hundreds of them.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import store_worker

import tracker.cli
import tracker.content
import tracker.exchange
import tracker.service  # noqa: F401
from tracker.store import Store


def emit(text: str) -> None:
    os.write(1, (text + "\n").encode())


def task_cli(argv: list[str], at: float = 0.0) -> None:
    from tracker import cli

    while time.monotonic() < at:
        time.sleep(min(0.005, max(0.0, at - time.monotonic())))
    out, err = io.StringIO(), io.StringIO()
    emit(f"start {os.getpid()}")
    code = cli.main(argv, stdout=out, stderr=err)
    emit(f"done {os.getpid()} {code} {json.dumps(err.getvalue())}")


def task_backup(home: str, day: str, n: int) -> None:
    today = date.fromisoformat(day)
    store = Store.open(Path(home), wait=30.0, label="backup-kill writer", today=lambda: today)
    emit(f"ready {os.getpid()}")
    session = store_worker.make_session(n, prefix="bk")
    store.add(session)
    emit(f"ack {os.getpid()} {session.id}")


TASKS = {"cli": task_cli, "backup": task_backup}


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        if "wait" in command:
            pid = int(command["wait"])
            _, status = os.waitpid(pid, 0)
            if os.WIFSIGNALED(status):
                emit(f"dead {pid} {os.WTERMSIG(status)}")
            else:
                emit(f"exit {pid} {os.WEXITSTATUS(status)}")
            continue
        task = TASKS[command.pop("spawn")]
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                task(**command)
            except BaseException as exc:
                emit(f"error {os.getpid()} {type(exc).__name__}: {exc}")
                code = 1
            finally:
                os._exit(code)
        emit(f"child {pid}")


if __name__ == "__main__":
    main()
