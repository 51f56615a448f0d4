"""The `backroll` command, through real processes (`python -m tracker --home DIR ...`)."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import stat
import subprocess
import sys
import types
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest

from tracker import __version__, cli, exchange
from tracker.cli import (
    app as cli_app,
)  # the app command module, which `tracker.cli` imports only on first use

ROOT = Path(__file__).resolve().parents[2]
ZONE = "Europe/London"


def run(
    home: Path | None, *args: str, zone: str = ZONE, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "BACKROLL_HOME"}
    environ["TZ"] = zone
    environ.update(env or {})
    command = [sys.executable, "-m", "tracker"]
    if home is not None:
        command += ["--home", str(home)]
    return subprocess.run(
        [*command, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environ,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


def snapshot(home: Path) -> dict[str, bytes]:
    """Every history file under home (backups and the lock excluded)."""
    if not home.exists():
        return {}
    return {
        str(p.relative_to(home)): p.read_bytes()
        for p in sorted(home.rglob("*"))
        if p.is_file() and "backups" not in p.parts and p.name != "backroll.lock"
    }


def sessions_of(home: Path) -> list[dict[str, Any]]:
    return json.loads(ok(run(home, "export")).stdout)["sessions"]


def yesterday(hour: int = 8) -> str:
    day = datetime.now(ZoneInfo(ZONE)).date() - timedelta(days=1)
    return f"{day.isoformat()} {hour:02d}:15"


# --------------------------------------------------------------------------- global options


def test_version_and_help() -> None:
    assert ok(run(None, "--version")).stdout.strip() == f"backroll {__version__}"
    text = ok(run(None, "--help")).stdout
    for fragment in ("backroll status [--json] [--today DATE]", "backroll import FILE [--dry-run]", "backroll check FILE",
                     "BACKROLL_HOME", "exit codes", "3  the data cannot be opened"):  # fmt: skip
        assert fragment in text


@pytest.mark.parametrize(
    "args",
    [
        ("frobnicate",),
        ("log",),
        ("status", "--json", "extra"),
        ("log", "bridge", "--stable", "maybe"),
        ("export", "--format", "xml"),
        ("log", "bridge", "--lifts", "three"),
        ("export", "--steps"),
    ],  # fmt: skip
)
def test_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run(tmp_path / "home", *args)
    assert result.returncode == 2, result.stderr
    assert "usage:" in result.stderr
    assert not (tmp_path / "home").exists()


def test_home_from_environment_and_option_after_the_command(tmp_path: Path) -> None:
    home = tmp_path / "env-home"
    ok(run(None, "log", "bridge", "--date", yesterday(), env={"BACKROLL_HOME": str(home)}))
    assert len(sessions_of(home)) == 1
    other = tmp_path / "other"
    ok(
        run(None, "log", "floor-flow", "--date", yesterday(), "--home", str(other))
    )  # the option also works after the subcommand
    assert len(sessions_of(other)) == 1 and len(sessions_of(home)) == 1


def test_warns_when_home_is_readable_by_others(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(
        run(home, "log", "bridge", "--date", yesterday())
    )  # the first write makes the home (status only reads)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert "warning" not in run(home, "status").stderr
    os.chmod(home, 0o755)
    result = ok(run(home, "status"))
    assert "warning" in result.stderr and "chmod 700" in result.stderr


# --------------------------------------------------------------------------- status and log


STATUS_KEYS = ["today", "current_streak", "longest_streak", "practice_days", "last_practice", "consistency", "program", "advice", "version", "usual_pain",
               "pain_today", "day_after", "weekly_pain"]  # fmt: skip


def test_status_json_shape_on_an_empty_home(tmp_path: Path) -> None:
    data = json.loads(ok(run(tmp_path / "home", "status", "--json", "--today", "2025-03-01")).stdout)
    assert list(data) == STATUS_KEYS
    assert data["today"] == "2025-03-01"
    assert (data["current_streak"], data["longest_streak"], data["practice_days"]) == (0, 0, 0)
    assert data["last_practice"] is None and data["consistency"] == 0.0
    assert data["program"] == {"id": "bridge", "lifts": 2, "count": 4, "hold": 0}
    assert list(data["advice"]) == ["kind", "message", "reasons"]
    assert data["advice"]["kind"] == "start" and data["advice"]["reasons"]


def test_log_then_status_shows_the_streak(tmp_path: Path) -> None:
    home = tmp_path / "home"
    days = [date(2025, 3, 1) + timedelta(days=i) for i in range(3)]
    for day in days:
        out = ok(
            run(
                home,
                "log",
                "bridge",
                "--date",
                f"{day} 07:30",
                "--pain-after",
                "0",
                "--felt",
                "right",
                "--stable",
                "no",
            )
        ).stdout
        assert f"Logged bridge (2 lifts, raise and lower to 4) on {day}" in out or day != days[0]
    data = json.loads(ok(run(home, "status", "--json", "--today", "2025-03-03")).stdout)
    assert data["current_streak"] == 3 and data["longest_streak"] == 3 and data["practice_days"] == 3
    assert data["last_practice"] == "2025-03-03"
    assert 0 < data["consistency"] <= 1
    assert data["advice"]["kind"] in {"stay", "add_lifts"}
    # Yesterday still counts: the day is not over.
    assert (
        json.loads(ok(run(home, "status", "--json", "--today", "2025-03-04")).stdout)["current_streak"] == 3
    )
    # As of an earlier day, later sessions are ignored.
    assert json.loads(ok(run(home, "status", "--json", "--today", "2025-03-01")).stdout)["practice_days"] == 1
    human = ok(run(home, "status", "--today", "2025-03-03")).stdout
    assert "Streak: 3 days" in human and "Next session: bridge:" in human and "Advice (" in human
    assert "\n  - " in human  # the reasons


def test_log_defaults_to_the_advised_prescription_and_takes_overrides(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-03-01 07:30"))
    ok(run(home, "log", "bridge", "--date", "2025-03-02 07:30", "--lifts", "3", "--hold", "0"))
    ok(run(home, "log", "pelvic-tilt-check", "--date", "2025-03-02 18:00", "--note", "easy one"))
    first, second, other = sessions_of(home)
    assert first["prescription"] == {"lifts": 2, "count": 4, "hold": 0}
    assert second["prescription"] == {"lifts": 3, "count": 4, "hold": 0}
    assert other["prescription"] is None and other["routine"] == "pelvic-tilt-check"
    assert other["checkin"]["note"] == "easy one" and other["origin"] == "cli"
    back_rolls = [s for s in second["steps"] if s["pose"] in ("back-roll", "bridge")]
    assert back_rolls and back_rolls[0]["reps_done"] == 3 and back_rolls[0]["raise_counts"] == 4


def test_log_records_the_check_in_and_hurt(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = ok(run(home, "log", "bridge", "--date", "2025-03-01 07:30", "--pain-before", "2", "--pain-after", "4",
                 "--stable", "unsure", "--felt", "hard", "--hurt", "--note", "twinge"))  # fmt: skip
    assert "stopped because it hurt" in out.stdout and "If it hurts, stop" in out.stdout
    [session] = sessions_of(home)
    assert session["hurt"] is True and session["completed"] is False
    assert session["checkin"] == {
        "pain_before": 2,
        "pain_after": 4,
        "stable": "unsure",
        "felt": "hard",
        "note": "twinge",
    }
    # A hurt session still counts as a practice day.
    assert (
        json.loads(ok(run(home, "status", "--json", "--today", "2025-03-01")).stdout)["current_streak"] == 1
    )


def test_log_date_naive_is_local_and_aware_keeps_the_instant(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-03-01 23:30", zone="Asia/Tokyo"))
    ok(run(home, "log", "bridge", "--date", "2025-03-02T15:00:00+00:00", zone="Asia/Tokyo"))
    first, second = sessions_of(home)
    assert first["started_at"] == "2025-03-01T23:30:00+09:00" and first["local_date"] == "2025-03-01"
    assert first["zone"] == "Asia/Tokyo"
    # An explicit offset keeps its own local date (the person said where and when it was).
    assert second["started_at"] == "2025-03-02T15:00:00+00:00" and second["local_date"] == "2025-03-02"
    assert second["zone"] == "UTC"


def test_log_date_with_an_offset_keeps_that_offsets_local_date(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2026-03-04T23:59:00-05:00", zone="Europe/Paris"))
    (session,) = sessions_of(home)
    assert session["started_at"] == "2026-03-04T23:59:00-05:00" and session["local_date"] == "2026-03-04"
    assert session["zone"] == "Etc/GMT+5"  # UTC-5, POSIX sign
    data = json.loads(ok(run(home, "status", "--json", "--today", "2026-03-04", zone="Europe/Paris")).stdout)
    assert data["last_practice"] == "2026-03-04" and data["practice_days"] == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (("log", "nope"), "known routines: "),
        (("log", "bridge", "--pain-after", "11"), "--pain-after must be from 0 to 10"),
        (("log", "bridge", "--pain-before", "-1"), "--pain-before must be from 0 to 10"),
        (("log", "bridge", "--lifts", "0"), "--lifts must be from 1"),
        (("log", "floor-flow", "--lifts", "3"), "--lifts applies to the bridge program only"),
        (("log", "bridge", "--date", "not a date"), "is not a date and time"),
        (("log", "bridge", "--date", "2999-01-01"), "is in the future"),
        (("status", "--today", "yesterday-ish"), "is not a date"),
        (("export", "--since", "2025-03-05", "--until", "2025-03-01"), "is after"),
    ],
)
def test_bad_input_exits_1_with_one_sentence_and_writes_nothing(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-03-01 07:30"))
    before = snapshot(home)
    result = run(home, *args)
    assert result.returncode == 1, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert snapshot(home) == before


def test_unknown_routine_lists_every_id(tmp_path: Path) -> None:
    result = run(tmp_path / "home", "log", "nope")
    assert result.returncode == 1
    for routine_id in ("bridge", "pelvic-tilt-check", "floor-flow"):
        assert routine_id in result.stderr


# --------------------------------------------------------------------------- exit 3


def test_corrupt_history_exits_3_and_is_left_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-03-01 07:30"))
    [shard] = (home / "data").glob("sessions-2025-03.*.json")  # this machine's month file (issue 18)
    assert shard.exists()
    shard.write_text('{"sessions": {"1": {"id": "trunc')
    before = snapshot(home)
    for args in (("status",), ("log", "bridge"), ("export",), ("routines",)):
        result = run(home, *args)
        assert result.returncode == 3, (args, result.stderr)
        assert result.stderr.strip()
    assert snapshot(home) == before


def test_locked_history_exits_3(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-02-27 07:30"))  # a history to lock (status only reads)
    before = sessions_of(home)
    with open(home / "backroll.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        result = run(home, "log", "bridge", "--date", "2025-03-01 07:30")
    assert result.returncode == 3, result.stderr
    assert sessions_of(home) == before and len(before) == 1


# --------------------------------------------------------------------------- export and import


@pytest.fixture(scope="module")
def history_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("history") / "a"
    for i, day in enumerate((date(2025, 2, 27), date(2025, 2, 28), date(2025, 3, 1), date(2025, 3, 2))):
        ok(
            run(
                home,
                "log",
                "bridge",
                "--date",
                f"{day} 07:{10 + i}",
                "--pain-after",
                "0",
                "--felt",
                "easy",
                "--note",
                f"day {i}",
            )
        )
    ok(run(home, "log", "floor-flow", "--date", "2025-03-01 19:00", "--note", "=SUM(A1)"))
    return home


@pytest.fixture
def history(history_template: Path, tmp_path: Path) -> Path:
    """Five logged sessions (four bridge, one floor flow), a fresh copy for each test."""
    import shutil

    home = tmp_path / "a"
    shutil.copytree(history_template, home)
    return home


def test_export_json_is_valid_against_the_schema(history: Path) -> None:
    doc = json.loads(ok(run(history, "export")).stdout)
    validator = jsonschema.Draft202012Validator(exchange.schema(), format_checker=jsonschema.FormatChecker())
    validator.validate(doc)
    assert doc["format"] == "backroll.history" and doc["version"] == 3 and len(doc["sessions"]) == 5
    assert datetime.fromisoformat(doc["exported_at"]).tzinfo is not None


def test_export_schema_prints_the_shipped_schema(tmp_path: Path) -> None:
    result = ok(run(tmp_path / "home", "export", "--schema"))
    assert json.loads(result.stdout) == exchange.schema()
    assert not (tmp_path / "home").exists()  # no data needed for the schema


def test_export_to_a_private_file_atomically(history: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "history.json"
    target.parent.mkdir()
    result = ok(run(history, "export", "-o", str(target)))
    assert result.stdout == "" and "Exported 5 sessions" in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["sessions"] == sessions_of(history)
    assert sorted(p.name for p in target.parent.iterdir()) == ["history.json"]
    csv_target = tmp_path / "out" / "h.csv"
    ok(run(history, "export", "--format", "csv", "-o", str(csv_target)))
    assert stat.S_IMODE(csv_target.stat().st_mode) == 0o600


def test_export_to_a_folder_is_refused(history: Path, tmp_path: Path) -> None:
    result = run(history, "export", "-o", str(tmp_path))
    assert result.returncode == 1 and "folder" in result.stderr


def test_export_since_until_filter_by_practice_day(history: Path) -> None:
    doc = json.loads(ok(run(history, "export", "--since", "2025-02-28", "--until", "2025-03-01")).stdout)
    assert sorted({s["local_date"] for s in doc["sessions"]}) == ["2025-02-28", "2025-03-01"]
    assert len(doc["sessions"]) == 3
    rows = list(
        csv.DictReader(
            io.StringIO(ok(run(history, "export", "--format", "csv", "--since", "2025-03-01")).stdout)
        )
    )
    assert [r["local_date"] for r in rows] == ["2025-03-01", "2025-03-01", "2025-03-02"]


def test_export_csv_columns_and_steps(history: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(ok(run(history, "export", "--format", "csv")).stdout)))
    assert len(rows) == 5 and list(rows[0]) == list(exchange.SESSION_COLUMNS)
    assert rows[0]["local_date"] == "2025-02-27" and rows[0]["started_at"].startswith("2025-02-27T07:10:00")
    assert rows[0]["lifts"] == "2" and rows[0]["felt"] == "easy"
    flow = next(r for r in rows if r["routine"] == "floor-flow")
    assert flow["note"] == "'=SUM(A1)" and flow["lifts"] == ""
    steps = list(csv.DictReader(io.StringIO(ok(run(history, "export", "--format", "csv", "--steps")).stdout)))
    assert list(steps[0]) == list(exchange.STEP_COLUMNS)
    doc = sessions_of(history)
    assert len(steps) == sum(len(s["steps"]) for s in doc)
    assert {r["session_id"] for r in steps} == {s["id"] for s in doc}


def test_export_import_round_trip_into_a_fresh_home(history: Path, tmp_path: Path) -> None:
    exported = tmp_path / "a.json"
    ok(run(history, "export", "-o", str(exported)))
    fresh = tmp_path / "fresh"
    result = ok(run(fresh, "import", str(exported)))
    assert "added 5 sessions, 0 already present, 0 rejected" in result.stdout
    assert sessions_of(fresh) == sessions_of(history)
    # Import twice: nothing changes, byte for byte.
    before = snapshot(fresh)
    again = ok(run(fresh, "import", str(exported)))
    assert "added 0 sessions, 5 already present, 0 rejected" in again.stdout
    assert snapshot(fresh) == before
    assert json.loads(ok(run(fresh, "status", "--json", "--today", "2025-03-02")).stdout) == json.loads(
        ok(run(history, "status", "--json", "--today", "2025-03-02")).stdout
    )


def test_import_dry_run_writes_nothing(history: Path, tmp_path: Path) -> None:
    exported = tmp_path / "a.json"
    ok(run(history, "export", "-o", str(exported)))
    fresh = tmp_path / "fresh"
    ok(run(fresh, "log", "gentle-floor-set", "--date", "2025-01-05 08:00"))  # another machine's own history
    before = snapshot(fresh)
    assert before
    result = ok(run(fresh, "import", str(exported), "--dry-run"))
    assert "would add 5 sessions" in result.stdout and "dry run" in result.stdout
    assert snapshot(fresh) == before


def test_two_machines_merge_in_either_order_to_the_same_history(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    ok(run(a, "log", "bridge", "--date", "2025-03-01 07:30", "--note", "on the laptop"))
    ok(run(a, "log", "bridge", "--date", "2025-03-03 07:30"))
    ok(
        run(
            b,
            "log",
            "bridge",
            "--date",
            "2025-03-02 21:00",
            "--note",
            "on the desktop",
            zone="America/New_York",
        )
    )
    ok(run(b, "log", "floor-flow", "--date", "2025-04-02 21:00", zone="America/New_York"))
    ea, eb = tmp_path / "a.json", tmp_path / "b.json"
    ok(run(a, "export", "-o", str(ea)))
    ok(run(b, "export", "-o", str(eb)))
    ab, ba = tmp_path / "ab", tmp_path / "ba"
    for first, second, home in ((ea, eb, ab), (eb, ea, ba)):
        ok(run(home, "import", str(first)))
        ok(run(home, "import", str(second)))
    ok(run(a, "import", str(eb)))
    ok(run(b, "import", str(ea)))
    merged = sessions_of(ab)
    assert len(merged) == 4
    assert sessions_of(ba) == merged == sessions_of(a) == sessions_of(b)
    # The CSVs agree too (no time stamp in them): byte for byte.
    csvs = {ok(run(home, "export", "--format", "csv", "--steps")).stdout for home in (ab, ba, a, b)}
    assert len(csvs) == 1


def test_a_conflict_is_reported_and_not_overwritten(history: Path, tmp_path: Path) -> None:
    exported = tmp_path / "a.json"
    ok(run(history, "export", "-o", str(exported)))
    doc = json.loads(exported.read_text())
    doc["sessions"][0]["checkin"]["note"] = "edited elsewhere"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc))
    before = snapshot(history)
    result = ok(run(history, "import", str(edited)))
    assert (
        "0 added" not in result.stdout and "added 0 sessions, 4 already present, 1 rejected" in result.stdout
    )
    assert (
        "rejected" in result.stderr
        and doc["sessions"][0]["id"] in result.stderr
        and "checkin" in result.stderr
    )
    assert snapshot(history) == before


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_import_with_a_bad_session_says_one_true_count_once(
    history: Path, tmp_path: Path, dry_run: bool
) -> None:
    exported = tmp_path / "a.json"
    ok(run(history, "export", "-o", str(exported)))
    doc = json.loads(exported.read_text())
    doc["sessions"].append({**doc["sessions"][0], "id": "6f1c2d1e-9b7a-4c1e-8f00-1234567890ab"})
    doc["sessions"][1]["checkin"]["pain_after"] = 11  # six sessions, one out of range
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    result = run(tmp_path / "fresh", "import", str(path), *(["--dry-run"] if dry_run else []))
    assert result.returncode == 1, result.stderr
    said = result.stdout + result.stderr
    verb = "would add" if dry_run else "added"
    assert f"{verb} 5 sessions, 0 already present, 1 rejected" in result.stdout
    assert "sessions[1].checkin.pain_after" in result.stderr  # the rejected one, named
    for word in ("added", "imported", "refused", "rejected", "already present"):  # the count is said once
        assert said.count(word) <= 1, (word, said)
    assert len(sessions_of(tmp_path / "fresh")) == (0 if dry_run else 5)


def _hostile(tmp_path: Path, name: str) -> Path:
    good = exchange.export_document([], datetime(2025, 3, 1, tzinfo=ZoneInfo("UTC")))
    session = {
        "id": "6f1c2d1e-9b7a-4c1e-8f00-1234567890ab", "routine": "bridge",
        "started_at": "2025-03-01T07:30:00+00:00", "zone": "Europe/London", "local_date": "2025-03-01",
        "duration": 80.0, "completed": True, "hurt": False, "hurt_at": None,
        "checkin": {"pain_before": None, "pain_after": 0, "stable": None, "felt": None, "note": ""},
        "prescription": {"lifts": 2, "count": 4, "hold": 0}, "steps": [], "origin": "cli",
    }  # fmt: skip
    path = tmp_path / f"{name}.json"

    def doc_with(**changes: Any) -> str:
        return json.dumps({**good, "sessions": [{**session, **changes}]})

    if name == "not-json":
        path.write_text("this is not json")
    elif name == "wrong-tag":
        path.write_text(json.dumps({**good, "format": "someone.else"}))
    elif name == "wrong-version":
        path.write_text(json.dumps({**good, "version": 4}))
    elif name == "bad-date":
        path.write_text(doc_with(started_at="2025-02-30T07:30:00+00:00", local_date="2025-02-30"))
    elif name == "naive-date":
        path.write_text(doc_with(started_at="2025-03-01T07:30:00"))
    elif name == "local-date-mismatch":
        path.write_text(doc_with(local_date="2025-03-02"))
    elif name == "pain-11":
        path.write_text(doc_with(checkin={**session["checkin"], "pain_after": 11}))
    elif name == "duplicate-ids":
        other = {**session, "duration": 999.0}
        path.write_text(json.dumps({**good, "sessions": [session, other]}))
    elif name == "deep-nesting":
        path.write_text('{"format": "backroll.history", "sessions": ' + "[" * 100_000 + "]" * 100_000 + "}")
    elif name == "oversized":
        with open(path, "wb") as handle:
            handle.truncate(exchange.MAX_BYTES + 1)
    elif name == "not-utf8":
        path.write_bytes(b"\xff\xfe" + doc_with().encode("utf-16-le"))
    elif name == "one-good-one-bad":
        bad = {
            **session,
            "id": "7f1c2d1e-9b7a-4c1e-8f00-1234567890ab",
            "checkin": {**session["checkin"], "felt": "meh"},
        }
        path.write_text(json.dumps({**good, "sessions": [session, bad]}))
    return path


HOSTILE = ["not-json", "wrong-tag", "wrong-version", "bad-date", "naive-date", "local-date-mismatch", "pain-11",
           "duplicate-ids", "deep-nesting", "oversized", "not-utf8"]  # fmt: skip
# "one-good-one-bad" imports the good one: tests/unit/test_hostile_cli.py


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_imports_are_refused_with_nothing_written(tmp_path: Path, name: str) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-02-01 07:30"))
    before = snapshot(home)
    path = _hostile(tmp_path, name)
    args = ("import", str(path), "--dry-run") if name in ("pain-11", "not-json") else ("import", str(path))
    result = run(home, *args)
    assert result.returncode == 1, (name, result.stdout, result.stderr)
    assert "nothing was imported" in result.stderr.lower(), result.stderr
    assert result.stdout == ""
    assert snapshot(home) == before
    # Into a home that does not exist yet: not even the folder is created.
    assert run(tmp_path / "never", "import", str(path)).returncode == 1
    assert not (tmp_path / "never").exists()


def test_import_of_a_missing_file_exits_1(tmp_path: Path) -> None:
    result = run(tmp_path / "home", "import", str(tmp_path / "nope.json"))
    assert result.returncode == 1 and "does not exist" in result.stderr


# --------------------------------------------------------------------------- routines and check


def test_routines_human_and_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    human = ok(run(home, "routines")).stdout
    header, first, *rest = human.splitlines()
    assert header.split() == ["ID", "NAME", "LENGTH", "STEPS", "SOURCE"]
    assert first.startswith("bridge ") and first.endswith("000_c89e44dd2c1bee51.txt")
    check = next(line for line in rest if line.startswith("pelvic-tilt-check "))
    assert check.endswith("003_51468521fa26ba19.txt")  # every routine names the seed it comes from
    listing = json.loads(ok(run(home, "routines", "--json")).stdout)
    assert listing["version"] == 1 and set(listing) == {"version", "routines"}  # the README's table
    rows = listing["routines"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["bridge"]["kind"] == "program" and by_id["bridge"]["prescription"] == {
        "lifts": 2,
        "count": 4,
        "hold": 0,
    }
    for row in rows:
        assert set(row) >= {"id", "name", "kind", "duration_seconds", "steps", "origin", "source"}
        assert row["duration_seconds"] > 0 and row["steps"] > 0
    assert by_id["pelvic-tilt-check"]["origin"] == "builtin"


USER_ROUTINE = """\
[routine]
id = "my-morning"
name = "My morning"
source = "000_c89e44dd2c1bee51.txt"

[[routine.steps]]
pose = "hip-rocks"
kind = "reps"
reps = 10
raise = 2
lower = 2
"""


def test_routines_lists_user_files_and_their_errors(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "routines").mkdir(parents=True)
    (home / "routines" / "mine.toml").write_text(USER_ROUTINE)
    (home / "routines" / "broken.toml").write_text('[routine]\nid = "broken"\nname = 3\n')
    result = ok(run(home, "routines", "--json"))
    by_id = {r["id"]: r for r in json.loads(result.stdout)["routines"]}
    assert (
        by_id["my-morning"]["origin"].endswith("mine.toml")
        and by_id["my-morning"]["duration_seconds"] == 40.0
    )
    assert "broken" not in by_id
    assert "broken.toml" in result.stderr
    # A user routine can be logged like any other.
    ok(run(home, "log", "my-morning", "--date", "2025-03-01 07:00"))
    assert sessions_of(home)[0]["routine"] == "my-morning"


def test_check_valid_and_invalid_files(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(USER_ROUTINE)
    result = ok(run(None, "check", str(good)))
    assert "valid" in result.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(
        USER_ROUTINE.replace("reps = 10", "reps = 1000").replace('pose = "hip-rocks"', 'pose = "levitation"')
    )
    result = run(None, "check", str(bad))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith(f"{bad}:") for line in lines)
    assert any("routine.steps[0]" in line for line in lines)
    syntax = tmp_path / "syntax.toml"
    syntax.write_text("[routine\n")
    result = run(None, "check", str(syntax))
    assert result.returncode == 1 and result.stderr.startswith(f"{syntax}:1:")
    missing = run(None, "check", str(tmp_path / "missing.toml"))
    assert missing.returncode == 1 and "missing.toml" in missing.stderr


# --------------------------------------------------------------------------- the app and the demo


def test_no_subcommand_without_a_terminal_refuses_politely(tmp_path: Path) -> None:
    result = run(tmp_path / "home")
    assert result.returncode == 1
    assert "needs a terminal" in result.stderr


def test_demo_fills_a_private_temp_home(tmp_path: Path) -> None:
    result = ok(run(None, "demo", "--no-app", env={"TMPDIR": str(tmp_path)}))
    home = Path(result.stdout.strip())
    try:
        assert home.parent == tmp_path and stat.S_IMODE(home.stat().st_mode) == 0o700
        data = json.loads(ok(run(home, "status", "--json")).stdout)
        assert data["practice_days"] >= 30 and data["current_streak"] >= 1
        assert data["last_practice"] == (date.fromisoformat(data["today"]) - timedelta(days=1)).isoformat()
        sessions = sessions_of(home)
        assert len(sessions) >= 35 and all(s["origin"] == "demo" for s in sessions)
    finally:
        import shutil

        shutil.rmtree(home, ignore_errors=True)


class FakeApp:
    ran: list[Any] = []

    def __init__(self, service: Any) -> None:
        self.service = service
        self.return_code = 0

    def run(self) -> None:
        FakeApp.ran.append(self.service)


def test_the_app_is_imported_lazily_and_gets_the_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("tracker.ui.app")
    module.make_app = lambda service, **_: FakeApp(service)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tracker.ui.app", module)
    monkeypatch.setattr(cli_app, "_isatty", lambda stream: True)
    FakeApp.ran = []
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["--home", str(tmp_path / "home")], stdout=out, stderr=err) == 0
    # `backroll` hands the app a way to open the service (on first use, after the first frame), not the service.
    [open_service] = FakeApp.ran
    assert callable(open_service)
    with open_service() as service:
        assert service.home == tmp_path / "home"
    # The demo opens the same app on its own temp home, removed afterwards.
    FakeApp.ran = []
    assert cli.main(["demo", "--days", "10"], stdout=out, stderr=err) == 0
    [demo] = FakeApp.ran
    assert demo.home != tmp_path / "home" and not demo.home.exists()


def test_a_missing_ui_is_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tracker.ui.app", None)  # makes the import fail
    monkeypatch.setattr(cli_app, "_isatty", lambda stream: True)
    err = io.StringIO()
    assert cli.main(["--home", str(tmp_path / "home")], stdout=io.StringIO(), stderr=err) == 1
    assert "app is not available" in err.getvalue()


def test_cli_module_does_not_import_textual() -> None:
    code = "import sys, tracker.cli; print(any(m.startswith('textual') for m in sys.modules))"
    assert (
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        == "False"
    )


def test_a_system_without_posix_gets_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr(os, "name", "nt")
    code = cli.main(["status"], stdout=io.StringIO(), stderr=err)
    monkeypatch.undo()
    assert code == 1 and err.getvalue().count("\n") == 1 and "POSIX" in err.getvalue()


def test_dates_can_be_said_as_today_yesterday_or_days_ago(tmp_path: Path) -> None:
    from datetime import date as _date
    from datetime import timedelta as _timedelta

    from tracker.cli.common import relative_day

    today = _date(2026, 3, 10)
    assert relative_day("today", today) == today
    assert relative_day("Yesterday", today) == _date(2026, 3, 9)
    assert relative_day("-3d", today) == _date(2026, 3, 7)
    assert relative_day("3d", today) is None and relative_day("2026-03-01", today) is None
    home = tmp_path / "home"
    ok(run(home, "log", "gentle-floor-set", "--date", "yesterday 07:30"))
    ok(run(home, "log", "gentle-floor-set", "--date", "-2d"))
    days = sorted(s["local_date"] for s in sessions_of(home))
    real_today = _date.today()
    assert days == [
        (real_today - _timedelta(days=2)).isoformat(),
        (real_today - _timedelta(days=1)).isoformat(),
    ]
    first = min(sessions_of(home), key=lambda s: s["local_date"])
    data = json.loads(ok(run(home, "status", "--json", "--today", "yesterday")).stdout)
    assert data["today"] == (real_today - _timedelta(days=1)).isoformat()
    assert "yesterday" not in first["started_at"]
    bad = run(home, "status", "--today", "someday")
    assert bad.returncode == 1 and "today, yesterday or -3d" in bad.stderr


def test_the_readme_documents_every_field_of_routines_json(tmp_path: Path) -> None:
    import re

    readme = (ROOT / "README.md").read_text()
    section = readme.split("`routines --json` prints one object", 1)[1].split("\n\n", 3)
    table = next(part for part in section if part.startswith("| field"))
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, re.M))
    listing = json.loads(ok(run(tmp_path / "home", "routines", "--json")).stdout)
    fields = set(listing) | {key for row in listing["routines"] for key in row}
    assert documented == fields


def test_read_only_commands_do_not_create_the_data_folder(tmp_path: Path) -> None:
    home = tmp_path / "never-made"
    assert "bridge" in ok(run(home, "routines")).stdout
    listing = json.loads(ok(run(home, "routines", "--json")).stdout)
    assert {r["id"] for r in listing["routines"]} >= {"bridge", "floor-flow"}
    ok(run(home, "routines", "floor-flow", "--json"))
    data = json.loads(ok(run(home, "status", "--json")).stdout)
    assert data["practice_days"] == 0 and data["advice"]["kind"] == "start" and data["program"]["lifts"] == 2
    assert "Streak: 0 days" in ok(run(home, "status")).stdout
    ok(run(home, "check", str(ROOT / "content" / "routines" / "floor-flow.toml")))
    exported = json.loads(ok(run(home, "export")).stdout)  # an empty export: nothing saved yet
    assert exported["sessions"] == [] and exported["usual_pain"] == []
    assert ok(run(home, "export", "--format", "csv")).stdout.count("\n") == 1  # the header alone
    assert not home.exists()
    ok(run(home, "log", "gentle-floor-set"))  # the first write makes it, private
    assert home.is_dir() and stat.S_IMODE(home.stat().st_mode) == 0o700
    assert json.loads(ok(run(home, "status", "--json")).stdout)["practice_days"] == 1


def test_one_of_anything_is_said_in_the_singular(tmp_path: Path) -> None:
    """A person who logged 1 lift reads "1 lift" in the report (HTML and Markdown), status and the calendar."""
    import re

    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-03-03 07:30", "--lifts", "1"))
    ok(run(home, "log", "bridge", "--date", "2025-03-10 07:30", "--lifts", "1", "--hurt"))
    said = {
        "report md": ok(run(home, "report", "--format", "md", "--until", "2025-03-11", "-o", "-")).stdout,
        "report html": ok(run(home, "report", "--until", "2025-03-11", "-o", "-")).stdout,
        "status": ok(run(home, "status", "--today", "2025-03-11")).stdout,
        "calendar": ok(run(home, "calendar", "--preview", "--minutes", "1")).stdout,
    }
    assert "| Next bridge session | 1 lift, counts of 4, no hold |" in said["report md"]
    assert "1 lift, counts of 4" in said["report html"] and "1 session on 1 day" in said["report html"]
    assert "for 1 minute," in said["calendar"]
    for where, text in said.items():
        wrong = re.findall(
            r"(?<![\d.])1 (?:lifts|sessions|days|counts|steps|minutes|reps|weeks|records|stops)\b", text
        )
        assert not wrong, (where, wrong)


SAVES_NOTHING = [  # (arguments, exit code): commands that save nothing, so they may not make the data folder
    (("status",), 0), (("status", "--json"), 0), (("routines",), 0), (("routines", "bridge"), 0), (("export",), 0),
    (("calendar", "--preview"), 0), (("report", "-o", "-"), 0), (("report", "--format", "md", "-o", "-"), 0),
    (("sync-check",), 0), (("sync-check", "--json"), 0), (("usual-pain", "--list"), 0),
    (("report", "-o", "/nonexistent/dir/x.html"), 1), (("calendar", "-o", "/nonexistent/x.ics"), 1),
    (("export", "-o", "/nonexistent/x.json"), 1), (("routines", "nope"), 1),
]  # fmt: skip


@pytest.mark.parametrize("args, code", SAVES_NOTHING, ids=[" ".join(a) for a, _ in SAVES_NOTHING])
def test_a_command_that_saves_nothing_creates_nothing(
    tmp_path: Path, args: tuple[str, ...], code: int
) -> None:
    """On a home that does not exist, and on an empty one: no lock, no data folder, no device id, no file."""
    missing, empty = tmp_path / "missing", tmp_path / "empty"
    empty.mkdir(mode=0o700)
    for home in (missing, empty):
        result = run(home, *args)
        assert result.returncode == code, (home, result.stderr)
        assert "Traceback" not in result.stderr
    assert not missing.exists()
    assert list(empty.iterdir()) == []


def test_a_refused_output_file_writes_nothing_in_a_home_with_history(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-03-01 07:30"))
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    for args in (("report", "-o", "/nonexistent/dir/x.html"), ("calendar", "-o", "/nonexistent/x.ics")):
        result = run(home, *args)
        assert (
            result.returncode == 1 and "/nonexistent" in result.stderr and "does not exist" in result.stderr
        )
    assert {p: p.read_bytes() for p in home.rglob("*") if p.is_file()} == before


def test_every_command_of_the_parser_has_its_function() -> None:
    """Commands are imported when they run (tracker.cli.COMMANDS): each name the parser knows resolves."""
    import argparse

    from tracker.cli import COMMANDS, command
    from tracker.cli.parser import _parser

    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices.keys()) | {None} == set(
        COMMANDS
    )  # keys(): listing the choices leaves out `_serve-app`
    for name in COMMANDS:
        assert callable(command(name)), name


def test_log_prints_the_streak_status_gives_after_it(tmp_path: Path) -> None:
    """`log` counts the new session's day into the practice days its first read gave (it does not read the
    history a second time): the streak it prints is the one `status` gives right after."""
    home = tmp_path / "home"
    today = datetime.now(ZoneInfo(ZONE)).date()
    for back in (3, 1, 2, 0):  # a gap closed by a late entry, then today
        day = today - timedelta(days=back)
        out = ok(run(home, "log", "pelvic-tilt-check", "--date", f"{day} 07:{10 + back:02d}")).stdout
        streak = json.loads(ok(run(home, "status", "--json")).stdout)["current_streak"]
        assert f"Current streak: {streak} day" in out, (back, out)
    assert streak == 4
