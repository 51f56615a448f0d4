"""Time zones: one place for the machine's zone, zone validity, and the zone a given instant is stamped with.

A session stores its start as an aware instant (with its UTC offset), the
IANA zone name where it started, and the local date there. When a person
gives a time with an explicit offset (`log --date 2026-03-04T23:59-05:00`),
that offset decides the local date, and the zone recorded is this
machine's zone when it had that offset at that instant, else a fixed-offset
IANA zone (`Etc/GMT+5` is UTC-5: the sign is POSIX's, inverted), else the
first IANA zone that had the offset then.

No Textual here (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

__all__ = ["local_zone_name", "posix_zone", "tz_problem", "valid_zone", "zone_for", "zone_of"]

# A POSIX TZ without daylight rules: a name (or <+03>) and whole hours west of UTC, e.g. UTC+3, EST5, <+03>-3.
_POSIX_FIXED = re.compile(r"^(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{1,16}>)([+-]?)(\d{1,2})$")


@cache
def valid_zone(name: str) -> bool:
    """True when `name` is an IANA zone this computer knows."""
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def local_zone_name(environ: dict[str, str] | None = None, localtime: Path = Path("/etc/localtime")) -> str:
    """The IANA name of this machine's zone: $TZ, else the /etc/localtime link, else /etc/timezone, else UTC."""
    env = os.environ if environ is None else environ
    tz = env.get("TZ", "").strip()
    if tz:
        name = tz.lstrip(":")
        if "zoneinfo/" in name:
            name = name.split("zoneinfo/", 1)[1]
        if valid_zone(name):
            return name
        mapped = posix_zone(name)
        if mapped is not None:
            return mapped
    try:
        target = os.readlink(localtime)
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        name = target.split("zoneinfo/", 1)[1]
        if valid_zone(name):
            return name
    try:
        name = Path("/etc/timezone").read_text(encoding="utf-8").strip()
    except OSError:
        name = ""
    if valid_zone(name):
        return name
    return "UTC"


def posix_zone(tz: str) -> str | None:
    """The IANA zone for a POSIX TZ with a fixed offset (`UTC+3` is 3 hours west: Etc/GMT+3), else None."""
    match = _POSIX_FIXED.match(tz.strip())
    if match is None:
        return None
    hours = int(match.group(2))
    west = hours if match.group(1) != "-" else -hours
    if not -14 <= west <= 12:
        return None
    return "UTC" if west == 0 else f"Etc/GMT{west:+d}"


def tz_problem(environ: dict[str, str] | None = None) -> str | None:
    """One sentence when $TZ is set but names no zone Backroll can use (then the machine's zone is used)."""
    env = os.environ if environ is None else environ
    tz = env.get("TZ", "").strip()
    if not tz:
        return None
    name = tz.lstrip(":")
    if "zoneinfo/" in name:
        name = name.split("zoneinfo/", 1)[1]
    if valid_zone(name) or posix_zone(name) is not None:
        return None
    return (
        f"TZ={tz[:60]!r} is not a time zone Backroll understands (use a name like Europe/Paris); "
        f"using {local_zone_name({})} instead"
    )


def zone_of(moment: datetime) -> str | None:
    """The IANA name an aware datetime's tzinfo carries (a ZoneInfo), if any."""
    key = getattr(moment.tzinfo, "key", None)
    return key if isinstance(key, str) and valid_zone(key) else None


def zone_for(moment: datetime, preferred: str) -> str:
    """The zone to record for an aware `moment` whose own offset decides its local date (see the docstring)."""
    if moment.tzinfo is None:
        raise ValueError("zone_for needs an aware datetime")
    own = zone_of(moment)
    if own is not None:
        return own
    offset = moment.utcoffset() or timedelta(0)
    if valid_zone(preferred) and moment.astimezone(ZoneInfo(preferred)).utcoffset() == offset:
        return preferred
    if offset == timedelta(0):
        return "UTC"
    seconds = int(offset.total_seconds())
    if seconds % 3600 == 0 and -12 <= seconds // 3600 <= 14:
        hours = seconds // 3600
        return f"Etc/GMT{-hours:+d}"
    for name in sorted(available_timezones()):
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            if moment.astimezone(ZoneInfo(name)).utcoffset() == offset:
                return name
    return "UTC"
