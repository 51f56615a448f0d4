"""The core never loads Textual, even indirectly, and the contract is enforced by import-linter too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = [
    "tracker.braille",
    "tracker.briefing",
    "tracker.checkpoint",
    "tracker.cli",
    "tracker.content",
    "tracker.cues",
    "tracker.dayafter",
    "tracker.demo",
    "tracker.exchange",
    "tracker.figure",
    "tracker.files",
    "tracker.ics",
    "tracker.inert",
    "tracker.model",
    "tracker.pain",
    "tracker.paths",
    "tracker.plan",
    "tracker.practice",
    "tracker.progression",
    "tracker.quick",
    "tracker.report",
    "tracker.resume",
    "tracker.runner",
    "tracker.service",
    "tracker.sessions",
    "tracker.status",
    "tracker.status_cache",
    "tracker.store",
    "tracker.streaks",
    "tracker.untrusted",
    "tracker.zones",
]


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_load_textual(module: str) -> None:
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"{module} loads Textual: {result.stdout.strip()}"


def test_no_textual_import_statement_outside_ui() -> None:
    offenders = []
    for path in (ROOT / "tracker").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "tracker").parts[:1]:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            stripped = line.strip()
            # textual_serve (`backroll serve`) is a web server that starts the app as a command; it loads no Textual.
            if stripped.startswith(("import textual", "from textual")) and not stripped.startswith(
                ("import textual_serve", "from textual_serve")
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def test_every_core_module_is_in_the_contracts() -> None:
    """A new top-level module of tracker/ must be listed here and in pyproject's import contracts."""
    found = {
        f"tracker.{p.stem}" for p in (ROOT / "tracker").glob("*.py") if p.stem not in ("__init__", "__main__")
    }
    found |= {
        f"tracker.{p.name}"
        for p in (ROOT / "tracker").iterdir()
        if (p / "__init__.py").is_file() and p.name != "ui"
    }
    assert found == set(CORE)
    contracts = (ROOT / "pyproject.toml").read_text()
    assert all(f'"{module}"' in contracts for module in CORE if module != "tracker.cli")
