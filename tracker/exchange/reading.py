"""Reading an import file: a size cap on what is read, and strict JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Sequence

from tracker.exchange.format import (
    MAX_BYTES,
)

# --------------------------------------------------------------------------- import: parsing


class ImportRefused(ValueError):
    """The file is not a history we accept; nothing was written.

    `str(e)` is one plain sentence; `problems` lists each problem with its JSON path.
    """

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)


def read_bytes_limited(path: Path | str, limit: int = MAX_BYTES) -> bytes:
    """The file's bytes, refusing (before reading it all) anything over `limit`."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            try:
                size = os.fstat(handle.fileno()).st_size
            except OSError:
                size = 0
            if size > limit:
                raise ImportRefused(f"{path} is {size / 1_048_576:.1f} MB; the limit for an import is {limit // 1_048_576} MB.")
            data = handle.read(limit + 1)
    except ImportRefused:
        raise
    except IsADirectoryError:
        raise ImportRefused(f"{path} is a folder, not a file.") from None
    except FileNotFoundError:
        raise ImportRefused(f"{path} does not exist.") from None
    except OSError as error:
        raise ImportRefused(f"{path} cannot be read: {error.strerror or error}.") from None
    if len(data) > limit:
        raise ImportRefused(f"{path} is larger than {limit // 1_048_576} MB, the limit for an import.")
    return data


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json(data: bytes, limit: int = MAX_BYTES) -> Any:
    """Strict JSON: UTF-8, no NaN/Infinity, no repeated keys, bounded size and nesting."""
    if len(data) > limit:
        raise ImportRefused(f"The file is larger than {limit // 1_048_576} MB, the limit for an import.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("The file is not UTF-8 text, so it is not a Backroll export.") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant)
    except RecursionError:
        raise ImportRefused("The file is nested too deeply to be a Backroll export.") from None
    except _DuplicateKey as error:
        raise ImportRefused(f"The file repeats the key {str(error)!r} inside one object, so it is ambiguous.") from None
    except json.JSONDecodeError as error:
        raise ImportRefused(f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}).") from None
    except ValueError as error:
        raise ImportRefused(f"The file is not valid JSON ({error}).") from None


