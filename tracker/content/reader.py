"""Validation of one parsed content file: `RecordReader` turns TOML tables into model records (poses, steps,
routines, programs), collecting every problem with its line and field path; the field checkers it builds on
are tracker.content.checks."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Mapping
from dataclasses import fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tracker.content import reader_figure
from tracker.content import reader_v2 as v2
from tracker.content.checks import FileReader, Invalid, describe
from tracker.content.format import (
    ALL_STEP_KEYS,
    ANSWER_KEY_RE,
    BINDABLE,
    BINDINGS,
    COUNTS_PER_MOVE,
    DURATION,
    HOLD_LIMITS,
    MAX_STEPS,
    POSE_KEYS,
    PROGRAM_KEYS,
    REPS,
    REST_BETWEEN,
    ROUTINE_KEYS,
    ROUTINE_REPEATS,
    STEP_KEYS,
    STEP_REPEATS,
)
from tracker.model import (
    Observation,
    Pose,
    Prescription,
    Program,
    ProgressionRules,
    Routine,
    Side,
    Step,
    StepKind,
)

# Rules whose range is narrower than any count: pain scores are 0-10.
_RULE_RANGES: Mapping[str, tuple[int, int]] = MappingProxyType(
    {"pain_threshold": (0, 10), "response_rise": (0, 10)}
)


class RecordReader(FileReader):
    """Reads one parsed TOML document into model records (poses, steps, routines, programs), collecting every error."""

    def __init__(self, path: Path, text: str, *, builtin: bool) -> None:
        super().__init__(path, text, builtin=builtin)
        self.first_side = Side.LEFT  # the routine's first_side (v2), the default of its steps

    # ---- records

    def pose(self, table: object, where: str) -> Pose:
        if not isinstance(table, dict):
            raise self.error(where, f"expected a table ([[pose]]), got {describe(table)}")
        self.check_keys(table, POSE_KEYS, where)
        problems = len(self.errors)
        values: dict[str, Any] = {}
        getters: dict[str, Callable[[], object]] = {
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
            "figure": lambda: (
                reader_figure.figure(self, table["figure"], where) if "figure" in table else None
            ),
        }
        for name, get in getters.items():
            try:
                values[name] = get()
            except Invalid:
                pass
        if len(self.errors) > problems:
            raise Invalid(where)
        return Pose(**values)

    def step(
        self,
        table: object,
        where: str,
        poses: Mapping[str, Pose],
        *,
        program: bool,
    ) -> tuple[Step, dict[str, str]]:
        """One step; in a program, also its bindings (Step field -> "lifts" | "count" | "hold")."""
        if not isinstance(table, dict):
            raise self.error(where, f"expected a table, got {describe(table)}")
        kind = self.enum(table, "kind", where, StepKind)
        allowed = STEP_KEYS[kind] + (("pose_if_hold",) if program else ())
        for key in table:
            if key not in allowed and key in ALL_STEP_KEYS:
                if key == "pose_if_hold":
                    self.error(f"{where}.{key}", "only a program step may use pose_if_hold")
                else:
                    self.error(
                        f"{where}.{key}",
                        f"not used by a {kind.value} step; allowed keys: {', '.join(allowed)}",
                    )
        self.check_keys({k: v for k, v in table.items() if k not in ALL_STEP_KEYS}, allowed, where)
        problems = len(self.errors)

        bindings: dict[str, str] = {}
        plain: dict[str, object] = {}
        for key, value in table.items():
            if isinstance(value, str) and (value in BINDINGS or (key in BINDABLE and value.startswith("$"))):
                if not program:
                    self.error(
                        f"{where}.{key}", f"bindings like {value!r} are only allowed in a program's steps"
                    )
                elif key not in BINDABLE or key not in allowed:
                    bindable = [k for k in BINDABLE if k in allowed]
                    self.error(
                        f"{where}.{key}",
                        f"cannot be bound; only {', '.join(bindable)} take $lifts, $count or $hold",
                    )
                elif value not in BINDINGS:
                    self.error(
                        f"{where}.{key}", f"expected one of {', '.join(BINDINGS)}, got {describe(value)}"
                    )
                else:
                    bindings[BINDABLE[key]] = BINDINGS[value]
                continue
            plain[key] = value

        values: dict[str, Any] = {"kind": kind}

        def attempt(name: str, get: Callable[[], object]) -> None:
            try:
                values[name] = get()
            except Invalid:
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
            except Invalid:
                pass
        attempt("cue", lambda: self.string(plain, "cue", where) or "")
        attempt("title", lambda: self.string(plain, "title", where) or "")
        attempt("optional", lambda: self.boolean(plain, "optional", where))

        if kind is StepKind.REPS:
            for key, name in (("reps", "reps"), ("raise", "raise_counts"), ("lower", "lower_counts")):
                if name in bindings:
                    continue
                limits = REPS if key == "reps" else COUNTS_PER_MOVE
                attempt(name, functools.partial(self.integer, plain, key, where, limits))
            if "hold" in plain:
                attempt("hold", lambda: self.hold(plain["hold"], f"{where}.hold"))
        elif kind is StepKind.HOLD:
            if "hold" not in bindings:
                if "hold" not in plain:
                    self.error(
                        f"{where}.hold",
                        f"missing; expected exactly one of {', '.join(HOLD_LIMITS)} (a number > 0)",
                    )
                else:
                    attempt("hold", lambda: self.hold(plain["hold"], f"{where}.hold"))
            if "reps" not in bindings:
                attempt("reps", lambda: self.integer(plain, "reps", where, REPS, default=1))
            attempt(
                "rest_between", lambda: self.number(plain, "rest_between", where, REST_BETWEEN, default=0.0)
            )
        elif kind in (StepKind.FLOW, StepKind.REST):
            attempt("duration", lambda: self.number(plain, "duration", where, DURATION))
        else:  # OBSERVE

            def observation() -> Observation:
                question = self.string(plain, "question", where, required=True)
                choices = self.strings(plain, "choices", where)
                if len(set(choices)) != len(choices):
                    raise self.error(
                        f"{where}.choices", f"expected distinct choices, got {describe(list(choices))}"
                    )
                key = self.string(plain, "key", where, required=True)
                if not ANSWER_KEY_RE.match(key or ""):
                    raise self.error(
                        f"{where}.key",
                        f"expected a short lowercase id like 'space-before', got {describe(key)}",
                    )
                return Observation(question=question or "", choices=choices, key=key or "")

            attempt("observe", observation)

        if "sides" in allowed:
            attempt("sides", lambda: v2.sides(self, plain, where, kind, values))
        if "repeats" in allowed:
            attempt("repeats", lambda: self.integer(plain, "repeats", where, STEP_REPEATS, default=1))
        v2.step_extras(self, plain, where, values, self.first_side)
        if "tighter_extra" in plain and "tighter_extra" in allowed:
            attempt("tighter_extra", lambda: self.hold(plain["tighter_extra"], f"{where}.tighter_extra"))
            if values.get("sides", Side.NONE) is Side.NONE and "sides" in values:
                self.error(
                    f"{where}.tighter_extra",
                    'needs sides = "left", "right" or "both" (it is added on the tighter side)',
                )

        if len(self.errors) > problems:
            raise Invalid(where)
        return Step(**values), bindings

    def steps(
        self, table: Mapping[str, object], where: str, poses: Mapping[str, Pose], *, program: bool
    ) -> tuple[list[Step], list[dict[str, str]]]:
        if "steps" not in table:
            raise self.error(f"{where}.steps", f"missing; expected at least one [[{where}.steps]] table")
        raw = table["steps"]
        if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
            raise self.error(f"{where}.steps", f"expected [[{where}.steps]] tables, got {describe(raw)}")
        if not raw:
            raise self.error(f"{where}.steps", f"expected at least one [[{where}.steps]] table")
        if len(raw) > MAX_STEPS:
            raise self.error(
                f"{where}.steps[{MAX_STEPS}]", f"too many steps: at most {MAX_STEPS}, got {len(raw)}"
            )
        steps: list[Step] = []
        bindings: list[dict[str, str]] = []
        problems = len(self.errors)
        keys_seen: dict[str, int] = {}
        for i, item in enumerate(raw):
            try:
                step, bound = self.step(item, f"{where}.steps[{i}]", poses, program=program)
            except Invalid:
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
        v2.check_sequences(self, steps, where)
        if len(self.errors) > problems:
            raise Invalid(where)
        return steps, bindings

    def routine(self, table: object, poses: Mapping[str, Pose], origin: str) -> Routine:
        where = "routine"
        if not isinstance(table, dict):
            raise self.error(where, f"expected a [routine] table, got {describe(table)}")
        self.check_keys(table, ROUTINE_KEYS, where)
        problems = len(self.errors)
        values: dict[str, Any] = {"origin": origin}
        getters: dict[str, Callable[[], object]] = {
            "id": lambda: self.ident(table, "id", where),
            "name": lambda: self.string(table, "name", where, required=True),
            "summary": lambda: self.string(table, "summary", where) or "",
            "source": lambda: self.string(table, "source", where, required=self.builtin) or "",
            "format": lambda: v2.file_format(self, table, where),
            "props": lambda: v2.props(self, table, where, values.get("format", 1)),
            "first_side": lambda: v2.first_side(self, table, where, Side.LEFT),
            "room": lambda: self.string(table, "room", where) or "",
            "notes": lambda: self.strings(table, "notes", where),
            "cautions": lambda: self.strings(table, "cautions", where),
            "repeats": lambda: self.integer(table, "repeats", where, ROUTINE_REPEATS, default=1),
            "tags": lambda: self.strings(table, "tags", where),
            "next": lambda: self.ident(table, "next", where) if "next" in table else None,
            "steps": lambda: tuple(self.steps(table, where, poses, program=False)[0]),
        }
        for name, get in getters.items():
            try:
                values[name] = get()
            except Invalid:
                pass
            if name == "first_side":
                self.first_side = values.pop("first_side", Side.LEFT)
        if len(self.errors) > problems:
            raise Invalid(where)
        values["props"], values["kit"] = values["props"]
        return Routine(**values)

    def rules(self, table: object, where: str) -> ProgressionRules:
        if not isinstance(table, dict):
            raise self.error(where, f"expected a table, got {describe(table)}")
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
                        raise self.error(
                            path, f"expected a table {{ lifts, count, hold }}, got {describe(value)}"
                        )
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
                            path,
                            f"expected two integers [n, m] with 1 <= n <= m (n of the last m), got {describe(value)}",
                        )
                    values[name] = (value[0], value[1])
                else:
                    values[name] = self.integer(table, name, where, _RULE_RANGES.get(name, (0, 10_000)))
            except Invalid:
                pass
        if len(self.errors) > problems:
            raise Invalid(where)
        return ProgressionRules(**values)

    def program(self, table: object, poses: Mapping[str, Pose]) -> Program:
        where = "program"
        if not isinstance(table, dict):
            raise self.error(where, f"expected a [program] table, got {describe(table)}")
        self.check_keys(table, PROGRAM_KEYS, where)
        problems = len(self.errors)
        values: dict[str, Any] = {}
        getters: dict[str, Callable[[], object]] = {
            "id": lambda: self.ident(table, "id", where),
            "name": lambda: self.string(table, "name", where, required=True),
            "summary": lambda: self.string(table, "summary", where) or "",
            "source": lambda: self.string(table, "source", where, required=True) or "",
            "next": lambda: self.ident(table, "next", where) if "next" in table else None,
            "props": lambda: self.strings(table, "props", where),
            "cautions": lambda: self.strings(table, "cautions", where),
            "next_poses": lambda: self.strings(table, "next_poses", where),
            "rules": lambda: (
                self.rules(table["rules"], f"{where}.rules") if "rules" in table else ProgressionRules()
            ),
            "steps": lambda: self.steps(table, where, poses, program=True),
        }
        for name, get in getters.items():
            try:
                values[name] = get()
            except Invalid:
                pass
        if len(self.errors) > problems:
            raise Invalid(where)
        steps, bindings = values.pop("steps")
        return Program(steps=tuple(steps), bindings=tuple(MappingProxyType(b) for b in bindings), **values)
