"""Every SVG under __snapshots__ belongs to a test that exists (with the same parameters).

syrupy fails a run that leaves a snapshot unused, but only in one process: under pytest-xdist
(`make test`) no worker sees every test, so it skips that check. This test does it instead, from
pytest's own collection of the snapshot modules.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).parent / "__snapshots__"


def test_every_snapshot_file_has_its_test() -> None:
    modules = sorted(p.name for p in SNAPSHOTS.iterdir() if p.is_dir())
    assert modules, SNAPSHOTS
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
        + [f"tests/ui/{m}.py" for m in modules],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    # "tests/ui/test_snapshots.py::test_today[80x24]" -> "test_snapshots/test_today[80x24].svg"
    tests = {
        f"{line.split('::')[0].removeprefix('tests/ui/').removesuffix('.py')}/{line.split('::')[1]}.svg"
        for line in result.stdout.splitlines()
        if "::" in line
    }
    files = {str(p.relative_to(SNAPSHOTS)) for p in SNAPSHOTS.rglob("*.svg")}
    assert tests, result.stdout
    assert files - tests == set(), "snapshots no test takes (delete them, or run make test-snapshot-update)"
