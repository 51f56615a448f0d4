"""Load and validate the pose, routine and program library (TOML, see content/FORMAT.md).

Built-in content comes from `paths.builtin_content_dir()` (`poses/`, `routines/`,
`programs/`); a person adds routines as `*.toml` files in their routines folder
(`<home>/routines`), which may also carry their own `[[pose]]` tables.

Validation is strict: unknown keys (typos), wrong types, out-of-range numbers,
unknown poses, duplicate ids... are all refused. Every problem is a
`ContentError` naming the file, the line and the field path, e.g.

    /home/u/routines/x.toml:14: routine.steps[3].hold: expected exactly one of counts, breaths, seconds (a number > 0), got {'count': 4}

Field paths read like Python: `routine.steps[3]` is the fourth
`[[routine.steps]]` table of the file (indices start at 0), so the same
index works on `Routine.steps`.

A broken user file never stops the library from loading: `load_library`
skips it and lists its problems in `Library.errors`. Broken built-in content
raises: it is a bug we ship.

No Textual here (see the import-linter contract in pyproject.toml), and no
module-level cache: every call reads the files again (a few milliseconds).
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence

from tracker.model import (
    Hold,
    HoldUnit,
    Observation,
    Pose,
    Prescription,
    Program,
    ProgressionRules,
    Routine,
    Settings,
    Side,
    Step,
    StepKind,
)
from tracker.paths import builtin_content_dir

__all__ = [
    "ContentError",
    "ContentErrors",
    "Library",
    "MAX_FILE_BYTES",
    "MAX_STEPS",
    "check_file",
    "find_line",
    "hold_seconds",
    "load_builtin",
    "load_file",
    "load_library",
    "planned_seconds",
    "side_seconds",
    "step_seconds",
    "step_sides",
]

MAX_FILE_BYTES = 1024 * 1024  # larger files are refused unread
MAX_STEPS = 200

# Limits from FORMAT.md: (low, high), inclusive.
REPS = (1, 100)
COUNTS_PER_MOVE = (1, 20)  # raise / lower
HOLD_LIMITS: dict[str, tuple[int, int]] = {"counts": (1, 600), "breaths": (1, 100), "seconds": (1, 1800)}
DURATION = (1, 3600)
STEP_REPEATS = (1, 20)
ROUTINE_REPEATS = (1, 10)
REST_BETWEEN = (0, 600)  # seconds between the reps of a hold step

BINDINGS = {"$lifts": "lifts", "$count": "count", "$hold": "hold"}
# TOML key -> Step field name, for the fields a program step may bind.
BINDABLE = {"reps": "reps", "raise": "raise_counts", "lower": "lower_counts", "hold": "hold"}

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ANSWER_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

POSE_KEYS = (
    "id", "name", "sanskrit", "cues", "props", "modifications", "cautions",
    "muscles", "sided", "advanced", "source",
)  # fmt: skip
ROUTINE_KEYS = ("id", "name", "summary", "source", "props", "cautions", "repeats", "tags", "next", "steps")
PROGRAM_KEYS = ("id", "name", "summary", "source", "next", "next_poses", "props", "cautions", "rules", "steps")
STEP_COMMON = ("pose", "kind", "cue", "title", "optional")
STEP_KEYS: dict[StepKind, tuple[str, ...]] = {
    StepKind.REPS: STEP_COMMON + ("reps", "raise", "lower", "hold", "sides", "tighter_extra", "repeats"),
    StepKind.HOLD: STEP_COMMON + ("hold", "reps", "rest_between", "sides", "tighter_extra", "repeats"),
    StepKind.FLOW: STEP_COMMON + ("duration", "sides", "repeats"),
    StepKind.REST: STEP_COMMON + ("duration", "repeats"),
    StepKind.OBSERVE: STEP_COMMON + ("question", "choices", "key"),
}
ALL_STEP_KEYS = tuple(dict.fromkeys(k for keys in STEP_KEYS.values() for k in keys)) + ("pose_if_hold",)


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


def _raise_all(errors: Sequence[ContentError]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ContentErrors(errors)


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
        return found if found is not None else header.line
    # Not inside any table header: a top-level key or an inline/dotted table.
    first_header = headers[0].line - 1 if headers else len(lines)
    found = _find_key(lines, in_string, segments[0][0], 1, first_header)
    if found is None and len(segments) > 1 and headers:
        # e.g. `[routine]` missing entirely but `routine.steps` dotted at the top
        found = _find_key(lines, in_string, segments[0][0], 1, len(lines))
    return found


# --------------------------------------------------------------------------- the library


def _frozen(mapping: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, eq=False)
class Library:
    """Every pose, routine and program that loaded, plus the problems in user files."""

    poses: Mapping[str, Pose] = field(default_factory=_frozen)
    routines: Mapping[str, Routine] = field(default_factory=_frozen)  # built-in and user; not the program
    programs: Mapping[str, Program] = field(default_factory=_frozen)  # "bridge"
    errors: tuple[ContentError, ...] = ()  # problems in user files, each file skipped whole

    def routine(self, routine_id: str, prescription: Prescription | None = None) -> Routine:
        """The routine `routine_id`; a program id gives the program's routine at `prescription`
        (default: the program's starting prescription). KeyError if unknown."""
        if routine_id in self.routines:
            return self.routines[routine_id]
        if routine_id in self.programs:
            program = self.programs[routine_id]
            return program.routine_for(prescription or program.rules.start)
        raise KeyError(routine_id)

    def planned_seconds(self, routine: Routine, settings: Settings) -> float:
        """See the module-level `planned_seconds`."""
        return planned_seconds(routine, settings)

    def ids(self) -> set[str]:
        """Every routine and program id."""
        return set(self.routines) | set(self.programs)


# --------------------------------------------------------------------------- planned duration


def _tighter_side(pose: str, settings: Settings, tighter: Mapping[str, Side]) -> Side | None:
    side = tighter.get(pose) or settings.tighter_side.get(pose)
    return Side(side) if side else None


def step_sides(step: Step) -> tuple[Side, ...]:
    """The sides a step runs through, in order: BOTH is the left, then the right."""
    return (Side.LEFT, Side.RIGHT) if step.sides is Side.BOTH else (step.sides,)


def hold_seconds(step: Step, side: Side, settings: Settings, tighter: Mapping[str, Side] = {}) -> float:
    """One hold of `step` on `side`, in seconds: the hold, plus `tighter_extra` on the tighter side."""
    seconds = step.hold.seconds(settings.tempo, settings.breath_seconds) if step.hold else 0.0
    if step.tighter_extra and side in (Side.LEFT, Side.RIGHT) and _tighter_side(step.pose, settings, tighter) is side:
        seconds += step.tighter_extra.seconds(settings.tempo, settings.breath_seconds)
    return seconds


def side_seconds(step: Step, side: Side, settings: Settings, tighter: Mapping[str, Side] = {}) -> float:
    """One pass of `step` on one side (no step repeats), in seconds."""
    if step.kind is StepKind.REPS:
        move = (step.raise_counts + step.lower_counts) * settings.tempo
        return step.reps * (move + hold_seconds(step, side, settings, tighter))
    if step.kind is StepKind.HOLD:
        return step.reps * hold_seconds(step, side, settings, tighter) + step.rest_between * max(step.reps - 1, 0)
    if step.kind in (StepKind.FLOW, StepKind.REST):
        return float(step.duration)
    return 0.0  # OBSERVE waits for an answer


def step_seconds(step: Step, settings: Settings, tighter: Mapping[str, Side] = {}) -> float:
    """The whole step, all sides, all repeats, in seconds (optional steps included)."""
    return step.repeats * sum(side_seconds(step, side, settings, tighter) for side in step_sides(step))


def planned_seconds(routine: Routine, settings: Settings, tighter: Mapping[str, Side] = {}) -> float:
    """The exact planned length of `routine`, in seconds, with no gaps anywhere.

    With t = settings.tempo (seconds per count), b = settings.breath_seconds and
    H(x) = Hold.seconds(t, b) of hold x (counts * t, breaths * b, or seconds):

        total  = routine.repeats * sum(step(s) for each step s that is not optional)
        step   = s.repeats * sum(side(s, d) for d in sides)      sides: BOTH -> (LEFT, RIGHT),
                                                                  else (s.sides,)
        side   = REPS:    s.reps * ((s.raise_counts + s.lower_counts) * t + h(d))
                 HOLD:    s.reps * h(d) + s.rest_between * (s.reps - 1)
                 FLOW,
                 REST:    s.duration
                 OBSERVE: 0                                       (waits for an answer)
        h(d)   = H(s.hold) if s.hold else 0
                 + H(s.tighter_extra) when s.tighter_extra and d is the pose's tighter side

    The tighter side of a pose is `tighter[pose]`, else `settings.tighter_side[pose]`
    (LEFT or RIGHT); a step done on one side only gets the extra when that side
    is the tighter one, a step with sides NONE never does.
    """
    total = sum(step_seconds(step, settings, tighter) for step in routine.steps if not step.optional)
    return routine.repeats * total


# --------------------------------------------------------------------------- reading one file


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


class _Invalid(Exception):
    """Internal: the value at hand is unusable; the error is already recorded."""


class _FileReader:
    """Validates one parsed TOML document and builds records, collecting every error."""

    def __init__(self, path: Path, text: str, *, builtin: bool) -> None:
        self.path = path
        self.text = text
        self.builtin = builtin
        self.errors: list[ContentError] = []

    # ---- reporting

    def error(self, field_path: str, message: str, *, line: int | None = None) -> _Invalid:
        if line is None:
            try:
                line = find_line(self.text, field_path)
            except Exception:  # the locator must never hide the real problem
                line = None
        self.errors.append(ContentError(self.path, line, field_path, message))
        return _Invalid(field_path)

    def check_keys(self, table: Mapping[str, Any], allowed: Sequence[str], where: str, what: str = "") -> None:
        for key in table:
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
                scope = f" {what}" if what else ""
                self.error(
                    f"{where}.{key}" if where else key,
                    f"unknown key{scope}{suggestion}; allowed keys: {', '.join(allowed)}",
                )

    # ---- typed getters: raise _Invalid after recording the error

    def string(self, table: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
        if key not in table:
            if required:
                raise self.error(f"{where}.{key}", "missing; expected a non-empty string")
            return None
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{where}.{key}", f"expected a non-empty string, got {_describe(value)}")
        return value.strip()

    def ident(self, table: Mapping[str, Any], key: str, where: str) -> str:
        value = self.string(table, key, where, required=True)
        assert value is not None
        if not ID_RE.match(value):
            raise self.error(
                f"{where}.{key}", f"expected a lowercase-kebab id like 'child' or 'cat-cow', got {_describe(value)}"
            )
        return value

    def strings(self, table: Mapping[str, Any], key: str, where: str, *, min_items: int = 0) -> tuple[str, ...]:
        if key not in table:
            if min_items:
                raise self.error(f"{where}.{key}", f"missing; expected an array of at least {min_items} string(s)")
            return ()
        value = table[key]
        if not isinstance(value, list):
            raise self.error(f"{where}.{key}", f"expected an array of strings, got {_describe(value)}")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"{where}.{key}[{i}]", f"expected a non-empty string, got {_describe(item)}")
        if len(value) < min_items:
            raise self.error(f"{where}.{key}", f"expected at least {min_items} string(s), got an empty array")
        return tuple(item.strip() for item in value)

    def boolean(self, table: Mapping[str, Any], key: str, where: str, default: bool = False) -> bool:
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, bool):
            raise self.error(f"{where}.{key}", f"expected true or false, got {_describe(value)}")
        return value

    def integer(
        self, table: Mapping[str, Any], key: str, where: str, limits: tuple[int, int], default: int | None = None
    ) -> int:
        if key not in table:
            if default is None:
                raise self.error(f"{where}.{key}", f"missing; expected an integer from {limits[0]} to {limits[1]}")
            return default
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int) or not limits[0] <= value <= limits[1]:
            raise self.error(f"{where}.{key}", f"expected an integer from {limits[0]} to {limits[1]}, got {_describe(value)}")
        return value

    def number(
        self, table: Mapping[str, Any], key: str, where: str, limits: tuple[float, float], default: float | None = None
    ) -> float:
        if key not in table:
            if default is None:
                raise self.error(f"{where}.{key}", f"missing; expected a number from {limits[0]} to {limits[1]}")
            return default
        value = table[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or not limits[0] <= value <= limits[1]
        ):
            raise self.error(f"{where}.{key}", f"expected a number from {limits[0]} to {limits[1]}, got {_describe(value)}")
        return float(value)

    def enum(self, table: Mapping[str, Any], key: str, where: str, kind: type, default: Any = None) -> Any:
        choices = [m.value for m in kind]
        if key not in table:
            if default is None:
                raise self.error(f"{where}.{key}", f"missing; expected one of {', '.join(choices)}")
            return default
        value = table[key]
        if not isinstance(value, str) or value not in choices:
            raise self.error(f"{where}.{key}", f"expected one of {', '.join(choices)}, got {_describe(value)}")
        return kind(value)

    def hold(self, value: Any, where: str) -> Hold:
        units = ", ".join(HOLD_LIMITS)
        if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in HOLD_LIMITS:
            raise self.error(where, f"expected exactly one of {units} (a number > 0), got {_describe(value)}")
        unit, amount = next(iter(value.items()))
        low, high = HOLD_LIMITS[unit]
        if (
            isinstance(amount, bool)
            or not isinstance(amount, (int, float))
            or not math.isfinite(amount)
            or not low <= amount <= high
        ):
            raise self.error(f"{where}.{unit}", f"expected a number of {unit} from {low} to {high}, got {_describe(amount)}")
        return Hold(amount, HoldUnit(unit))

    # ---- records

    def pose(self, table: Any, where: str) -> Pose:
        if not isinstance(table, dict):
            raise self.error(where, f"expected a table ([[pose]]), got {_describe(table)}")
        self.check_keys(table, POSE_KEYS, where)
        problems = len(self.errors)
        values: dict[str, Any] = {}
        getters = {
            "id": lambda: self.ident(table, "id", where),
            "name": lambda: self.string(table, "name", where, required=True),
            "sanskrit": lambda: self.string(table, "sanskrit", where),
            "cues": lambda: self.strings(table, "cues", where, min_items=1),
            "props": lambda: self.strings(table, "props", where),
            "modifications": lambda: self.strings(table, "modifications", where),
            "cautions": lambda: self.strings(table, "cautions", where),
            "muscles": lambda: self.strings(table, "muscles", where),
            "sided": lambda: self.boolean(table, "sided", where),
            "advanced": lambda: self.boolean(table, "advanced", where),
            "source": lambda: self.string(table, "source", where) or "",
        }
        for name, get in getters.items():
            try:
                values[name] = get()
            except _Invalid:
                pass
        if len(self.errors) > problems:
            raise _Invalid(where)
        return Pose(**values)

    def step(
        self,
        table: Any,
        where: str,
        poses: Mapping[str, Pose],
        *,
        program: bool,
    ) -> tuple[Step, dict[str, str]]:
        """One step; in a program, also its bindings (Step field -> "lifts" | "count" | "hold")."""
        if not isinstance(table, dict):
            raise self.error(where, f"expected a table, got {_describe(table)}")
        kind = self.enum(table, "kind", where, StepKind)
        allowed = STEP_KEYS[kind] + (("pose_if_hold",) if program else ())
        for key in table:
            if key not in allowed and key in ALL_STEP_KEYS:
                if key == "pose_if_hold":
                    self.error(f"{where}.{key}", "only a program step may use pose_if_hold")
                else:
                    self.error(f"{where}.{key}", f"not used by a {kind.value} step; allowed keys: {', '.join(allowed)}")
        self.check_keys({k: v for k, v in table.items() if k not in ALL_STEP_KEYS}, allowed, where)
        problems = len(self.errors)

        bindings: dict[str, str] = {}
        plain: dict[str, Any] = {}
        for key, value in table.items():
            if isinstance(value, str) and (value in BINDINGS or (key in BINDABLE and value.startswith("$"))):
                if not program:
                    self.error(f"{where}.{key}", f"bindings like {value!r} are only allowed in a program's steps")
                elif key not in BINDABLE or key not in allowed:
                    bindable = [k for k in BINDABLE if k in allowed]
                    self.error(f"{where}.{key}", f"cannot be bound; only {', '.join(bindable)} take $lifts, $count or $hold")
                elif value not in BINDINGS:
                    self.error(f"{where}.{key}", f"expected one of {', '.join(BINDINGS)}, got {_describe(value)}")
                else:
                    bindings[BINDABLE[key]] = BINDINGS[value]
                continue
            plain[key] = value

        values: dict[str, Any] = {"kind": kind}

        def attempt(name: str, get: Any) -> None:
            try:
                values[name] = get()
            except _Invalid:
                pass

        def pose_ref(key: str) -> str:
            pose_id = self.string(plain, key, where, required=True)
            assert pose_id is not None
            if pose_id not in poses:
                hint = difflib.get_close_matches(pose_id, list(poses), n=1)
                suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise self.error(f"{where}.{key}", f"unknown pose {pose_id!r}{suggestion}")
            return pose_id

        attempt("pose", lambda: pose_ref("pose"))
        if "pose_if_hold" in plain and program:
            try:
                bindings["pose_if_hold"] = pose_ref("pose_if_hold")
            except _Invalid:
                pass
        attempt("cue", lambda: self.string(plain, "cue", where) or "")
        attempt("title", lambda: self.string(plain, "title", where) or "")
        attempt("optional", lambda: self.boolean(plain, "optional", where))

        if kind is StepKind.REPS:
            for key, name in (("reps", "reps"), ("raise", "raise_counts"), ("lower", "lower_counts")):
                if name in bindings:
                    continue
                limits = REPS if key == "reps" else COUNTS_PER_MOVE
                attempt(name, lambda key=key, limits=limits: self.integer(plain, key, where, limits))
            if "hold" in plain:
                attempt("hold", lambda: self.hold(plain["hold"], f"{where}.hold"))
        elif kind is StepKind.HOLD:
            if "hold" not in bindings:
                if "hold" not in plain:
                    self.error(f"{where}.hold", f"missing; expected exactly one of {', '.join(HOLD_LIMITS)} (a number > 0)")
                else:
                    attempt("hold", lambda: self.hold(plain["hold"], f"{where}.hold"))
            if "reps" not in bindings:
                attempt("reps", lambda: self.integer(plain, "reps", where, REPS, default=1))
            attempt("rest_between", lambda: self.number(plain, "rest_between", where, REST_BETWEEN, default=0.0))
        elif kind in (StepKind.FLOW, StepKind.REST):
            attempt("duration", lambda: self.number(plain, "duration", where, DURATION))
        else:  # OBSERVE
            def observation() -> Observation:
                question = self.string(plain, "question", where, required=True)
                choices = self.strings(plain, "choices", where)
                if len(set(choices)) != len(choices):
                    raise self.error(f"{where}.choices", f"expected distinct choices, got {_describe(list(choices))}")
                key = self.string(plain, "key", where, required=True)
                if not ANSWER_KEY_RE.match(key or ""):
                    raise self.error(f"{where}.key", f"expected a short lowercase id like 'space-before', got {_describe(key)}")
                return Observation(question=question or "", choices=choices, key=key or "")

            attempt("observe", observation)

        if "sides" in allowed:
            attempt("sides", lambda: self.enum(plain, "sides", where, Side, default=Side.NONE))
        if "repeats" in allowed:
            attempt("repeats", lambda: self.integer(plain, "repeats", where, STEP_REPEATS, default=1))
        if "tighter_extra" in plain and "tighter_extra" in allowed:
            attempt("tighter_extra", lambda: self.hold(plain["tighter_extra"], f"{where}.tighter_extra"))
            if values.get("sides", Side.NONE) is Side.NONE and "sides" in values:
                self.error(f"{where}.tighter_extra", "needs sides = \"left\", \"right\" or \"both\" (it is added on the tighter side)")

        if len(self.errors) > problems:
            raise _Invalid(where)
        return Step(**values), bindings

    def steps(
        self, table: Mapping[str, Any], where: str, poses: Mapping[str, Pose], *, program: bool
    ) -> tuple[list[Step], list[dict[str, str]]]:
        if "steps" not in table:
            raise self.error(f"{where}.steps", f"missing; expected at least one [[{where}.steps]] table")
        raw = table["steps"]
        if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
            raise self.error(f"{where}.steps", f"expected [[{where}.steps]] tables, got {_describe(raw)}")
        if not raw:
            raise self.error(f"{where}.steps", f"expected at least one [[{where}.steps]] table")
        if len(raw) > MAX_STEPS:
            raise self.error(f"{where}.steps[{MAX_STEPS}]", f"too many steps: at most {MAX_STEPS}, got {len(raw)}")
        steps: list[Step] = []
        bindings: list[dict[str, str]] = []
        problems = len(self.errors)
        keys_seen: dict[str, int] = {}
        for i, item in enumerate(raw):
            try:
                step, bound = self.step(item, f"{where}.steps[{i}]", poses, program=program)
            except _Invalid:
                continue
            if step.observe is not None:
                if step.observe.key in keys_seen:
                    self.error(
                        f"{where}.steps[{i}].key",
                        f"duplicate answer key {step.observe.key!r} (already used by steps[{keys_seen[step.observe.key]}])",
                    )
                keys_seen.setdefault(step.observe.key, i)
            if self.builtin and not step.optional and poses[step.pose].advanced:
                self.error(
                    f"{where}.steps[{i}].pose",
                    f"pose {step.pose!r} is advanced: a built-in routine may use it only in a step with optional = true",
                )
            steps.append(step)
            bindings.append(bound)
        if len(self.errors) > problems:
            raise _Invalid(where)
        return steps, bindings

    def routine(self, table: Any, poses: Mapping[str, Pose], origin: str) -> Routine:
        where = "routine"
        if not isinstance(table, dict):
            raise self.error(where, f"expected a [routine] table, got {_describe(table)}")
        self.check_keys(table, ROUTINE_KEYS, where)
        problems = len(self.errors)
        values: dict[str, Any] = {"origin": origin}
        getters = {
            "id": lambda: self.ident(table, "id", where),
            "name": lambda: self.string(table, "name", where, required=True),
            "summary": lambda: self.string(table, "summary", where) or "",
            "source": lambda: self.string(table, "source", where, required=self.builtin) or "",
            "props": lambda: self.strings(table, "props", where),
            "cautions": lambda: self.strings(table, "cautions", where),
            "repeats": lambda: self.integer(table, "repeats", where, ROUTINE_REPEATS, default=1),
            "tags": lambda: self.strings(table, "tags", where),
            "next": lambda: self.ident(table, "next", where) if "next" in table else None,
            "steps": lambda: tuple(self.steps(table, where, poses, program=False)[0]),
        }
        for name, get in getters.items():
            try:
                values[name] = get()
            except _Invalid:
                pass
        if len(self.errors) > problems:
            raise _Invalid(where)
        return Routine(**values)

    def rules(self, table: Any, where: str) -> ProgressionRules:
        if not isinstance(table, dict):
            raise self.error(where, f"expected a table, got {_describe(table)}")
        defaults = ProgressionRules()
        allowed = [f.name for f in fields(ProgressionRules)]
        self.check_keys(table, allowed, where)
        problems = len(self.errors)
        values: dict[str, Any] = {}
        for name in allowed:
            if name not in table:
                continue
            default = getattr(defaults, name)
            value = table[name]
            path = f"{where}.{name}"
            try:
                if isinstance(default, Prescription):
                    if not isinstance(value, dict):
                        raise self.error(path, f"expected a table {{ lifts, count, hold }}, got {_describe(value)}")
                    self.check_keys(value, ("lifts", "count", "hold"), path)
                    values[name] = Prescription(
                        self.integer(value, "lifts", path, REPS),
                        self.integer(value, "count", path, COUNTS_PER_MOVE),
                        self.integer(value, "hold", path, (0, HOLD_LIMITS["counts"][1]), default=0),
                    )
                elif isinstance(default, tuple):
                    if (
                        not isinstance(value, list)
                        or len(value) != 2
                        or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in value)
                        or value[0] > value[1]
                    ):
                        raise self.error(
                            path, f"expected two integers [n, m] with 1 <= n <= m (n of the last m), got {_describe(value)}"
                        )
                    values[name] = (value[0], value[1])
                else:
                    values[name] = self.integer(table, name, where, (0, 10_000))
            except _Invalid:
                pass
        if len(self.errors) > problems:
            raise _Invalid(where)
        return ProgressionRules(**values)

    def program(self, table: Any, poses: Mapping[str, Pose]) -> Program:
        where = "program"
        if not isinstance(table, dict):
            raise self.error(where, f"expected a [program] table, got {_describe(table)}")
        self.check_keys(table, PROGRAM_KEYS, where)
        problems = len(self.errors)
        values: dict[str, Any] = {}
        getters = {
            "id": lambda: self.ident(table, "id", where),
            "name": lambda: self.string(table, "name", where, required=True),
            "summary": lambda: self.string(table, "summary", where) or "",
            "source": lambda: self.string(table, "source", where, required=True) or "",
            "next": lambda: self.ident(table, "next", where) if "next" in table else None,
            "props": lambda: self.strings(table, "props", where),
            "cautions": lambda: self.strings(table, "cautions", where),
            "next_poses": lambda: self.strings(table, "next_poses", where),
            "rules": lambda: self.rules(table["rules"], f"{where}.rules") if "rules" in table else ProgressionRules(),
            "steps": lambda: self.steps(table, where, poses, program=True),
        }
        for name, get in getters.items():
            try:
                values[name] = get()
            except _Invalid:
                pass
        if len(self.errors) > problems:
            raise _Invalid(where)
        steps, bindings = values.pop("steps")
        return Program(steps=tuple(steps), bindings=tuple(MappingProxyType(b) for b in bindings), **values)


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
    """The file's text; ContentError when it is too large, unreadable or not UTF-8."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ContentError(path, None, "", f"cannot read the file: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise ContentError(path, None, "", f"the file is too large: {size} bytes, at most {MAX_FILE_BYTES} (1 MB)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContentError(path, None, "", f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:  # grew since stat
        raise ContentError(path, None, "", f"the file is too large: more than {MAX_FILE_BYTES} bytes (1 MB)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(
            path, line, "", f"expected UTF-8 text, got the byte {data[exc.start:exc.start + 1]!r} at byte {exc.start}"
        ) from None
    return text.removeprefix("\ufeff")


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
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
    reader = _FileReader(path, text, builtin=builtin)
    allowed = ("pose", "routine", "program") if builtin else ("pose", "routine")
    if not document:
        reader.error(
            "", f"the file is empty; expected {' or '.join('[[pose]]' if k == 'pose' else f'[{k}]' for k in allowed)}",
            line=1,
        )
        content.errors = reader.errors
        return content
    for key in document:
        if key not in allowed:
            if key == "program" and not builtin:
                reader.error("program", "a user file may not define a program; use a [routine] with [[routine.steps]]")
            else:
                reader.check_keys({key: None}, allowed, "", "at the top level")

    own_poses: dict[str, Pose] = {}
    if "pose" in document:
        raw_poses = document["pose"]
        if not isinstance(raw_poses, list):
            reader.error("pose", f"expected [[pose]] tables, got {_describe(raw_poses)}")
            raw_poses = []
        for i, item in enumerate(raw_poses):
            try:
                pose = reader.pose(item, f"pose[{i}]")
            except _Invalid:
                continue
            if pose.id in own_poses:
                first = list(own_poses).index(pose.id)
                reader.error(f"pose[{i}].id", f"duplicate pose id {pose.id!r} (already defined by pose[{first}] in this file)")
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
        except _Invalid:
            pass
    if "program" in document and builtin:
        try:
            content.program = reader.program(document["program"], poses)
        except _Invalid:
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
                    _error_at(content, f"{kind}.id", f"duplicate id {record.id!r}: {owner[record.id].name} already uses it")
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
    _raise_all(errors)
    return Library(_frozen(poses), _frozen(routines), _frozen(programs), ())


def _user_file(path: Path, base: Library) -> _FileContent:
    content = _read_file(path, base.poses, builtin=False, origin=str(path))
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
                    _error_at(content, f"pose[{index}].id", f"duplicate pose id {clash!r}: another user file already uses it")
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
    return Library(_frozen(poses), _frozen(routines), base.programs, tuple(errors))


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
        content = _read_file(path, known_poses, builtin=False, origin=str(path))
    _raise_all(content.errors)
    routines = {content.routine.id: content.routine} if content.routine else {}
    return Library(_frozen(content.poses), _frozen(routines), _frozen(), ())


def check_file(path: Path, *, content_dir: Path | None = None) -> list[ContentError]:
    """Every problem in the user routine file `path`, checked against the built-in library; [] = valid.

    For `backroll check FILE`. Broken built-in content still raises.
    """
    try:
        load_file(Path(path), content_dir=content_dir)
    except ContentErrors as exc:
        return list(exc.errors)
    except ContentError as exc:
        return [exc]
    return []
