"""Reading a JSON file nobody on this machine vouches for: one reader, one set of defences.

Two kinds of file arrive from outside: an export handed to `backroll import`,
and every file another device puts into the synced data folder (its month
files, events, usual-pain records, conflict copies, and any kind added
later). Both are read here, and only here:

- `read_regular(path, limit)`: the bytes of a regular file, never following
  a symbolic link (O_NOFOLLOW) and never waiting on a pipe or a device
  (O_NONBLOCK, then fstat: only a regular file is read), at most `limit`
  bytes (counted as read: a file may lie about its size while it grows);
- `parse_strict(data)`: UTF-8 JSON with no NaN or Infinity, nesting no
  deeper than `MAX_DEPTH` (checked before the parser recurses, so a `[[[[...`
  file is a refusal, never a RecursionError), and numbers of at most
  `MAX_DIGITS` digits and finite (`1e999` is no duration); `loads` is the
  same with import's extra rule, no key repeated in one object;
- `loads_plain(text)`, `colons_of` and `repeats_no_key`: the plain read of an export,
  for a caller that proves every value of it against a closed shape.

Every failure is `Rejected` with one clause saying why ("it is a symbolic
link", "it is nested more than 64 levels deep"); the callers turn it into
their own sentence (import: ImportRefused; the store: Unreadable, which for
another device's file means "left out and named in sync-check", never a
stop). No Textual here, and nothing of the store or the exchange: both
import this module.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

__all__ = [
    "MAX_DEPTH",
    "MAX_DIGITS",
    "STORE_FILE_BYTES",
    "DuplicateKey",
    "Rejected",
    "colons_of",
    "kind_of",
    "loads",
    "loads_plain",
    "parse_strict",
    "read_regular",
    "repeats_no_key",
    "too_deep",
]

MAX_DEPTH = 64  # Backroll's own files nest 6 levels; an export 5
MAX_DIGITS = 100  # no field of a history holds a longer number
STORE_FILE_BYTES = 64 * 1024 * 1024  # one history file (a month, an events file...): far above any real one


class Rejected(ValueError):
    """The file is not read; `reason` is one clause ("it is a symbolic link")."""

    def __init__(self, reason: str, *, suspicious: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        # True: a defence refused it (a link, a pipe, too deep, too big...); False: it is damaged or cut short
        # (empty, not JSON), as a file still being written by a sync engine is
        self.suspicious = suspicious


class DuplicateKey(ValueError):
    """A key repeated inside one JSON object (the text says which)."""


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_regular(
    path: Path | str, limit: int = STORE_FILE_BYTES, *, follow: bool = False
) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file at `path` and its fstat (taken on the very descriptor read).

    Raises FileNotFoundError when it is missing and Rejected for a link (unless `follow`), a folder, a
    pipe, a device or a socket, a file over `limit` bytes, or one that cannot be read (permission...).
    A pipe is never waited on and a link never followed.
    """
    flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as error:
        raise Rejected(_open_failure(path, error)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Rejected(f"it is {kind_of(st.st_mode)}, not a regular file")
        if st.st_size > limit:
            raise Rejected(f"it is {_size(st.st_size)}, more than the {_size(limit)} a history file may hold")
        chunks: list[bytes] = []
        size = 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise Rejected(f"it cannot be read ({error.strerror or error})") from None
    finally:
        os.close(fd)
    if size > limit:
        raise Rejected(f"it grew past the {_size(limit)} a history file may hold while it was read")
    return b"".join(chunks), st


def _open_failure(path: Path | str, error: OSError) -> str:
    code = error.errno
    if code == errno.ELOOP:
        try:
            target = os.readlink(path)
        except OSError:
            return "it is a symbolic link, and Backroll never follows links in the data folder"
        return f"it is a symbolic link (to {target}), and Backroll never follows links in the data folder"
    if code in (errno.EACCES, errno.EPERM):
        return "permission was denied (it may belong to another user, or its mode does not let you read it)"
    if code == errno.ENXIO:
        return "it is a socket or a device, not a regular file"
    if code == errno.EISDIR:
        return "it is a folder, not a regular file"
    return f"it cannot be opened ({error.strerror or error})"


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n} bytes"


# --------------------------------------------------------------------------- strict JSON

_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# A \u escape, found by the regex engine: it skips from backslash to backslash in C (`in` is 3x slower).
_UNICODE_ESCAPE = re.compile(r"\\u")
_LONG_NUMBER = re.compile(r"[0-9]{%d}|[eE][+-]?[0-9]{3}" % (MAX_DIGITS + 1))  # searched outside the strings


def _outside_strings(text: str) -> str:
    """`text` without its JSON strings: escaped backslashes, then escaped quotes, go first; then every other
    piece between quotes is a string. (All in C: a month file takes well under a millisecond.)"""
    return "".join(text.replace("\\\\", "").replace('\\"', "").split('"')[0::2])


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when `text` nests arrays and objects more than `limit` levels (or so unevenly that it might)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    return _deeper(_outside_strings(text), limit)


def _deeper(outside: str, limit: int) -> bool:
    """Linear and without recursion: the innermost pairs of brackets are removed one level per pass, at most
    `limit` passes (ordinary files need a handful)."""
    brackets = _NOT_BRACKET.sub("", outside)
    for _ in range(limit + 1):
        if not brackets:
            return False
        shorter = brackets.replace("[]", "").replace("{}", "")
        if (
            shorter == brackets
        ):  # unbalanced or mismatched: the parser will say so, unless it would recurse far
            return shorter.count("[") + shorter.count("{") > limit
        brackets = shorter
    return True


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return result


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number JSON allows")


def _bounded_int(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise ValueError(f"a number of {len(text)} digits")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]} is too large")
    return value


def loads(
    text: str, *, parse_int: Callable[[str], object] | None = None, duplicates: bool = True
) -> Any:  # JSON
    """json.loads with the common defences: depth (before parsing), no NaN/Infinity, numbers of at most
    MAX_DIGITS digits and finite (`parse_int` may keep a long one instead, as import does), and with
    `duplicates`, no key repeated in one object.

    Raises Rejected for depth and numbers; DuplicateKey, json.JSONDecodeError or ValueError for the rest
    (the caller words them: import names lines and columns its own way). The number hooks cost a Python
    call per number, so they run only when the text holds a long digit run or a 3-digit exponent.
    """
    outside = _outside_strings(text)  # the numbers and the brackets: what is not in a string
    if _deeper(outside, MAX_DEPTH):
        raise Rejected(f"it is nested more than {MAX_DEPTH} levels deep")
    hooks: dict[str, Any] = {"parse_constant": _refuse_constant}
    if duplicates:
        hooks["object_pairs_hook"] = _no_duplicate_keys
    if parse_int is not None:
        hooks["parse_int"] = parse_int
    if _LONG_NUMBER.search(outside):
        hooks.setdefault("parse_int", _bounded_int)
        hooks["parse_float"] = _finite_float
    try:
        return json.loads(text, **hooks)
    except RecursionError:  # cannot happen after too_deep; kept so that no input ever escapes as one
        raise Rejected(f"it is nested more than {MAX_DEPTH} levels deep") from None


def loads_plain(text: str, *, duplicates: bool = True) -> Any:  # JSON
    """json.loads with the defences that cost nothing on an ordinary file: no NaN or Infinity and, with
    `duplicates`, no key repeated in one object (DuplicateKey; without, see repeats_no_key). Nesting and numbers
    are NOT bounded (a nest hundreds deep, a 4000-digit number, 1e999 as infinity all parse): only for a caller
    that then proves every value against a closed shape, which nothing deep or huge fits, and reads the text
    again with loads() for anything else (the import of an export: reading the text for depth and long numbers
    costs as much as parsing it).

    Raises Rejected past the interpreter's recursion limit; DuplicateKey, json.JSONDecodeError or ValueError.
    """
    hooks: dict[str, Any] = {"parse_constant": _refuse_constant}
    if duplicates:
        hooks["object_pairs_hook"] = _no_duplicate_keys
    try:
        return json.loads(text, **hooks)
    except RecursionError:
        raise Rejected("it is nested too deeply to parse") from None


def colons_of(text: str) -> int | None:
    """The colons `text` writes, for repeats_no_key (counted as soon as the text is read, so that it need not
    be kept), or None when it holds a \\u escape: then no count can tell."""
    return None if _UNICODE_ESCAPE.search(text) else text.count(":")


def repeats_no_key(written: int | None, keys: int, colons: int) -> bool:
    """True when no object of a text repeats a key, for a text that writes `written` colons (colons_of) and
    that json.loads read into a document whose objects hold `keys` keys in all and whose keys and strings
    hold `colons` colons. False also when it cannot tell.

    Outside its strings, JSON writes one colon after each key and no other. So the text holds one colon for
    each key it writes, plus those its strings write. Without a \\u escape (a text with one is not told apart:
    \\u003a is a colon not written as one), a string read holds exactly the colons its text writes. An object
    that repeats a key is read with fewer keys than the text writes (the last value is kept, the others
    dropped with every key and string inside them), and nothing is read with more keys or colons than written:
    so the two counts agree exactly when no key is repeated. One count of one character, in C, instead of the
    Python call per object that object_pairs_hook makes (a fifth of the parse of an export).
    """
    return written is not None and written == keys + colons


def parse_strict(data: bytes) -> Any:  # JSON
    """A history file's bytes as JSON, or Rejected saying why (see the module docstring)."""
    if not data.strip():
        raise Rejected(
            "it is empty (0 bytes)" if not data else "it contains only blank space", suspicious=False
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected("it is not UTF-8 text", suspicious=False) from None
    try:
        return loads(
            text, duplicates=False
        )  # a repeated key is no danger in a history file, and costly to look for
    except Rejected:
        raise
    except DuplicateKey as error:
        raise Rejected(f"it repeats the key {str(error)[:80]!r} inside one object") from None
    except json.JSONDecodeError as error:
        what = error.msg.removesuffix(
            " at"
        )  # json's "Unterminated string starting at" + " at line 1" read "at at"
        raise Rejected(
            f"it is not valid JSON ({what} at line {error.lineno}, column {error.colno})", suspicious=False
        ) from None
    except ValueError as error:
        raise Rejected(f"it is not valid JSON ({error})") from None
