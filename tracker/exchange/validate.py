"""The export's validator: our own shape, every problem as `json.path: message`; agrees with the shipped schema (tested)."""

from __future__ import annotations

import functools
import json
import math
import re
from datetime import date, datetime
from typing import Any, Sequence

from tracker.model import PAIN_NOTE_MAX, Felt, Phase, Side, Stability
from tracker.model.limits import FIRST_DAY, LAST_DAY
from tracker.exchange.reading import HugeNumber
from tracker.zones import valid_zone
from tracker.exchange.format import (
    FORMAT,
    READS,
    MAX_SESSIONS,
    MAX_STEPS,
    MAX_NOTE,
    MAX_ANSWER,
    MAX_PROBLEMS,
    MAX_COUNT,
    MAX_SECONDS,
    MAX_PRESCRIPTION,
    MAX_USUAL_PAIN,
    MAX_PAIN_RECORDS,
    USUAL_PAIN_KEYS,
    PAIN_RECORD_KEYS,
    ORIGINS,
    _UUID,
    _INSTANT,
    _DAY,
    _ID,
    _ZONE,
    SESSION_KEYS,
    STEP_KEYS,
    STEP_OPTIONAL,
    CHECKIN_KEYS,
    HURT_KEYS,
    PRESCRIPTION_KEYS,
)

# --------------------------------------------------------------------------- import: validation


# Enum values as plain tuples, built once: the checker runs per field of every session.
SIDES = tuple(m.value for m in Side)
PHASES = tuple(m.value for m in Phase)
STABILITIES = (None, *(m.value for m in Stability))
FELTS = (None, *(m.value for m in Felt))


class _Checker:
    """Walks the document along our own shape; collects problems as 'path: message'."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.count = 0

    def fail(self, path: str, message: str) -> None:
        self.count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"{path}: {message}")

    # -- leaves
    def obj(self, value: Any, path: str, required: Sequence[str], optional: Sequence[str] = ()) -> bool:
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, not {_kind(value)}")
            return False
        ok = True
        for key in required:
            if key not in value:
                self.fail(path, f"missing field {key!r}")
                ok = False
        if ok and len(value) == len(required) and not optional:
            return True  # every required key present and nothing else
        allowed = _allowed(required, optional)
        for key in value:
            if key not in allowed:
                self.fail(path, f"unexpected field {key!r}")
                ok = False
        return ok

    def integer(self, value: Any, path: str, low: int, high: int) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and not (math.isfinite(value) and value.is_integer())
        ):
            self.fail(path, f"must be a whole number, not {_kind(value)}")
        elif not low <= value <= high:
            self.fail(path, f"must be from {low} to {high}, not {_show(value)}")

    def number(self, value: Any, path: str, low: float, high: float) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.fail(path, f"must be a number, not {_kind(value)}")
        elif not low <= value <= high:
            self.fail(path, f"must be from {low:g} to {high:g}, not {_show(value)}")

    def boolean(self, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false, not {_kind(value)}")

    def string(self, value: Any, path: str, *, pattern: re.Pattern[str] | None = None,
               max_length: int | None = None, what: str = "") -> bool:  # fmt: skip
        if not isinstance(value, str):
            self.fail(path, f"must be a string, not {_kind(value)}")
            return False
        if max_length is not None and len(value) > max_length:
            self.fail(path, f"must be at most {max_length} characters, not {len(value)}")
            return False
        if pattern is not None and not pattern.fullmatch(value):
            self.fail(path, f"must be {what or 'well formed'}, not {_show(value)}")
            return False
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as error:  # a lone surrogate: "\ud800" is valid JSON but not text
                self.fail(path, f"holds a lone surrogate (U+{ord(value[error.start]):04X}) at character {error.start + 1}")
                return False
        return True

    def choice(self, value: Any, path: str, choices: Sequence[Any]) -> None:
        if isinstance(value, bool) or value not in choices:
            shown = ", ".join("null" if c is None else c for c in choices)
            self.fail(path, f"must be one of {shown}, not {_show(value)}")

    def instant(self, value: Any, path: str) -> datetime | None:
        what = "a date and time with a UTC offset (2025-03-01T07:30:00+01:00)"
        if not self.string(value, path, pattern=_INSTANT, what=what):
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(path, f"is not a real date and time: {_show(value)}")
            return None
        if not FIRST_DAY <= moment.date() <= LAST_DAY:
            self.fail(path, f"must fall from {FIRST_DAY} to {LAST_DAY}, not {_show(value)}")
            return None
        return moment

    def day(self, value: Any, path: str) -> date | None:
        if not self.string(value, path, pattern=_DAY, what="a date (YYYY-MM-DD)"):
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(path, f"is not a real date: {_show(value)}")
            return None
        if not FIRST_DAY <= day <= LAST_DAY:
            self.fail(path, f"must be from {FIRST_DAY} to {LAST_DAY}, not {_show(value)}")
            return None
        return day

    # -- records
    def document(self, doc: Any) -> None:
        if not isinstance(doc, dict):
            self.fail("$", f"must be an object, not {_kind(doc)}")
            return
        if doc.get("format") != FORMAT:
            self.fail("format", f"must be {FORMAT!r}, not {_show(doc.get('format'))}")
            return
        version = doc.get("version")
        if isinstance(version, bool) or version not in READS:
            readable = " or ".join(str(v) for v in READS)
            self.fail("version", f"must be {readable}, not {_show(version)} (this Backroll reads versions {readable})")
            return
        keys = ("format", "version", "exported_at", "sessions") + (("usual_pain",) if version >= 2 else ())
        keys += ("pain_records",) if version >= 3 else ()
        self.obj(doc, "$", keys)
        if "exported_at" in doc:
            self.instant(doc["exported_at"], "exported_at")
        usual = doc.get("usual_pain", [])
        if version >= 2 and "usual_pain" in doc:
            if not isinstance(usual, list):
                self.fail("usual_pain", f"must be a list, not {_kind(usual)}")
            elif len(usual) > MAX_USUAL_PAIN:
                self.fail("usual_pain", f"holds {len(usual)} records; the limit is {MAX_USUAL_PAIN}")
            else:
                for i, record in enumerate(usual):
                    self.usual_pain(record, f"usual_pain[{i}]")
        pains = doc.get("pain_records", [])
        if version >= 3 and "pain_records" in doc:
            if not isinstance(pains, list):
                self.fail("pain_records", f"must be a list, not {_kind(pains)}")
            elif len(pains) > MAX_PAIN_RECORDS:
                self.fail("pain_records", f"holds {len(pains)} records; the limit is {MAX_PAIN_RECORDS}")
            else:
                for i, record in enumerate(pains):
                    self.pain_record(record, f"pain_records[{i}]")
        sessions = doc.get("sessions")
        if not isinstance(sessions, list):
            self.fail("sessions", f"must be a list, not {_kind(sessions)}")
            return
        if len(sessions) > MAX_SESSIONS:
            self.fail("sessions", f"holds {len(sessions)} sessions; the limit is {MAX_SESSIONS}")
            return
        for i, session in enumerate(sessions):
            self.session(session, f"sessions[{i}]")

    def usual_pain(self, r: Any, path: str) -> None:
        if not self.obj(r, path, USUAL_PAIN_KEYS):
            return
        self.string(r["id"], f"{path}.id", pattern=_UUID, what="a UUID in lowercase (8-4-4-4-12 hex digits)")
        self.day(r["date"], f"{path}.date")
        self.integer(r["value"], f"{path}.value", 0, 10)
        self.string(r["note"], f"{path}.note", max_length=1_000)
        if r["recorded_at"] is not None:
            self.instant(r["recorded_at"], f"{path}.recorded_at")

    def pain_record(self, r: Any, path: str) -> None:
        if not self.obj(r, path, PAIN_RECORD_KEYS):
            return
        self.string(r["id"], f"{path}.id", pattern=_UUID, what="a UUID in lowercase (8-4-4-4-12 hex digits)")
        self.day(r["date"], f"{path}.date")
        self.integer(r["value"], f"{path}.value", 0, 10)
        self.string(r["note"], f"{path}.note", max_length=PAIN_NOTE_MAX)
        if r["recorded_at"] is not None:
            self.instant(r["recorded_at"], f"{path}.recorded_at")

    def session(self, s: Any, path: str) -> None:
        self.obj(s, path, SESSION_KEYS)
        if not isinstance(s, dict):
            return
        has = s.__contains__  # a missing field was reported once by obj()
        if has("id"):
            self.string(s["id"], f"{path}.id", pattern=_UUID, what="a UUID in lowercase (8-4-4-4-12 hex digits)")
        if has("routine"):
            self.string(s["routine"], f"{path}.routine", pattern=_ID, what="a routine id (lowercase letters, digits, dashes)")
        started = self.instant(s["started_at"], f"{path}.started_at") if has("started_at") else None
        if has("zone") and self.string(
            s["zone"], f"{path}.zone", pattern=_ZONE, max_length=64, what="an IANA time zone name"
        ):
            if not valid_zone(s["zone"]):
                self.fail(f"{path}.zone", f"is not a time zone this computer knows: {_show(s['zone'])}")
        day = self.day(s["local_date"], f"{path}.local_date") if has("local_date") else None
        if started is not None and day is not None and started.date() != day:
            self.fail(
                f"{path}.local_date",
                f"is {day.isoformat()} but started_at {s['started_at']} falls on {started.date().isoformat()}",
            )
        if has("duration"):
            self.number(s["duration"], f"{path}.duration", 0, MAX_SECONDS)
        for key in ("completed", "hurt"):
            if has(key):
                self.boolean(s[key], f"{path}.{key}")
        hurt_at = s.get("hurt_at")
        if hurt_at is not None and self.obj(hurt_at, f"{path}.hurt_at", HURT_KEYS):
            p = f"{path}.hurt_at"
            self.integer(hurt_at["step"], f"{p}.step", 0, MAX_COUNT)
            self.string(hurt_at["pose"], f"{p}.pose", pattern=_ID, what="a pose id")
            self.choice(hurt_at["side"], f"{p}.side", SIDES)
            self.integer(hurt_at["rep"], f"{p}.rep", 0, MAX_COUNT)
            self.choice(hurt_at["phase"], f"{p}.phase", PHASES)
        if has("checkin") and self.obj(s["checkin"], f"{path}.checkin", CHECKIN_KEYS):
            checkin, p = s["checkin"], f"{path}.checkin"
            for key in ("pain_before", "pain_after"):
                if checkin[key] is not None:
                    self.integer(checkin[key], f"{p}.{key}", 0, 10)
            self.choice(checkin["stable"], f"{p}.stable", STABILITIES)
            self.choice(checkin["felt"], f"{p}.felt", FELTS)
            self.string(checkin["note"], f"{p}.note", max_length=MAX_NOTE)
        prescription = s.get("prescription")
        if prescription is not None and self.obj(prescription, f"{path}.prescription", PRESCRIPTION_KEYS):
            for key in PRESCRIPTION_KEYS:
                self.integer(prescription[key], f"{path}.prescription.{key}", 0, MAX_PRESCRIPTION)
        if has("steps"):
            steps = s["steps"]
            if not isinstance(steps, list):
                self.fail(f"{path}.steps", f"must be a list, not {_kind(steps)}")
            elif len(steps) > MAX_STEPS:
                self.fail(f"{path}.steps", f"holds {len(steps)} steps; the limit is {MAX_STEPS}")
            else:
                for j, step in enumerate(steps):
                    self.step(step, f"{path}.steps[{j}]")
        if has("origin"):
            self.choice(s["origin"], f"{path}.origin", ORIGINS)

    def step(self, r: Any, path: str) -> None:
        if not self.obj(r, path, STEP_KEYS, STEP_OPTIONAL):
            return
        # A step is the checker's hottest path (three per session): a value of the plain, in-range
        # shape is accepted here; anything else goes through the detailed check and its message.
        # NaN and infinities fail the range comparison, so they take the detailed path too.
        for key in ("index", "reps_planned", "reps_done", "raise_counts", "lower_counts"):
            value = r[key]
            if type(value) is not int or not 0 <= value <= MAX_COUNT:
                self.integer(value, f"{path}.{key}", 0, MAX_COUNT)
        self.string(r["pose"], f"{path}.pose", pattern=_ID, what="a pose id")
        if r["side"] not in SIDES or type(r["side"]) is not str:
            self.choice(r["side"], f"{path}.side", SIDES)
        for key in ("hold_seconds", "seconds"):
            value = r[key]
            if type(value) not in (int, float) or not 0 <= value <= MAX_SECONDS:
                self.number(value, f"{path}.{key}", 0, MAX_SECONDS)
        for key in ("skipped", "completed"):
            if type(r[key]) is not bool:
                self.boolean(r[key], f"{path}.{key}")
        if ("answer" in r) != ("question_key" in r):
            self.fail(path, "answer and question_key go together")
        elif "answer" in r:
            self.string(r["answer"], f"{path}.answer", max_length=MAX_ANSWER)
            self.string(r["question_key"], f"{path}.question_key", max_length=80)


@functools.cache
def _allowed(required: Sequence[str], optional: Sequence[str]) -> frozenset[str]:
    return frozenset(required) | frozenset(optional)


def _kind(value: Any) -> str:
    if isinstance(value, HugeNumber):
        return f"a number {len(value.text.lstrip('-'))} digits long"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {_show(value)}"
    if isinstance(value, str):
        return f"the string {_show(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _show(value: Any) -> str:
    if isinstance(value, HugeNumber):
        return _kind(value)
    if isinstance(value, float) and not math.isfinite(value):
        text = str(value)
    else:  # a HugeNumber inside a list or an object is shown by its kind
        text = json.dumps(value, ensure_ascii=False, default=_kind)
    return text if len(text) <= 60 else text[:57] + "..."


def validate_document(doc: Any) -> list[str]:
    """Every problem of a parsed export (up to MAX_PROBLEMS), as 'json.path: message'; [] = valid."""
    checker = _Checker()
    checker.document(doc)
    if checker.count > len(checker.problems):
        checker.problems.append(f"... and {checker.count - len(checker.problems)} more problems")
    return checker.problems




def validate_envelope(doc: Any) -> list[str]:
    """The problems of everything but the sessions themselves (format, version, usual pain, the list)."""
    if isinstance(doc, dict) and isinstance(doc.get("sessions"), list) and len(doc["sessions"]) <= MAX_SESSIONS:
        return validate_document({**doc, "sessions": []})
    return validate_document(doc)


def session_problems(session: Any, path: str) -> list[str]:
    """Every problem of one session (up to MAX_PROBLEMS), as 'json.path: message'; [] = valid."""
    checker = _Checker()
    checker.session(session, path)
    return checker.problems
