"""One saved session in words: steps, check-in, observations and where it hurt."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from textual.widgets import Static

from tracker.model import Session, Side, StepResult

if TYPE_CHECKING:
    from tracker.service import Library


def format_duration(seconds: float) -> str:
    """12:05 for minutes and seconds, 1:02:05 past the hour."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_level(session: Session) -> str:
    """The prescription in a few columns: '3×4' lifts by count, '+h4' when held."""
    level = session.prescription
    if level is None:
        return ""
    text = f"{level.lifts}×{level.count}"
    return text + (f" h{level.hold}" if level.hold else "")


def format_pain(session: Session) -> str:
    before, after = session.checkin.pain_before, session.checkin.pain_after
    if before is None and after is None:
        return ""
    return f"{'–' if before is None else before}→{'–' if after is None else after}"


def pose_name(library: Library | None, pose_id: str) -> str:
    pose = library.poses.get(pose_id) if library is not None else None
    return pose.name if pose is not None else pose_id


def routine_name(library: Library | None, routine_id: str) -> str:
    if library is not None:
        routine = library.routines.get(routine_id) or library.programs.get(routine_id)
        if routine is not None:
            return routine.name
    return routine_id


def questions_of(library: Library | None, routine_id: str) -> dict[str, str]:
    """Observation key -> question text for one routine, when the library still has it."""
    routine = getattr(library, "routines", {}).get(routine_id)
    if routine is None:
        return {}
    return {step.observe.key: step.observe.question for step in routine.steps if step.observe is not None}


def step_status(step: StepResult) -> str:
    """What was done of a step: "5 of 8 reps" even when the rest was skipped; "skipped" only when nothing was."""
    if step.reps_planned:
        if step.skipped and step.reps_done == 0:
            return "skipped"
        return f"{step.reps_done} of {step.reps_planned} reps"
    if step.skipped:
        return f"{format_duration(step.seconds)}, then skipped" if step.seconds >= 1 else "skipped"
    return format_duration(step.seconds)


class SessionDetail(Static):
    """The History screen's right pane."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)

    def show(self, session: Session | None, library: Library | None) -> None:
        self.update(describe_session(session, library) if session else "Choose a session to see its details.")


def describe_session(session: Session, library: Library | None) -> str:
    """Rich markup for one session."""
    started = session.started_at
    lines = [
        f"[b]{escape(routine_name(library, session.routine))}[/b]",
        f"{session.local_date.isoformat()} at {started.strftime('%H:%M')} ({escape(session.zone)}) · "
        f"took {format_duration(session.duration)}, "
        + (
            "completed"
            if session.completed
            else "stopped because it hurt"
            if session.hurt
            else "stopped early"
        ),
    ]
    if session.prescription:
        lines.append(f"Level: {escape(session.prescription.describe())}")

    if session.hurt:
        lines.append("")
        lines.append("[b]Where it hurt[/b]")
        if session.hurt_at:
            at = session.hurt_at
            side = f", {at.side.value} side" if at.side is not Side.NONE else ""
            lines.append(
                f"  {escape(pose_name(library, at.pose))}{side}, rep {at.rep}, while {at.phase.value}"
            )
        else:
            lines.append("  not recorded")

    checkin = session.checkin
    lines.append("")
    lines.append("[b]Check-in[/b]")
    pain = format_pain(session)
    # Two lines, not four: at 100x30 the pane must also hold the note and the steps.
    lines.append(f"  Pain before→after: {pain or 'not given'}")
    lines.append(
        f"  Stable: {checkin.stable.value if checkin.stable else 'not given'}"
        f" · felt: {checkin.felt.value if checkin.felt else 'not given'}"
    )
    lines.append(
        f"  Note: {escape(checkin.note) if checkin.note else '[dim](none, press e to add one)[/dim]'}"
    )

    answers = [step for step in session.steps if step.answer is not None]
    if answers:
        questions = questions_of(library, session.routine)
        lines.append("")
        lines.append("[b]Observations[/b]")
        for step in answers:
            question = questions.get(step.question_key, step.question_key or pose_name(library, step.pose))
            lines.append(f"  {escape(question)} [b]{escape(step.answer or '')}[/b]")

    moves = [step for step in session.steps if step.answer is None]
    if moves:
        lines.append("")
        lines.append("[b]Steps[/b]")
        for step in moves:
            side = f" ({step.side.value})" if step.side is not Side.NONE else ""
            status = step_status(step)
            mark = "✓" if step.completed else "·"
            lines.append(f"  {mark} {escape(pose_name(library, step.pose))}{side}: {status}")
    return "\n".join(lines)
