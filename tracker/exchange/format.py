"""The export format's name, versions, limits and keys: one place, read by export, validation and import."""

from __future__ import annotations

import re

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
USUAL_PAIN_KEYS = ("id", "date", "value", "note", "recorded_at")
MAX_PAIN_RECORDS = 100_000
PAIN_RECORD_KEYS = ("id", "date", "value", "note", "recorded_at")

ORIGINS = ("app", "cli", "import", "demo")

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?([+-][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?|Z)")
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


