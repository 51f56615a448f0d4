"""The content, exchange and model packages as a reader draws them: no import circle among their modules, and no
module taking another's private names (every import counted, those inside functions and TYPE_CHECKING too)."""

from __future__ import annotations

import ast
from pathlib import Path

import tracker

ROOT = Path(tracker.__file__).parent
PACKAGES = ("content", "exchange", "model")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = "tracker." + ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    found["tracker.untrusted"] = ROOT / "untrusted.py"
    return found


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every `from X import names` and `import X` in the file."""
    result = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            result.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            result.extend((alias.name, []) for alias in node.names)
    return result


def test_no_module_takes_another_modules_private_names() -> None:
    taken = [
        f"{module} takes {name} from {source}"
        for module, path in _modules().items()
        for source, names in _imports(path)
        if source.startswith("tracker.")
        for name in names
        if name.startswith("_")
    ]
    assert taken == []


def test_no_import_circle() -> None:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = set()
        for source, names in _imports(path):
            subs = {f"{source}.{name}" for name in names if f"{source}.{name}" in modules}
            targets |= subs if subs and len(subs) == len(names) else ({source} | subs)
        graph[module] = {t for t in targets if t in modules and t != module}

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            at = todo.pop()
            if at == goal:
                return True
            if at not in seen:
                seen.add(at)
                todo.extend(graph[at])
        return False

    circles = sorted(f"{a} <-> {b}" for a in graph for b in graph[a] if reaches(b, a))
    assert circles == []
