"""`backroll calendar`: the .ics read back by independent libraries (icalendar, recurring_ical_events).

The recurrence is checked three ways over 8 weeks that cross a DST change, with
declared rest weekdays: what `--preview` prints, what dateutil expands from the
file's own RRULE, and what recurring_ical_events expands from the parsed file.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from dateutil.rrule import rrulestr

from tracker.cli.calendar import PREVIEW, make_reminder, preview_lines
from tracker.ics import calendar_text, escape_text, fold, occurrences, transitions
from tracker.model import Settings
from tracker.service import Backroll

ROOT = Path(__file__).resolve().parents[2]
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 16, 9, 0, tzinfo=BERLIN)  # Monday; Berlin moves to summer time on Sunday 2026-03-29
REST = frozenset({2, 6})  # Wednesday and Sunday


@pytest.fixture
def service(tmp_path: Path) -> Backroll:
    svc = Backroll(tmp_path / "home", now=lambda: NOW, zone="Europe/Berlin")
    svc.save_settings(replace(Settings(), rest_weekdays=REST, practice_time="06:45"))
    yield svc
    svc.close()


def test_eight_weeks_across_dst_agree_with_preview_dateutil_and_icalendar(service: Backroll) -> None:
    reminder = make_reminder(service, None, 20)
    text = calendar_text(reminder)
    ours = occurrences(reminder, 8 * 5)  # 5 practice weekdays a week

    # 1. `--preview` prints the first 14 of exactly these.
    lines = preview_lines(reminder)
    assert len(lines) == 1 + PREVIEW
    assert lines[1:] == [f"  {m:%a %Y-%m-%d %H:%M} {m.tzname()}" for m in ours[:PREVIEW]]

    # 2. dateutil expanding the RRULE written in the file, from the DTSTART written in the file.
    calendar = icalendar.Calendar.from_ical(text)
    event = next(iter(calendar.walk("VEVENT")))
    dtstart = event.decoded("DTSTART")
    assert dtstart.tzinfo is not None and dtstart.replace(tzinfo=None) == datetime(
        2026, 3, 16, 6, 45
    ) + timedelta(days=1)
    rule_text = re.search(r"^RRULE:(.*)$", text.replace("\r\n ", ""), re.M).group(1).strip()
    assert rule_text == "FREQ=WEEKLY;WKST=MO;BYDAY=MO,TU,TH,FR,SA"
    assert dict(event["RRULE"]) == {
        "FREQ": ["WEEKLY"],
        "WKST": ["MO"],
        "BYDAY": ["MO", "TU", "TH", "FR", "SA"],
    }
    naive_start = dtstart.replace(tzinfo=None)
    expanded = [m.replace(tzinfo=BERLIN) for m in rrulestr(rule_text, dtstart=naive_start)[: len(ours)]]
    assert expanded == ours

    # 3. recurring_ical_events over the 8 weeks from the first occurrence.
    window_end = dtstart + timedelta(weeks=8)
    events = recurring_ical_events.of(calendar).between(dtstart, window_end)
    starts = sorted(e.decoded("DTSTART") for e in events)
    assert len(starts) == 8 * 5  # eight whole weeks of five practice weekdays
    assert [s.astimezone(UTC) for s in starts] == [m.astimezone(UTC) for m in ours[: len(starts)]]

    # Same wall time every day, the UTC time moves by an hour at the DST change, rest days never appear.
    assert {(s.hour, s.minute) for s in starts} == {(6, 45)}
    assert {s.astimezone(UTC).hour for s in starts} == {5, 4}
    assert not {s.weekday() for s in starts} & REST
    assert any(s.date() < date(2026, 3, 29) for s in starts) and any(
        s.date() > date(2026, 3, 29) for s in starts
    )
    assert all(e.duration == timedelta(minutes=20) for e in events)


def offset_mismatches(text: str, zone_name: str, years: int = 10) -> list[datetime]:
    """Instants where the file's own VTIMEZONE, read by icalendar, gives another offset than zoneinfo.

    `to_tz(lookup_tzid=False)`: icalendar 7's `to_tz()` returns the system's zone for a known TZID and
    never reads the observances. The instants: every quarter hour within 3 hours of each change
    zoneinfo knows (found on an hourly scan, independently of tracker.ics), and each week.
    """
    vtimezone = next(iter(icalendar.Calendar.from_ical(text).walk("VTIMEZONE")))
    assert str(vtimezone["TZID"]) == zone_name
    ours = vtimezone.to_tz(lookup_tzid=False)
    assert not isinstance(ours, ZoneInfo)  # built from the file, not looked up
    zone = ZoneInfo(zone_name)
    hour, quarter = timedelta(hours=1), timedelta(minutes=15)
    start = datetime(2026, 3, 17, tzinfo=UTC)
    instants: set[datetime] = set()
    previous = start.astimezone(zone).utcoffset()
    for n in range(years * 365 * 24):
        moment = start + n * hour
        offset = moment.astimezone(zone).utcoffset()
        if (
            offset != previous
        ):  # a change in the hour before: each quarter hour from 4 hours before to 3 after
            instants.update(moment + k * quarter for k in range(-16, 13))
            previous = offset
        if n % (7 * 24) == 0:
            instants.add(moment)
    return sorted(i for i in instants if i.astimezone(ours).utcoffset() != i.astimezone(zone).utcoffset())


# Europe/Dublin and Africa/Casablanca have negative daylight saving in zoneinfo (winter GMT; Ramadan
# +00); Lord Howe moves by half an hour; Sao Paulo has not changed since 2019; Tokyo never does.
ZONES = [
    "Europe/Berlin",
    "Europe/Dublin",
    "Africa/Casablanca",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Asia/Tokyo",
]


@pytest.mark.parametrize("zone_name", ZONES)
def test_vtimezone_is_the_zones_real_offsets(tmp_path: Path, zone_name: str) -> None:
    """The VTIMEZONE alone, read back by icalendar into a tzinfo, gives the zone's offsets 10 years
    ahead, within the hour after each change too (where negative DST written as DAYLIGHT is misread)."""
    now = datetime(2026, 3, 16, 9, 0, tzinfo=ZoneInfo(zone_name))
    with Backroll(tmp_path / "home", now=lambda: now, zone=zone_name) as svc:
        text = calendar_text(make_reminder(svc, "18:00", None))
    assert offset_mismatches(text, zone_name) == []


def shift_offsets(text: str, pattern: str = r"TZOFFSETTO:([+-])(\d\d)") -> str:
    """Every matching TZOFFSETTO one hour east."""

    def east(match: re.Match[str]) -> str:
        hours = (1 if match[1] == "+" else -1) * int(match[2]) + 1
        return f"{match[0].split(':')[0]}:{'+' if hours >= 0 else '-'}{abs(hours):02d}"

    return re.sub(pattern, east, text)


def test_a_wrong_offset_in_the_vtimezone_is_found(service: Backroll) -> None:
    """The check above reads our file: an offset corrupted in it shows, all of them or one observance's."""
    text = calendar_text(make_reminder(service, "18:00", None))
    assert offset_mismatches(text, "Europe/Berlin") == []
    everywhere = shift_offsets(text)
    assert everywhere != text
    assert len(offset_mismatches(everywhere, "Europe/Berlin")) > 400  # every week of 10 years
    summer_only = re.sub(r"(BEGIN:DAYLIGHT.*?TZOFFSETTO:)\+0200", r"\1+0300", text, count=1, flags=re.S)
    assert summer_only != text
    wrong = offset_mismatches(summer_only, "Europe/Berlin")
    assert wrong and all(w.astimezone(BERLIN).dst() for w in wrong)  # summer time only


@pytest.mark.parametrize("zone_name", ["Europe/Dublin", "Africa/Casablanca"])
def test_negative_daylight_saving_is_written_in_rearguard_form(tmp_path: Path, zone_name: str) -> None:
    """Dublin's summer (IST, zoneinfo's standard time) is DAYLIGHT and its winter GMT is STANDARD, so a
    DAYLIGHT observance always moves the clocks forward; the same for Casablanca's Ramadan."""
    now = datetime(2026, 3, 16, 9, 0, tzinfo=ZoneInfo(zone_name))
    with Backroll(tmp_path / "home", now=lambda: now, zone=zone_name) as svc:
        text = calendar_text(make_reminder(svc, "18:00", None)).replace("\r\n ", "")
    observances = re.findall(
        r"BEGIN:(STANDARD|DAYLIGHT)\r\n.*?TZOFFSETFROM:(\S+)\r\nTZOFFSETTO:(\S+)", text, re.S
    )
    changes = {(kind, after) for kind, before, after in observances if before != after}
    assert changes == {("DAYLIGHT", "+0100"), ("STANDARD", "+0000")}, observances


def test_transitions_found_to_the_second() -> None:
    found = transitions("Europe/Berlin", datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert [t.instant for t in found] == [
        datetime(2026, 3, 29, 1, tzinfo=UTC),
        datetime(2026, 10, 25, 1, tzinfo=UTC),
    ]
    assert [t.local_start for t in found] == [datetime(2026, 3, 29, 2), datetime(2026, 10, 25, 3)]
    assert transitions("Asia/Tokyo", datetime(2026, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)) == []


def test_uid_is_stable_and_sequence_grows(tmp_path: Path) -> None:
    """Re-importing a newer file updates the same event: same UID, later DTSTAMP, higher SEQUENCE."""
    texts = []
    for minutes in (0, 90):
        with Backroll(
            tmp_path / "home", now=lambda m=minutes: NOW + timedelta(minutes=m), zone="Europe/Berlin"
        ) as svc:
            texts.append(icalendar.Calendar.from_ical(calendar_text(make_reminder(svc, "07:00", None))))
    first, second = (next(iter(c.walk("VEVENT"))) for c in texts)
    assert first["UID"] == second["UID"]
    assert second.decoded("DTSTAMP") > first.decoded("DTSTAMP")
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])
    with Backroll(tmp_path / "other", now=lambda: NOW, zone="Europe/Berlin") as svc:
        other = next(
            iter(
                icalendar.Calendar.from_ical(calendar_text(make_reminder(svc, "07:00", None))).walk("VEVENT")
            )
        )
    assert other["UID"] != first["UID"]


def test_folding_escaping_and_crlf(service: Backroll) -> None:
    reminder = replace(make_reminder(service, None, None), summary="Back; practice, with \\ and ünïcödé " + "é" * 60,
                       description="line one\nline two; with, commas " + "ü" * 80)  # fmt: skip
    raw = calendar_text(reminder).encode("utf-8")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # never folded inside a character
    event = next(iter(icalendar.Calendar.from_ical(raw.decode()).walk("VEVENT")))
    assert str(event["SUMMARY"]) == reminder.summary
    assert str(event["DESCRIPTION"]) == reminder.description
    alarm = next(iter(event.walk("VALARM")))
    assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER") == timedelta(minutes=-5)
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    assert fold("x" * 150) == "x" * 75 + "\r\n " + "x" * 74 + "\r\n " + "x"


def test_description_names_the_advised_routine(service: Backroll) -> None:
    event = next(
        iter(icalendar.Calendar.from_ical(calendar_text(make_reminder(service, None, None))).walk("VEVENT"))
    )
    status = service.status()
    assert status.prescription.describe() in str(event["DESCRIPTION"])
    assert "Bridge" in str(event["SUMMARY"])


def test_no_rest_days_is_a_daily_rule(tmp_path: Path) -> None:
    with Backroll(tmp_path / "home", now=lambda: NOW, zone="Europe/Berlin") as svc:
        reminder = make_reminder(svc, "21:30", 15)
    event = next(iter(icalendar.Calendar.from_ical(calendar_text(reminder)).walk("VEVENT")))
    assert event["RRULE"].to_ical() == b"FREQ=DAILY"
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 3, 16, 21, 30)  # still ahead today


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BACKROLL_HOME"} | {"TZ": "America/New_York"}
    return subprocess.run([sys.executable, "-m", "tracker", "--home", str(home), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)  # fmt: skip


def test_cli_writes_a_private_file_and_preview_matches_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = tmp_path / "practice.ics"
    done = run(home, "calendar", "-o", str(out), "--time", "19:05", "--minutes", "12")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    preview = run(home, "calendar", "--preview", "--time", "19:05")
    assert preview.returncode == 0, preview.stderr
    shown = re.findall(r"^  \w{3} (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) ", preview.stdout, re.M)
    assert len(shown) == PREVIEW
    calendar = icalendar.Calendar.from_ical(out.read_text())
    first = next(iter(calendar.walk("VEVENT"))).decoded("DTSTART")
    events = recurring_ical_events.of(calendar).between(first, first + timedelta(days=PREVIEW))
    assert [f"{e.decoded('DTSTART'):%Y-%m-%d %H:%M}" for e in events] == shown
    assert str(next(iter(calendar.walk("VTIMEZONE")))["TZID"]) == "America/New_York"


def test_cli_refuses_a_bad_time(tmp_path: Path) -> None:
    done = run(tmp_path / "home", "calendar", "--time", "25:00", "-o", str(tmp_path / "x.ics"))
    assert done.returncode == 1 and "--time" in done.stderr and "HH:MM" in done.stderr
    assert not (tmp_path / "x.ics").exists()


def test_settings_keep_the_practice_time_and_old_files_still_load(tmp_path: Path) -> None:
    assert Settings.from_dict({}).practice_time == "07:30"
    assert Settings.from_dict({"practice_time": "6:05"}).practice_time == "06:05"
    with pytest.raises(ValueError, match="practice_time"):
        Settings.from_dict({"practice_time": "7h30"})
    with Backroll(tmp_path / "home", now=lambda: NOW, zone="Europe/Berlin") as svc:
        svc.save_settings(replace(svc.settings, practice_time="18:20"))
    with Backroll(tmp_path / "home", now=lambda: NOW, zone="Europe/Berlin") as svc:
        assert svc.settings.practice_time == "18:20"
        assert make_reminder(svc, None, None).at.strftime("%H:%M") == "18:20"
