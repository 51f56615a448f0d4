"""Load and validate the pose, routine and program library (TOML, see content/FORMAT.md).

Built-in content comes from `paths.builtin_content_dir()` (`poses/`, `routines/`,
`programs/`); a person adds routines as `*.toml` files in their routines folder
(`<home>/routines`), which may also carry their own `[[pose]]` tables.

Validation is strict: unknown keys (typos), wrong types, out-of-range numbers,
unknown poses, duplicate ids... are all refused. Every problem is a
`ContentError` naming the file, the line and the field path, e.g.

    /home/u/routines/x.toml:14: routine.steps[3].hold: expected exactly one of counts, breaths, seconds (a number > 0), got {'count': 4}

Field paths read like Python: `routine.steps[3]` is the fourth
`[[routine.steps]]` table of the file (indices start at 0), so the same
index works on `Routine.steps`.

A broken user file never stops the library from loading: `load_library`
skips it and lists its problems in `Library.errors`. Broken built-in content
raises: it is a bug we ship.

No Textual here (see the import-linter contract in pyproject.toml), and no
module-level cache: every `load_library` call reads the files again;
`load_library_cached` (tracker/content/cache.py) answers from a derived
cache on disk while no file it reads has changed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.content.cache import load_library_cached
    from tracker.content.errors import ContentError, ContentErrors
    from tracker.content.format import MAX_FILE_BYTES, MAX_STEPS
    from tracker.content.library import Library
    from tracker.content.loader import check_file, load_builtin, load_file, load_library
    from tracker.content.locate import find_line

# name -> the module that defines it, imported on first use (PEP 562): a command answered from the
# library cache (tracker.content.cache) never imports the TOML reader and its checks.
_WHERE = {
    "ContentError": "errors",
    "ContentErrors": "errors",
    "Library": "library",
    "MAX_FILE_BYTES": "format",
    "MAX_STEPS": "format",
    "check_file": "loader",
    "find_line": "locate",
    "load_builtin": "loader",
    "load_file": "loader",
    "load_library": "loader",
    "load_library_cached": "cache",
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


__all__ = [
    "MAX_FILE_BYTES",
    "MAX_STEPS",
    "ContentError",
    "ContentErrors",
    "Library",
    "check_file",
    "find_line",
    "load_builtin",
    "load_file",
    "load_library",
    "load_library_cached",
]
