"""The daily practice reminder as an iCalendar file (RFC 5545), for `backroll calendar`.

One VEVENT recurs at the person's practice time, in their zone, on every
weekday that is not a declared rest weekday (``Settings.rest_weekdays``):
``RRULE:FREQ=DAILY`` when there is none, else ``FREQ=WEEKLY;BYDAY=...``.
The recurrence shown by ``--preview`` is computed by dateutil's rrule from
the same `Reminder` the RRULE line is written from, so the two cannot drift.

- The zone goes in a VTIMEZONE built from the zone's real transitions
  (zoneinfo) over `TZ_YEARS` years from the first occurrence: one STANDARD
  or DAYLIGHT observance per kind of transition, its later dates as RDATEs.
  Written in the tz database's "rearguard" form: where zoneinfo says daylight
  saving is negative (Europe/Dublin's winter GMT, Africa/Casablanca's
  Ramadan +00), that period is written as STANDARD and the one it interrupts
  as DAYLIGHT, so a DAYLIGHT observance always sets the clocks forward. The
  offsets are the same either way; readers such as dateutil's (icalendar's
  `to_tz`) read negative daylight saving an hour wrong after each change.
- The UID is the same for a data home every time (`reminder_uid`), and
  SEQUENCE grows with DTSTAMP (minutes since 2020), so importing a newer
  file updates the event instead of adding a second one.
- Lines are CRLF-terminated and folded at 75 octets (never inside a UTF-8
  character); TEXT values are escaped (backslash, semicolon, comma, newline).

No Textual here (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, FR, MO, SA, SU, TH, TU, WE, WEEKLY, rrule, weekday

from tracker import __version__

__all__ = [
    "ALARM_MINUTES",
    "TZ_YEARS",
    "Reminder",
    "calendar_text",
    "escape_text",
    "fold",
    "occurrences",
    "recurrence",
    "reminder_uid",
    "rrule_value",
    "sequence_for",
    "transitions",
    "vtimezone",
]

TZ_YEARS = 20  # the VTIMEZONE lists the zone's transitions this many years ahead of the first occurrence
ALARM_MINUTES = 5  # the alarm rings this long before the practice time
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAYS: tuple[weekday, ...] = (MO, TU, WE, TH, FR, SA, SU)
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Reminder:
    """Everything the .ics says; `recurrence` and `calendar_text` both read it."""

    zone: str  # IANA name
    at: time  # local wall-clock time
    minutes: int  # the event's length
    rest_weekdays: frozenset[int]  # 0 = Monday; no event on these
    first: date  # the first occurrence (a practice weekday)
    summary: str
    description: str
    uid: str
    stamp: datetime  # aware; DTSTAMP (written in UTC)

    @property
    def weekdays(self) -> list[int]:
        """The practice weekdays, Monday first."""
        return [d for d in range(7) if d not in self.rest_weekdays]

    @property
    def start(self) -> datetime:
        """The first occurrence as an aware local datetime."""
        return datetime.combine(self.first, self.at, tzinfo=ZoneInfo(self.zone))


def first_practice_day(after: datetime, at: time, rest_weekdays: frozenset[int]) -> date:
    """The first practice weekday whose practice time in `after`'s zone is still ahead of `after`."""
    day = after.date()
    for _ in range(8):
        if day.weekday() not in rest_weekdays and datetime.combine(day, at, tzinfo=after.tzinfo) > after:
            return day
        day += timedelta(days=1)
    raise ValueError("every weekday is a rest day: there is no practice day to remind")


def reminder_uid(home: Path) -> str:
    """The event's UID: the same for a data home every time it is exported."""
    return (
        f"{uuid.uuid5(uuid.NAMESPACE_URL, 'backroll:daily-practice:' + str(Path(home).resolve()))}@backroll"
    )


def sequence_for(stamp: datetime) -> int:
    """SEQUENCE: minutes since 2020-01-01 UTC, so a file made later always carries a higher revision."""
    return max(0, int((stamp - _EPOCH).total_seconds() // 60))


def recurrence(reminder: Reminder) -> rrule:
    """The dateutil rule of the event: what RRULE says, starting at DTSTART."""
    if not reminder.weekdays:
        raise ValueError("every weekday is a rest day")
    if len(reminder.weekdays) == 7:
        return rrule(DAILY, dtstart=reminder.start)
    return rrule(WEEKLY, wkst=MO, byweekday=[_WEEKDAYS[d] for d in reminder.weekdays], dtstart=reminder.start)


def rrule_value(reminder: Reminder) -> str:
    """The RRULE property's value for the same rule as `recurrence`."""
    if len(reminder.weekdays) == 7:
        return "FREQ=DAILY"
    return "FREQ=WEEKLY;WKST=MO;BYDAY=" + ",".join(_DAYS[d] for d in reminder.weekdays)


def occurrences(reminder: Reminder, count: int) -> list[datetime]:
    """The first `count` occurrences, aware, in the person's zone (wall time kept across DST changes)."""
    found: list[datetime] = []
    for moment in recurrence(reminder):
        found.append(_resolve(moment))
        if len(found) >= count:
            break
    return found


def _resolve(moment: datetime) -> datetime:
    """A wall time that does not exist (inside a spring-forward gap) moves forward by the gap, as RFC 5545 says."""
    utc = moment.astimezone(UTC)
    back = utc.astimezone(moment.tzinfo)
    return back if back.replace(tzinfo=None) != moment.replace(tzinfo=None) else moment


# --------------------------------------------------------------------------- text


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character; CRLF-joined."""
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _offset(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


# --------------------------------------------------------------------------- the zone


@dataclass(frozen=True)
class Transition:
    """The zone changes at `instant` (UTC) from one offset to another."""

    instant: datetime
    before: timedelta
    after: timedelta
    name: str  # the abbreviation after the change, e.g. BST
    saving: timedelta  # zoneinfo's dst() after the change: 0 standard time, negative for negative DST

    @property
    def local_start(self) -> datetime:
        """DTSTART of the observance: the wall time of the change in the offset before it (naive)."""
        return (self.instant + self.before).replace(tzinfo=None)


def _state(zone: ZoneInfo, instant: datetime) -> tuple[timedelta, str, timedelta]:
    local = instant.astimezone(zone)
    return local.utcoffset() or timedelta(0), local.tzname() or "", local.dst() or timedelta(0)


def _kind(offset: timedelta, saving: timedelta, negative_standard: timedelta | None) -> str:
    """STANDARD or DAYLIGHT in the rearguard form: `negative_standard` is the offset of the zone's
    negative-DST period (None when it has none), which is written as its standard time."""
    if negative_standard is None:
        return "DAYLIGHT" if saving else "STANDARD"
    return "DAYLIGHT" if offset > negative_standard else "STANDARD"


def transitions(zone_name: str, start: datetime, end: datetime) -> list[Transition]:
    """Every offset or name change of the zone between two instants, found by bisection to the second."""
    zone = ZoneInfo(zone_name)
    step = timedelta(days=7)
    found: list[Transition] = []
    low = start.astimezone(UTC)
    low_state = _state(zone, low)
    while low < end:
        high = min(low + step, end)
        high_state = _state(zone, high)
        if high_state != low_state:
            a, b = low, high
            while (b - a) > timedelta(seconds=1):
                middle = a + (b - a) / 2
                if _state(zone, middle) == low_state:
                    a = middle
                else:
                    b = middle
            moment = b.replace(microsecond=0)
            if _state(zone, moment) != high_state:
                moment += timedelta(seconds=1)
            after = _state(zone, moment)
            found.append(Transition(moment, low_state[0], after[0], after[1], after[2]))
            low_state = after
            low = moment
            continue
        low, low_state = high, high_state
    return found


def vtimezone(zone_name: str, first: datetime, years: int = TZ_YEARS) -> list[str]:
    """The VTIMEZONE lines (unfolded) for the zone from a year before `first` to `years` years after it."""
    zone = ZoneInfo(zone_name)
    start = first.astimezone(UTC) - timedelta(days=366)
    end = first.astimezone(UTC) + timedelta(days=366 * years)
    changes = transitions(zone_name, start, end)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone_name}"]
    if not changes:  # a fixed offset (UTC, Asia/Tokyo today): one observance for ever
        offset, name, _ = _state(zone, first)
        return lines + [
            "BEGIN:STANDARD", "DTSTART:19700101T000000", f"TZOFFSETFROM:{_offset(offset)}",
            f"TZOFFSETTO:{_offset(offset)}", f"TZNAME:{escape_text(name or zone_name)}", "END:STANDARD",
            "END:VTIMEZONE",
        ]  # fmt: skip
    initial = _state(zone, start)
    states = [(initial[0], initial[2])] + [(c.after, c.saving) for c in changes]
    negative = [offset for offset, saving in states if saving < timedelta(0)]
    negative_standard = min(negative) if negative else None
    # The offset in force at the start of the range, as an observance of its own, then one per kind of change.
    offset, name, saving = initial
    kind = _kind(offset, saving, negative_standard)
    lines += [f"BEGIN:{kind}", f"DTSTART:{_local(start.astimezone(zone).replace(tzinfo=None))}",
              f"TZOFFSETFROM:{_offset(offset)}", f"TZOFFSETTO:{_offset(offset)}",
              f"TZNAME:{escape_text(name or zone_name)}", f"END:{kind}"]  # fmt: skip
    groups: dict[tuple[timedelta, timedelta, str, timedelta], list[Transition]] = {}
    for change in changes:
        groups.setdefault((change.before, change.after, change.name, change.saving), []).append(change)
    for (before, after, name, saving), members in groups.items():
        kind = _kind(after, saving, negative_standard)
        lines += [f"BEGIN:{kind}", f"DTSTART:{_local(members[0].local_start)}"]
        if len(members) > 1:
            lines.append("RDATE:" + ",".join(_local(m.local_start) for m in members[1:]))
        lines += [f"TZOFFSETFROM:{_offset(before)}", f"TZOFFSETTO:{_offset(after)}",
                  f"TZNAME:{escape_text(name or zone_name)}", f"END:{kind}"]  # fmt: skip
    return lines + ["END:VTIMEZONE"]


# --------------------------------------------------------------------------- the calendar


def calendar_text(reminder: Reminder) -> str:
    """The whole .ics: VCALENDAR with the VTIMEZONE and the one recurring VEVENT (with its VALARM)."""
    start = reminder.start
    stamp = _utc(reminder.stamp)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//Backroll//Backroll {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *vtimezone(reminder.zone, start),
        "BEGIN:VEVENT",
        f"UID:{reminder.uid}",
        f"DTSTAMP:{stamp}",
        f"LAST-MODIFIED:{stamp}",
        f"SEQUENCE:{sequence_for(reminder.stamp)}",
        f"DTSTART;TZID={reminder.zone}:{_local(start)}",
        f"DURATION:PT{max(1, reminder.minutes)}M",
        f"RRULE:{rrule_value(reminder)}",
        f"SUMMARY:{escape_text(reminder.summary)}",
        f"DESCRIPTION:{escape_text(reminder.description)}",
        "TRANSP:OPAQUE",
        "STATUS:CONFIRMED",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape_text(reminder.summary)}",
        f"TRIGGER:-PT{ALARM_MINUTES}M",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
