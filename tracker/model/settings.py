"""The person's settings and their limits (one place: the Settings screen and from_dict both read them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from tracker.model.enums import Side

TEMPO_RANGE = (0.5, 5.0)  # seconds per count
BREATH_RANGE = (2.0, 15.0)  # seconds per breath
MAX_REST_DAYS = 3  # the bridge program wants at least 4 practice days a week
DEFAULT_PRACTICE_TIME = "07:30"  # the daily reminder's local time (`backroll calendar`)


def parse_clock(text: str, name: str = "practice_time") -> time:
    """A local time of day written HH:MM (24-hour, e.g. 07:30 or 18:05); ValueError naming `name` otherwise."""
    raw = str(text).strip()
    hours, sep, minutes = raw.partition(":")
    ascii_digits = (
        hours.isascii() and minutes.isascii()
    )  # str.isdigit also takes "²" and "٣", which int() refuses
    if not (
        sep
        and ascii_digits
        and hours.isdigit()
        and minutes.isdigit()
        and len(hours) in (1, 2)
        and len(minutes) == 2
    ):
        raise ValueError(f"{name} must be a time written HH:MM (24-hour, e.g. 07:30), not {text!r}")
    if not (0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59):
        raise ValueError(f"{name} must be a time HH:MM from 00:00 to 23:59, not {text!r}")
    return time(int(hours), int(minutes))


def _within(value: float | str, name: str, low: float, high: float) -> float:
    number = float(value)
    if not low <= number <= high:  # NaN fails too
        raise ValueError(f"{name} must be from {low:g} to {high:g}, not {value!r}")
    return number


@dataclass(frozen=True, slots=True)
class Settings:
    tempo: float = 1.0  # seconds per count
    breath_seconds: float = 5.0
    sound: bool = True
    voice: bool = False  # spoken cues through espeak-ng (or macOS say) when present
    flash: bool = False  # the session screen flashes at each change (tracker.cues)
    theme: str = "textual-dark"
    rest_weekdays: frozenset[int] = frozenset()  # 0 = Monday ... 6 = Sunday
    rest_days_per_week: int = 0  # an allowance instead of a fixed schedule
    tighter_side: Mapping[str, Side] = field(default_factory=dict)  # pose id -> LEFT/RIGHT
    safety_note_seen: bool = False
    practice_time: str = DEFAULT_PRACTICE_TIME  # HH:MM, local; when the calendar reminder is set

    def to_dict(self) -> dict[str, Any]:
        return {
            "tempo": self.tempo,
            "breath_seconds": self.breath_seconds,
            "sound": self.sound,
            "voice": self.voice,
            "flash": self.flash,
            "theme": self.theme,
            "rest_weekdays": sorted(self.rest_weekdays),
            "rest_days_per_week": self.rest_days_per_week,
            "tighter_side": {k: Side(v).value for k, v in sorted(self.tighter_side.items())},
            "safety_note_seen": self.safety_note_seen,
            "practice_time": self.practice_time,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        """Settings from their saved form; ValueError when a value is outside its limits (above)."""
        default = cls()
        weekdays = frozenset(int(d) for d in data.get("rest_weekdays", ()))
        if not weekdays <= frozenset(range(7)):
            raise ValueError(f"rest_weekdays must be 0 (Monday) to 6 (Sunday), not {sorted(weekdays)}")
        rest_per_week = int(data.get("rest_days_per_week", 0))
        if not 0 <= rest_per_week <= MAX_REST_DAYS:
            raise ValueError(f"rest_days_per_week must be from 0 to {MAX_REST_DAYS}, not {rest_per_week}")
        return cls(
            tempo=_within(data.get("tempo", default.tempo), "tempo", *TEMPO_RANGE),
            breath_seconds=_within(
                data.get("breath_seconds", default.breath_seconds), "breath_seconds", *BREATH_RANGE
            ),
            sound=bool(data.get("sound", default.sound)),
            voice=bool(data.get("voice", default.voice)),
            flash=bool(data.get("flash", default.flash)),
            theme=str(data.get("theme", default.theme)),
            rest_weekdays=weekdays,
            rest_days_per_week=rest_per_week,
            tighter_side={str(k): Side(v) for k, v in dict(data.get("tighter_side", {})).items()},
            safety_note_seen=bool(data.get("safety_note_seen", False)),
            practice_time=parse_clock(data.get("practice_time", DEFAULT_PRACTICE_TIME)).strftime("%H:%M"),
        )
