"""Every test run keeps the library cache (tracker/content/cache.py) in a folder of its own, never the
person's cache folder; child processes inherit it through the environment."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_made: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    if "BACKROLL_CACHE" not in os.environ:
        folder = tempfile.mkdtemp(prefix="backroll-test-cache-")
        _made.append(folder)
        os.environ["BACKROLL_CACHE"] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _made:
        shutil.rmtree(folder, ignore_errors=True)
