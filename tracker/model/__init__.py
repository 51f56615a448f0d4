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
    "PROGRAM_ID",
    "PROP_IDS",
    "BREATH_RANGE",
    "CheckIn",
    "DEFAULT_PRACTICE_TIME",
    "Felt",
    "Figure",
    "Keyframe",
    "Hold",
    "HoldUnit",
    "HurtAt",
    "MAX_REST_DAYS",
    "Observation",
    "PAIN_NOTE_MAX",
    "PainRecord",
    "Phase",
    "Pose",
    "Prescription",
    "Prop",
    "Program",
    "ProgressionRules",
    "Routine",
    "Session",
    "Settings",
    "Side",
    "Stability",
    "Stage",
    "Step",
    "StepKind",
    "StepResult",
    "TEMPO_RANGE",
    "UsualPain",
    "parse_clock",
    "plural",
]
