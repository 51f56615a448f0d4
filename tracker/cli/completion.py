"""Shell completion for bash, zsh and fish, generated from the one argparse parser (never written by hand).

`backroll completion bash|zsh|fish` prints a script; the commands, their
options and the choices of an option (`--format json|csv`) come from
`tracker.cli.parser`, so a new option completes the day it is added.
Routine ids complete from `backroll routines --json` at the time of asking.
"""

from __future__ import annotations

import argparse
import json

__all__ = ["SHELLS", "completion_script", "describe"]

SHELLS = ("bash", "zsh", "fish")


def describe(parser: argparse.ArgumentParser) -> dict[str, dict[str, list[str]]]:
    """{command: {option: [choices]}}; "" is the top level. Positional choices are left out."""
    tree: dict[str, dict[str, list[str]]] = {"": _options(parser)}
    for action in parser._actions:  # argparse keeps subcommands here; there is no public accessor
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                if not name.startswith("_"):  # internal commands (`_serve-app`) are not offered
                    tree[name] = _options(sub)
    return tree


def _options(parser: argparse.ArgumentParser) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for action in parser._actions:
        if action.help == argparse.SUPPRESS:
            continue
        for option in action.option_strings:
            found[option] = [str(c) for c in action.choices] if action.choices else []
    return found


def completion_script(shell: str, parser: argparse.ArgumentParser) -> str:
    tree = describe(parser)
    commands = sorted(c for c in tree if c)
    if shell == "bash":
        return _bash(tree, commands)
    if shell == "zsh":
        return "autoload -U bashcompinit && bashcompinit\n" + _bash(tree, commands)
    if shell == "fish":
        return _fish(tree, commands)
    raise ValueError(f"no completion for {shell!r}; choose one of {', '.join(SHELLS)}")


def _bash(tree: dict[str, dict[str, list[str]]], commands: list[str]) -> str:
    cases = []
    for command in commands:
        options = " ".join(sorted(tree[command]))
        choices = "".join(
            f"        {option}) COMPREPLY=($(compgen -W '{' '.join(values)}' -- \"$cur\")); return;;\n"
            for option, values in sorted(tree[command].items())
            if values
        )
        routine = "        *) [[ \"$cur\" != -* ]] && COMPREPLY=($(compgen -W \"$(_backroll_routines)\" -- \"$cur\")) && return;;\n" if command in ("log", "session") else ""
        cases.append(
            f"    {command})\n      case \"$prev\" in\n{choices}{routine}      esac\n"
            f"      COMPREPLY=($(compgen -W '{options}' -- \"$cur\"));;\n"
        )
    top = " ".join(sorted(tree[""]) + commands)
    return f"""# bash completion for backroll (generated: backroll completion bash)
_backroll_routines() {{
  backroll routines --json 2>/dev/null | python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin)["routines"]))' 2>/dev/null
}}
_backroll() {{
  local cur prev command i
  cur="${{COMP_WORDS[COMP_CWORD]}}"
  prev="${{COMP_WORDS[COMP_CWORD-1]}}"
  command=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${{COMP_WORDS[i]}}" in
      {"|".join(commands)}) command="${{COMP_WORDS[i]}}"; break;;
    esac
  done
  case "$command" in
    "") COMPREPLY=($(compgen -W '{top}' -- "$cur"));;
{"".join(cases)}  esac
}}
complete -o default -F _backroll backroll
"""


def _fish(tree: dict[str, dict[str, list[str]]], commands: list[str]) -> str:
    lines = ["# fish completion for backroll (generated: backroll completion fish)", "complete -c backroll -f"]
    lines.append(f"complete -c backroll -n '__fish_use_subcommand' -a '{' '.join(commands)}'")
    for command in [""] + commands:
        when = "__fish_use_subcommand" if not command else f"__fish_seen_subcommand_from {command}"
        for option, values in sorted(tree[command].items()):
            if not option.startswith("--"):
                continue
            extra = f" -x -a '{' '.join(values)}'" if values else ""
            lines.append(f"complete -c backroll -n '{when}' -l {option[2:]}{extra}")
    lines.append(
        "complete -c backroll -n '__fish_seen_subcommand_from log' -a "
        "'(backroll routines --json 2>/dev/null | python3 -c \"import json,sys; print(chr(10).join(r[\\\"id\\\"] for r in json.load(sys.stdin)[\\\"routines\\\"]))\")'"
    )
    return "\n".join(lines) + "\n"
