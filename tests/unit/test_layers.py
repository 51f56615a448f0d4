"""The core never loads Textual, even indirectly, and the contract is enforced by import-linter too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = [
    "tracker.model",
    "tracker.paths",
    "tracker.content",
    "tracker.runner",
    "tracker.streaks",
    "tracker.progression",
    "tracker.store",
    "tracker.exchange",
    "tracker.service",
    "tracker.checkpoint",
    "tracker.resume",
    "tracker.cli",
]


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_load_textual(module: str) -> None:
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"{module} loads Textual: {result.stdout.strip()}"


def test_no_textual_import_statement_outside_ui() -> None:
    offenders = []
    for path in (ROOT / "tracker").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "tracker").parts[:1]:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith(("import textual", "from textual")):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []
