"""Where a field path (`routine.steps[3].hold`) stands in a TOML file: its line, for error messages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# --------------------------------------------------------------------------- line locator

_PATH_SEGMENT = re.compile(r"^([^\[\]]+)((?:\[\d+\])*)$")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]#]+?)\s*\]\]?\s*(?:#.*)?$")


def _split_path(field_path: str) -> list[tuple[str, int | None]]:
    """`routine.steps[3].hold` -> [("routine", None), ("steps", 3), ("hold", None)]."""
    segments: list[tuple[str, int | None]] = []
    for part in field_path.split("."):
        match = _PATH_SEGMENT.match(part.strip())
        if not match:
            return segments
        indices = re.findall(r"\[(\d+)\]", match.group(2))
        segments.append((match.group(1).strip(), int(indices[0]) if indices else None))
    return segments


def _normalize_table_name(raw: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in raw.split("."))


@dataclass(frozen=True, slots=True)
class _Header:
    line: int  # 1-based
    name: str
    array: bool
    index: int  # position among the headers of the same array (0 for plain tables)
    end: int  # last line of the table's region


def _scan(lines: Sequence[str]) -> tuple[list[_Header], list[bool]]:
    """Table headers, and for each line whether it sits inside a multi-line string."""
    headers: list[tuple[int, str, bool, int]] = []
    counts: dict[str, int] = {}
    in_string: list[bool] = []
    open_quote: str | None = None
    for number, text in enumerate(lines, start=1):
        in_string.append(open_quote is not None)
        if open_quote is None:
            match = _HEADER.match(text)
            if match:
                name = _normalize_table_name(match.group(2))
                array = match.group(1) == "[["
                index = counts.get(name, 0) if array else 0
                if array:
                    counts[name] = index + 1
                headers.append((number, name, array, index))
        for quote in ('"""', "'''"):
            if open_quote in (None, quote) and text.count(quote) % 2 == 1:
                open_quote = None if open_quote == quote else quote
    result = []
    for i, (number, name, array, index) in enumerate(headers):
        end = headers[i + 1][0] - 1 if i + 1 < len(headers) else len(lines)
        result.append(_Header(number, name, array, index, end))
    return result, in_string


def _find_key(lines: Sequence[str], in_string: Sequence[bool], key: str, start: int, end: int) -> int | None:
    """First line in [start, end] (1-based) that assigns `key` (plain, quoted or dotted)."""
    pattern = re.compile(r"^\s*(?:%s|\"%s\"|'%s')\s*[=.]" % ((re.escape(key),) * 3))
    for number in range(start, end + 1):
        if not in_string[number - 1] and pattern.match(lines[number - 1]):
            return number
    return None


def _array_item(lines: Sequence[str], key_line: int, index: int) -> int:
    """The line of item `index` of an array written one item a line after `key = [`; else the key's line."""
    if not re.search(r"=\s*\[\s*(?:#.*)?$", lines[key_line - 1]):
        return key_line
    items = 0
    for number in range(key_line + 1, len(lines) + 1):
        text = lines[number - 1].strip()
        if text.startswith("]"):
            break
        if not text or text.startswith("#"):
            continue
        if items == index:
            return number
        items += 1
    return key_line


def find_line(text: str, field_path: str) -> int | None:
    """The 1-based line of `field_path` in the TOML `text`, or None.

    Finds the table the path lives in (`routine.steps[3]` is the fourth
    `[[routine.steps]]` header), then the `key =` line inside it when the key
    is written there; otherwise the header's own line. Only for pointing at
    errors: it scans lines, it does not parse TOML.
    """
    segments = _split_path(field_path)
    if not segments:
        return None
    lines = text.splitlines()
    headers, in_string = _scan(lines)
    for k in range(len(segments), 0, -1):
        name = ".".join(n for n, _ in segments[:k])
        index = segments[k - 1][1]
        candidates = [h for h in headers if h.name == name]
        if not candidates:
            continue
        if any(h.array for h in candidates):
            wanted = index if index is not None else 0
            header = next((h for h in candidates if h.array and h.index == wanted), None)
            if header is None:
                continue
        else:
            header = candidates[0]
        if k == len(segments):
            return header.line
        found = _find_key(lines, in_string, segments[k][0], header.line + 1, header.end)
        item = segments[k][1]
        if found is not None and item is not None:
            return _array_item(lines, found, item)
        return found if found is not None else header.line
    # Not inside any table header: a top-level key or an inline/dotted table.
    first_header = headers[0].line - 1 if headers else len(lines)
    found = _find_key(lines, in_string, segments[0][0], 1, first_header)
    if found is None and len(segments) > 1 and headers:
        # e.g. `[routine]` missing entirely but `routine.steps` dotted at the top
        found = _find_key(lines, in_string, segments[0][0], 1, len(lines))
    return found
