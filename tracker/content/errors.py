"""ContentError: one problem in one content file, as `path:line: field: message`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

# --------------------------------------------------------------------------- errors


class ContentError(Exception):
    """One problem in one content file.

    `str(e)` is `path:line: field: message`; the line and the field are left
    out when unknown (e.g. a file too large to read has neither).
    """

    def __init__(self, path: Path | str, line: int | None, field: str, message: str) -> None:
        super().__init__(path, line, field, message)
        self.path = Path(path)
        self.line = line
        self.field = field
        self.message = message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"ContentError({str(self)!r})"


class ContentErrors(ContentError):
    """Several problems at once (one file or the whole built-in library).

    A `ContentError` itself (the first problem's path, line and field), so
    `except ContentError` catches both; `errors` lists every problem.
    """

    def __init__(self, errors: Sequence[ContentError]) -> None:
        errors = tuple(errors)
        if not errors:
            raise ValueError("ContentErrors needs at least one error")
        first = errors[0]
        Exception.__init__(self, errors)
        self.errors = errors
        self.path, self.line, self.field, self.message = first.path, first.line, first.field, first.message

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)

    def __repr__(self) -> str:
        return f"ContentErrors({len(self.errors)} errors: {str(self.errors[0])!r}...)"


def raise_all(errors: Sequence[ContentError]) -> None:
    """Raise the one error, or all of them as ContentErrors; nothing when there are none."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ContentErrors(errors)
