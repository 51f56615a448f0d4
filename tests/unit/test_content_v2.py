"""Format v2 in content files: what loads, and the malformed cases `backroll check` rejects with file, line and field."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from tracker.content import check_file, load_file
from tracker.model import Hold, HoldUnit, Prop, Side, Stage

MARK = "# <--"

GOOD = dedent(
    """
    [routine]
    id = "mine"
    name = "Mine"
    format = 2
    first_side = "right"
    props = [
        "mat",
        { id = "block", count = 2 },
        { id = "blanket", optional = true },
    ]
    room = "A mat's length, and an arm's reach to each side."
    notes = ["Leaves out a pose the source names but never shows."]

    [[routine.steps]]
    pose = "low-lunge"
    kind = "hold"
    hold = { breaths = 6 }
    sequence = "lunge-split"
    stages = [
        { after = { breaths = 2 }, cue = "Lift your chest." },
        { after = { breaths = 4 }, cue = "Let your hips sink." },
    ]

    [[routine.steps]]
    pose = "half-split"
    kind = "hold"
    hold = { breaths = 4 }
    sequence = "lunge-split"

    [[routine.steps]]
    pose = "prone-leg-lifts"
    kind = "reps"
    reps = 8
    raise = 3
    lower = 3
    sides = "alternate"

    [[routine.steps]]
    pose = "child"
    kind = "hold"
    hold = { breaths = 4 }
    sides = "both"
    first_side = "left"
    """
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, routine_id: str):  # type: ignore[no-untyped-def]
    return load_file(write(tmp_path / "mine.toml", text)).routines[routine_id]


def test_a_v2_routine_loads_every_feature(tmp_path):
    r = load(tmp_path, GOOD, "mine")
    assert r.format == 2
    assert r.kit == (Prop("mat"), Prop("block", 2), Prop("blanket", 1, True))
    assert r.props == ("a mat", "2 blocks", "a blanket (optional)")
    assert r.room.startswith("A mat's length") and r.notes
    lunge, split, legs, child = r.steps
    assert (lunge.sequence, split.sequence) == ("lunge-split", "lunge-split")
    assert lunge.sides is Side.BOTH and split.sides is Side.BOTH  # a sequence is on both sides
    assert lunge.first_side is Side.RIGHT  # the routine's first side
    assert lunge.stages == (
        Stage(Hold(2, HoldUnit.BREATHS), "Lift your chest."),
        Stage(Hold(4, HoldUnit.BREATHS), "Let your hips sink."),
    )
    assert legs.alternate and legs.sides is Side.NONE and legs.first_side is Side.RIGHT
    assert child.first_side is Side.LEFT  # the step's own first side wins


def test_a_v1_file_still_loads_with_free_text_props(tmp_path):
    text = dedent(
        """
        [routine]
        id = "old"
        name = "Old"
        props = ["mat", "2 blocks", "a folded towel"]

        [[routine.steps]]
        pose = "child"
        kind = "hold"
        hold = { breaths = 4 }
        sides = "both"
        """
    )
    r = load(tmp_path, text, "old")
    assert r.format == 1
    assert r.props == ("mat", "2 blocks", "a folded towel")
    assert r.kit == (Prop("mat"), Prop("block", 2), Prop("a folded towel"))
    assert r.steps[0].first_side is Side.LEFT and not r.steps[0].alternate


def good_with(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


# (case, text, field, words): the line must be the one marked MARK.
BAD = [
    (
        "unknown-prop-id",
        good_with('"mat",', '"mats",  # <--'),
        "routine.props[0].id",
        ["expected one of mat, strap"],
    ),
    (
        "prop-count-zero",
        good_with("count = 2 },", "count = 0 },  # <--"),
        "routine.props[1].count",
        ["from 1 to 10"],
    ),
    ("bad-format", good_with("format = 2", "format = 3  # <--"), "routine.format", ["expected one of 1, 2"]),
    (
        "bad-first-side",
        good_with('first_side = "right"', 'first_side = "both"  # <--'),
        "routine.first_side",
        ["left or right"],
    ),
    (
        "alternate-on-a-flow",
        good_with('sides = "alternate"', 'sides = "alternate"').replace(
            'pose = "child"\nkind = "hold"\nhold = { breaths = 4 }\nsides = "both"\nfirst_side = "left"',
            'pose = "child"\nkind = "flow"\nduration = 30\nsides = "alternate"  # <--',
        ),
        "routine.steps[3].sides",
        ["only for reps and hold steps"],
    ),
    (
        "first-side-on-one-side",
        good_with('sides = "both"\nfirst_side = "left"', 'sides = "left"\nfirst_side = "left"  # <--'),
        "routine.steps[3].first_side",
        ["needs sides"],
    ),
    (
        "sequence-on-one-side",
        good_with(
            'hold = { breaths = 4 }\nsequence = "lunge-split"',
            'hold = { breaths = 4 }\nsequence = "lunge-split"\nsides = "left"  # <--',
        ),
        "routine.steps[1].sides",
        ["a sequence runs on one side, then the other"],
    ),
    (
        "sequence-split",
        good_with('sides = "both"\nfirst_side = "left"', 'sides = "both"\nsequence = "lunge-split"  # <--'),
        "routine.steps[3].sequence",
        ["is split", "steps[0]"],
    ),
    (
        "sequence-with-repeats",
        good_with(
            'hold = { breaths = 4 }\nsequence = "lunge-split"',
            'hold = { breaths = 4 }\nsequence = "lunge-split"\nrepeats = 2  # <--',
        ),
        "routine.steps[1].repeats",
        ["not in a sequence"],
    ),
    (
        "sequence-two-first-sides",
        good_with(
            'hold = { breaths = 4 }\nsequence = "lunge-split"',
            'hold = { breaths = 4 }\nsequence = "lunge-split"\nfirst_side = "left"  # <--',
        ),
        "routine.steps[1].first_side",
        ["starts on one side"],
    ),
    (
        "stage-past-the-hold",
        good_with(
            '{ after = { breaths = 4 }, cue = "Let your hips sink." },',
            '{ after = { breaths = 6 }, cue = "Let your hips sink." },  # <--',
        ),
        "routine.steps[0].stages[1].after",
        ["less than the hold (6 breaths)"],
    ),
    (
        "stage-other-unit",
        good_with(
            '{ after = { breaths = 2 }, cue = "Lift your chest." },',
            '{ after = { counts = 2 }, cue = "Lift your chest." },  # <--',
        ),
        "routine.steps[0].stages[0].after",
        ["breaths like the hold, or seconds"],
    ),
    (
        "stages-out-of-order",
        good_with(
            '{ after = { breaths = 4 }, cue = "Let your hips sink." },',
            '{ after = { breaths = 1 }, cue = "Let your hips sink." },  # <--',
        ),
        "routine.steps[0].stages[1].after",
        ["in order"],
    ),
    (
        "stage-without-cue",
        good_with(
            '{ after = { breaths = 2 }, cue = "Lift your chest." },', "{ after = { breaths = 2 } },  # <--"
        ),
        "routine.steps[0].stages[0].cue",
        ["missing"],
    ),
    (
        "stages-on-a-reps-step",
        good_with('sides = "alternate"', 'sides = "alternate"\nstages = []  # <--'),
        "routine.steps[2].stages",
        ["not used by a reps step"],
    ),
    (
        "alternate-with-tighter-extra",
        good_with('sides = "alternate"', 'sides = "alternate"\ntighter_extra = { counts = 1 }  # <--'),
        "routine.steps[2].tighter_extra",
        ["every rep changes side"],
    ),
]


def marked_line(text: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if MARK in line]
    assert len(lines) == 1, "a case marks exactly one line"
    return lines[0]


def test_the_good_file_passes_check(tmp_path):
    assert check_file(write(tmp_path / "good.toml", GOOD)) == []


@pytest.mark.parametrize(("text", "field", "words"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_a_malformed_v2_file_is_rejected_with_file_line_and_field(tmp_path, text, field, words):
    path = write(tmp_path / "bad.toml", text)
    errors = check_file(path)
    assert errors, "accepted"
    error = errors[0]
    assert (error.path, error.field) == (path, field), str(error)
    assert error.line == marked_line(text), str(error)
    for word in words:
        assert word in error.message, str(error)
    assert str(error).startswith(f"{path}:{error.line}: {field}: ")
