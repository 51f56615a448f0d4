"""Words for one routine or one pose: cues, props, modifications, cautions, muscles, steps, source."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from rich.markup import escape

from tracker.model import Pose, Routine, Side, Step, StepKind, plural

if TYPE_CHECKING:
    from tracker.model import Prescription
    from tracker.service import Briefing
from tracker.ui.widgets.session_detail import format_duration


def _bullets(title: str, items: Iterable[str]) -> list[str]:
    items = list(items)
    if not items:
        return []
    return ["", f"[b]{title}[/b]", *(f"  • {escape(item)}" for item in items)]


def describe_step(step: Step, poses: Mapping[str, Pose]) -> str:
    pose = poses.get(step.pose)
    name = step.title or (pose.name if pose else step.pose)
    if step.kind is StepKind.OBSERVE and step.observe is not None:
        return f"{escape(name)}: [i]{escape(step.observe.question)}[/i]"
    if step.kind is StepKind.REPS:
        text = f"{step.reps} rep{'s' if step.reps != 1 else ''}, raise {step.raise_counts} / lower {step.lower_counts} counts"
        if step.hold:
            text += f", hold {step.hold.describe()}"
    elif step.kind is StepKind.HOLD:
        text = f"hold {step.hold.describe() if step.hold else ''}"
        if step.reps > 1:
            text += f" ×{step.reps}"
    else:
        text = f"{step.kind.value} {format_duration(step.duration)}"
    if step.alternate:
        text += f", alternating sides from the {step.first_side.value}"
    elif step.sequence:
        text += f", {step.sequence.replace('-', ' ')} on the {step.first_side.value}, then the other side"
    elif step.sides is Side.BOTH:
        text += ", each side" + (", right first" if step.first_side is Side.RIGHT else "")
    elif step.sides in (Side.LEFT, Side.RIGHT):
        text += f", {step.sides.value} side"
    if step.repeats > 1:
        text += f", {step.repeats} times"
    if step.stages:
        text += f", {len(step.stages) + 1} cues in each hold"
    if step.optional:
        text += " [dim](optional)[/dim]"
    return f"{escape(name)}: {text}"


def describe_routine(
    routine: Routine,
    poses: Mapping[str, Pose],
    seconds: float | None,
    level: Prescription | None = None,
    *,
    names: Mapping[str, str] | None = None,
    sources: Mapping[str, str] | None = None,
) -> str:
    """The routine in markup. `names`: routine id -> title (for Next); `sources`: seed file -> title and author."""
    lines = [f"[b]{escape(routine.name)}[/b]"]
    if routine.summary:
        lines += [escape(routine.summary)]
    about = []
    if seconds is not None:
        about.append(f"about {round(seconds / 60) or 1} min at your tempo")
    about.append(plural(len(routine.steps), "step"))
    if routine.repeats > 1:
        about.append(f"done {routine.repeats} times")
    lines += ["", ", ".join(about).capitalize() + "."]
    if level is not None:
        lines.append(f"Today's level: {escape(level.describe())}")
    lines += ["", "[b]Steps[/b]"]
    lines += [f"  {number}. {describe_step(step, poses)}" for number, step in enumerate(routine.steps, 1)]
    if routine.next:
        lines += ["", f"[b]Next[/b] {escape((names or {}).get(routine.next, routine.next))}"]
    if routine.tags:
        lines += ["", f"[dim]Tags: {escape(', '.join(routine.tags))}[/dim]"]
    lines += [
        "",
        f"[dim]Source: {escape(_source(routine.source, sources))}"
        + (f" · from {escape(routine.origin)}" if routine.origin != "builtin" else "")
        + "[/dim]",
    ]
    lines += ["", "[dim]Press s or Enter to start it.[/dim]"]
    return "\n".join(lines)


def describe_card(card: Briefing) -> str:
    """The before-you-start card (a tracker.service.Briefing) as markup: props, time, room, cautions, notes."""
    lines = [f"[b]Have at hand:[/b] {escape(', '.join(card.needed) or 'nothing but yourself')}"]
    if card.optional:
        lines.append(f"[b]If you like:[/b] {escape(', '.join(card.optional))}")
    lines.append(f"[b]Time:[/b] {escape(card.time_text())}")
    if card.room:
        lines.append(f"[b]Room:[/b] {escape(card.room)}")
    lines += _bullets("Mind", card.cautions)
    lines += _bullets("About this routine", card.notes)
    return "\n".join(lines)


def _needed(routine: Routine) -> set[str]:
    return {p.id for p in routine.props_at_hand() if not p.optional}


def props_filters(routines: Iterable[Routine]) -> list[str]:
    """The props filters worth offering: "mat" (a mat at most), then "no-X" for each other prop a routine needs."""
    used = sorted({prop for routine in routines for prop in _needed(routine)} - {"mat"})
    return ["mat", *(f"no-{prop}" for prop in used)]


def props_filter_allows(name: str, routine: Routine) -> bool:
    needed = _needed(routine)
    if name == "mat":
        return needed <= {"mat"}
    return name.removeprefix("no-") not in needed


def props_filter_label(name: str | None) -> str:
    if name is None:
        return "all"
    if name == "mat":
        return "a mat at most"
    return f"without a {name.removeprefix('no-')}"


def _source(source: str, sources: Mapping[str, str] | None) -> str:
    return (sources or {}).get(source, source) if source else "not given"


def describe_pose(pose: Pose, used_in: Iterable[str], *, sources: Mapping[str, str] | None = None) -> str:
    title = f"[b]{escape(pose.name)}[/b]"
    if pose.sanskrit:
        title += f" [i]({escape(pose.sanskrit)})[/i]"
    lines = [title]
    kinds = []
    if pose.sided:
        kinds.append("done on each side; set your tighter side in Settings")
    if pose.advanced:
        kinds.append("advanced: never part of a default routine")
    if kinds:
        lines.append(f"[dim]{escape('; '.join(kinds).capitalize())}.[/dim]")
    lines += _bullets("Cues", pose.cues)
    lines += _bullets("Props", pose.props)
    lines += _bullets("Modifications", pose.modifications)
    lines += _bullets("Cautions", pose.cautions)
    if pose.muscles:
        lines += ["", f"[b]Muscles[/b] {escape(', '.join(pose.muscles))}"]
    used = sorted(used_in)
    if used:
        lines += ["", f"[b]In routines[/b] {escape(', '.join(used))}"]
    lines += ["", f"[dim]Source: {escape(_source(pose.source, sources))}[/dim]"]
    return "\n".join(lines)
