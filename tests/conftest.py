"""Every test run keeps the library cache (tracker/content/cache.py) in a folder of its own, never the
person's cache folder; child processes inherit it through the environment.

Textual parses every stylesheet again in each new app, and again on each `refresh_css` (a fresh Stylesheet,
so its own cache is lost): about a third of a Pilot test's CPU. Parsing is a pure function of the CSS text,
where it was read from, its scope and the theme's variables, so one test process keeps the parsed rules of
each for every app it runs (`_share_parsed_css`). A CSS error is still raised: failures are never kept.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_made: list[str] = []


def _share_parsed_css() -> None:
    from textual.css.stylesheet import Stylesheet

    parse_rules = Stylesheet._parse_rules
    if getattr(parse_rules, "shared", False):
        return
    parsed: dict[tuple[object, ...], list[object]] = {}

    def shared_parse_rules(
        self: Stylesheet,
        css: str,
        read_from: object,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[object]:
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        rules = parsed.get(key)
        if rules is None:
            rules = parsed[key] = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        return list(rules)

    shared_parse_rules.shared = True  # type: ignore[attr-defined]
    Stylesheet._parse_rules = shared_parse_rules  # type: ignore[method-assign,assignment]


def pytest_configure(config: pytest.Config) -> None:
    _share_parsed_css()
    if "BACKROLL_CACHE" not in os.environ:
        folder = tempfile.mkdtemp(prefix="backroll-test-cache-")
        _made.append(folder)
        os.environ["BACKROLL_CACHE"] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _made:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path]:
    """Two homes, as two devices whose data folders a sync engine carries between them (tests/sync_engine.py)."""
    from tests.sync_engine import device_id
    from tracker.store import Store

    a, b = tmp_path / "laptop", tmp_path / "desktop"
    Store.open(a).close()
    Store.open(b).close()
    assert device_id(a) != device_id(b)
    return a, b
