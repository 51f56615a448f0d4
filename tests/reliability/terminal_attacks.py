"""Issue 24: files from others printed on a real terminal, and one endless line on plain mode's stdin.

Shared by tests/unit/test_terminal_hostile.py and `make reliability`. Each case runs the real `backroll`
with its output on a real pseudo-terminal and reads every byte the terminal got: no control may reach
it (ESC, BEL, C1 CSI as U+009B or as the raw byte 0x9B, ...) but newline, carriage return and tab; the
text is shown inert instead (\\u001b). The files are real: a routine file in <home>/routines whose name,
caution, step title and cue carry a window-title OSC, a screen clear, an OSC 8 fake link and a C1 CSI; a
routine file whose *file name* carries them; a conflict copy in the data folder named with them (sync-check
lists it as set aside); a month file that is a link whose target carries them.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
WAIT = 60.0

TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J\x1b[H"
LINK = "\x1b]8;;http://evil.example/\x1b\\click here\x1b]8;;\x1b\\"
C1_CSI = "\x9b2J"
PAYLOAD = TITLE + CLEAR + LINK + C1_CSI
RAW_NAME = b"\x1b]0;pwned\x07\x9b2J"  # in a file name: 0x9B alone is not UTF-8, the raw C1 CSI byte
# What a terminal must never get: C0 but tab, newline and carriage return (the pty adds CR to each LF), DEL,
# C1 (as UTF-8), and raw bytes 0x80-0xFF that are not UTF-8 (read back as U+DC80-U+DCFF).
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\udc80-\udcff]")


def _toml(text: str) -> str:
    return (
        '"'
        + "".join(
            f"\\u{ord(c):04x}" if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in '"\\' else c for c in text
        )
        + '"'
    )


def routine_text(routine_id: str, evil: str) -> str:
    """A valid routine but for `evil` in its name, a caution, a step's title and its cue."""
    return "\n".join([
        "[routine]", f'id = "{routine_id}"', f"name = {_toml('Evil ' + evil)}", f"cautions = [{_toml('Careful ' + evil)}]",
        "[[routine.steps]]", 'pose = "child"', 'kind = "rest"', "duration = 20",
        f"title = {_toml('Rest ' + evil)}", f"cue = {_toml('Breathe ' + evil)}", "",
    ])  # fmt: skip


def clean_routine(routine_id: str) -> str:
    return routine_text(routine_id, "").replace("Evil ", "Plain")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BACKROLL_HOME", "TEXTUAL_DRIVER")}
    env.update({"TERM": "xterm-256color", "TZ": "Europe/London", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
    return env


def on_pty(home: Path, *args: str, stdin: bytes | None = None) -> tuple[int, str]:
    """`backroll --home HOME ARGS` with stdout and stderr on a real pty (stdin a pipe when given); what it printed."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--home", str(home), *args], cwd=REPO, env=_env(),
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL, stdout=slave, stderr=slave,
        start_new_session=True, close_fds=True,
    )  # fmt: skip
    os.close(slave)
    if stdin is not None:
        assert process.stdin is not None
        pipe = process.stdin

        def feed() -> None:
            try:
                pipe.write(stdin)
                pipe.close()
            except OSError:
                pass

        threading.Thread(target=feed, daemon=True).start()
    got = bytearray()
    deadline = time.monotonic() + WAIT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the process has gone and the pty is closed
                    break
                if not data:
                    break
                got += data
            elif process.poll() is not None:
                break
        code = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    return code, bytes(got).decode("utf-8", "surrogateescape")


def controls_in(text: str) -> list[str]:
    """The forbidden characters that reached the terminal, each with a little context."""
    return [repr(text[max(0, m.start() - 20) : m.end() + 10]) for m in FORBIDDEN.finditer(text)][:3]


def _quiet(home: Path) -> None:
    """A returning user with sound off (plain mode would ring the bell, BEL, for each cue)."""
    from dataclasses import replace

    from tracker.service import Backroll

    with Backroll(home) as service:
        service.save_settings(replace(service.settings, safety_note_seen=True, sound=False))


PLAIN_INPUT = b"q\ny\n\n\n\n\n\nn\n"  # stop, yes, skip the check-in, do not save


def cases(root: Path) -> list[tuple[str, list[str]]]:
    """Every case: (what, problems). Builds its files under `root`."""
    results: list[tuple[str, list[str]]] = []

    def check(what: str, code: int, text: str, *, codes: set[int], shown: str | None = None) -> None:
        problems = [f"control reached the terminal: {c}" for c in controls_in(text)]
        if code not in codes:
            problems.append(f"exit {code}: {text[-300:]!r}")
        if shown is not None and shown not in text:
            problems.append(f"{shown!r} not shown: {text[-300:]!r}")
        if "Traceback" in text:
            problems.append("a traceback")
        results.append((what, problems))

    # Routine text with escapes: refused by `check` and skipped by `routines`, naming file, line and field.
    home = root / "text"
    (home / "routines").mkdir(parents=True)
    _quiet(home)
    evil = home / "routines" / "evil.toml"
    evil.write_text(routine_text("evil", PAYLOAD))
    code, text = on_pty(home, "routines")
    check(
        "routines: escapes in name/caution/title/cue",
        code,
        text,
        codes={0},
        shown="evil.toml:3: routine.name: a control character",
    )
    code, text = on_pty(home, "routines", "evil")
    check("routines ID: the same routine", code, text, codes={1})
    code, text = on_pty(home, "session", "evil", "--plain", stdin=PLAIN_INPUT)
    check("session --plain: the same routine", code, text, codes={1})
    code, text = on_pty(home, "check", str(evil))
    check("check: the same file", code, text, codes={1}, shown="a control character (U+001B)")

    # A routine file whose own name carries them: listed (its path is the source), carded and run.
    home = root / "name"
    folder = home / "routines"
    folder.mkdir(parents=True)
    _quiet(home)
    (folder / os.fsdecode(b"r-" + RAW_NAME + b".toml")).write_text(clean_routine("named"))
    code, text = on_pty(home, "routines")
    check(
        "routines: a routine file named with escapes",
        code,
        text,
        codes={0},
        shown="\\u001b]0;pwned\\u0007\\udc9b2J",
    )
    code, text = on_pty(home, "routines", "--json")
    check("routines --json: the same", code, text, codes={0})
    code, text = on_pty(home, "routines", "named")
    check("routines ID: the same", code, text, codes={0})
    code, text = on_pty(home, "session", "named", "--plain", stdin=PLAIN_INPUT)
    check("session --plain: the same", code, text, codes={0}, shown="Not saved.")
    bad = folder / os.fsdecode(b"bad-" + RAW_NAME + b".toml")
    bad.write_text("[routine\n")
    code, text = on_pty(home, "check", str(bad))
    check("check: a broken file named with escapes", code, text, codes={1}, shown="TOML syntax error")

    # A conflict copy in the data folder named with them: sync-check lists it as set aside.
    home = root / "sync"
    code, text = on_pty(home, "log", "bridge", "--date", "2025-03-01 07:30")
    month = next((home / "data").glob("sessions-2025-03.*.json"))
    copy = month.with_name(os.fsdecode(month.stem.encode() + b" (" + RAW_NAME + b"'s conflicted copy).json"))
    copy.write_bytes(month.read_bytes())
    code, text = on_pty(home, "sync-check")
    check("sync-check: a set-aside file named with escapes", code, text, codes={0}, shown="conflicted copy")

    # A note with them (as an imported or synced session brings it), exported and reported to the terminal.
    on_pty(home, "log", "bridge", "--date", "2025-03-02 07:30", "--note", "Note " + PAYLOAD)
    for args in (
        ("export",),
        ("export", "--format", "csv"),
        ("report", "--format", "md", "-o", "-", "--since", "2025-03-01", "--until", "2025-03-31"),
    ):
        code, text = on_pty(home, *args)
        shown = "Note \\u001b" if args[0] == "export" else None  # Markdown escapes some of it in its own way
        check(f"{' '.join(args[:3])}: a note with escapes", code, text, codes={0}, shown=shown)

    # A month file that is a link whose target carries them (an error or a note names the target).
    home = root / "link"
    on_pty(home, "log", "bridge", "--date", "2025-03-01 07:30")
    month = next((home / "data").glob("sessions-2025-03.*.json"))
    link = month.with_name(month.name.replace("2025-03", "2025-04"))
    os.symlink(os.fsdecode(b"/tmp/" + RAW_NAME), link)
    for command in ("status", "sync-check", "export"):
        code, text = on_pty(home, command)
        check(f"{command}: a month file linked to a name with escapes", code, text, codes={0, 1, 3})
    return results


# ------------------------------------------------------------------ plain mode's key reader


def time_line(size: int) -> float:
    """CPU seconds plain mode's key reader (tracker.cli.plain.Keys) spends reading one `size`-byte line from a real
    pipe: this thread's CPU time, so the writer and the machine's other load do not count."""
    from tracker.cli.plain import Keys

    read, write = os.pipe()
    line = b"x" * size + b"\n"

    def feed() -> None:
        with os.fdopen(write, "wb") as pipe:
            pipe.write(line)

    with os.fdopen(read, "rb") as stream:
        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        started = time.thread_time()
        with Keys(stream) as keys:
            got = keys.line()
        elapsed = time.thread_time() - started
        writer.join()
    assert got is not None and len(got) == size
    return elapsed


def time_session(line_bytes: int) -> float:
    """Seconds a real `backroll session bridge --plain` takes with one `line_bytes` line as the first check-in answer."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="br-plain-") as root:
        home = Path(root) / "home"
        _quiet(home)
        data = b"q\ny\n" + b"x" * line_bytes + b"\n\n\n\n\n\nn\n"  # not a pain from 0 to 10: asked again
        env = _env()
        env["PATH"] = str(Path(root))  # no audio player, no voice
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "tracker", "--home", str(home), "session", "bridge", "--plain"],
            cwd=REPO, env=env, input=data, capture_output=True, timeout=600,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
    assert result.returncode == 0 and b"Not saved." in result.stdout, (
        result.stdout[-300:] + result.stderr[-300:]
    )
    return elapsed


def scaling(small: int = 2 << 20, large: int = 8 << 20, runs: int = 3) -> tuple[float, float]:
    """(best seconds for `small`, best for `large`): linear reading makes large/small near large/small bytes."""
    return min(time_line(small) for _ in range(runs)), min(time_line(large) for _ in range(runs))


def terminal_attacks() -> Any:
    """The reliability rows: each case on a real pty, and plain mode's reader on 1 MiB against 4 MiB."""
    from .scenarios import Tally, temp_root, timed

    tally = Tally(
        "24 hostile files on a terminal",
        "escapes in routine text, file names, set-aside names, link targets; 4 MiB line",
    )
    with timed(tally), temp_root("br-term-") as root:
        for what, problems in cases(root):
            tally.attempt([f"{what}: {p}" for p in problems])
        small, large = scaling()
        ratio = large / small
        tally.attempt(
            [] if ratio < 8 else [f"an 8 MiB line took {ratio:.1f} times a 2 MiB line (linear: about 4)"]
        )
        tally.notes.append(
            f"plain mode's reader, CPU: a 2 MiB line {small * 1000:.0f} ms, 8 MiB {large * 1000:.0f} ms ({ratio:.1f}x)"
        )
        base, big = time_session(1), time_session(4 << 20)
        tally.attempt(
            [] if big < 5 * base else [f"a session with a 4 MiB line took {big:.1f} s against {base:.1f} s"]
        )
        tally.notes.append(f"session --plain: one 4 MiB line {big:.1f} s, a 1-byte line {base:.1f} s")
    return tally
