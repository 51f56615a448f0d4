"""The field checkers of a content file: `FileReader` records each problem with its line and field path.

Owns the typed getters every part of the format uses (strings, ids, integers, numbers, enums, holds) and
`Invalid`, raised once a problem is recorded. The record readers (tracker.content.reader for poses, steps,
routines and programs; reader_v2 for the format 2 fields; reader_figure for figures) build on these and never
on each other's private names.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from tracker.content.errors import ContentError
from tracker.content.format import HOLD_LIMITS, ID_RE
from tracker.content.locate import find_line
from tracker.inert import control_at
from tracker.model import Hold, HoldUnit

E = TypeVar("E", bound=StrEnum)


def describe(value: object) -> str:
    """A value as an error message quotes it: TOML's words for booleans, long values cut to 80 characters."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class Invalid(Exception):
    """The value at hand is unusable; the error is already recorded."""


class FileReader:
    """Checks the fields of one parsed TOML document, collecting every error with its line and field path."""

    def __init__(self, path: Path, text: str, *, builtin: bool) -> None:
        self.path = path
        self.text = text
        self.builtin = builtin
        self.errors: list[ContentError] = []

    # ---- reporting

    def error(self, field_path: str, message: str, *, line: int | None = None) -> Invalid:
        if line is None:
            try:
                line = find_line(self.text, field_path)
            except Exception:  # the locator must never hide the real problem
                line = None
        self.errors.append(ContentError(self.path, line, field_path, message))
        return Invalid(field_path)

    def check_keys(
        self, table: Mapping[str, object], allowed: Sequence[str], where: str, what: str = ""
    ) -> None:
        for key in table:
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
                scope = f" {what}" if what else ""
                self.error(
                    f"{where}.{key}" if where else key,
                    f"unknown key{scope}{suggestion}; allowed keys: {', '.join(allowed)}",
                )

    # ---- typed getters: raise Invalid after recording the error

    def string(
        self, table: Mapping[str, object], key: str, where: str, *, required: bool = False
    ) -> str | None:
        if key not in table:
            if required:
                raise self.error(f"{where}.{key}", "missing; expected a non-empty string")
            return None
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{where}.{key}", f"expected a non-empty string, got {describe(value)}")
        self.plain_text(value, f"{where}.{key}")
        return value.strip()

    def plain_text(self, value: str, field_path: str) -> None:
        """Refuse a terminal control in text that is shown and printed (tracker.inert shows what slips by)."""
        at = control_at(value)
        if at is not None:
            raise self.error(
                field_path, f"a control character (U+{ord(value[at]):04X}) at character {at + 1}; routine text is plain "
                "text, without terminal escapes (a newline or a tab is fine)",
            )  # fmt: skip

    def ident(self, table: Mapping[str, object], key: str, where: str) -> str:
        value = self.string(table, key, where, required=True)
        assert value is not None
        if not ID_RE.match(value):
            raise self.error(
                f"{where}.{key}",
                f"expected a lowercase-kebab id like 'child' or 'cat-cow', got {describe(value)}",
            )
        return value

    def strings(
        self, table: Mapping[str, object], key: str, where: str, *, min_items: int = 0
    ) -> tuple[str, ...]:
        if key not in table:
            if min_items:
                raise self.error(
                    f"{where}.{key}", f"missing; expected an array of at least {min_items} string(s)"
                )
            return ()
        value = table[key]
        if not isinstance(value, list):
            raise self.error(f"{where}.{key}", f"expected an array of strings, got {describe(value)}")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"{where}.{key}[{i}]", f"expected a non-empty string, got {describe(item)}")
            self.plain_text(item, f"{where}.{key}[{i}]")
        if len(value) < min_items:
            raise self.error(f"{where}.{key}", f"expected at least {min_items} string(s), got an empty array")
        return tuple(item.strip() for item in value)

    def boolean(self, table: Mapping[str, object], key: str, where: str, default: bool = False) -> bool:
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, bool):
            raise self.error(f"{where}.{key}", f"expected true or false, got {describe(value)}")
        return value

    def integer(
        self,
        table: Mapping[str, object],
        key: str,
        where: str,
        limits: tuple[int, int],
        default: int | None = None,
    ) -> int:
        if key not in table:
            if default is None:
                raise self.error(
                    f"{where}.{key}", f"missing; expected an integer from {limits[0]} to {limits[1]}"
                )
            return default
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int) or not limits[0] <= value <= limits[1]:
            raise self.error(
                f"{where}.{key}",
                f"expected an integer from {limits[0]} to {limits[1]}, got {describe(value)}",
            )
        return value

    def number(
        self,
        table: Mapping[str, object],
        key: str,
        where: str,
        limits: tuple[float, float],
        default: float | None = None,
    ) -> float:
        if key not in table:
            if default is None:
                raise self.error(
                    f"{where}.{key}", f"missing; expected a number from {limits[0]} to {limits[1]}"
                )
            return default
        value = table[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or not limits[0] <= value <= limits[1]
        ):
            raise self.error(
                f"{where}.{key}", f"expected a number from {limits[0]} to {limits[1]}, got {describe(value)}"
            )
        return float(value)

    def enum(
        self, table: Mapping[str, object], key: str, where: str, kind: type[E], default: E | None = None
    ) -> E:
        choices = [m.value for m in kind]
        if key not in table:
            if default is None:
                raise self.error(f"{where}.{key}", f"missing; expected one of {', '.join(choices)}")
            return default
        value = table[key]
        if not isinstance(value, str) or value not in choices:
            raise self.error(f"{where}.{key}", f"expected one of {', '.join(choices)}, got {describe(value)}")
        return kind(value)

    def hold(self, value: object, where: str) -> Hold:
        units = ", ".join(HOLD_LIMITS)
        if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in HOLD_LIMITS:
            raise self.error(where, f"expected exactly one of {units} (a number > 0), got {describe(value)}")
        unit, amount = next(iter(value.items()))
        low, high = HOLD_LIMITS[unit]
        if (
            isinstance(amount, bool)
            or not isinstance(amount, (int, float))
            or not math.isfinite(amount)
            or not low <= amount <= high
        ):
            raise self.error(
                f"{where}.{unit}", f"expected a number of {unit} from {low} to {high}, got {describe(amount)}"
            )
        return Hold(amount, HoldUnit(unit))
