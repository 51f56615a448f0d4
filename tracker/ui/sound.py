"""Cues you can hear from the mat, one sound per phase (tracker.cues decides which), and spoken words.

On a terminal: the phase's tones through an audio player when one is on
PATH, else the terminal bell rung in the phase's pattern; words through
espeak-ng, espeak or macOS `say` (which programs, and their commands:
tracker.cues.CuePrograms, as in plain mode). Under `backroll serve` (web=True) nothing
plays on the host: each cue goes to the browser page, which plays the same
tones with Web Audio and speaks with the browser's own voice.

Players and voices run in thread workers so a slow one never stalls the
countdown; a new cue replaces one still playing (exclusive groups).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote

from tracker.service import CuePrograms, CueSound, run_quietly, sound_for, spoken_text

if TYPE_CHECKING:
    from textual.app import App

WEB_CUE_SCHEME = "backroll-cue:"  # the served page plays these (tracker/ui/web/page.html)


class CuePlayer:
    """Turns runner cues into the phase's sound and, optionally, spoken words."""

    def __init__(
        self,
        app: App[None],
        *,
        voice_program: str | None = None,
        audio_player: str | None = None,
        web: bool = False,
    ) -> None:
        self.app = app
        self.web = web
        self.programs = CuePrograms(player=audio_player, voice=voice_program)
        self.spoken: list[str] = []  # what was sent to the synthesiser; tests read it
        self.played: list[str] = []  # the names of the sounds played (or rung as bells)

    @property
    def voice_program(self) -> str | None:
        return self.programs.voice[0] if self.programs.voice else None

    @property
    def voice_available(self) -> bool:
        return self.web or self.programs.voice is not None

    @property
    def tones_available(self) -> bool:
        """Distinct tones (else the bell pattern)."""
        return self.web or self.programs.player is not None

    def play(self, cues: Iterable[object], *, sound: bool, voice: bool) -> CueSound | None:
        """Play the sound of these cues; returns it (None when they are silent)."""
        cues = list(cues)
        chosen = sound_for(cues)  # type: ignore[arg-type]
        if chosen is None:
            return None
        text = spoken_text(cues) if voice else ""  # type: ignore[arg-type]
        if text and self.voice_available:
            self.spoken.append(text)
        if sound:
            self.played.append(chosen.name)
        if self.web:
            self._to_browser(chosen if sound else None, text)
            return chosen
        if sound:
            self._sound(chosen)
        if text and self.programs.voice is not None:
            self.say(text)
        return chosen

    def _sound(self, chosen: CueSound) -> None:
        if self.programs.player is not None and self.app.is_headless:
            return
        command = self.programs.sound_command(chosen)
        if command is None:
            self._bells(chosen.bells, chosen.bell_gap)
            return
        self.app.run_worker(
            lambda: run_quietly(command, timeout=5),
            thread=True, exclusive=True, group="tone", name="tone", exit_on_error=False,
        )  # fmt: skip

    def _bells(self, rings: int, gap: float) -> None:
        self.app.bell()
        for ring in range(1, rings):
            self.app.set_timer(ring * gap, self.app.bell, name="bell-pattern")

    def say(self, text: str) -> None:
        command = self.programs.say_command(text)
        if command is None or self.app.is_headless:
            return
        self.app.run_worker(
            lambda: run_quietly(command),
            thread=True, exclusive=True, group="voice", name="speak", exit_on_error=False,
        )  # fmt: skip

    def _to_browser(self, chosen: CueSound | None, text: str) -> None:
        """Hand the cue to the page (textual-serve forwards open_url; the page plays it, never opens it)."""
        payload = {
            "sound": chosen.name if chosen else "",
            "tones": [[tone.hertz, tone.seconds] for tone in chosen.tones] if chosen else [],
            "say": text,
        }
        self.app.open_url(WEB_CUE_SCHEME + quote(json.dumps(payload, separators=(",", ":"))), new_tab=False)

    def caption(self, line: str) -> None:
        """Under serve: the page's live caption (read by the phone's screen reader) shows this line."""
        if self.web:
            self.app.open_url(
                WEB_CUE_SCHEME + quote(json.dumps({"caption": line}, separators=(",", ":"))), new_tab=False
            )

    def close(self) -> None:
        self.programs.remove_files()
