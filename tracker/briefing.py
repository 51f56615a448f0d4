"""The "before you start" card: what to have at hand, how long at your tempo, what to mind, the room it needs.

`before_you_start(routine, settings)` gathers it from the routine (its props
as records, its cautions, its room and its notes) and the plan (the length at
the current tempo, through tracker.plan, so it is the length the runner runs).
`Briefing.lines()` is the plain text `backroll routines ID` prints; the app
draws the same record on its card. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.model import Prop, Routine, Settings
from tracker.plan import planned_seconds

__all__ = ["Briefing", "before_you_start", "clock_text"]


def clock_text(seconds: float) -> str:
    """m:ss"""
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


@dataclass(frozen=True, slots=True)
class Briefing:
    routine_id: str
    name: str
    props: tuple[Prop, ...]
    seconds: float  # the planned length at `tempo`
    tempo: float  # seconds per count
    breath_seconds: float
    cautions: tuple[str, ...]
    room: str
    notes: tuple[str, ...]

    @property
    def needed(self) -> tuple[str, ...]:
        return tuple(p.describe() for p in self.props if not p.optional)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(p.describe().removesuffix(" (optional)") for p in self.props if p.optional)

    def time_text(self) -> str:
        return f"{clock_text(self.seconds)} at {self.tempo:g} s a count, {self.breath_seconds:g} s a breath"

    def lines(self) -> list[str]:
        """The card as plain text, a line each."""
        out = [f"Before you start: {self.name}", ""]
        out.append("Have at hand: " + (", ".join(self.needed) if self.needed else "nothing but yourself"))
        if self.optional:
            out.append("If you like: " + ", ".join(self.optional))
        out.append("Time: " + self.time_text())
        if self.room:
            out.append("Room: " + self.room)
        if self.cautions:
            out.append("Mind:")
            out += [f"  - {text}" for text in self.cautions]
        if self.notes:
            out.append("About this routine:")
            out += [f"  - {text}" for text in self.notes]
        return out


def before_you_start(routine: Routine, settings: Settings) -> Briefing:
    return Briefing(
        routine_id=routine.program or routine.id,
        name=routine.name,
        props=routine.props_at_hand(),
        seconds=planned_seconds(routine, settings),
        tempo=settings.tempo,
        breath_seconds=settings.breath_seconds,
        cautions=routine.cautions,
        room=routine.room,
        notes=routine.notes,
    )
