"""Issue 11: running sessions killed with SIGKILL, SIGTERM and SIGHUP; the next start offers them where they were.

Each kill is of a real `backroll` process (tracker.cli.main and the real app,
headless, on the real clock, forked warm by session_worker.py) in the middle
of a running session, at a random moment. Then the next start (the next
child, the same command) must offer the session cut off, with its position:

* SIGKILL: at most CHECKPOINT_PROMISE (10 s) behind where it was, never ahead;
* SIGTERM, SIGHUP (a closed terminal): the app exits by itself (through
  Textual, exit code 128 + signal) and the offer is where it was, within one
  step (block) and a second;

and resuming it puts the runner back in the offered step, no further on. The
same session is resumed and killed again and again (so resuming is itself
checkpointed), and the last start saves it as ended early. After every kill
the history on disk is intact: every file parses and every session that was
there before is still there.
"""

from __future__ import annotations

import os
import random
import signal
import time
from datetime import date, timedelta
from pathlib import Path

from .scenarios import (
    HERE,
    Forker,
    ScenarioError,
    Tally,
    demo_sessions,
    ids_on_disk,
    make_home,
    temp_root,
    timed,
    unparsable_files,
)

SESSION_WORKER = HERE / "session_worker.py"
ROUTINE = "gentle-floor-set"  # 8:40 at the default tempo: holds, flows, rests, both sides
PER_HOME = 10  # kills of one session before it is saved and a new home starts
CHECKPOINT_PROMISE = 10.0  # seconds: how far behind a SIGKILL may leave the offered position
SIGNAL_SLACK = 1.0  # seconds: SIGTERM/SIGHUP write at once; this covers the signal's delivery
SIGNALS = (signal.SIGKILL, signal.SIGTERM, signal.SIGHUP)


def _home(root: Path, seed: int) -> tuple[Path, set[str]]:
    from dataclasses import replace

    from tracker.store import Store

    home = root / "home"
    history = demo_sessions(20, end=date.today() - timedelta(days=1), seed=seed)
    make_home(home, history)
    with Store.open(home) as store:
        store.save_settings(replace(store.load_settings(), safety_note_seen=True, sound=False))
    return home, {s.id for s in history}


def _words(lines: list[str], word: str) -> list[list[str]]:
    return [line.split()[2:] for line in lines if line.split()[:1] == [word]]


def session_kills(kills: int, seed: int | None = None) -> Tally:
    """kill running sessions with SIGKILL / SIGTERM / SIGHUP; the next start must offer each where it was."""
    seed = random.randrange(1 << 30) if seed is None else seed
    rng = random.Random(seed)
    tally = Tally(
        "10 session cut off",
        f"real app on the real clock, SIGKILL / SIGTERM / SIGHUP at a random moment of a running session; next start offers it (seed {seed})",
    )
    lag: dict[str, list[float]] = {sig.name: [] for sig in SIGNALS}
    with timed(tally), Forker(SESSION_WORKER) as forker:
        done = 0
        while done < kills:
            n = min(PER_HOME, kills - done)
            _round(tally, forker, n, rng, lag)
            done += n
    for name, values in lag.items():
        if values:
            tally.notes.append(
                f"{name}: {len(values)} kills, offered position behind by at most {max(values):.2f} s (mean {sum(values) / len(values):.2f} s)"
            )
    return tally


def _round(tally: Tally, forker: Forker, kills: int, rng: random.Random, lag: dict[str, list[float]]) -> None:
    with temp_root("br-sk-") as root:
        home, before = _home(root, rng.randrange(1 << 30))
        previous: dict[str, object] | None = None
        first = rng.randrange(len(SIGNALS))
        for kill in range(kills):
            sig = SIGNALS[(first + kill) % len(SIGNALS)]  # every signal in turn, from a random one
            problems: list[str] = []
            label = f"kill {kill} ({sig.name})"
            pid = forker.spawn("session", home=str(home), routine=ROUTINE)
            returned: list[str] = []
            try:
                sid = forker.expect("running", pid, timeout=60).split()[2]
                time.sleep(rng.uniform(0.2, 9.0))
                os.kill(pid, sig)
                killed_at = time.monotonic()
                if sig != signal.SIGKILL:  # it exits by itself
                    returned.append(forker.expect("returned", pid, timeout=20))
            except ScenarioError as exc:
                tally.attempt([f"{label}: {exc}"])
                previous = None
                continue
            finally:
                _make_sure_dead(pid)
                how, code = forker.reap(pid)
            lines = forker.child_lines(pid) + returned
            if any(line.startswith(("error", "ended")) for line in lines):
                problems.append(f"{label}: {[l for l in lines if l.startswith(('error', 'ended'))]}")
            # What this start found: the session the last kill cut off, where it was.
            offer = _words(lines, "offer")
            resumed = _words(lines, "resumed")
            if kill == 0:
                if not _words(lines, "fresh"):
                    problems.append(f"{label}: a fresh home offered something: {offer}")
            elif previous is None:
                pass  # the last kill already failed; nothing to compare with
            elif not offer or not resumed:
                problems.append(
                    f"{label}: the session cut off by {previous['signal']} was not offered ({lines[:3]})"
                )
            else:
                problems += _check_offer(previous, offer[0], resumed[0], lag)
            # How this one died, and where it was.
            if sig == signal.SIGKILL:
                if (how, code) != ("dead", signal.SIGKILL):
                    problems.append(f"{label}: not killed: {how} {code}")
            else:
                returned = _words(lines, "returned")
                if how != "exit" or not returned or int(returned[0][0]) != 128 + sig:
                    problems.append(f"{label}: did not exit by itself: {how} {code}, returned {returned}")
            seen = [(float(t), int(b), float(p)) for t, b, p in _words(lines, "at") if float(t) <= killed_at]
            if not seen:
                problems.append(f"{label}: the session never drew")
                previous = None
            else:
                t, block, position = seen[-1]
                previous = {
                    "sid": sid,
                    "block": block,
                    "position": position + (killed_at - t),
                    "signal": sig.name,
                }
            # The history is intact.
            problems += [f"{label}: {p}" for p in unparsable_files(home)]
            missing = before - ids_on_disk(home)
            tally.attempt(
                problems + [f"{label}: {len(missing)} sessions missing"] * bool(missing), lost=len(missing)
            )
        # The last start saves the session as ended early: it joins the history, the checkpoint goes.
        pid = forker.spawn("session", home=str(home), routine=ROUTINE, finish=True)
        try:
            saved = forker.expect("saved", pid, timeout=60).split()[2]
            forker.expect("returned", pid, timeout=20)
        finally:
            _make_sure_dead(pid)
        forker.reap(pid)
        forker.child_lines(pid)
        on_disk = ids_on_disk(home)
        if previous is not None and saved != previous["sid"]:
            tally.failures.append(f"saved {saved}, not the session cut off ({previous['sid']})")
        if saved not in on_disk or not before <= on_disk:
            tally.failures.append("the session saved as ended early, or an older one, is missing")
        if list((home / "in-progress").glob("*.json")):
            tally.failures.append("a checkpoint was left after saving")


def _make_sure_dead(pid: int) -> None:
    """A child that is still there after what should have ended it (a failed check) never outlives the test."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the zombie of a child that exited answers kill(0) until reaped
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split(")")[-1].split()[0] == "Z":
                    return
        except OSError:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


def _check_offer(
    previous: dict[str, object], offer: list[str], resumed: list[str], lag: dict[str, list[float]]
) -> list[str]:
    problems = []
    sid, block, position = offer[0], int(offer[1]), float(offer[2])
    actual = float(previous["position"])  # type: ignore[arg-type]
    where = f"after {previous['signal']}"
    if sid != previous["sid"]:
        problems.append(f"{where}: offered {sid}, not the session cut off {previous['sid']}")
    behind = actual - position
    lag[str(previous["signal"])].append(behind)
    if previous["signal"] == "SIGKILL":
        if not -0.05 <= behind <= CHECKPOINT_PROMISE:
            problems.append(f"{where}: offered at {position:.2f} s, it was at {actual:.2f} s")
    else:
        if not -0.05 <= behind <= SIGNAL_SLACK or not 0 <= block - int(previous["block"]) <= 1:  # type: ignore[call-overload]
            problems.append(
                f"{where}: offered step {block} at {position:.2f} s, it was in step {previous['block']} at {actual:.2f} s"
            )
    r_sid, r_block, r_position = resumed[0], int(resumed[1]), float(resumed[2])
    if r_sid != sid or r_block not in (block, block + 1) or r_position > position + 0.01:
        problems.append(
            f"{where}: resumed {r_sid} in step {r_block} at {r_position:.2f} s; offered step {block} at {position:.2f} s"
        )
    return problems


# ----------------------------------------------------------------------------- a real terminal


def terminal_closes(runs: int, seed: int | None = None) -> Tally:
    """`backroll` on a real pseudo-terminal: SIGTERM, or the terminal closed (its master end shut: the kernel's SIGHUP).

    After SIGTERM the app must leave the alternate screen (the terminal is
    given back as it was) and exit with 143; when the terminal closes it must
    exit with 129. Either way the checkpoint holds the session where it was.
    """
    seed = random.randrange(1 << 30) if seed is None else seed
    rng = random.Random(seed)
    tally = Tally(
        "10 terminal closed",
        f"`backroll` on a pty: SIGTERM, or the pty's master closed (SIGHUP from the kernel) mid-session (seed {seed})",
    )
    with timed(tally):
        for run in range(runs):
            hang_up = run % 2 == 1
            with temp_root("br-pty-") as root:
                home, before = _home(root, rng.randrange(1 << 30))
                problems = _on_a_terminal(home, hang_up, rng.uniform(1.0, 7.0))
                missing = before - ids_on_disk(home)
                tally.attempt(
                    [f"run {run} ({'hang-up' if hang_up else 'SIGTERM'}): {p}" for p in problems],
                    lost=len(missing),
                )
    return tally


def _on_a_terminal(home: Path, hang_up: bool, seconds: float) -> list[str]:
    import fcntl
    import struct
    import subprocess
    import termios
    import threading

    from .scenarios import PY, REPO, cli_env

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def controlling_terminal() -> None:  # in the child, after setsid: the pty becomes its terminal
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(
        [PY, "-m", "tracker", "--home", str(home)],
        stdin=slave, stdout=slave, stderr=slave, cwd=REPO, start_new_session=True,
        preexec_fn=controlling_terminal, env=cli_env(extra={"TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}),
    )  # fmt: skip
    os.close(slave)
    output = bytearray()
    closed = threading.Event()
    stop = threading.Event()

    def drain() -> (
        None
    ):  # a terminal always reads what the app writes (never blocked in read: see the hang-up)
        import select

        while not stop.is_set():
            if not select.select([master], [], [], 0.05)[0]:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            output.extend(chunk)
        closed.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    problems: list[str] = []
    try:
        if not _wait_for(output, b"Routines", 60):
            return ["Today never showed"]
        time.sleep(0.5)
        os.write(master, b"s")
        if not _wait_for(output, b"right now", 30):  # the pain before, asked before the first count
            return ["the pain-before question never showed"]
        time.sleep(0.3)
        os.write(master, b"\r")  # Enter skips it: the count starts now
        if not _wait_for(output, b"Hip rocks", 30):
            return ["the session never started"]
        started = time.monotonic()
        time.sleep(seconds)
        mark = len(output)
        if hang_up:
            stop.set()
            reader.join(5)
            os.close(master)  # the terminal window goes away: its last reference closed, the kernel hangs up
            master = -1
        else:
            proc.send_signal(signal.SIGTERM)
        ran = time.monotonic() - started
        try:
            code = proc.wait(30)
        except subprocess.TimeoutExpired:
            return ["the app did not exit"]
        expected = 128 + (signal.SIGHUP if hang_up else signal.SIGTERM)
        if code != expected:
            problems.append(f"exit code {code}, not {expected}")
        if not hang_up:
            closed.wait(5)
            if b"\x1b[?1049l" not in bytes(output[mark:]):
                problems.append("the alternate screen was not left: the terminal was not given back")
        found = list((home / "in-progress").glob("*.json"))
        if len(found) != 1:
            return problems + [f"{len(found)} checkpoints"]
        import json

        checkpoint = json.loads(found[0].read_text())
        if not ran - SIGNAL_SLACK - 0.5 <= checkpoint["position"] <= ran + 0.5:
            problems.append(f"checkpoint at {checkpoint['position']:.2f} s, the session had run {ran:.2f} s")
    finally:
        stop.set()
        reader.join(5)
        if master >= 0:
            os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    return problems


def _wait_for(output: bytearray, text: bytes, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in output:
            return True
        time.sleep(0.05)
    return False
