"""Shell completion, written by shtab from the parser, asked of a real bash, a real zsh and a real fish.

Each shell sources the script `backroll completion SHELL` prints and is asked to complete a command
line, the way it does when Tab is pressed: bash through its completion function (COMP_WORDS), zsh
interactively on a pseudo-terminal (its completion system only runs inside the line editor), fish
through `complete -C`. Routine ids come from a real `backroll` on the PATH (a shim running this
checkout) reading a real home. Without one of the shells the test skips here and fails under CI
(CI=true), where .ci/run installs them.
"""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tracker.cli import COMMANDS

SHELLS = ("bash", "zsh", "fish")
PUBLIC_COMMANDS = sorted(c for c in COMMANDS if c and not c.startswith("_"))
ROOT = Path(__file__).resolve().parents[2]


def need(shell: str) -> None:
    if shutil.which(shell) is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{shell} is not installed; under CI it must be (.ci/run installs it with apt-get)")
        pytest.skip(f"{shell} is not installed")


class Shell:
    """A folder with one shell's script, a `backroll` shim on the PATH, a home and a file to complete."""

    def __init__(self, shell: str, tmp: Path) -> None:
        self.shell, self.tmp = shell, tmp
        result = subprocess.run(
            [sys.executable, "-m", "tracker", "completion", shell],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        # zsh loads a completion from a file named for it (_backroll) in a folder on $fpath.
        self.script = tmp / "zfunc" / "_backroll" if shell == "zsh" else tmp / f"backroll.{shell}"
        self.script.parent.mkdir(exist_ok=True)
        self.script.write_text(result.stdout)
        bin_dir = tmp / "bin"
        bin_dir.mkdir(exist_ok=True)
        shim = bin_dir / "backroll"
        shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m tracker "$@"\n')
        shim.chmod(0o755)
        self.cwd = tmp / "cwd"
        self.cwd.mkdir(exist_ok=True)
        (self.cwd / "export.json").write_text("{}")
        self.env = {
            **os.environ,
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "PYTHONPATH": str(ROOT),
            "BACKROLL_HOME": str(tmp / "home"),
            "HOME": str(tmp),
            "ZDOTDIR": str(tmp),
            "XDG_CONFIG_HOME": str(tmp / "config"),
            "XDG_DATA_HOME": str(tmp / "data"),
            "TERM": "xterm",
        }

    def complete(self, line: str) -> list[str]:
        """What the shell offers for `backroll LINE`: its last word completed (trailing space: a new word)."""
        if self.shell == "bash":
            return self._bash(line)
        if self.shell == "fish":
            return self._fish(line)
        return self._zsh([line])[0]

    def complete_all(self, lines: list[str]) -> list[list[str]]:
        if self.shell == "zsh":  # one interactive zsh for all: each start runs compinit
            return self._zsh(lines)
        return [self.complete(line) for line in lines]

    def _bash(self, line: str) -> list[str]:
        words = ["backroll", *line.split(" ")]
        quoted = " ".join("'" + w + "'" for w in words)
        code = (
            f"source {self.script}\n"
            # the function the script registered for backroll (`complete -F FUNCTION backroll`)
            'function=$(complete -p backroll | sed -E "s/.*-F ([^ ]+).*/\\1/")\n'
            f"COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}\n"
            f"COMP_LINE='backroll {line}'; COMP_POINT=${{#COMP_LINE}}\n"
            '"$function" backroll "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"\n'
            'printf "%s\\n" "${COMPREPLY[@]}"\n'
        )
        result = subprocess.run(
            ["bash", "--norc", "--noprofile", "-c", code],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.cwd,
            check=True,
            timeout=120,
        )
        return [w for w in result.stdout.split("\n") if w]

    def _fish(self, line: str) -> list[str]:
        code = f"source {self.script}; complete -C 'backroll {line}'"
        result = subprocess.run(
            ["fish", "--no-config", "-c", code],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.cwd,
            check=True,
            timeout=120,
        )
        return [w.split("\t")[0] for w in result.stdout.split("\n") if w]  # "candidate<TAB>description"

    def _zsh(self, lines: list[str]) -> list[list[str]]:
        """Type each line and Tab into an interactive zsh; compadd, wrapped, writes each match to a file."""
        out = self.tmp / "zsh-matches"
        out.write_text("")
        setup = (
            f"fpath=({self.script.parent} $fpath); autoload -Uz compinit; compinit -u -D\n"
            # no listing and no "do you wish to see all" question: the keys that follow are not eaten
            "unsetopt auto_list list_ambiguous list_beep beep\n"
            # the matches of each compadd (after zsh's own filtering by the word typed), then the real one;
            # the calls that only collect (-O, -A, -D: _describe's own) pass through
            'compadd() { if [[ " $* " == *" -"[OAD]" "* ]]; then builtin compadd "$@"; return; fi\n'
            '  local -a _m; builtin compadd -O _m "$@"; (( ${#_m} )) && print -rl -- "${_m[@]}" >> '
            + str(out)
            + "\n"
            '  builtin compadd "$@"; }\n'
            f"print -r -- __ready__ >> {out}\n"
        )
        master, slave = pty.openpty()
        zsh = subprocess.Popen(
            ["zsh", "-f", "-i"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
        )
        os.close(slave)
        screen: list[bytes] = []

        def drain() -> None:  # read what zsh draws, or it blocks on a full terminal
            while True:
                try:
                    data = os.read(master, 4096)
                except OSError:
                    return
                if not data:
                    return
                screen.append(data)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()

        def wait_for(marker: str) -> list[str]:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                seen = out.read_text().split("\n")
                if marker in seen:
                    return seen[: seen.index(marker)]
                time.sleep(0.05)
            raise AssertionError(f"zsh did not answer; its screen: {b''.join(screen)[-2000:]!r}")

        try:
            os.write(master, setup.encode())
            wait_for("__ready__")
            found = []
            for line in lines:
                out.write_text("")
                # Tab completes; Ctrl-U clears the line; the marker says zsh is done with it
                os.write(master, f"backroll {line}\t\x15print -r -- __done__ >> {out}\n".encode())
                found.append(wait_for("__done__"))
            os.write(master, b"exit\n")
            zsh.wait(timeout=30)
        finally:
            if zsh.poll() is None:
                zsh.kill()
                zsh.wait()
            os.close(master)
            reader.join(timeout=5)
        return found


# (command line after `backroll `, what the shell offers)
CASES = [
    ("st", ["status"]),
    ("export --format ", ["csv", "json"]),
    ("report --format ", ["html", "md", "pdf"]),
    ("log --stable u", ["unsure"]),
    ("log --pain", ["--pain-after", "--pain-before"]),
    ("log bridge-s", ["bridge-series-next"]),  # routine ids, asked of backroll at the time
    ("session gentle", ["gentle-floor-set"]),
    ("routines pelvic", ["pelvic-tilt-check"]),
    ("completion ", ["bash", "fish", "zsh"]),
    ("import ex", ["export.json"]),  # files
    ("", PUBLIC_COMMANDS),  # every command, none of the internal ones (_serve-app)
]


@pytest.mark.parametrize("shell", SHELLS)
def test_a_real_shell_completes_commands_options_choices_routines_and_files(
    shell: str, tmp_path: Path
) -> None:
    need(shell)
    found = Shell(shell, tmp_path).complete_all([line for line, _ in CASES])
    for (line, expected), offered in zip(CASES, found, strict=True):
        assert sorted(set(offered)) == sorted(expected), (shell, line, offered)


def test_building_the_parser_does_not_import_shtab() -> None:
    """shtab costs nothing to the commands that do not print a script."""
    code = (
        "import sys\nfrom tracker.cli import main\nfrom tracker.cli.parser import _parser\n"
        "_parser(); main(['--version'])\nassert 'shtab' not in sys.modules, 'shtab imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)


def test_command_menus_show_the_one_line_help() -> None:
    """zsh and fish show each command's description's first line: the one-line help, not a broken sentence."""
    for shell in ("zsh", "fish"):
        result = subprocess.run(
            [sys.executable, "-m", "tracker", "completion", shell],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        assert "write a daily practice reminder as an .ics file for your calendar app" in result.stdout, shell
        assert "(Settings, or" not in result.stdout, shell


def test_an_unknown_shell_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "completion", "tcsh"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 2 and "invalid choice" in result.stderr
