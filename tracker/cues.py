"""Cues you can tell apart without looking: which sound, which bell pattern and which words for a change.

The runner hands out `Cue`s; this module decides what a person on the mat
hears for them, the same in the app, in the browser and in plain mode:

* raise: two rising tones; hold: one long tone; lower: two falling tones;
  breathe, flow and rest: one soft low tone; a question: three quick
  high tones; the end: three rising tones; it hurts: one low tone;
* where no audio player exists, the terminal bell in a pattern that
  differs by phase (raise two quick rings, hold one, lower three);
* spoken words through espeak-ng, espeak or macOS `say`, whichever is on
  PATH; a missing program never breaks a session.

Per-count cues stay silent (a sound every second would drown the changes).
The tones are synthesised here (a small WAV) and played by the first of
`paplay`, `pw-play`, `aplay` or macOS `afplay` found on PATH.

No Textual here (core module).
"""

from __future__ import annotations

import io
import math
import os
import shutil
import struct
import subprocess
import tempfile
import wave
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tracker.model import Phase
from tracker.runner import Cue, RunnerView

SAMPLE_RATE = 22050
AUDIBLE_KINDS = frozenset({"phase", "side", "step", "end", "hurt"})

# (program, arguments before the file); the first found on PATH plays the tones.
AUDIO_PLAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("paplay", ()),
    ("pw-play", ()),
    ("aplay", ("-q",)),
    ("afplay", ()),
)
# (program, arguments before the text); the first found on PATH speaks.
VOICE_PROGRAMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("espeak-ng", ("-s", "150")),
    ("espeak", ("-s", "150")),
    ("say", ("-r", "170")),
)
INSTALL_VOICE = "espeak-ng (Linux: apt install espeak-ng) or macOS's built-in `say`"
INSTALL_AUDIO = "pulseaudio-utils (paplay) or alsa-utils (aplay); macOS has afplay"


@dataclass(frozen=True, slots=True)
class Tone:
    hertz: float
    seconds: float


@dataclass(frozen=True, slots=True)
class CueSound:
    """What one change sounds like: tones for an audio player, a bell pattern for a bare terminal."""

    name: str  # "raise", "hold", "lower", "breathe", "question", "end", "hurt"
    tones: tuple[Tone, ...]
    bells: int  # rings of the terminal bell
    bell_gap: float  # seconds between two rings


C5, E5, G5, C6, A4, E4 = 523.25, 659.25, 783.99, 1046.5, 440.0, 329.63

SOUNDS: dict[str, CueSound] = {
    "raise": CueSound("raise", (Tone(C5, 0.16), Tone(G5, 0.22)), bells=2, bell_gap=0.15),
    "hold": CueSound("hold", (Tone(E5, 0.7),), bells=1, bell_gap=0.0),
    "lower": CueSound("lower", (Tone(G5, 0.16), Tone(C5, 0.22)), bells=3, bell_gap=0.15),
    "soft": CueSound("soft", (Tone(A4, 0.3),), bells=1, bell_gap=0.0),
    "question": CueSound("question", (Tone(C6, 0.08), Tone(C6, 0.08), Tone(C6, 0.08)), bells=2, bell_gap=0.4),
    "end": CueSound(
        "end", (Tone(C5, 0.15), Tone(E5, 0.15), Tone(G5, 0.15), Tone(C6, 0.4)), bells=4, bell_gap=0.2
    ),
    "hurt": CueSound("hurt", (Tone(E4, 0.6),), bells=1, bell_gap=0.0),
}

PHASE_SOUND: dict[Phase, str] = {
    Phase.RAISE: "raise",
    Phase.HOLD: "hold",
    Phase.LOWER: "lower",
    Phase.BREATHE: "soft",
    Phase.FLOW: "soft",
    Phase.REST: "soft",
    Phase.OBSERVE: "question",
}


def audible(cues: Iterable[Cue]) -> list[Cue]:
    """The cues worth a sound: changes, not counts."""
    return [cue for cue in cues if cue.kind in AUDIBLE_KINDS]


def sound_for(cues: Iterable[Cue]) -> CueSound | None:
    """The one sound for the cues of one poll: it hurts, else the end, else the latest phase begun; None if silent."""
    changes = audible(cues)
    if not changes:
        return None
    kinds = {cue.kind for cue in changes}
    if "hurt" in kinds:
        return SOUNDS["hurt"]
    if "end" in kinds:
        return SOUNDS["end"]
    phases = [cue.phase for cue in changes if cue.phase is not None]
    if not phases:
        return None
    return SOUNDS[PHASE_SOUND.get(phases[-1], "soft")]


def spoken_text(cues: Iterable[Cue]) -> str:
    """What a voice says for the cues of one poll: their words, in order ("Left side. Raise")."""
    return ". ".join(cue.text for cue in audible(cues) if cue.text)


# ---------------------------------------------------------------------- programs


def _first_on_path(programs: Sequence[tuple[str, tuple[str, ...]]]) -> tuple[str, tuple[str, ...]] | None:
    for name, args in programs:
        path = shutil.which(name)
        if path:
            return path, args
    return None


def find_audio_player() -> tuple[str, tuple[str, ...]] | None:
    """(path, arguments) of a program that plays a WAV file, or None (then the bell pattern)."""
    return _first_on_path(AUDIO_PLAYERS)


def find_voice() -> tuple[str, tuple[str, ...]] | None:
    """(path, arguments) of a speech synthesiser, or None."""
    return _first_on_path(VOICE_PROGRAMS)


def voice_command(voice: tuple[str, tuple[str, ...]], text: str) -> list[str]:
    program, args = voice
    return [program, *args, text]


# ---------------------------------------------------------------------- synthesis


def wave_bytes(sound: CueSound, *, rate: int = SAMPLE_RATE, volume: float = 0.4) -> bytes:
    """The sound as a mono 16-bit WAV file: each tone with short fades (no clicks) and a short gap after it."""
    frames = bytearray()
    fade = int(rate * 0.01)
    gap = int(rate * 0.05)
    for tone in sound.tones:
        n = int(rate * tone.seconds)
        for i in range(n):
            envelope = min(1.0, i / fade, (n - 1 - i) / fade) if fade else 1.0
            sample = volume * envelope * math.sin(2 * math.pi * tone.hertz * i / rate)
            frames += struct.pack("<h", int(sample * 32767))
        frames += b"\x00\x00" * gap
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


class SoundFiles:
    """The WAV of each sound, written once to a private temp folder (0700) when first needed."""

    def __init__(self) -> None:
        self._folder: Path | None = None

    def path(self, sound: CueSound) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="backroll-cues-"))
        path = self._folder / f"{sound.name}.wav"
        if not path.exists():
            path.write_bytes(wave_bytes(sound))
        return path

    def remove(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def run_quietly(command: Sequence[str], timeout: float = 15.0) -> None:
    """Run a player or synthesiser, blocking; a missing or broken one must never break a session."""
    try:
        subprocess.run(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        pass


# ---------------------------------------------------------------------- what sounds the cues here


def _given_or_found(
    given: str | None, find: Callable[[], tuple[str, tuple[str, ...]] | None], default_args: tuple[str, ...]
) -> tuple[str, tuple[str, ...]] | None:
    """None: look on PATH; "": none; a path: that program (macOS `say` with its own arguments)."""
    if given is None:
        return find()
    if not given:
        return None
    if os.path.basename(given) == "say":
        return given, ("-r", "170")
    return given, default_args


class CuePrograms:
    """The programs that sound the cues on this machine and the commands they run, the same for the app
    and plain mode: the audio player plays each sound's WAV (none: the bell pattern), the voice says the
    words (none: no words)."""

    def __init__(self, *, player: str | None = None, voice: str | None = None) -> None:
        """Each: None looks on PATH (AUDIO_PLAYERS, VOICE_PROGRAMS); "" means none; a path, that program."""
        self.player = _given_or_found(player, find_audio_player, ())
        self.voice = _given_or_found(voice, find_voice, ("-s", "150"))
        self.files = SoundFiles()

    def sound_command(self, sound: CueSound) -> list[str] | None:
        """The command that plays `sound` (its WAV written when first needed); None without a player."""
        if self.player is None:
            return None
        program, args = self.player
        return [program, *args, str(self.files.path(sound))]

    def say_command(self, text: str) -> list[str] | None:
        """The command that says `text`; None without a voice."""
        return None if self.voice is None else voice_command(self.voice, text)

    def remove_files(self) -> None:
        self.files.remove()


# ---------------------------------------------------------------------- words for a change

UNIT_WORDS = {"count": ("count", "counts"), "breath": ("breath", "breaths"), "second": ("second", "seconds")}
LIFTED = frozenset({Phase.RAISE, Phase.HOLD, Phase.LOWER})


def _amount(number: int, unit: str) -> str:
    one, many = UNIT_WORDS.get(unit, ("count", "counts"))
    return f"{number} {one if number == 1 else many}"


def describe(view: RunnerView) -> str:
    """One line for the change the view shows, for a screen reader: "Back roll, lift 2 of 3: raise, 4 counts"."""
    if view.status == "finished":
        return "Session complete."
    if view.status in ("stopped", "hurt"):
        return "Stopped because it hurts." if view.status == "hurt" else "Session ended."
    where = [view.title or "Step"]
    side = str(getattr(view.side, "value", view.side))
    if side in ("left", "right"):
        where.append(f"{side} side")
    if view.reps > 1:
        word = "lift" if view.phase in LIFTED else "rep"
        where.append(f"{word} {view.rep} of {view.reps}")
    head = ", ".join(where)
    if view.question:
        return f"{head}. {view.question}"
    if view.phase is None:
        return head
    phase = view.phase.value
    if view.counts:
        length = _amount(view.counts, str(view.unit or "count"))
    else:
        length = _amount(round(view.phase_seconds), "second")
    return f"{head}: {phase}, {length}"
