"""The export format: its name, versions, limits, and the one declaration of its shape (fields with type, range,
required), read by the schema generator, the validator, export and import."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Literal

from tracker.model.enums import Felt, Phase, Side, Stability
from tracker.model.history import PAIN_NOTE_MAX
from tracker.model.limits import MAX_RESULTS, MAX_SESSION_SECONDS

FORMAT = "backroll.history"
VERSION = 3
READS = (1, 2, 3)  # the export versions import accepts
SCHEMA_RESOURCE = "history-v3.schema.json"

MAX_BYTES = 20 * 1024 * 1024  # refused before parsing
MAX_SESSIONS = 100_000
MAX_STEPS = MAX_RESULTS  # per session: the limit a routine is loaded under, so every session logged imports
MAX_NOTE = 10_000
MAX_ANSWER = 1_000
MAX_PROBLEMS = 50  # reported; validation goes on counting
MAX_COUNT = 100_000
MAX_SECONDS = MAX_SESSION_SECONDS
MAX_PRESCRIPTION = 100
MAX_USUAL_PAIN = 10_000
MAX_PAIN_RECORDS = 100_000

ORIGINS = ("app", "cli", "import", "demo")

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?([+-][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?|Z)"
)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
_ZONE = re.compile(r"[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*")

PRESCRIPTION_KEYS = ("lifts", "count", "hold")
STEP_OPTIONAL = ("answer", "question_key")


# --------------------------------------------------------------------------- the declaration
# The one declaration of the export's shape. The JSON Schema is generated from it (tracker.exchange.json_schema;
# the shipped file is that output, and a test holds them equal) and the validator walks it
# (tracker.exchange.validate), so the two cannot drift. What a schema cannot say (a local_date on the day of
# its started_at, a zone this computer knows, unique ids) stays code in the validator and the importer.


@dataclass(frozen=True)
class Field:
    """One JSON value: its type and bounds, as the schema states them and the validator checks them."""

    type: Literal["string", "integer", "number", "boolean", "enum", "object", "array", "ref"]
    description: str = ""
    ref: str = ""  # type "ref": a shared definition of DEFS
    format: str = ""  # "date-time" or "date": also checked for a real date within FIRST_DAY..LAST_DAY
    pattern: re.Pattern[str] | None = None
    what: str = ""  # how a message names a value that misses the pattern ("a pose id")
    max_length: int | None = None
    low: float = 0
    high: float = 0
    choices: tuple[str | None, ...] = ()  # type "enum"; None is JSON null
    nullable: bool = False  # null, or the value
    record: Record | None = None  # type "object", or an array's items given in place
    items: str = ""  # type "array": the DEFS record of its items, when not given in place
    max_items: int = 0
    noun: str = "records"  # "holds 7 {noun}; the limit is 5"


@dataclass(frozen=True)
class Record:
    """A JSON object: its fields (all required unless optional), in the order written and checked."""

    fields: tuple[tuple[str, Field], ...]
    optional: tuple[str, ...] = ()
    together: tuple[str, ...] = ()  # optional fields that come all or none
    partial: bool = (
        False  # a field present is checked even when others are missing (a session: every problem)
    )

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields if name not in self.optional)


def _ref(name: str, *, what: str = "", nullable: bool = False) -> Field:
    return Field("ref", ref=name, what=what, nullable=nullable)


_UUID_FIELD = Field("string", pattern=_UUID, what="a UUID in lowercase (8-4-4-4-12 hex digits)")
_STAMPS = (
    ("id", _UUID_FIELD),
    ("date", _ref("day")),
    ("value", Field("integer", low=0, high=10)),
)

USUAL_PAIN = Record(
    (*_STAMPS, ("note", Field("string", max_length=1_000)), ("recorded_at", _ref("instant", nullable=True)))
)
PAIN_RECORD = Record(
    (
        *_STAMPS,
        ("note", Field("string", max_length=PAIN_NOTE_MAX)),
        ("recorded_at", _ref("instant", nullable=True)),
    )
)
HURT_AT = Record(
    (
        ("step", _ref("count")),
        ("pose", _ref("id", what="a pose id")),
        ("side", _ref("side")),
        ("rep", _ref("count")),
        ("phase", _ref("phase")),
    )
)
CHECKIN = Record(
    (
        ("pain_before", _ref("pain")),
        ("pain_after", _ref("pain")),
        ("stable", Field("enum", choices=(None, *(m.value for m in Stability)))),
        ("felt", Field("enum", choices=(None, *(m.value for m in Felt)))),
        ("note", Field("string", max_length=MAX_NOTE)),
    )
)
PRESCRIPTION = Record(
    tuple((key, Field("integer", low=0, high=MAX_PRESCRIPTION)) for key in PRESCRIPTION_KEYS)
)
STEP = Record(
    (
        ("index", _ref("count")),
        ("pose", _ref("id", what="a pose id")),
        ("side", _ref("side")),
        ("reps_planned", _ref("count")),
        ("reps_done", _ref("count")),
        ("raise_counts", _ref("count")),
        ("lower_counts", _ref("count")),
        ("hold_seconds", _ref("seconds")),
        ("seconds", _ref("seconds")),
        ("skipped", Field("boolean")),
        ("completed", Field("boolean")),
        ("answer", Field("string", max_length=MAX_ANSWER)),
        ("question_key", Field("string", max_length=80)),
    ),
    optional=STEP_OPTIONAL,
    together=STEP_OPTIONAL,
)
SESSION = Record(
    (
        (
            "id",
            replace(
                _UUID_FIELD, description="A UUID in canonical lowercase form; sessions merge by this id."
            ),
        ),
        ("routine", _ref("id", what="a routine id (lowercase letters, digits, dashes)")),
        ("started_at", _ref("instant")),
        (
            "zone",
            Field(
                "string",
                description="The IANA time zone where the session started, e.g. Europe/Paris.",
                max_length=64,
                pattern=_ZONE,
                what="an IANA time zone name",
            ),
        ),
        ("local_date", _ref("day")),
        ("duration", _ref("seconds")),
        ("completed", Field("boolean")),
        ("hurt", Field("boolean")),
        ("hurt_at", Field("object", record=HURT_AT, nullable=True)),
        ("checkin", Field("object", record=CHECKIN)),
        ("prescription", Field("object", record=PRESCRIPTION, nullable=True)),
        ("steps", Field("array", record=STEP, max_items=MAX_STEPS, noun="steps")),
        ("origin", Field("enum", choices=ORIGINS)),
    ),
    partial=True,
)

# The shared definitions, in the schema's order ("$defs").
DEFS: dict[str, Field] = {
    "usual_pain": Field("object", record=USUAL_PAIN),
    "pain_record": Field("object", record=PAIN_RECORD),
    "instant": Field(
        "string",
        description="An ISO 8601 date and time with its UTC offset, as Python's datetime.isoformat() writes it.",
        format="date-time",
        pattern=_INSTANT,
        what="a date and time with a UTC offset (2025-03-01T07:30:00+01:00)",
    ),
    "day": Field("string", format="date", pattern=_DAY, what="a date (YYYY-MM-DD)"),
    "id": Field("string", description="Content ids: lowercase letters, digits and dashes.", pattern=_ID),
    "count": Field("integer", low=0, high=MAX_COUNT),
    "seconds": Field("number", low=0, high=MAX_SECONDS),
    "pain": Field("integer", low=0, high=10, nullable=True),
    "side": Field("enum", choices=tuple(m.value for m in Side)),
    "phase": Field("enum", choices=tuple(m.value for m in Phase)),
    "session": Field("object", record=SESSION),
}

# The document of the current version: its fields, in the schema's order, and the order of "required".
DOCUMENT = Record(
    (
        ("format", Field("enum", choices=(FORMAT,))),
        ("version", Field("enum")),
        ("exported_at", _ref("instant")),
        (
            "usual_pain",
            Field(
                "array",
                description="Usual pain recorded after seeing a trainer or doctor: from date on, a pain-after score "
                "at or below value does not count as pain. Merged by id.",
                items="usual_pain",
                max_items=MAX_USUAL_PAIN,
            ),
        ),
        (
            "pain_records",
            Field(
                "array",
                description="Pain scores (0-10) given on a day without practising: read as the first pain score of "
                "that day (the day after, the weekly trend). Never practice. Merged by id.",
                items="pain_record",
                max_items=MAX_PAIN_RECORDS,
            ),
        ),
        ("sessions", Field("array", items="session", max_items=MAX_SESSIONS, noun="sessions")),
    )
)
DOCUMENT_REQUIRED = ("format", "version", "exported_at", "sessions", "usual_pain", "pain_records")
DOCUMENT_TITLE = f"Backroll history export, version {VERSION}"
DOCUMENT_DESCRIPTION = (
    "What `backroll export` writes and `backroll import` reads. Every field is always written. Version 3 adds "
    "pain_records, pain scores given without practising (`backroll pain`, the Today card); version 2 added "
    "usual_pain, the person's usual-pain records; import still reads version 1 and 2 files. Beyond this schema, "
    "import also checks that each local_date is the calendar date of started_at at its own UTC offset, that ids are "
    "unique within the file (or repeat identical content), and that the zone is a known IANA zone."
)

# Each record's keys, as the declaration gives them.
SESSION_KEYS = SESSION.required
STEP_KEYS = STEP.required
CHECKIN_KEYS = CHECKIN.required
HURT_KEYS = HURT_AT.required
USUAL_PAIN_KEYS = USUAL_PAIN.required
PAIN_RECORD_KEYS = PAIN_RECORD.required
