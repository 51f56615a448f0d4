"""Reading content files: the built-in library, the user's routines folder, one file for `backroll check`."""

from __future__ import annotations

import difflib
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.content.bounds import routine_size_problem
from tracker.content.checks import Invalid, describe
from tracker.content.errors import ContentError, ContentErrors, raise_all
from tracker.content.format import (
    MAX_FILE_BYTES,
)
from tracker.content.library import Library, frozen
from tracker.content.locate import find_line
from tracker.content.reader import RecordReader
from tracker.content.sources import load_sources
from tracker.model import (
    Pose,
    Program,
    Routine,
)
from tracker.paths import builtin_content_dir


@dataclass
class _FileContent:
    path: Path
    text: str
    poses: dict[str, Pose] = field(default_factory=dict)
    routine: Routine | None = None
    program: Program | None = None
    errors: list[ContentError] = field(default_factory=list)

    def ids(self) -> list[str]:
        return [r.id for r in (self.routine, self.program) if r is not None]


def _read_text(path: Path) -> str:
    """The file's text; ContentError when it is too large, unreadable, not a regular file or not UTF-8.

    What is read is capped (not what stat says: /dev/zero has a size of 0), and
    only a regular file is opened, so a FIFO or a device never blocks or floods.
    """
    try:
        st = path.stat()
    except OSError as exc:
        raise ContentError(path, None, "", f"cannot read the file: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        what = "a folder" if stat.S_ISDIR(st.st_mode) else "a pipe, a device or a socket"
        raise ContentError(path, None, "", f"not a regular file ({what}); give a .toml file")
    if st.st_size > MAX_FILE_BYTES:
        raise ContentError(
            path, None, "", f"the file is too large: {st.st_size} bytes, at most {MAX_FILE_BYTES} (1 MB)"
        )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the stat
                raise ContentError(path, None, "", "not a regular file; give a .toml file")
            chunks: list[bytes] = []
            size = 0
            while size <= MAX_FILE_BYTES and (chunk := os.read(fd, MAX_FILE_BYTES + 1 - size)):
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(fd)
    except OSError as exc:
        raise ContentError(path, None, "", f"cannot read the file: {exc.strerror or exc}") from None
    data = b"".join(chunks)
    if len(data) > MAX_FILE_BYTES:  # grew since stat
        raise ContentError(path, None, "", f"the file is too large: more than {MAX_FILE_BYTES} bytes (1 MB)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(
            path,
            line,
            "",
            f"expected UTF-8 text, got the byte {data[exc.start : exc.start + 1]!r} at byte {exc.start}",
        ) from None
    return text.removeprefix("\ufeff")


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


_LONG_NUMBER = re.compile(
    r"[0-9][0-9_]{4300,}"
)  # more digits than int() converts (sys.get_int_max_str_digits)
_KEY_BEFORE = re.compile(r"^[ \t]*([^=\s][^=\n]*?)[ \t]*=", re.MULTILINE)


def _long_number(path: Path, text: str) -> ContentError:
    """The error for an integer longer than int() converts (Python's limit of 4300 digits): its line and key."""
    found = _LONG_NUMBER.search(text)
    at = found.start() if found else 0
    line = text.count("\n", 0, at) + 1
    keys = list(_KEY_BEFORE.finditer(text, 0, at))
    key = keys[-1].group(1).strip() if keys else ""
    digits = len(found.group().replace("_", "")) if found else 0
    return ContentError(
        path, line, key, f"a number {digits} digits long; no value in a routine needs more than a few digits"
    )


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except ValueError as exc:
        if not isinstance(
            exc, tomllib.TOMLDecodeError
        ):  # tomllib's int() of a number past Python's digit limit
            raise _long_number(path, text) from None
        message = str(exc)
        match = _TOML_POSITION.search(message)
        if match:
            line: int | None = int(match.group(1))
        elif "end of document" in message:
            line = max(len(text.splitlines()), 1)
        else:
            line = None
        raise ContentError(path, line, "", f"TOML syntax error: {message}") from None


def _read_file(
    path: Path,
    known_poses: Mapping[str, Pose],
    *,
    builtin: bool,
    origin: str,
) -> _FileContent:
    """Parse and validate one file against `known_poses` (plus the file's own poses).

    Checks everything that needs only this file; ids against other files are
    checked by the caller. Never raises ContentError: problems land in `.errors`.
    """
    try:
        text = _read_text(path)
        document = _parse(path, text)
    except ContentError as exc:
        return _FileContent(path, "", errors=[exc])
    content = _FileContent(path, text)
    reader = RecordReader(path, text, builtin=builtin)
    allowed = ("pose", "routine", "program") if builtin else ("pose", "routine")
    if not document:
        reader.error(
            "",
            f"the file is empty; expected {' or '.join('[[pose]]' if k == 'pose' else f'[{k}]' for k in allowed)}",
            line=1,
        )
        content.errors = reader.errors
        return content
    for key in document:
        if key not in allowed:
            if key == "program" and not builtin:
                reader.error(
                    "program", "a user file may not define a program; use a [routine] with [[routine.steps]]"
                )
            else:
                reader.check_keys({key: None}, allowed, "", "at the top level")

    own_poses: dict[str, Pose] = {}
    if "pose" in document:
        raw_poses = document["pose"]
        if not isinstance(raw_poses, list):
            reader.error("pose", f"expected [[pose]] tables, got {describe(raw_poses)}")
            raw_poses = []
        for i, item in enumerate(raw_poses):
            try:
                pose = reader.pose(item, f"pose[{i}]")
            except Invalid:
                continue
            if pose.id in own_poses:
                first = list(own_poses).index(pose.id)
                reader.error(
                    f"pose[{i}].id",
                    f"duplicate pose id {pose.id!r} (already defined by pose[{first}] in this file)",
                )
            elif pose.id in known_poses:
                owner = "another built-in content file" if builtin else "a built-in pose"
                reader.error(f"pose[{i}].id", f"duplicate pose id {pose.id!r}: {owner} already uses it")
            else:
                own_poses[pose.id] = pose
    content.poses = own_poses
    poses = {**known_poses, **own_poses}
    if "routine" in document:
        try:
            content.routine = reader.routine(document["routine"], poses, origin)
        except Invalid:
            pass
        if content.routine is not None and not builtin:
            too_large = routine_size_problem(content.routine, poses)
            if too_large is not None:
                reader.error(*too_large)
                content.routine = None
    if "program" in document and builtin:
        try:
            content.program = reader.program(document["program"], poses)
        except Invalid:
            pass
    if content.routine and content.program and content.routine.id == content.program.id:
        reader.error("program.id", f"duplicate id {content.program.id!r}: the [routine] of this file uses it")
    content.errors = reader.errors
    return content


def _error_at(content: _FileContent, field_path: str, message: str) -> ContentError:
    return ContentError(content.path, find_line(content.text, field_path), field_path, message)


def _check_next(content: _FileContent, ids: set[str]) -> list[ContentError]:
    errors = []
    for kind, record in (("routine", content.routine), ("program", content.program)):
        if record is not None and record.next is not None and record.next not in ids:
            hint = difflib.get_close_matches(record.next, sorted(ids), n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            errors.append(_error_at(content, f"{kind}.next", f"unknown routine {record.next!r}{suggestion}"))
    return errors


# --------------------------------------------------------------------------- public entry points

_BUILTIN_DIRS = ("poses", "routines", "programs")


def _toml_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.glob("*.toml") if p.is_file())
    except OSError:
        return []


def load_builtin(content_dir: Path | None = None) -> Library:
    """The shipped library (`content_dir` defaults to `paths.builtin_content_dir()`).

    Raises ContentError / ContentErrors listing every problem: broken built-in
    content is a bug we ship.
    """
    root = content_dir if content_dir is not None else builtin_content_dir()
    poses: dict[str, Pose] = {}
    contents: list[_FileContent] = []
    errors: list[ContentError] = []
    for sub in _BUILTIN_DIRS:
        for path in _toml_files(root / sub):
            content = _read_file(path, poses, builtin=True, origin="builtin")
            poses.update(content.poses)
            contents.append(content)
            errors.extend(content.errors)
    routines: dict[str, Routine] = {}
    programs: dict[str, Program] = {}
    owner: dict[str, Path] = {}
    for content in contents:
        for kind, record in (("routine", content.routine), ("program", content.program)):
            if record is None:
                continue
            if record.id in owner:
                errors.append(
                    _error_at(
                        content,
                        f"{kind}.id",
                        f"duplicate id {record.id!r}: {owner[record.id].name} already uses it",
                    )
                )
                continue
            owner[record.id] = content.path
            if isinstance(record, Program):
                programs[record.id] = record
            else:
                routines[record.id] = record
    ids = set(owner)
    for content in contents:
        errors.extend(_check_next(content, ids))
    raise_all(errors)
    return Library(frozen(poses), frozen(routines), frozen(programs), (), load_sources(root))


def _guarded_read(path: Path, known_poses: Mapping[str, Pose]) -> _FileContent:
    """One user file's parse and validation; whatever goes wrong in it is a ContentError for that file.

    A broken user file must never stop the built-ins: deep nesting (RecursionError), a number
    too large for a float or for int() (OverflowError, ValueError), a file that exhausts memory.
    """
    try:
        return _read_file(path, known_poses, builtin=False, origin=str(path))
    except (RecursionError, MemoryError) as exc:
        why = "it is nested too deeply" if isinstance(exc, RecursionError) else "it needs too much memory"
        return _FileContent(path, "", errors=[ContentError(path, None, "", f"cannot be read: {why}")])
    except (ValueError, OverflowError, TypeError, KeyError, IndexError, AttributeError) as exc:
        if isinstance(exc, ContentError):
            return _FileContent(path, "", errors=[exc])
        detail = str(exc)
        detail = detail if len(detail) <= 120 else detail[:117] + "..."
        return _FileContent(
            path, "", errors=[ContentError(path, None, "", f"cannot be read: {detail or type(exc).__name__}")]
        )


def _user_file(path: Path, base: Library) -> _FileContent:
    content = _guarded_read(path, base.poses)
    if content.routine is not None and content.routine.id in base.ids():
        content.errors.append(
            _error_at(
                content,
                "routine.id",
                f"duplicate id {content.routine.id!r}: a built-in routine already uses it; choose another id",
            )
        )
    return content


def load_library(user_dir: Path | None = None, *, content_dir: Path | None = None) -> Library:
    """The built-in library plus the user's routine files (`user_dir/*.toml`, e.g. `<home>/routines`).

    A user file with any problem is skipped whole and its problems are listed in
    `Library.errors`; built-in problems raise (see `load_builtin`). A missing
    `user_dir` is fine. User ids may not shadow built-in ids, nor each other
    (the first file in name order wins).
    """
    base = load_builtin(content_dir)
    if user_dir is None:
        return base
    poses = dict(base.poses)
    routines = dict(base.routines)
    errors: list[ContentError] = []
    loaded: list[_FileContent] = []
    owner: dict[str, Path] = {}
    for path in _toml_files(user_dir):
        content = _user_file(path, base)
        if not content.errors and content.routine is not None and content.routine.id in owner:
            content.errors.append(
                _error_at(
                    content,
                    "routine.id",
                    f"duplicate id {content.routine.id!r}: {owner[content.routine.id].name} already uses it",
                )
            )
        if not content.errors:
            clash = next((pid for pid in content.poses if pid in poses), None)
            if clash is not None:
                index = list(content.poses).index(clash)
                content.errors.append(
                    _error_at(
                        content,
                        f"pose[{index}].id",
                        f"duplicate pose id {clash!r}: another user file already uses it",
                    )
                )
        if content.errors:
            errors.extend(content.errors)
            continue
        poses.update(content.poses)
        if content.routine is not None:
            owner[content.routine.id] = path
        loaded.append(content)
    ids = base.ids() | set(owner)
    for content in loaded:
        problems = _check_next(content, ids)
        if problems:
            errors.extend(problems)
            continue
        if content.routine is not None:
            routines[content.routine.id] = content.routine
    return Library(frozen(poses), frozen(routines), base.programs, tuple(errors), base.sources)


def load_file(
    path: Path, known_poses: Mapping[str, Pose] | None = None, *, content_dir: Path | None = None
) -> Library:
    """One user file as a Library of its own content; raises ContentError (one problem) or ContentErrors.

    `known_poses` are the poses its steps may use besides its own. None means
    the built-in library: its poses, and its ids, which the file's routine may
    not shadow; its `next` must then name a known routine. `content_dir`
    replaces the shipped content (tests).
    """
    path = Path(path)
    if known_poses is None:
        base = load_builtin(content_dir)
        content = _user_file(path, base)
        if not content.errors:
            content.errors.extend(_check_next(content, base.ids() | set(content.ids())))
    else:
        content = _guarded_read(path, known_poses)
    raise_all(content.errors)
    routines = {content.routine.id: content.routine} if content.routine else {}
    return Library(frozen(content.poses), frozen(routines), frozen(), ())


def check_file(path: Path, *, content_dir: Path | None = None) -> list[ContentError]:
    """Every problem in the user routine file `path`, checked against the built-in library; [] = valid.

    For `backroll check FILE`. Broken built-in content still raises, except
    when `path` is itself a shipped file: that is checked as built-in
    content (its ids are its own), and its problems are returned.
    """
    root = (content_dir if content_dir is not None else builtin_content_dir()).resolve()
    if Path(path).resolve().is_relative_to(root):
        try:
            load_builtin(content_dir)
        except ContentErrors as exc:
            return [e for e in exc.errors if Path(e.path).resolve() == Path(path).resolve()]
        except ContentError as exc:
            return [exc] if Path(exc.path).resolve() == Path(path).resolve() else []
        return []
    try:
        load_file(Path(path), content_dir=content_dir)
    except ContentErrors as exc:
        return list(exc.errors)
    except ContentError as exc:
        return [exc]
    return []
