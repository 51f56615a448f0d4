"""The command palette reaches every action: views, routines, the runner's keys, sound, export, help."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from textual.screen import Screen

    from .app import BackrollApp


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[], object]


def session_screen_of(app: BackrollApp, screen: Screen[object]):  # -> SessionScreen | None
    from .screens.session import SessionScreen

    return screen if isinstance(screen, SessionScreen) else None


def first_sentence(text: str, limit: int = 70) -> str:
    sentence = text.split(". ")[0].strip().rstrip(".")
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return sentence or "Run this routine"


def app_commands(app: BackrollApp, screen: Screen[object]) -> list[Command]:
    """Every action that makes sense from `screen` (the screen under the palette)."""
    commands: list[Command] = []
    session = session_screen_of(app, screen)
    if session is not None:
        commands += [
            Command("Session: pause / resume", "Space", session.action_toggle_pause),
            Command("Session: skip this step", "n", session.action_skip),
            Command("Session: back a step", "b", session.action_back),
            Command("Session: it hurts, stop now", "h · stops at once and records where", session.action_hurt),
            Command("Session: end early", "q · asks first", session.action_stop),
        ]
    elif not app.in_session:
        for mode, title in app.VIEWS:
            commands.append(Command(f"Go to {title}", f"Show the {title} view", partial(app.action_view, mode)))
        library = app.service.library
        for program in library.programs.values():
            commands.append(Command(f"Start: {program.name}", "At today's prescription", partial(app.start_routine, program.id)))
        for routine in sorted(library.routines.values(), key=lambda r: r.name.lower()):
            commands.append(Command(f"Start: {routine.name}", first_sentence(routine.summary), partial(app.start_routine, routine.id)))
        commands.append(Command("Export history (JSON)", "Write every session to a file in your data folder", app.action_export))
        commands.append(Command("Show the safety note", "Talk to a doctor first; stop if it hurts", app.action_safety_note))
    commands += [
        Command("Toggle sound", "The bell at each phase change", app.action_toggle_sound),
        Command("Toggle spoken cues", "Speak each phase through espeak-ng, when installed", app.action_toggle_voice),
        Command("Help", "Keys and how Backroll works", app.action_help),
        Command("Quit", "Leave Backroll", app.action_quit),
    ]
    return commands


class BackrollCommands(Provider):
    """Command palette source for Backroll's own actions."""

    def _commands(self) -> list[Command]:
        return app_commands(self.app, self.screen)  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)
