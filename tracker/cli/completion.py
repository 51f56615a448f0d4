"""Shell completion for bash, zsh and fish: shtab writes the script from the one argparse parser.

`backroll completion bash|zsh|fish` prints a script; the commands, their
options, the choices of an option (`--format json|csv`) and the help of each
come from `tracker.cli.parser`, so a new option completes the day it is added.
What shtab cannot know from argparse the parser says with `complete_with`:
routine ids (asked of `backroll routines --json` at the time of asking, so a
user's own routines complete too), files and folders.

shtab is imported only here, when a script is asked for: building the parser
for any other command costs nothing. The parser marks its arguments with plain
values in shtab's format (a dict per shell, or "file"/"directory").
"""

from __future__ import annotations

import argparse
from typing import TypeVar

__all__ = ["DIRECTORY", "FILE", "ROUTINE_IDS", "SHELLS", "complete_with", "completion_script"]

SHELLS = ("bash", "zsh", "fish")

# shtab's names for its own file and folder completers (its CHOICE_FUNCTIONS keys).
FILE = "file"
DIRECTORY = "directory"

# One line per routine id, read from the documented JSON of `backroll routines --json`; nothing when
# backroll fails (a broken home must not print errors into the command line being completed).
# The same text is valid in bash, zsh and fish: single quotes, no backslashes.
_LIST_IDS = (
    "backroll routines --json 2>/dev/null | python3 -c "
    '\'import json,sys; print(chr(10).join(r["id"] for r in json.load(sys.stdin)["routines"]))\''
    " 2>/dev/null"
)

# shtab's CompleteType: per shell, what completes the value (bash: a function called with the word;
# zsh: an `_arguments` action; fish: a `complete -a` argument), and the shell code it needs.
Completer = str | dict[str, str | dict[str, str]]

ROUTINE_IDS: Completer = {
    "bash": "_backroll_compgen_routines",
    "zsh": "_backroll_routines",
    "fish": "(__backroll_routine_ids)",
    "preamble": {
        "bash": f'_backroll_compgen_routines() {{\n  compgen -W "$({_LIST_IDS})" -- "$1"\n}}',
        "zsh": f'_backroll_routines() {{\n  local -a ids\n  ids=(${{(f)"$({_LIST_IDS})"}})\n'
        "  _describe 'routine id' ids\n}",
        "fish": f"function __backroll_routine_ids\n  {_LIST_IDS}\nend",
    },
}


_Argument = TypeVar("_Argument")


def complete_with(action: _Argument, how: Completer) -> _Argument:
    """Say how shtab completes this argument's values (shtab reads the attribute `complete`); an argument
    of a command this run does not build (parser._Unbuilt) takes it and nothing reads it."""
    setattr(action, "complete", how)  # noqa: B010 - an attribute argparse does not declare
    return action


def completion_script(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script of `parser` for `shell` (one of SHELLS)."""
    if shell not in SHELLS:
        raise ValueError(f"no completion for {shell!r}; choose one of {', '.join(SHELLS)}")
    import shtab  # only here: every other command starts without it

    script: str = shtab.complete(parser, shell=shell)
    return script
