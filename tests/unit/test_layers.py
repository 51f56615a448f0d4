"""The core never loads Textual, even indirectly, and the contract is enforced by import-linter too.

The core is the sources of the import-linter contract "The core never imports Textual" in pyproject.toml,
read from there: it is declared once.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = {
    contract["name"]: contract
    for contract in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
}
NO_TEXTUAL = "The core never imports Textual"
NO_UI = "The core never imports the UI"
ONLY_SERVICE = "The UI reaches the core only through the service (and the shared records)"
# The command line starts the UI and the web server (tracker.ui, imported inside the commands that run them),
# so it is in no contract's sources; importing it still loads no Textual.
LAUNCHER = "tracker.cli"
CORE = sorted([*CONTRACTS[NO_TEXTUAL]["source_modules"], LAUNCHER])


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
    """A new top-level module of tracker/ must be listed in pyproject's import contracts (TOML cannot share
    one list between them: they are held the same here)."""
    found = {
        f"tracker.{p.stem}" for p in (ROOT / "tracker").glob("*.py") if p.stem not in ("__init__", "__main__")
    }
    found |= {
        f"tracker.{p.name}"
        for p in (ROOT / "tracker").iterdir()
        if (p / "__init__.py").is_file() and p.name != "ui"
    }
    assert found == set(CORE)
    core = set(CONTRACTS[NO_TEXTUAL]["source_modules"])
    assert set(CONTRACTS[NO_UI]["source_modules"]) == core
    seam = {"tracker.service", "tracker.model"}  # all of the core the UI may name
    assert set(CONTRACTS[ONLY_SERVICE]["forbidden_modules"]) == (core - seam) | {LAUNCHER}
