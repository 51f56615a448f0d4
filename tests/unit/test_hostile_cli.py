"""Issue 13 through real `backroll` processes: hostile homes, files and arguments."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.unit.test_cli import ok, run, snapshot


def test_a_symlinked_month_file_is_refused_loudly_and_never_replaced(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-03-01 07:30"))
    [month] = (home / "data").glob("sessions-2025-03.*.json")  # this machine's month file (issue 18)
    elsewhere = tmp_path / "kept-elsewhere.json"
    month.rename(elsewhere)
    month.symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    for args in (("status",), ("export",), ("log", "bridge", "--date", "2025-03-02 07:30")):
        result = run(home, *args)
        assert result.returncode == 3, (args, result.stderr)
        assert str(month) in result.stderr and "symbolic link" in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert month.is_symlink() and elsewhere.read_bytes() == before


def test_one_bad_session_does_not_block_the_others(tmp_path: Path) -> None:
    from tests.unit.test_cli import _hostile

    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-02-01 07:30"))
    path = _hostile(tmp_path, "one-good-one-bad")
    dry = run(home, "import", str(path), "--dry-run")
    assert dry.returncode == 1 and "would add 1 session, 0 already present, 1 rejected" in dry.stdout
    result = run(home, "import", str(path))
    assert result.returncode == 1, result.stderr
    assert (
        "sessions[1].checkin.felt" in result.stderr
        and "added 1 session, 0 already present, 1 rejected" in result.stdout
    )
    assert "Traceback" not in result.stderr
    assert len(json.loads(ok(run(home, "export")).stdout)["sessions"]) == 2
    again = run(home, "import", str(path))  # idempotent: the good one is present, the bad one still refused
    assert again.returncode == 1 and "added 0 sessions, 1 already present, 1 rejected" in again.stdout


def test_a_session_from_1930_amsterdam_exports_and_imports_again(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "1930-06-01 07:30", zone="Europe/Amsterdam"))
    exported = ok(run(home, "export", zone="Europe/Amsterdam")).stdout
    assert "+01:19:32" in exported or "+00:19:32" in exported
    path = tmp_path / "export.json"
    path.write_text(exported)
    result = ok(run(tmp_path / "other", "import", str(path)))
    assert "added 1 session" in result.stdout
    assert (
        json.loads(ok(run(tmp_path / "other", "export")).stdout)["sessions"]
        == json.loads(exported)["sessions"]
    )


def test_a_routine_that_would_log_more_steps_than_import_allows_is_refused_by_check(tmp_path: Path) -> None:
    from tracker.model.limits import MAX_RESULTS

    routine = tmp_path / "long.toml"
    steps = '[[routine.steps]]\npose = "back-roll"\nkind = "rest"\nduration = 1\nrepeats = 20\n'
    count = MAX_RESULTS // (20 * 10) + 1  # just over the limit at 10 rounds
    routine.write_text('[routine]\nid = "long"\nname = "Long"\nrepeats = 10\n\n' + steps * count)
    result = run(tmp_path / "home", "check", str(routine))
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout + result.stderr
    assert f"limit is {MAX_RESULTS}" in out and "long.toml" in out and "routine.steps" in out


BROKEN_USER_FILES = {
    "deep-nesting.toml": '[routine]\nid = "deep"\nname = "Deep"\nsteps = ' + "[" * 1500 + "]" * 1500 + "\n",
    "huge-float.toml": '[routine]\nid = "big"\nname = "Big"\n[[routine.steps]]\npose = "back-roll"\nkind = "rest"\nduration = '
    + "9" * 1900
    + "\n",
    "huge-int.toml": '[routine]\nid = "big2"\nname = "Big"\nrepeats = ' + "9" * 5000 + "\n",
}


def test_a_broken_user_routine_file_never_stops_the_built_ins(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "routines").mkdir(parents=True)
    for name, text in BROKEN_USER_FILES.items():
        (home / "routines" / name).write_text(text)
    result = ok(run(home, "routines", "--json"))
    assert "bridge" in {r["id"] for r in json.loads(result.stdout)["routines"]}
    for name in BROKEN_USER_FILES:
        assert name in result.stderr
    assert "Traceback" not in result.stderr
    ok(run(home, "status"))
    for name in BROKEN_USER_FILES:
        checked = run(home, "check", str(home / "routines" / name))
        assert checked.returncode == 1 and name in checked.stdout + checked.stderr
        assert "Traceback" not in checked.stderr


def test_check_and_import_refuse_devices_and_fifos_without_hanging(tmp_path: Path) -> None:
    home = tmp_path / "home"
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for special in ("/dev/zero", "/dev/urandom", str(fifo)):
        for command in ("check", "import"):
            result = run(home, command, special)
            assert result.returncode == 1, (command, special, result.stderr)
            assert (
                special in result.stdout + result.stderr and "regular file" in result.stdout + result.stderr
            )
            assert "Traceback" not in result.stderr
    assert not home.exists()


def test_import_from_standard_input_given_on_purpose(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.unit.test_cli import ROOT

    source = tmp_path / "a"
    ok(run(source, "log", "bridge", "--date", "2025-03-01 07:30"))
    exported = ok(run(source, "export")).stdout
    env = {k: v for k, v in os.environ.items() if k != "BACKROLL_HOME"}
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "--home", str(tmp_path / "b"), "import", "-"],
        input=exported,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "added 1 session" in result.stdout


def _export_with(tmp_path: Path, **changes: object) -> Path:
    """A real export of one logged session, with `changes` made to that session."""
    source = tmp_path / "source"
    if not source.exists():
        ok(run(source, "log", "bridge", "--date", "2025-03-01 07:30", "--note", "fine"))
    doc = json.loads(ok(run(source, "export")).stdout)
    session = doc["sessions"][0]
    for key, value in changes.items():
        if key == "note":
            session["checkin"]["note"] = value
        else:
            session[key] = value
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(doc))  # ensure_ascii: a lone surrogate is written as \ud800
    return path


def test_a_lone_surrogate_in_an_imported_note_is_refused_with_its_path(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = run(home, "import", str(_export_with(tmp_path, note="a\ud800b")))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "sessions[0].checkin.note" in result.stderr and "surrogate" in result.stderr
    assert not home.exists()  # nothing valid: nothing opened, nothing written


def test_a_5000_digit_number_in_an_import_is_named_by_its_json_path(tmp_path: Path) -> None:
    path = _export_with(tmp_path)
    path.write_text(path.read_text().replace('"duration": ', '"duration": ' + "9" * 5000 + ', "x": ', 1))
    result = run(tmp_path / "home", "import", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "sessions[0].duration" in result.stderr


def test_odd_bytes_in_note_are_refused_in_one_sentence(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-03-01 07:30"))
    before = snapshot(home)
    result = run(
        home, "log", "bridge", "--date", "2025-03-02 07:30", "--note", "bad\udcffbyte"
    )  # argv: surrogateescape
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "--note" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert snapshot(home) == before


def test_dates_at_the_edges_of_the_calendar_are_refused_not_tracebacks(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-03-01 07:30"))
    before = snapshot(home)
    for args in (
        ("log", "bridge", "--date", "0001-01-01"), ("log", "bridge", "--date", "0001-01-01 00:10"),
        ("log", "bridge", "--date", "9999-12-31 23:59"), ("status", "--today", "0001-01-01"),
        ("status", "--today", "9999-12-31"), ("usual-pain", "3", "--date", "0001-01-02"),
    ):  # fmt: skip
        result = run(home, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr and "outside the days" in result.stderr, (args, result.stderr)
    assert snapshot(home) == before


def test_status_far_in_the_future_is_quick(tmp_path: Path) -> None:
    import time

    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-03-01 07:30"))
    started = time.monotonic()
    result = ok(run(home, "status", "--today", "9000-12-30", "--json"))
    assert time.monotonic() - started < 5
    assert json.loads(result.stdout)


def test_a_home_that_is_a_file_cannot_be_opened_exit_3_naming_it(tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("mine")
    for home in (a_file, a_file / "below"):
        for args in (("status",), ("export",), ("log", "bridge")):
            result = run(None, *args, env={"BACKROLL_HOME": str(home)})
            assert result.returncode == 3, (home, args, result.stderr)
            assert str(a_file) in result.stderr and "not a folder" in result.stderr
            assert "Traceback" not in result.stderr
    assert a_file.read_text() == "mine"


def test_a_posix_tz_is_mapped_and_an_unknown_one_is_said_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-03-01 07:30", zone="UTC+3"))
    session = json.loads(ok(run(home, "export", zone="UTC+3")).stdout)["sessions"][0]
    assert session["zone"] == "Etc/GMT+3" and session["started_at"].endswith("-03:00")  # POSIX: 3 hours west
    result = ok(run(home, "status", zone="EST5EDT,M3.2.0,M11.1.0"))
    assert result.stderr.count("is not a time zone Backroll understands") == 1


def test_export_to_a_full_device_is_one_sentence(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.unit.test_cli import ROOT

    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-03-01 07:30"))
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "tracker", "--home", str(home), "export"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
    assert result.returncode == 1 and "standard output" in result.stderr and "Traceback" not in result.stderr


def test_an_unexpected_error_is_one_line_and_a_private_crash_report(tmp_path: Path) -> None:
    import io
    import stat

    from tracker import cli

    class Exploding(io.StringIO):  # an output stream that fails in a way no command expects
        def write(self, text: str) -> int:
            raise RuntimeError("the terminal went away in an odd way")

    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    err = io.StringIO()
    code = cli.main(["--home", str(home), "export", "--schema"], stdout=Exploding(), stderr=err)
    assert code == 4
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and "RuntimeError" in lines[0] and "Traceback" not in lines[0]
    reports = list((home / "crash-reports").iterdir())
    assert len(reports) == 1 and str(reports[0]) in lines[0]
    assert stat.S_IMODE(reports[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "crash-reports").stat().st_mode) == 0o700
    assert "the terminal went away" in reports[0].read_text()


def test_export_o_writes_to_what_the_path_is_and_never_swaps_it(tmp_path: Path) -> None:
    import stat
    import threading

    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-03-01 07:30"))
    # A symlink: its target is written atomically, the link stays.
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    ok(run(home, "export", "-o", str(link)))
    assert link.is_symlink() and json.loads(target.read_text())["sessions"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    # A character device: written through, still a device.
    ok(run(home, "export", "-o", "/dev/null"))
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    # A FIFO with a reader: written through, still a FIFO.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(open(fifo, "rb").read()))
    reader.start()
    ok(run(home, "export", "-o", str(fifo)))
    reader.join(timeout=30)
    assert json.loads(received[0])["sessions"] and stat.S_ISFIFO(os.stat(fifo).st_mode)
    # A FIFO nobody reads: refused at once, not a hang.
    lonely = tmp_path / "lonely"
    os.mkfifo(lonely)
    result = run(home, "export", "-o", str(lonely))
    assert result.returncode == 1 and "no program is reading" in result.stderr
    assert stat.S_ISFIFO(os.stat(lonely).st_mode)


def test_a_huge_number_nested_in_the_envelope_is_a_message_not_a_crash(tmp_path: Path) -> None:
    """Found by the fuzzer (tests/reliability/hostile.py): _show could not print a HugeNumber inside a list."""
    path = tmp_path / "nested.json"
    path.write_text('{"format": [' + "9" * 5000 + '], "version": 2, "sessions": []}')
    result = run(tmp_path / "home", "import", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr and "unexpected" not in result.stderr
    assert "format: must be 'backroll.history'" in result.stderr and "5000 digits" in result.stderr
