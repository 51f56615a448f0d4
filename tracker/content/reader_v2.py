"""Format v2 validation (content/FORMAT.md): sides (alternate, first_side), sequences, staged cues, props.

Functions over the field checkers of tracker.content.checks, so every problem is
recorded with its file, line and field path like the rest of the format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tracker.content.checks import FileReader, Invalid
from tracker.content.format import ALTERNATING_KINDS, FORMATS, MAX_STAGES, PROP_COUNT, PROP_KEYS, STAGE_KEYS
from tracker.model import PROP_IDS, Hold, HoldUnit, Prop, Side, Stage, Step, StepKind
from tracker.model.routine import parse_prop

SIDE_WORDS = ("none", "left", "right", "both", "alternate")
FIRST_SIDES = ("left", "right")


def _show(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def sides(
    reader: FileReader, plain: Mapping[str, object], where: str, kind: StepKind, values: dict[str, Any]
) -> Side:
    """`sides`: none | left | right | both, or "alternate" (reps and hold steps), which sets values["alternate"]."""
    value = plain.get("sides", "none")
    if value == "alternate":
        if kind not in ALTERNATING_KINDS:
            raise reader.error(
                f"{where}.sides",
                f'"alternate" changes side every rep: only for reps and hold steps, not {kind.value}',
            )
        values["alternate"] = True
        return Side.NONE
    if not isinstance(value, str) or value not in SIDE_WORDS:
        raise reader.error(f"{where}.sides", f"expected one of {', '.join(SIDE_WORDS)}, got {_show(value)}")
    return Side(value)


def first_side(reader: FileReader, table: Mapping[str, object], where: str, default: Side) -> Side:
    if "first_side" not in table:
        return default
    value = table["first_side"]
    if not isinstance(value, str) or value not in FIRST_SIDES:
        raise reader.error(f"{where}.first_side", f"expected left or right, got {_show(value)}")
    return Side(value)


def step_extras(
    reader: FileReader, plain: Mapping[str, object], where: str, values: dict[str, Any], default_side: Side
) -> None:
    """first_side, sequence and stages of one step, into `values` (errors recorded, nothing raised)."""
    side = values.get("sides", Side.NONE)
    alternate = bool(values.get("alternate"))
    try:
        values["first_side"] = first_side(reader, plain, where, default_side)
        if "first_side" in plain and side is not Side.BOTH and not alternate and "sequence" not in plain:
            reader.error(
                f"{where}.first_side",
                'needs sides = "both" or "alternate", or a sequence (one side has no first)',
            )
    except Invalid:
        pass
    if alternate and "tighter_extra" in plain:
        reader.error(f"{where}.tighter_extra", 'not with sides = "alternate": every rep changes side')
    if "sequence" in plain:
        try:
            values["sequence"] = reader.ident(plain, "sequence", where)
        except Invalid:
            pass
        if "sides" in plain and side is not Side.BOTH:
            reader.error(
                f"{where}.sides",
                'a sequence runs on one side, then the other: leave sides out or set it to "both"',
            )
        values["sides"] = Side.BOTH
        if values.get("repeats", 1) != 1:
            reader.error(f"{where}.repeats", "not in a sequence (the sequence runs once per side)")
    if "stages" in plain:
        try:
            values["stages"] = stages(reader, plain["stages"], f"{where}.stages", values.get("hold"))
        except Invalid:
            pass


def stages(reader: FileReader, raw: object, where: str, hold: Hold | None) -> tuple[Stage, ...]:
    """Staged cues of a hold: each `after` in the hold's unit, inside the hold, in increasing order."""
    if not isinstance(raw, list) or not raw or not all(isinstance(item, dict) for item in raw):
        raise reader.error(where, 'expected an array of tables like { after = { breaths = 3 }, cue = "..." }')
    if len(raw) > MAX_STAGES:
        raise reader.error(where, f"too many stages: at most {MAX_STAGES}, got {len(raw)}")
    result: list[Stage] = []
    for i, item in enumerate(raw):
        path = f"{where}[{i}]"
        reader.check_keys(item, STAGE_KEYS, path)
        if "after" not in item:
            raise reader.error(
                f"{path}.after", "missing; expected { counts | breaths | seconds = a number > 0 }"
            )
        after = reader.hold(item["after"], f"{path}.after")
        cue = reader.string(item, "cue", path, required=True) or ""
        if hold is not None:
            if after.unit is not hold.unit and after.unit is not HoldUnit.SECONDS:
                raise reader.error(
                    f"{path}.after",
                    f"expected {hold.unit.value} like the hold, or seconds; got {after.unit.value}",
                )
            if after.unit is hold.unit and after.amount >= hold.amount:
                raise reader.error(
                    f"{path}.after",
                    f"expected less than the hold ({hold.describe()}), got {after.describe()}",
                )
        if result and result[-1].after.unit is after.unit and after.amount <= result[-1].after.amount:
            raise reader.error(
                f"{path}.after",
                f"expected stages in order: after {result[-1].after.describe()} comes later, not {after.describe()}",
            )
        result.append(Stage(after, cue))
    return tuple(result)


def check_sequences(reader: FileReader, steps: Sequence[Step], where: str) -> None:
    """A sequence's steps stand together and start on the same side."""
    seen: dict[str, int] = {}
    previous = ""
    for i, step in enumerate(steps):
        name = step.sequence
        if name and name != previous and name in seen:
            reader.error(
                f"{where}.steps[{i}].sequence",
                f"sequence {name!r} is split: its steps must stand together (it began at steps[{seen[name]}])",
            )
        elif name and name == previous and step.first_side is not steps[seen[name]].first_side:
            reader.error(
                f"{where}.steps[{i}].first_side",
                f"a sequence starts on one side: steps[{seen[name]}] starts {steps[seen[name]].first_side.value}",
            )
        if name:
            seen.setdefault(name, i)
        previous = name


def file_format(reader: FileReader, table: Mapping[str, object], where: str) -> int:
    value = table.get("format", 1)
    if isinstance(value, bool) or value not in FORMATS:
        raise reader.error(
            f"{where}.format", f"expected one of {', '.join(map(str, FORMATS))}, got {_show(value)}"
        )
    return int(value)


def props(
    reader: FileReader, table: Mapping[str, object], where: str, version: int
) -> tuple[tuple[str, ...], tuple[Prop, ...]]:
    """The props as text (for display) and as records. v2: ids from the shipped list, or { id, count, optional }."""
    raw = table.get("props", [])
    if not isinstance(raw, list):
        raise reader.error(f"{where}.props", f"expected an array, got {_show(raw)}")
    kit: list[Prop] = []
    for i, item in enumerate(raw):
        path = f"{where}.props[{i}]"
        if isinstance(item, str) and item.strip() and version == 1:
            reader.plain_text(item, path)
            kit.append(parse_prop(item))
            continue
        if isinstance(item, str):
            item = {"id": item}
        if not isinstance(item, dict):
            raise reader.error(path, f"expected a prop id or {{ id, count, optional }}, got {_show(item)}")
        reader.check_keys(item, PROP_KEYS, path)
        prop_id = item.get("id")
        if not isinstance(prop_id, str) or prop_id not in PROP_IDS:
            raise reader.error(
                f"{path}.id" if "id" in item or isinstance(raw[i], dict) else path,
                f"expected one of {', '.join(PROP_IDS)}, got {_show(prop_id)}",
            )
        count = reader.integer(item, "count", path, PROP_COUNT, default=1)
        optional = reader.boolean(item, "optional", path)
        kit.append(Prop(prop_id, count, optional))
    texts = tuple(str(item).strip() for item in raw) if version == 1 else tuple(p.describe() for p in kit)
    return texts, tuple(kit)
