"""The derived cache of the validated library (tracker/content/cache.py): used only while every file it
was made from is unchanged, private, and never trusted over the files."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.content import load_library
from tracker.content.cache import _dumps, _key, cache_path, load_library_cached
from tracker.paths import builtin_content_dir

ROOT = Path(__file__).resolve().parents[2]

USER_ROUTINE = """\
[routine]
id = "my-rolls"
name = "{name}"
summary = "A few back rolls of my own."
repeats = 1

[[routine.steps]]
pose = "back-roll"
kind = "reps"
reps = 2
raise = 4
lower = 4
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BACKROLL_CACHE", str(folder))
    return folder


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the built-in content, to change a file in."""
    copy = tmp_path / "content"
    shutil.copytree(builtin_content_dir(), copy)
    return copy


def _rename_routine(path: Path, new_name: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition('\nname = "')
    path.write_text(head + f'\nname = "{new_name}"' + rest.partition('"')[2], encoding="utf-8")


def _first_routine(content: Path) -> tuple[Path, str]:
    path = sorted((content / "routines").glob("*.toml"))[0]
    routine_id = next(line for line in path.read_text().splitlines() if line.startswith("id = "))
    return path, routine_id.split('"')[1]


def _same(a, b) -> bool:  # type: ignore[no-untyped-def]
    return (dict(a.poses), dict(a.routines), dict(a.programs), a.errors, dict(a.sources)) == (
        dict(b.poses), dict(b.routines), dict(b.programs), b.errors, dict(b.sources)
    )  # fmt: skip


def test_the_cache_answers_what_the_files_say_and_is_private(cache: Path, tmp_path: Path) -> None:
    user = tmp_path / "routines"
    user.mkdir()
    (user / "mine.toml").write_text(USER_ROUTINE.format(name="Mine"), encoding="utf-8")
    first = load_library_cached(user)
    path = cache_path(user, builtin_content_dir())
    assert path is not None and path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    again = load_library_cached(user)
    assert _same(again, first) and _same(again, load_library(user))
    assert again.routines["my-rolls"].name == "Mine"


def test_a_changed_builtin_file_rebuilds_the_cache(cache: Path, content: Path) -> None:
    path, routine_id = _first_routine(content)
    before = load_library_cached(content_dir=content)
    _rename_routine(path, "Renamed in the file")
    after = load_library_cached(content_dir=content)
    assert before.routines[routine_id].name != "Renamed in the file"
    assert after.routines[routine_id].name == "Renamed in the file"
    assert load_library_cached(content_dir=content).routines[routine_id].name == "Renamed in the file"


def test_a_changed_user_routine_is_never_answered_from_the_cache(cache: Path, tmp_path: Path) -> None:
    user = tmp_path / "routines"
    user.mkdir()
    mine = user / "mine.toml"
    mine.write_text(USER_ROUTINE.format(name="Name A"), encoding="utf-8")
    assert load_library_cached(user).routines["my-rolls"].name == "Name A"
    # Same size, same modification time: only the change time and the bytes tell.
    st = mine.stat()
    mine.write_text(USER_ROUTINE.format(name="Name B"), encoding="utf-8")
    os.utime(mine, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert load_library_cached(user).routines["my-rolls"].name == "Name B"
    # A new file, and a removed one.
    (user / "other.toml").write_text(
        USER_ROUTINE.format(name="Other").replace("my-rolls", "other-rolls"), "utf-8"
    )
    assert "other-rolls" in load_library_cached(user).routines
    mine.unlink()
    assert "my-rolls" not in load_library_cached(user).routines


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wrong shape"])
def test_a_damaged_cache_is_ignored_and_made_again(cache: Path, damage: str) -> None:
    good = load_library_cached()
    path = cache_path(None, builtin_content_dir())
    assert path is not None
    data = path.read_bytes()
    broken = {
        "garbage": b"\x80\x05not a pickle at all",
        "truncated": data[: len(data) // 2],
        "empty": b"",
        "wrong shape": _dumps(("just", "a", "tuple")),
    }[damage]
    path.write_bytes(broken)
    assert _same(load_library_cached(), good)
    assert path.read_bytes() != broken  # made again


def _poisoned(key: str) -> bytes:
    """A well-formed cache whose library says something the files do not."""
    library = load_library(None)
    routines = dict(library.routines)
    some_id = sorted(routines)[0]
    from dataclasses import replace

    routines[some_id] = replace(routines[some_id], name="NOT FROM THE FILES")
    return _dumps((key, dict(library.poses), routines, dict(library.programs), (), dict(library.sources)))


def test_a_stale_cache_is_not_used(cache: Path) -> None:
    load_library_cached()
    path = cache_path(None, builtin_content_dir())
    assert path is not None
    path.write_bytes(_poisoned("another key"))
    assert all(r.name != "NOT FROM THE FILES" for r in load_library_cached().routines.values())


def test_a_cache_others_can_read_or_write_is_not_trusted(cache: Path) -> None:
    load_library_cached()
    path = cache_path(None, builtin_content_dir())
    assert path is not None
    path.write_bytes(_poisoned(_key(None, builtin_content_dir())))
    os.chmod(path, 0o600)
    assert any(
        r.name == "NOT FROM THE FILES" for r in load_library_cached().routines.values()
    )  # the seam works
    os.chmod(path, 0o666)
    assert all(r.name != "NOT FROM THE FILES" for r in load_library_cached().routines.values())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # written again, private


def test_a_cache_that_cannot_be_written_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BACKROLL_CACHE", str(blocker / "cache"))
    assert _same(load_library_cached(), load_library(None))
    monkeypatch.setenv("BACKROLL_CACHE", "")  # off
    assert cache_path(None, builtin_content_dir()) is None
    assert _same(load_library_cached(), load_library(None))


# ------------------------------------------------------------------ what a command imports

_PROBE = """
import contextlib, io, json, sys
from tracker.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:], stdout=out)
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

NEVER_FOR_STATUS = (
    "textual", "rich", "tracker.ui", "tracker.report", "tracker.runner", "tracker.cues", "tracker.checkpoint",
    "tracker.exchange", "tracker.briefing", "tracker.plan", "tracker.cli.app", "tracker.demo", "socket",
)  # fmt: skip


def _modules(args: list[str], env: dict[str, str]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["code"] == 0, done.stderr
    return set(report["modules"])


def _loaded(modules: set[str], prefix: str) -> bool:
    return any(m == prefix or m.startswith(prefix + ".") for m in modules)


@pytest.mark.parametrize("history", ["none", "empty"])
def test_status_imports_only_what_it_uses(tmp_path: Path, history: str) -> None:
    home = tmp_path / "home"
    if history == "empty":
        home.mkdir(mode=0o700)
    env = dict(os.environ, BACKROLL_CACHE=str(tmp_path / "cache"))
    args = ["status", "--json", "--home", str(home)]
    first = _modules(args, env)  # makes the library cache
    again = _modules(args, env)
    for modules in (first, again):
        assert not [m for m in NEVER_FOR_STATUS if _loaded(modules, m)]
    # From the cache: neither the TOML reader nor the content checks.
    assert "tomllib" not in again and not _loaded(again, "tracker.content.loader")
    assert not _loaded(again, "tracker.content.reader")
    assert not _loaded(again, "tracker.content.checks")
