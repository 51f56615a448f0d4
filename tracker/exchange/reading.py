"""Reading an import file: a size cap on what is read, and strict JSON."""

from __future__ import annotations

import json
import os
import select
import stat
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from tracker import untrusted
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


STDIN_NAMES = ("-", "/dev/stdin")
STDIN_TIMEOUT = 30.0  # seconds a pipe given on purpose may stay silent


def read_bytes_limited(path: Path | str, limit: int = MAX_BYTES, *, timeout: float = STDIN_TIMEOUT) -> bytes:
    """The file's bytes, refusing anything over `limit` (counted as read: /dev/zero says its size is 0).

    Only a regular file is read, opened without blocking, so a FIFO or a device never hangs
    or floods; the exception is standard input given on purpose ("-" or /dev/stdin), read
    with a timeout when it stays silent.
    """
    if str(path) in STDIN_NAMES:
        return _read_stdin(limit, timeout)
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except IsADirectoryError:
        raise ImportRefused(f"{path} is a folder, not a file.") from None
    except FileNotFoundError:
        raise ImportRefused(f"{path} does not exist.") from None
    except OSError as error:
        raise ImportRefused(f"{path} cannot be read: {error.strerror or error}.") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ImportRefused(f"{path} is a folder, not a file.")
        if not stat.S_ISREG(st.st_mode):
            raise ImportRefused(
                f"{path} is not a regular file (a pipe, a device or a socket); give an export file, or - for standard input."
            )
        if st.st_size > limit:
            raise ImportRefused(
                f"{path} is {st.st_size / 1_048_576:.1f} MB; the limit for an import is {limit // 1_048_576} MB."
            )
        data = _read_upto(fd, limit + 1)
    except OSError as error:
        raise ImportRefused(f"{path} cannot be read: {error.strerror or error}.") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ImportRefused(f"{path} is larger than {limit // 1_048_576} MB, the limit for an import.")
    return data


def _read_upto(fd: int, most: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < most and (chunk := os.read(fd, min(1 << 20, most - size))):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _read_stdin(limit: int, timeout: float) -> bytes:
    fd = sys.stdin.fileno() if sys.stdin is not None else 0
    chunks: list[bytes] = []
    size = 0
    deadline = time.monotonic() + timeout
    try:
        while size <= limit:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(left, 0))
            if not ready:
                raise ImportRefused(
                    f"Standard input sent nothing for {timeout:g} seconds; pipe an export into it, or give a file."
                )
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            deadline = time.monotonic() + timeout
    except (OSError, ValueError) as error:
        raise ImportRefused(
            f"Standard input cannot be read: {getattr(error, 'strerror', None) or error}."
        ) from None
    data = b"".join(chunks)
    if len(data) > limit:
        raise ImportRefused(
            f"Standard input holds more than {limit // 1_048_576} MB, the limit for an import."
        )
    return data


class HugeNumber:
    """A whole number too long for any field (int() refuses over 4300 digits): kept as its text,
    so the validator names its JSON path instead of the parser failing the whole file."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"HugeNumber({len(self.text)} characters)"


HUGE_DIGITS = 100


def _parse_int(text: str) -> int | HugeNumber:
    return HugeNumber(text) if len(text) > HUGE_DIGITS else int(text)


def parse_json(data: bytes, limit: int = MAX_BYTES) -> Any:  # JSON
    """Strict JSON: UTF-8, no NaN/Infinity, no repeated keys, bounded size and nesting (tracker.untrusted,
    the reader every synced history file goes through too)."""
    if len(data) > limit:
        raise ImportRefused(f"The file is larger than {limit // 1_048_576} MB, the limit for an import.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("The file is not UTF-8 text, so it is not a Backroll export.") from None
    try:
        return untrusted.loads(
            text, parse_int=_parse_int
        )  # the one reader of untrusted JSON (depth, keys, constants)
    except untrusted.Rejected:
        raise ImportRefused("The file is nested too deeply to be a Backroll export.") from None
    except untrusted.DuplicateKey as error:
        raise ImportRefused(
            f"The file repeats the key {str(error)!r} inside one object, so it is ambiguous."
        ) from None
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    except ValueError as error:
        raise ImportRefused(f"The file is not valid JSON ({error}).") from None


class Plain(NamedTuple):
    """A file read plainly: the JSON read from it (any key repeated in one object read once), and the colons
    its text writes (tracker.untrusted.colons_of: None when it cannot tell repeated keys)."""

    doc: Any  # JSON
    colons: int | None


def parse_plain(data: bytes, limit: int = MAX_BYTES) -> Plain | None:
    """The JSON of `data` read plainly (tracker.untrusted.loads_plain, keys not looked at for repeats), with
    the colons its text writes, or None when that reader refuses it.

    Nesting and numbers are not bounded here: the document is only used once validate.proven_document has
    proven every value of it, which nothing deep or huge passes, and tracker.untrusted.repeats_no_key has
    proven that no object repeated a key (json.loads keeps the last); otherwise parse_json reads it again.
    """
    if len(data) > limit:
        return None
    try:
        text = data.decode("utf-8-sig")
        return Plain(untrusted.loads_plain(text, duplicates=False), untrusted.colons_of(text))
    except (
        UnicodeDecodeError,
        ValueError,
    ):  # json.JSONDecodeError and Rejected are ValueErrors
        return None
