"""The loaded library: poses, routines and programs, plus the problems of the user's files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from tracker.content.errors import ContentError
from tracker.model import (
    Pose,
    Prescription,
    Program,
    Routine,
    Settings,
)

V = TypeVar("V")

# --------------------------------------------------------------------------- the library


def frozen(mapping: Mapping[str, V] | None = None) -> Mapping[str, V]:
    """A read-only copy of `mapping`, so a Library's tables cannot be changed through it."""
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, eq=False)
class Library:
    """Every pose, routine and program that loaded, plus the problems in user files."""

    poses: Mapping[str, Pose] = field(default_factory=frozen)
    routines: Mapping[str, Routine] = field(default_factory=frozen)  # built-in and user; not the program
    programs: Mapping[str, Program] = field(default_factory=frozen)  # "bridge"
    errors: tuple[ContentError, ...] = ()  # problems in user files, each file skipped whole
    sources: Mapping[str, str] = field(default_factory=frozen)  # seed file name -> its title and author

    def source_label(self, source: str) -> str:
        """A `source` field in words: the seed's title and author, else the text as written."""
        return self.sources.get(source, source)

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
        """The routine's planned length at these settings (tracker.plan: its timeline's total)."""
        from tracker.plan import make_plan

        return make_plan(routine, settings, self.poses).total

    def ids(self) -> set[str]:
        """Every routine and program id."""
        return set(self.routines) | set(self.programs)
