"""Typed records shared by content, runner, store and exchange.

One definition serves every layer: the content loader builds `Pose`,
`Step`, `Routine` and `Program`; the runner turns a `Routine` into
`StepResult`s; the store and the export keep `Session` through
`Session.to_dict()` / `Session.from_dict()`, so the file format and the
export format cannot drift apart.

No Textual here (see the import-linter contract in pyproject.toml).
"""

from tracker.model.enums import Felt, HoldUnit, Phase, Side, Stability, StepKind
from tracker.model.figure import Figure, Keyframe
from tracker.model.history import PAIN_NOTE_MAX, CheckIn, HurtAt, PainRecord, Session, StepResult, UsualPain
from tracker.model.program import PROGRAM_ID, Prescription, Program, ProgressionRules
from tracker.model.routine import PROP_IDS, Hold, Observation, Pose, Prop, Routine, Stage, Step
from tracker.model.settings import (
    BREATH_RANGE,
    DEFAULT_PRACTICE_TIME,
    MAX_REST_DAYS,
    TEMPO_RANGE,
    Settings,
    parse_clock,
)
from tracker.model.words import plural

__all__ = [
    "BREATH_RANGE",
    "DEFAULT_PRACTICE_TIME",
    "MAX_REST_DAYS",
    "PAIN_NOTE_MAX",
    "PROGRAM_ID",
    "PROP_IDS",
    "TEMPO_RANGE",
    "CheckIn",
    "Felt",
    "Figure",
    "Hold",
    "HoldUnit",
    "HurtAt",
    "Keyframe",
    "Observation",
    "PainRecord",
    "Phase",
    "Pose",
    "Prescription",
    "Program",
    "ProgressionRules",
    "Prop",
    "Routine",
    "Session",
    "Settings",
    "Side",
    "Stability",
    "Stage",
    "Step",
    "StepKind",
    "StepResult",
    "UsualPain",
    "parse_clock",
    "plural",
]
