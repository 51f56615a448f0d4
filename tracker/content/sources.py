"""The seed documents behind the built-in content, by title and author (content/sources.toml).

A pose, routine or program names its seed by file name in `source`; people
read the title and author instead. A source missing from the table (a user's
own routine, say) is shown as written.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from tracker.content.errors import ContentError

SOURCES_FILE = "sources.toml"


def describe_source(title: str, author: str = "") -> str:
    """'"Back Strengthening, Part 1" by Olivia Barry', or the title alone, quoted, when no author is named."""
    return f"“{title}” by {author}" if author else f"“{title}” (author not named)"


def load_sources(content_dir: Path) -> Mapping[str, str]:
    """file name -> its title and author in words; {} when the table is absent. Raises ContentError on a broken table."""
    path = content_dir / SOURCES_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return MappingProxyType({})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ContentError(path, None, "", f"cannot be read: {error}") from None
    labels: dict[str, str] = {}
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise ContentError(path, None, "source", "expected [[source]] tables")
    for index, entry in enumerate(entries):
        where = f"source[{index}]"
        if not isinstance(entry, dict):
            raise ContentError(path, None, where, "expected a table")
        fields = {key: entry.get(key, "") for key in ("file", "title", "author", "about")}
        unknown = set(entry) - set(fields)
        if unknown:
            raise ContentError(path, None, where, f"unknown key {sorted(unknown)[0]!r}")
        if not all(isinstance(value, str) for value in fields.values()):
            raise ContentError(path, None, where, "file, title, author and about are text")
        if not fields["file"] or not fields["title"]:
            raise ContentError(path, None, where, "needs a file and a title")
        labels[fields["file"]] = describe_source(fields["title"], fields["author"])
    return MappingProxyType(labels)
