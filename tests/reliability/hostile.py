"""Issue 13: hostile-input fuzzing. Hypothesis generates malformed and extreme routine files (TOML),
exports (JSON), command lines (dates, zones, numbers, text with odd code points) and special files;
each goes through the real `backroll` entry point (`tracker.cli.main`, in process: every command, its
argument parsing and its last line of defence) against a real home in a temp folder.

For every example: no traceback and no crash report (exit 4), the right exit code, a message naming
the place (the file, or the option), the history byte-identical unless the command was meant to write
(then nothing already saved is lost), and bounded time.

`fuzz(examples, seed)` returns a Tally for `make reliability`; tests/unit/test_hostile.py runs a brief version.
"""

from __future__ import annotations

import io
import json
import os
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hseed
from hypothesis import strategies as st

from tracker import cli

SECONDS = 10.0  # bounded time, per command
POSES = ("cat-cow", "child", "cobra", "lying-twist", "hip-rocks", "pelvic-tilt", "no-such-pose")
KINDS = ("reps", "hold", "flow", "rest", "observe", "jump")

# ------------------------------------------------------------------ strategies

odd_text = st.lists(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(
            ["\u0000", "\u202e", "\ufeff", "\U0010ffff", "\u00e9", "e\u0301", "\n", "\t", '"', "\\", "'''"]
        ),
    ),
    max_size=40,
).map("".join)
surrogate_text = st.builds(
    lambda a, s, b: a + s + b, odd_text, st.sampled_from(["\ud800", "\udcff", "\udfff"]), odd_text
)
extreme_ints = st.one_of(
    st.integers(-3, 40),
    st.sampled_from([0, -1, 10**9, 2**63, -(2**63) - 1, 10**30]),
    st.integers(min_value=300, max_value=5000).map(lambda n: int("9" * n) if n < 4300 else 10**4000),
)
extreme_floats = st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 0.5, 3600.5, 86_401.0])


def _toml_str(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            out.append("?")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        text = str(value) if abs(value) < 10**4200 else "9" * 5000
        return text
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else "inf"
    if isinstance(value, str):
        return _toml_str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


scalar = st.one_of(extreme_ints, extreme_floats, odd_text, st.booleans())
field_value = st.one_of(
    scalar,
    st.lists(scalar, max_size=4),
    st.dictionaries(st.sampled_from(["counts", "breaths", "seconds", "x"]), scalar, max_size=2),
)


@st.composite
def routine_files(draw: st.DrawFn) -> bytes:
    """A routine file: mostly well shaped with extreme values, sometimes broken in the middle."""
    header = {
        "id": draw(st.one_of(st.just("fuzz"), odd_text)),
        "name": draw(st.one_of(st.just("Fuzz"), odd_text)),
    }
    if draw(st.booleans()):
        header["repeats"] = draw(extreme_ints)
    lines = ["[routine]", *(f"{k} = {_toml_value(v)}" for k, v in header.items())]
    for _ in range(draw(st.integers(0, 4))):
        lines.append("[[routine.steps]]")
        lines.append(f"pose = {_toml_str(draw(st.sampled_from(POSES)))}")
        lines.append(f"kind = {_toml_str(draw(st.sampled_from(KINDS)))}")
        for key in draw(st.lists(st.sampled_from(["reps", "raise", "lower", "hold", "duration", "sides", "repeats",
                                                     "rest_between", "question", "choices", "key", "title", "optional"]),
                                 max_size=5, unique=True)):  # fmt: skip
            lines.append(f"{key} = {_toml_value(draw(field_value))}")
    text = "\n".join(lines) + "\n"
    damage = draw(st.sampled_from(["none", "none", "nest", "truncate", "bytes", "bom"]))
    if damage == "nest":
        depth = draw(st.integers(100, 3000))
        text += "deep = " + "[" * depth + "]" * depth + "\n"
    elif damage == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    data = text.encode("utf-8")
    if damage == "bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    elif damage == "bom":
        data = b"\xef\xbb\xbf" + data
    return data


INSTANTS = ["2025-03-01T07:30:00+01:00", "1930-06-01T07:30:00+00:19:32", "0001-01-01T00:00:00+00:00",
            "9999-12-31T23:59:59-05:00", "2025-02-30T07:30:00+00:00", "2025-03-01T07:30:00", "2025-03-01T25:00:00Z"]  # fmt: skip
DAYS = ["2025-03-01", "1930-06-01", "0001-01-01", "9999-12-31", "2025-02-30", "", "yesterday"]
ZONES = ["Europe/Paris", "Europe/Amsterdam", "UTC", "Mars/Olympus", "../../etc/passwd", "Etc/GMT+3", ""]


@st.composite
def export_files(draw: st.DrawFn, good: dict[str, Any]) -> bytes:
    """An export: a real one (`good`) with fields replaced by extreme values, or broken bytes."""
    doc = json.loads(json.dumps(good))
    sessions = doc["sessions"]
    for _ in range(draw(st.integers(0, 4))):
        target = draw(st.sampled_from(["session", "checkin", "step", "envelope"]))
        value = draw(
            st.one_of(
                scalar, surrogate_text, st.sampled_from(INSTANTS + DAYS + ZONES), st.none(), field_value
            )
        )
        if target == "envelope":
            doc[draw(st.sampled_from(["format", "version", "exported_at", "usual_pain", "extra"]))] = value
        elif sessions:
            session = draw(st.sampled_from(sessions))
            if target == "session":
                session[draw(st.sampled_from(sorted(session)))] = value
            elif target == "checkin" and isinstance(session.get("checkin"), dict):
                session["checkin"][draw(st.sampled_from(sorted(session["checkin"])))] = value
            elif session.get("steps"):
                step = session["steps"][0]
                step[draw(st.sampled_from(sorted(step)))] = value
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()), default=str)
    if draw(st.integers(0, 5)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 6)) == 0:
        data = b"[" * 2000 + data
    return data


argument_text = st.one_of(
    odd_text, surrogate_text, st.sampled_from(DAYS + INSTANTS + ZONES + ["-1", "11", "9" * 5000, "1e999"])
)


@st.composite
def command_lines(draw: st.DrawFn) -> tuple[list[str], str]:
    """(arguments after --home, TZ) for the commands that read or write the history."""
    zone = draw(st.sampled_from(ZONES + ["UTC+3", "EST5EDT,M3.2.0,M11.1.0", "<+0330>-3:30", ":Europe/Paris"]))
    command = draw(st.sampled_from(["log", "status", "export", "usual-pain"]))
    if command == "log":
        args = ["log", draw(st.sampled_from(["bridge", "floor-flow", "nope"]))]
        for option in draw(
            st.lists(
                st.sampled_from(["--date", "--note", "--lifts", "--pain-after", "--count"]),
                max_size=3,
                unique=True,
            )
        ):
            args += [option, draw(argument_text)]
    elif command == "status":
        args = ["status", "--today", draw(argument_text)] + (["--json"] if draw(st.booleans()) else [])
    elif command == "export":
        args = ["export", "--since", draw(argument_text)] + (
            ["--format", "csv"] if draw(st.booleans()) else []
        )
    else:
        args = [
            "usual-pain",
            draw(st.sampled_from(["3", "-1", "11", "9" * 5000])),
            "--date",
            draw(argument_text),
            "--note",
            draw(argument_text),
        ]
    return args, zone


# ------------------------------------------------------------------ one run


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    seconds: float


@contextmanager
def _zone(tz: str | None) -> Iterator[None]:
    old = os.environ.get("TZ")
    if tz is None:
        yield
        return
    os.environ["TZ"] = tz
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


def backroll(home: Path, *args: str, tz: str | None = "Europe/London") -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    with _zone(tz), redirect_stderr(err):  # argparse writes its usage errors to sys.stderr itself
        code = cli.main(["--home", str(home), *args], stdout=out, stderr=err)
    return Outcome(code, out.getvalue(), err.getvalue(), time.monotonic() - started)


def history(home: Path) -> dict[str, bytes]:
    """Every history file (the lock, the status cache, crash reports and backups aside)."""
    skip = {"backroll.lock"}
    return {
        str(p.relative_to(home)): p.read_bytes()
        for p in sorted(home.rglob("*"))
        if p.is_file()
        and p.name not in skip
        and not p.name.startswith(".")
        and not {"backups", "crash-reports", "routines"} & set(p.relative_to(home).parts)
        and "cache" not in p.name
    }


def problems_of(result: Outcome, *, allowed: set[int], place: str | None) -> list[str]:
    found = []
    text = result.out + result.err
    if result.code not in allowed:
        found.append(f"exit {result.code} (allowed {sorted(allowed)}): {result.err.strip()[:300]!r}")
    if "Traceback" in text or "crash-reports" in text or "unexpected error" in text:
        found.append(f"a traceback or crash: {result.err.strip()[-300:]!r}")
    if result.code != 0 and place is not None and place not in text:
        found.append(f"the message does not name {place!r}: {result.err.strip()[:300]!r}")
    if result.seconds > SECONDS:
        found.append(f"took {result.seconds:.1f} s")
    return found


class Checks:
    """The properties, one method per kind of input; each returns the problems found."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.count = 0
        ok = backroll(self.home, "log", "bridge", "--date", "2025-03-01 07:30", "--note", "first")
        assert ok.code == 0, ok.err
        backroll(self.home, "log", "floor-flow", "--date", "2025-03-02 07:30")
        self.good = json.loads(backroll(self.home, "export").out)

    def _file(self, data: bytes, suffix: str) -> Path:
        self.count += 1
        path = self.root / f"in-{self.count}{suffix}"
        path.write_bytes(data)
        return path

    def routine(self, data: bytes) -> list[str]:
        path = self._file(data, ".toml")
        before = history(self.home)
        found = problems_of(backroll(self.home, "check", str(path)), allowed={0, 1}, place=str(path))
        user = self.home / "routines"
        user.mkdir(exist_ok=True, mode=0o700)
        (user / "fuzz.toml").write_bytes(data)
        listed = backroll(self.home, "routines", "--json")
        found += problems_of(listed, allowed={0}, place=None)
        if listed.code == 0 and "bridge" not in {r["id"] for r in json.loads(listed.out)["routines"]}:
            found.append("the built-ins are gone")
        if history(self.home) != before:
            found.append("the history changed")
        return found

    def export(self, data: bytes) -> list[str]:
        path = self._file(data, ".json")
        before = history(self.home)
        result = backroll(self.home, "import", str(path), "--dry-run")
        found = problems_of(result, allowed={0, 1}, place=str(path))
        if history(self.home) != before:
            found.append("a dry run changed the history")
        ids = {s["id"] for s in self.good["sessions"]}
        result = backroll(self.home, "import", str(path))
        found += problems_of(result, allowed={0, 1}, place=str(path))
        after = backroll(self.home, "export")
        if after.code != 0:
            found.append(f"export after the import: exit {after.code} {after.err[:200]!r}")
        else:
            kept = {s["id"]: s for s in json.loads(after.out)["sessions"]}
            for s in self.good["sessions"]:
                if kept.get(s["id"]) != s:
                    found.append(f"session {s['id']} lost or overwritten")
            if not ids <= set(kept):
                found.append("a saved session is gone")
        return found

    def command(self, args: list[str], tz: str) -> list[str]:
        before = history(self.home)
        result = backroll(self.home, *args, tz=tz)
        found = problems_of(result, allowed={0, 1, 2}, place=None)
        if result.code != 0 and history(self.home) != before:
            found.append(f"a refused {args[0]} changed the history")
        if result.code == 1 and len(result.err.strip().splitlines()) > 3:
            found.append(f"more than a short message: {result.err[:300]!r}")
        return found

    def special(self, which: str) -> list[str]:
        found = []
        if which == "fifo":
            path = self.root / f"fifo-{self.count}"
            self.count += 1
            os.mkfifo(path)
            target = str(path)
        else:
            target = which
        for command in ("check", "import"):
            found += problems_of(backroll(self.home, command, target), allowed={1}, place=target)
        return found


def run_examples(
    checks: Checks, examples: int, seed: int | None, record: Callable[[str, list[str]], None]
) -> None:
    """Run each property with `examples` examples (hypothesis, derandomized unless seeded)."""
    common = dict(
        max_examples=examples, deadline=None, database=None, derandomize=seed is None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip

    def wrap(test: Callable[..., None]) -> Callable[..., None]:
        test = settings(**common)(test)  # type: ignore[arg-type]
        return hseed(seed)(test) if seed is not None else test

    @wrap
    @given(routine_files())
    def routines(data: bytes) -> None:
        record("routine files", checks.routine(data))

    @wrap
    @given(export_files(checks.good))
    def exports(data: bytes) -> None:
        record("exports", checks.export(data))

    @wrap
    @given(command_lines())
    def commands(line: tuple[list[str], str]) -> None:
        record("command lines", checks.command(*line))

    routines()
    exports()
    commands()
    for which in ("/dev/zero", "/dev/urandom", "/dev/null", "fifo"):
        record("special files", checks.special(which))


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def fuzz(examples: int = 200, seed: int | None = None) -> Any:
    """The reliability row: every example of every property, counted."""
    from .scenarios import Tally, temp_root, timed

    tally = Tally(
        "13 hostile input fuzz",
        "hypothesis: broken/extreme routine TOML, exports, command lines, special files",
    )
    kinds: dict[str, list[int]] = {}

    def record(kind: str, found: list[str]) -> None:
        kinds.setdefault(kind, [0, 0])[0] += 1
        if found:
            kinds[kind][1] += 1
        tally.attempt([f"{kind}: {p}" for p in found])

    with timed(tally), temp_root("br-fuzz-") as root:
        checks = Checks(root)
        run_examples(checks, examples, seed, record)
        if not private(checks.home / "data"):
            tally.failures.append("the data folder is not private")
    tally.notes.append(", ".join(f"{kind}: {n} tried, {bad} failed" for kind, (n, bad) in kinds.items()))
    return tally
