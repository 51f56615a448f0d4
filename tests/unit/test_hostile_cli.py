"""Issue 13 through real `backroll` processes: hostile homes, files and arguments."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.unit.test_cli import ok, run, snapshot


def test_a_symlinked_month_file_is_refused_loudly_and_never_replaced(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "2025-03-01 07:30"))
    month = home / "data" / "sessions-2025-03.json"
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
    assert dry.returncode == 1 and "would import 1, refused 1" in dry.stderr
    result = run(home, "import", str(path))
    assert result.returncode == 1, result.stderr
    assert "sessions[1].checkin.felt" in result.stderr and "imported 1, refused 1" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(json.loads(ok(run(home, "export")).stdout)["sessions"]) == 2
    again = run(home, "import", str(path))  # idempotent: the good one is present, the bad one still refused
    assert again.returncode == 1 and "imported 0, refused 1" in again.stderr


def test_a_session_from_1930_amsterdam_exports_and_imports_again(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run(home, "log", "bridge", "--date", "1930-06-01 07:30", zone="Europe/Amsterdam"))
    exported = ok(run(home, "export", zone="Europe/Amsterdam")).stdout
    assert "+01:19:32" in exported or "+00:19:32" in exported
    path = tmp_path / "export.json"
    path.write_text(exported)
    result = ok(run(tmp_path / "other", "import", str(path)))
    assert "added 1 session" in result.stdout
    assert json.loads(ok(run(tmp_path / "other", "export")).stdout)["sessions"] == json.loads(exported)["sessions"]


def test_a_routine_that_would_log_more_steps_than_import_allows_is_refused_by_check(tmp_path: Path) -> None:
    from tracker.model.limits import MAX_RESULTS

    routine = tmp_path / "long.toml"
    steps = '[[routine.steps]]\npose = "back-roll"\nkind = "rest"\nduration = 1\nrepeats = 20\n'
    count = MAX_RESULTS // (20 * 10) + 1  # just over the limit at 10 rounds
    routine.write_text(f'[routine]\nid = "long"\nname = "Long"\nrepeats = 10\n\n' + steps * count)
    result = run(tmp_path / "home", "check", str(routine))
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout + result.stderr
    assert f"limit is {MAX_RESULTS}" in out and "long.toml" in out and "routine.steps" in out
