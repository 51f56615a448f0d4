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
