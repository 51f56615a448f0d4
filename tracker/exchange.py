"""Export and import of the history: JSON (with a published schema) and CSV.

The JSON export is `{"format": "backroll.history", "version": 2,
"exported_at": ..., "usual_pain": [...], "sessions": [...]}` where every
session is exactly `Session.to_dict()` and every usual-pain record
`UsualPain.to_dict()`. The schema ships in the package
(`tracker/schema/history-v2.schema.json`) and `backroll export --schema`
prints it. Version 1 files (no usual_pain) are still read.

Import never trusts the file: it refuses anything over `MAX_BYTES` before
parsing, parses strictly (no NaN, no duplicate keys, no absurd nesting),
then checks the whole document with a small validator written for our own
shape (so the jsonschema package is only needed by the tests, which check
that this validator and the schema agree). Only a fully valid file is
merged, by UUID, through `Store.merge` in one write; a session whose id is
already stored with different content is a conflict: reported, never
overwritten. Importing the same file twice changes nothing, and two
machines' exports merge in either order to the same history.

No Textual here (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.model import Felt, Phase, Session, Side, Stability, UsualPain
from tracker.files import write_atomic

FORMAT = "backroll.history"
VERSION = 2
READS = (1, 2)  # the export versions import accepts
SCHEMA_RESOURCE = "history-v2.schema.json"

MAX_BYTES = 20 * 1024 * 1024  # refused before parsing
MAX_SESSIONS = 100_000
MAX_STEPS = 5_000  # per session
MAX_NOTE = 10_000
MAX_ANSWER = 1_000
MAX_PROBLEMS = 50  # reported; validation goes on counting
MAX_COUNT = 100_000
MAX_SECONDS = 86_400.0
MAX_PRESCRIPTION = 100
MAX_USUAL_PAIN = 10_000
USUAL_PAIN_KEYS = ("id", "date", "value", "note", "recorded_at")

ORIGINS = ("app", "cli", "import", "demo")

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?([+-][0-9]{2}:[0-9]{2}|Z)")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
_ZONE = re.compile(r"[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*")

SESSION_KEYS = (
    "id", "routine", "started_at", "zone", "local_date", "duration", "completed",
    "hurt", "hurt_at", "checkin", "prescription", "steps", "origin",
)  # fmt: skip
STEP_KEYS = (
    "index", "pose", "side", "reps_planned", "reps_done", "raise_counts",
    "lower_counts", "hold_seconds", "seconds", "skipped", "completed",
)  # fmt: skip
STEP_OPTIONAL = ("answer", "question_key")
CHECKIN_KEYS = ("pain_before", "pain_after", "stable", "felt", "note")
HURT_KEYS = ("step", "pose", "side", "rep", "phase")
PRESCRIPTION_KEYS = ("lifts", "count", "hold")


# --------------------------------------------------------------------------- schema


@cache
def schema_text() -> str:
    """The JSON Schema (draft 2020-12) of the export, as shipped in the package."""
    return resources.files("tracker").joinpath("schema", SCHEMA_RESOURCE).read_text(encoding="utf-8")


def schema() -> dict[str, Any]:
    return json.loads(schema_text())


# --------------------------------------------------------------------------- export


def filter_sessions(
    sessions: Iterable[Session], since: date | None = None, until: date | None = None
) -> list[Session]:
    """Sessions whose practice day (local_date) is within [since, until], both inclusive."""
    return [
        s
        for s in sessions
        if (since is None or s.local_date >= since) and (until is None or s.local_date <= until)
    ]


def _export_order(sessions: Iterable[Session]) -> list[Session]:
    # By instant, then id: the same history always exports to the same bytes.
    return sorted(sessions, key=lambda s: (s.started_at, s.id))


def export_document(
    sessions: Iterable[Session], exported_at: datetime, usual_pain: Iterable[UsualPain] = ()
) -> dict[str, Any]:
    if exported_at.tzinfo is None:
        raise ValueError("exported_at must carry a UTC offset")
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at.isoformat(),
        "usual_pain": [r.to_dict() for r in sorted(usual_pain, key=lambda r: (r.since, r.id))],
        "sessions": [s.to_dict() for s in _export_order(sessions)],
    }


def export_json(sessions: Iterable[Session], exported_at: datetime, usual_pain: Iterable[UsualPain] = ()) -> str:
    """The export as text: the header fields one per line, then one session per line.

    Readable and diff-friendly, and fast: `indent=` would force Python's
    pure-Python encoder (about 5x slower at 10k sessions), while each line
    here goes through the C encoder.
    """
    document = export_document(sessions, exported_at, usual_pain)
    encode = json.JSONEncoder(ensure_ascii=False).encode
    keys = ("format", "version", "exported_at", "usual_pain")
    head = ",\n".join(f" {encode(key)}: {encode(document[key])}" for key in keys)
    rows = ",\n".join("  " + encode(session) for session in document["sessions"])
    return "{\n" + head + ',\n "sessions": [\n' + rows + ("\n" if rows else "") + " ]\n}\n"


SESSION_COLUMNS = (
    "id", "local_date", "started_at", "zone", "routine", "duration_seconds", "completed",
    "hurt", "hurt_step", "hurt_pose", "pain_before", "pain_after", "stable", "felt",
    "lifts", "count", "hold", "steps", "note", "origin",
)  # fmt: skip
STEP_COLUMNS = (
    "session_id", "local_date", "started_at", "routine", "index", "pose", "side",
    "reps_planned", "reps_done", "raise_counts", "lower_counts", "hold_seconds",
    "seconds", "skipped", "completed", "question_key", "answer",
)  # fmt: skip


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        value = round(value, 3)
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _text(value: str) -> str:
    # Free text opened in a spreadsheet must not run as a formula (CSV injection).
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def _session_row(s: Session) -> list[str]:
    c, p, h = s.checkin, s.prescription, s.hurt_at
    return [
        _cell(v)
        for v in (
            s.id, s.local_date.isoformat(), s.started_at.isoformat(), s.zone, s.routine,
            round(s.duration, 3), s.completed, s.hurt,
            h.step if h else None, h.pose if h else None,
            c.pain_before, c.pain_after,
            c.stable.value if c.stable else None, c.felt.value if c.felt else None,
            p.lifts if p else None, p.count if p else None, p.hold if p else None,
            len(s.steps), _text(c.note), s.origin,
        )
    ]  # fmt: skip


def _step_rows(s: Session) -> Iterable[list[str]]:
    for r in s.steps:
        yield [
            _cell(v)
            for v in (
                s.id, s.local_date.isoformat(), s.started_at.isoformat(), s.routine,
                r.index, r.pose, r.side.value, r.reps_planned, r.reps_done,
                r.raise_counts, r.lower_counts, round(r.hold_seconds, 3), round(r.seconds, 3),
                r.skipped, r.completed, r.question_key if r.answer is not None else None,
                _text(r.answer) if r.answer is not None else None,
            )
        ]  # fmt: skip


def export_csv(sessions: Iterable[Session], *, steps: bool = False) -> str:
    """One row per session, or with `steps` one row per step; dates and instants in ISO 8601."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    ordered = _export_order(sessions)
    if steps:
        writer.writerow(STEP_COLUMNS)
        for s in ordered:
            writer.writerows(_step_rows(s))
    else:
        writer.writerow(SESSION_COLUMNS)
        writer.writerows(_session_row(s) for s in ordered)
    return out.getvalue()


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (tracker.files.write_atomic), readable by the owner only."""
    write_atomic(Path(path), text.encode("utf-8"))


# --------------------------------------------------------------------------- import: parsing


class ImportRefused(ValueError):
    """The file is not a history we accept; nothing was written.

    `str(e)` is one plain sentence; `problems` lists each problem with its JSON path.
    """

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)


def read_bytes_limited(path: Path | str, limit: int = MAX_BYTES) -> bytes:
    """The file's bytes, refusing (before reading it all) anything over `limit`."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            try:
                size = os.fstat(handle.fileno()).st_size
            except OSError:
                size = 0
            if size > limit:
                raise ImportRefused(f"{path} is {size / 1_048_576:.1f} MB; the limit for an import is {limit // 1_048_576} MB.")
            data = handle.read(limit + 1)
    except ImportRefused:
        raise
    except IsADirectoryError:
        raise ImportRefused(f"{path} is a folder, not a file.") from None
    except FileNotFoundError:
        raise ImportRefused(f"{path} does not exist.") from None
    except OSError as error:
        raise ImportRefused(f"{path} cannot be read: {error.strerror or error}.") from None
    if len(data) > limit:
        raise ImportRefused(f"{path} is larger than {limit // 1_048_576} MB, the limit for an import.")
    return data


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json(data: bytes, limit: int = MAX_BYTES) -> Any:
    """Strict JSON: UTF-8, no NaN/Infinity, no repeated keys, bounded size and nesting."""
    if len(data) > limit:
        raise ImportRefused(f"The file is larger than {limit // 1_048_576} MB, the limit for an import.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("The file is not UTF-8 text, so it is not a Backroll export.") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant)
    except RecursionError:
        raise ImportRefused("The file is nested too deeply to be a Backroll export.") from None
    except _DuplicateKey as error:
        raise ImportRefused(f"The file repeats the key {str(error)!r} inside one object, so it is ambiguous.") from None
    except json.JSONDecodeError as error:
        raise ImportRefused(f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}).") from None
    except ValueError as error:
        raise ImportRefused(f"The file is not valid JSON ({error}).") from None


# --------------------------------------------------------------------------- import: validation


@cache
def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


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
            return datetime.fromisoformat(value)
        except ValueError:
            self.fail(path, f"is not a real date and time: {_show(value)}")
            return None

    def day(self, value: Any, path: str) -> date | None:
        if not self.string(value, path, pattern=_DAY, what="a date (YYYY-MM-DD)"):
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(path, f"is not a real date: {_show(value)}")
            return None

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
            if not _known_zone(s["zone"]):
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
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, float) or math.isfinite(value) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate_document(doc: Any) -> list[str]:
    """Every problem of a parsed export (up to MAX_PROBLEMS), as 'json.path: message'; [] = valid."""
    checker = _Checker()
    checker.document(doc)
    if checker.count > len(checker.problems):
        checker.problems.append(f"... and {checker.count - len(checker.problems)} more problems")
    return checker.problems


def sessions_from_document(doc: Any) -> list[Session]:
    """Validated sessions of a parsed export, duplicates (same id, same content) folded.

    Raises ImportRefused when anything is wrong; then nothing may be written.
    """
    problems = validate_document(doc)
    if problems:
        raise ImportRefused(_refusal_sentence(problems), problems)
    by_id: dict[str, Session] = {}
    first_index: dict[str, int] = {}
    for i, data in enumerate(doc["sessions"]):
        try:
            session = Session.from_dict(data)
        except (ValueError, KeyError, TypeError) as error:  # the validator should have caught it
            problems.append(f"sessions[{i}]: {error}")
            continue
        known = by_id.get(session.id)
        if known is None:
            by_id[session.id] = session
            first_index[session.id] = i
        elif known.to_dict() != session.to_dict():
            problems.append(
                f"sessions[{i}].id: {session.id} appears again with different content (first at sessions[{first_index[session.id]}])"
            )
    if problems:
        raise ImportRefused(_refusal_sentence(problems), problems[:MAX_PROBLEMS])
    return list(by_id.values())


def _refusal_sentence(problems: Sequence[str]) -> str:
    first = problems[0]
    if first.startswith("format:") or first.startswith("$:"):
        return "The file is not a Backroll history export; nothing was imported."
    if first.startswith("version:"):
        return "The file is a Backroll export of a version this Backroll cannot read; nothing was imported."
    n = len(problems)
    return f"The file has {n if n < MAX_PROBLEMS else 'many'} problem{'s' if n != 1 else ''}, so nothing was imported."


def usual_pain_from_document(doc: Any) -> list[UsualPain]:
    """The usual-pain records of a validated export (none in a version 1 file), duplicates by id folded."""
    records: dict[str, UsualPain] = {}
    for data in doc.get("usual_pain", []) if isinstance(doc, dict) else []:
        record = UsualPain.from_dict(data)
        records.setdefault(record.id, record)
    return list(records.values())


@dataclass(frozen=True)
class History:
    """What an export file holds: the sessions and the usual-pain records."""

    sessions: list[Session]
    usual_pain: list[UsualPain]


def read_history(path: Path | str) -> History:
    """Read, parse and validate an export file; ImportRefused on any problem."""
    doc = parse_json(read_bytes_limited(path))
    sessions = sessions_from_document(doc)  # validates the whole document first
    return History(sessions, usual_pain_from_document(doc))


def read_export(path: Path | str) -> list[Session]:
    """The sessions of an export file (see read_history); ImportRefused on any problem."""
    return read_history(path).sessions


# --------------------------------------------------------------------------- import: merge


@dataclass
class ImportReport:
    """What an import did (or, with dry_run, would do)."""

    added: list[Session] = field(default_factory=list)
    present: list[Session] = field(default_factory=list)  # same id, same content: nothing to do
    rejected: list[tuple[Session, str]] = field(default_factory=list)  # conflicts, with the reason
    dry_run: bool = False
    usual_pain_added: list[UsualPain] = field(default_factory=list)

    def summary(self) -> str:
        verb = "would add" if self.dry_run else "added"
        text = (
            f"{verb} {len(self.added)} session{'s' if len(self.added) != 1 else ''}, "
            f"{len(self.present)} already present, {len(self.rejected)} rejected"
        )
        if self.usual_pain_added:
            n = len(self.usual_pain_added)
            text += f"; {verb} {n} usual-pain record{'s' if n != 1 else ''}"
        return text

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "added": [s.id for s in self.added],
            "already_present": [s.id for s in self.present],
            "rejected": [{"id": s.id, "reason": reason} for s, reason in self.rejected],
            "usual_pain_added": [r.id for r in self.usual_pain_added],
        }


def _differences(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    return [key for key in a.keys() | b.keys() if a.get(key) != b.get(key)]


def plan_import(existing: Mapping[str, Session], incoming: Iterable[Session]) -> ImportReport:
    """Classify incoming sessions against the stored ones by UUID."""
    report = ImportReport()
    for session in incoming:
        known = existing.get(session.id)
        if known is None:
            report.added.append(session)
            continue
        mine, theirs = known.to_dict(), session.to_dict()
        if mine == theirs:
            report.present.append(session)
        else:
            fields = ", ".join(sorted(_differences(mine, theirs)))
            report.rejected.append(
                (session, f"a session with this id is already stored with a different {fields}; kept the stored one")
            )
    return report


def import_sessions(
    store: Any, sessions: Sequence[Session], *, dry_run: bool = False, usual_pain: Sequence[UsualPain] = ()
) -> ImportReport:
    """Merge validated sessions (and usual-pain records) into `store` (a tracker.store.Store) in one write."""
    existing = {s.id: s for s in store.sessions()}
    report = plan_import(existing, sessions)
    report.dry_run = dry_run
    known_usual = {r.id for r in store.usual_pain()}
    report.usual_pain_added = [r for r in usual_pain if r.id not in known_usual]
    if (report.added or report.usual_pain_added) and not dry_run:
        merged = store.merge(report.added, report.usual_pain_added)
        done = set(getattr(merged, "added_ids", ())) if hasattr(merged, "added_ids") else None
        if done is not None and len(done) != len(report.added):
            # Another process saved some of these ids between our check and the write.
            late = [s for s in report.added if s.id not in done]
            report.added = [s for s in report.added if s.id in done]
            again = plan_import({s.id: store.get(s.id) for s in late if store.get(s.id) is not None}, late)
            report.present.extend(again.present)
            report.rejected.extend(again.rejected)
    return report
