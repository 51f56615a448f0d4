"""Shell completion is generated from the parser: every command and option completes, in a real bash."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.cli.completion import completion_script, describe
from tracker.cli.parser import _parser


def script(shell: str, tmp_path: Path) -> Path:
    result = subprocess.run([sys.executable, "-m", "tracker", "completion", shell], capture_output=True, text=True, check=True)
    path = tmp_path / f"backroll.{shell}"
    path.write_text(result.stdout)
    return path


def complete(path: Path, tmp_path: Path, *words: str) -> list[str]:
    """COMPREPLY for the command line `backroll WORDS...` (the last word being completed)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "backroll"
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m tracker \"$@\"\n")
    shim.chmod(0o755)
    line = " ".join(f"'{w}'" for w in ("backroll", *words))
    code = f"source {path}; COMP_WORDS=({line}); COMP_CWORD={len(words)}; _backroll; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "BACKROLL_HOME": str(tmp_path / "home")}
    result = subprocess.run(["bash", "-c", code], capture_output=True, text=True, env=env, check=True)
    return [w for w in result.stdout.split("\n") if w]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_options_choices_and_routines(tmp_path: Path) -> None:
    path = script("bash", tmp_path)
    assert complete(path, tmp_path, "st") == ["status"]
    assert set(complete(path, tmp_path, "")) >= {"status", "log", "export", "import", "usual-pain", "completion"}
    assert complete(path, tmp_path, "export", "--format", "") == ["json", "csv"]
    assert complete(path, tmp_path, "log", "--stable", "u") == ["unsure"]
    assert "--pain-after" in complete(path, tmp_path, "log", "--pain")
    assert complete(path, tmp_path, "log", "bridge-s") == ["bridge-series-next"]  # routine ids, asked at the time


def test_every_option_of_the_parser_is_in_every_script() -> None:
    tree = describe(_parser())
    for shell in ("bash", "zsh", "fish"):
        text = completion_script(shell, _parser())
        for command, options in tree.items():
            assert not command or command in text, (shell, command)
            for option in options:
                if option.startswith("--"):
                    name = option if shell != "fish" else f"-l {option[2:]}"
                    assert name in text, (shell, command, option)


def test_an_unknown_shell_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "tracker", "completion", "tcsh"], capture_output=True, text=True)
    assert result.returncode == 2 and "invalid choice" in result.stderr
