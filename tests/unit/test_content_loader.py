"""tracker.content: validation errors (file, line, field), the line locator, load_library, check_file.

Every test writes real files under tmp_path; the "built-in" library here is a
small one written by the `builtin` fixture, so these tests do not move when
the shipped content changes (test_content_library.py covers that).
"""

from __future__ import annotations

import pickle
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tracker.content import (
    MAX_FILE_BYTES,
    MAX_STEPS,
    ContentError,
    ContentErrors,
    Library,
    check_file,
    find_line,
    load_builtin,
    load_file,
    load_library,
)
from tracker.model import (
    Hold,
    HoldUnit,
    Observation,
    Prescription,
    ProgressionRules,
    Settings,
)
from tracker.plan import planned_seconds

MARK = "# <--"  # marks the line an error must point at

POSES = """\
[[pose]]
id = "hip-rocks"
name = "Hip rocks"
cues = ["Tip your pelvis."]
source = "000_c89e44dd2c1bee51.txt"

[[pose]]
id = "back-roll"
name = "Back roll"
cues = ["Peel your spine up."]

[[pose]]
id = "bridge"
name = "Bridge"
cues = ["Lift your hips and chest."]

[[pose]]
id = "child"
name = "Child's pose"
cues = ["Sit back toward your heels."]

[[pose]]
id = "constructive-rest"
name = "Constructive rest"
cues = ["Lie on your back, knees bent."]

[[pose]]
id = "cat-cow"
name = "Cat and cow"
cues = ["Round, then arch."]

[[pose]]
id = "triangle"
name = "Triangle"
cues = ["Reach long."]
sided = true

[[pose]]
id = "handstand"
name = "Handstand"
cues = ["Kick up."]
advanced = true
"""

ROUTINE = """\
[routine]
id = "pelvic-tilt-check"
name = "Pelvic-tilt check"
source = "003_51468521fa26ba19.txt"
next = "bridge"

[[routine.steps]]
pose = "constructive-rest"
kind = "observe"
question = "How much space?"
choices = ["a lot", "some"]
key = "space-before"

[[routine.steps]]
pose = "hip-rocks"
kind = "reps"
reps = 6
raise = 3
lower = 3

[[routine.steps]]
pose = "handstand"
kind = "hold"
hold = { seconds = 10 }
optional = true
"""

PROGRAM = """\
[program]
id = "bridge"
name = "Bridge program"
summary = "Hip rocks, then back rolls."
source = "000_c89e44dd2c1bee51.txt"

[program.rules]
start = { lifts = 2, count = 4, hold = 0 }
max_lifts = 8
pain_consult = [3, 5]

[[program.steps]]
pose = "hip-rocks"
kind = "reps"
reps = 8
raise = 2
lower = 2

[[program.steps]]
pose = "back-roll"
kind = "reps"
reps = "$lifts"
raise = "$count"
lower = "$count"
hold = "$hold"
pose_if_hold = "bridge"
"""

GOOD_USER = """\
[[pose]]
id = "my-stretch"
name = "My stretch"
cues = ["Stretch gently."]

[routine]
id = "my-morning"
name = "My morning"
next = "pelvic-tilt-check"

[[routine.steps]]
pose = "my-stretch"
kind = "hold"
hold = { breaths = 5 }

[[routine.steps]]
pose = "cat-cow"
kind = "flow"
duration = 60
"""


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def builtin(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    write(root / "poses" / "poses.toml", POSES)
    write(root / "routines" / "pelvic-tilt-check.toml", ROUTINE)
    write(root / "programs" / "bridge.toml", PROGRAM)
    return root


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "home" / "routines"
    folder.mkdir(parents=True)
    return folder


def marked_line(text: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if MARK in line]
    assert len(lines) == 1, "a case marks exactly one line"
    return lines[0]


def routine_file(*steps: str, header: str = 'id = "mine"\nname = "Mine"') -> str:
    body = "[routine]\n" + header + "\n"
    for step in steps:
        body += "\n[[routine.steps]]\n" + dedent(step).strip() + "\n"
    return body


OK_STEP = 'pose = "child"\nkind = "hold"\nhold = { breaths = 5 }'

# (case id, file text, field path, words the message must contain). The line is the one marked MARK.
BAD_USER_FILES = [
    (
        "syntax-error",
        '[routine]\nid = "mine"\nname = "Mine  # <--\n',
        "",
        ["TOML syntax error", "line 3"],
    ),
    (
        "syntax-two-statements",
        routine_file(OK_STEP, 'pose = "child" kind = "hold"  # <--'),
        "",
        ["TOML syntax error"],
    ),
    (
        "unknown-key-typo",
        routine_file(OK_STEP, 'pose = "child"\nkind = "hold"\nhodl = { breaths = 5 }  # <--'),
        "routine.steps[1].hodl",
        ["unknown key", "did you mean 'hold'", "allowed keys:", "rest_between"],
    ),
    (
        "unknown-routine-key",
        routine_file(OK_STEP, header='id = "mine"\nname = "Mine"\nrepeat = 2  # <--'),
        "routine.repeat",
        ["unknown key", "did you mean 'repeats'", "allowed keys: id, name"],
    ),
    (
        "missing-name",
        routine_file(OK_STEP, header='id = "mine"').replace("[routine]", "[routine]  # <--"),
        "routine.name",
        ["missing", "non-empty string"],
    ),
    (
        "wrong-type-bool",
        routine_file('pose = "child"\nkind = "hold"\nhold = { breaths = 5 }\noptional = "yes"  # <--'),
        "routine.steps[0].optional",
        ["expected true or false", "'yes'"],
    ),
    (
        "negative-counts",
        routine_file('pose = "hip-rocks"\nkind = "reps"\nreps = 4\nraise = -3  # <--\nlower = 3'),
        "routine.steps[0].raise",
        ["integer from 1 to 20", "-3"],
    ),
    (
        "zero-hold",
        routine_file(OK_STEP, 'pose = "child"\nkind = "hold"\nhold = { breaths = 0 }  # <--'),
        "routine.steps[1].hold.breaths",
        ["breaths from 1 to 100", "got 0"],
    ),
    (
        "two-hold-units",
        routine_file('pose = "child"\nkind = "hold"\nhold = { counts = 4, breaths = 2 }  # <--'),
        "routine.steps[0].hold",
        ["exactly one of counts, breaths, seconds"],
    ),
    (
        "misspelled-hold-unit",
        routine_file(OK_STEP, OK_STEP, OK_STEP, 'pose = "child"\nkind = "hold"\nhold = { count = 4 }  # <--'),
        "routine.steps[3].hold",
        ["expected exactly one of counts, breaths, seconds (a number > 0), got {'count': 4}"],
    ),
    (
        "hold-as-number",
        routine_file('pose = "child"\nkind = "hold"\nhold = 5  # <--'),
        "routine.steps[0].hold",
        ["exactly one of counts, breaths, seconds", "got 5"],
    ),
    (
        "missing-hold",
        routine_file(OK_STEP, '# <--\npose = "child"\nkind = "hold"').replace("\n# <--\n", "  # <--\n"),
        "routine.steps[1].hold",
        ["missing"],
    ),
    (
        "unknown-pose",
        routine_file('pose = "chid"  # <--\nkind = "hold"\nhold = { breaths = 5 }'),
        "routine.steps[0].pose",
        ["unknown pose 'chid'", "did you mean 'child'"],
    ),
    (
        "unknown-kind",
        routine_file('pose = "child"\nkind = "stretch"  # <--\nhold = { breaths = 5 }'),
        "routine.steps[0].kind",
        ["one of reps, hold, flow, rest, observe", "'stretch'"],
    ),
    (
        "unknown-side",
        routine_file('pose = "triangle"\nkind = "hold"\nhold = { breaths = 5 }\nsides = "both sides"  # <--'),
        "routine.steps[0].sides",
        ["one of none, left, right, both"],
    ),
    (
        "huge-routine-repeats",
        routine_file(OK_STEP, header='id = "mine"\nname = "Mine"\nrepeats = 1000  # <--'),
        "routine.repeats",
        ["integer from 1 to 10", "1000"],
    ),
    (
        "huge-step-repeats",
        routine_file(OK_STEP, 'pose = "cat-cow"\nkind = "flow"\nduration = 60\nrepeats = 50  # <--'),
        "routine.steps[1].repeats",
        ["integer from 1 to 20"],
    ),
    (
        "too-many-steps",
        routine_file(*[OK_STEP] * (MAX_STEPS + 1))
        .replace("[[routine.steps]]", "[[routine.steps]]  # <--", MAX_STEPS + 1)
        .replace("[[routine.steps]]  # <--", "[[routine.steps]]", MAX_STEPS),
        f"routine.steps[{MAX_STEPS}]",
        [f"at most {MAX_STEPS}", f"got {MAX_STEPS + 1}"],
    ),
    (
        "no-steps",
        '[routine]  # <--\nid = "mine"\nname = "Mine"\n',
        "routine.steps",
        ["missing", "[[routine.steps]]"],
    ),
    (
        "duplicate-pose-in-file",
        '[[pose]]\nid = "twist"\nname = "Twist"\ncues = ["Turn."]\n\n'
        '[[pose]]\nid = "twist"  # <--\nname = "Other twist"\ncues = ["Turn."]\n\n' + routine_file(OK_STEP),
        "pose[1].id",
        ["duplicate pose id 'twist'", "pose[0]"],
    ),
    (
        "user-pose-shadows-builtin",
        '[[pose]]\nid = "child"  # <--\nname = "My child"\ncues = ["Rest."]\n\n' + routine_file(OK_STEP),
        "pose[0].id",
        ["duplicate pose id 'child'", "built-in"],
    ),
    (
        "pose-without-cues",
        '[[pose]]  # <--\nid = "twist"\nname = "Twist"\n\n' + routine_file(OK_STEP),
        "pose[0].cues",
        ["missing", "at least 1"],
    ),
    (
        "user-routine-shadows-builtin",
        routine_file(OK_STEP, header='id = "pelvic-tilt-check"  # <--\nname = "Mine"'),
        "routine.id",
        ["duplicate id 'pelvic-tilt-check'", "built-in"],
    ),
    (
        "user-routine-shadows-program",
        routine_file(OK_STEP, header='id = "bridge"  # <--\nname = "Mine"'),
        "routine.id",
        ["duplicate id 'bridge'"],
    ),
    (
        "observe-without-question",
        routine_file('pose = "constructive-rest"  \nkind = "observe"\nkey = "space"').replace(
            "[[routine.steps]]", "[[routine.steps]]  # <--"
        ),
        "routine.steps[0].question",
        ["missing"],
    ),
    (
        "observe-without-key",
        routine_file('pose = "constructive-rest"\nkind = "observe"\nquestion = "How?"').replace(
            "[[routine.steps]]", "[[routine.steps]]  # <--"
        ),
        "routine.steps[0].key",
        ["missing"],
    ),
    (
        "duplicate-answer-key",
        routine_file(
            'pose = "child"\nkind = "observe"\nquestion = "Before?"\nkey = "feel"',
            'pose = "child"\nkind = "observe"\nquestion = "After?"\nkey = "feel"  # <--',
        ),
        "routine.steps[1].key",
        ["duplicate answer key 'feel'"],
    ),
    (
        "binding-outside-program",
        routine_file('pose = "hip-rocks"\nkind = "reps"\nreps = "$lifts"  # <--\nraise = 2\nlower = 2'),
        "routine.steps[0].reps",
        ["only allowed in a program"],
    ),
    (
        "pose-if-hold-outside-program",
        routine_file(OK_STEP + '\npose_if_hold = "bridge"  # <--'),
        "routine.steps[0].pose_if_hold",
        ["only a program step"],
    ),
    (
        "string-where-int-expected",
        routine_file('pose = "hip-rocks"\nkind = "reps"\nreps = "6"  # <--\nraise = 2\nlower = 2'),
        "routine.steps[0].reps",
        ["integer from 1 to 100", "got '6'"],
    ),
    (
        "float-where-int-expected",
        routine_file('pose = "hip-rocks"\nkind = "reps"\nreps = 2.5  # <--\nraise = 2\nlower = 2'),
        "routine.steps[0].reps",
        ["integer from 1 to 100", "2.5"],
    ),
    (
        "key-not-used-by-kind",
        routine_file('pose = "cat-cow"\nkind = "flow"\nduration = 60\nhold = { breaths = 5 }  # <--'),
        "routine.steps[0].hold",
        ["not used by a flow step", "allowed keys"],
    ),
    (
        "zero-duration",
        routine_file('pose = "cat-cow"\nkind = "flow"\nduration = 0  # <--'),
        "routine.steps[0].duration",
        ["number from 1 to 3600"],
    ),
    (
        "tighter-extra-without-sides",
        routine_file(
            'pose = "triangle"\nkind = "hold"\nhold = { breaths = 5 }\ntighter_extra = { breaths = 2 }  # <--'
        ),
        "routine.steps[0].tighter_extra",
        ["needs sides"],
    ),
    (
        "id-not-kebab",
        routine_file(OK_STEP, header='id = "My Routine"  # <--\nname = "Mine"'),
        "routine.id",
        ["lowercase-kebab", "'My Routine'"],
    ),
    (
        "unknown-next",
        routine_file(OK_STEP, header='id = "mine"\nname = "Mine"\nnext = "pelvic-tilt-chek"  # <--'),
        "routine.next",
        ["unknown routine 'pelvic-tilt-chek'", "did you mean 'pelvic-tilt-check'"],
    ),
    (
        "program-in-user-file",
        PROGRAM.replace('id = "bridge"', 'id = "my-bridge"').replace("[program]", "[program]  # <--", 1),
        "program",
        ["may not define a program"],
    ),
    (
        "unknown-top-level-table",
        "[routin]  # <--\nid = 'x'\n",
        "routin",
        ["unknown key at the top level", "did you mean 'routine'", "allowed keys: pose, routine"],
    ),
    (
        "steps-as-plain-table",
        '[routine]\nid = "mine"\nname = "Mine"\n\n[routine.steps]  # <--\npose = "child"\n',
        "routine.steps",
        ["expected [[routine.steps]] tables"],
    ),
    (
        "empty-choices-item",
        routine_file(
            'pose = "child"\nkind = "observe"\nquestion = "How?"\nkey = "how"\nchoices = ["yes", ""]  # <--'
        ),
        "routine.steps[0].choices[1]",
        ["non-empty string"],
    ),
]


@pytest.mark.parametrize(
    ("text", "field", "words"), [c[1:] for c in BAD_USER_FILES], ids=[c[0] for c in BAD_USER_FILES]
)
def test_a_broken_user_file_is_reported_with_file_line_and_field(builtin, user_dir, text, field, words):
    path = write(user_dir / "broken.toml", text)

    library = load_library(user_dir, content_dir=builtin)

    assert len(library.errors) >= 1
    error = library.errors[0]
    assert error.path == path
    assert error.field == field
    assert error.line == marked_line(text), str(error)
    for word in words:
        assert word in error.message, str(error)
    prefix = f"{path}:{error.line}: " + (f"{field}: " if field else "")
    assert str(error).startswith(prefix)
    # skipped whole; the built-ins are intact
    assert set(library.routines) == {"pelvic-tilt-check"}
    assert "bridge" in library.programs
    assert "my-stretch" not in library.poses and "twist" not in library.poses


@pytest.mark.parametrize(
    ("text", "field", "words"), [c[1:] for c in BAD_USER_FILES], ids=[c[0] for c in BAD_USER_FILES]
)
def test_check_file_reports_the_same_problem(builtin, tmp_path, text, field, words):
    path = write(tmp_path / "elsewhere" / "x.toml", text)
    errors = check_file(path, content_dir=builtin)
    assert errors and errors[0].field == field and errors[0].line == marked_line(text)


def test_the_example_error_from_the_docs_reads_exactly_so(builtin, tmp_path):
    text = routine_file(OK_STEP, OK_STEP, OK_STEP, 'pose = "child"\nkind = "hold"\nhold = { count = 4 }')
    path = write(tmp_path / "x.toml", text)
    [error] = check_file(path, content_dir=builtin)
    assert text.splitlines()[22] == "hold = { count = 4 }"
    assert str(error) == (
        f"{path}:23: routine.steps[3].hold: expected exactly one of "
        "counts, breaths, seconds (a number > 0), got {'count': 4}"
    )


def test_non_utf8_bytes_name_the_line(builtin, user_dir):
    data = routine_file(OK_STEP).encode() + b'\ncue = "caf\xe9"\n'
    path = write(user_dir / "latin1.toml", data)
    library = load_library(user_dir, content_dir=builtin)
    [error] = library.errors
    assert error.path == path
    assert error.line == data.count(b"\n")  # the last line holds the bad byte
    assert error.field == ""
    assert "UTF-8" in error.message


def test_an_empty_file_is_an_error(builtin, user_dir):
    path = write(user_dir / "empty.toml", "# nothing yet\n\n")
    [error] = load_library(user_dir, content_dir=builtin).errors
    assert (error.path, error.line, error.field) == (path, 1, "")
    assert "empty" in error.message


def test_a_huge_file_is_refused_unread(builtin, user_dir):
    path = write(user_dir / "huge.toml", routine_file(OK_STEP) + "#" * MAX_FILE_BYTES + "\n")
    [error] = load_library(user_dir, content_dir=builtin).errors
    assert (error.path, error.line, error.field) == (path, None, "")
    assert "too large" in error.message
    assert str(error) == f"{path}: {error.message}"


def test_two_user_files_with_one_id_keep_the_first(builtin, user_dir):
    write(user_dir / "a.toml", routine_file(OK_STEP))
    text = routine_file(OK_STEP, header='id = "mine"  # <--\nname = "Also mine"')
    second = write(user_dir / "b.toml", text)
    library = load_library(user_dir, content_dir=builtin)
    assert library.routines["mine"].name == "Mine"
    [error] = library.errors
    assert (error.path, error.line, error.field) == (second, marked_line(text), "routine.id")
    assert "a.toml" in error.message


def test_a_broken_user_file_next_to_a_good_one(builtin, user_dir):
    good = write(user_dir / "good.toml", GOOD_USER)
    bad = write(user_dir / "bad.toml", routine_file('pose = "chid"\nkind = "hold"\nhold = { breaths = 5 }'))
    write(user_dir / "notes.txt", "not a routine")

    library = load_library(user_dir, content_dir=builtin)

    assert [e.path for e in library.errors] == [bad]
    mine = library.routine("my-morning")
    assert mine.origin == str(good)
    assert [s.pose for s in mine.steps] == ["my-stretch", "cat-cow"]
    assert "my-stretch" in library.poses
    assert library.routines["pelvic-tilt-check"].origin == "builtin"
    assert "bridge" in library.programs and len(library.poses) == 9


def test_several_problems_in_one_file_are_all_reported(builtin, tmp_path):
    text = routine_file(
        'pose = "chid"\nkind = "hold"\nhold = { breaths = 5 }',
        'pose = "child"\nkind = "hold"\nhold = { breaths = 500 }',
        header='id = "mine"',
    )
    path = write(tmp_path / "x.toml", text)
    errors = check_file(path, content_dir=builtin)
    assert [e.field for e in errors] == [
        "routine.name",
        "routine.steps[0].pose",
        "routine.steps[1].hold.breaths",
    ]
    with pytest.raises(ContentErrors) as raised:
        load_file(path, content_dir=builtin)
    assert isinstance(raised.value, ContentError)
    assert [str(e) for e in raised.value.errors] == [str(e) for e in errors]
    assert str(raised.value).count("\n") == 2


def test_missing_or_empty_user_folder_is_fine(builtin, tmp_path):
    assert load_library(tmp_path / "nowhere", content_dir=builtin).errors == ()
    (tmp_path / "empty").mkdir()
    library = load_library(tmp_path / "empty", content_dir=builtin)
    assert library.errors == () and set(library.routines) == {"pelvic-tilt-check"}


def test_check_file_accepts_a_good_file(builtin, tmp_path):
    path = write(tmp_path / "good.toml", GOOD_USER)
    assert check_file(path, content_dir=builtin) == []
    library = load_file(path, content_dir=builtin)
    assert set(library.routines) == {"my-morning"} and set(library.poses) == {"my-stretch"}


def test_check_file_on_a_missing_file(builtin, tmp_path):
    [error] = check_file(tmp_path / "nope.toml", content_dir=builtin)
    assert "cannot read" in error.message


def test_load_file_with_known_poses_only(tmp_path, builtin):
    poses = load_builtin(builtin).poses
    path = write(tmp_path / "x.toml", routine_file(OK_STEP, header='id = "pelvic-tilt-check"\nname = "Mine"'))
    # with explicit poses, built-in ids are not consulted
    assert set(load_file(path, poses).routines) == {"pelvic-tilt-check"}
    with pytest.raises(ContentError) as raised:
        load_file(path, {})
    assert raised.value.field == "routine.steps[0].pose"


def test_content_error_pickles_and_formats(tmp_path):
    error = ContentError(tmp_path / "x.toml", 14, "routine.steps[3].hold", "expected a hold")
    assert str(error) == f"{tmp_path / 'x.toml'}:14: routine.steps[3].hold: expected a hold"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.line, copy.field, copy.message) == (error.path, 14, error.field, error.message)
    many = pickle.loads(pickle.dumps(ContentErrors([error, error])))
    assert len(many.errors) == 2 and many.line == 14


# ---------------------------------------------------------------- built-in content: broken means raise

BAD_BUILTIN = [
    ("routines/x.toml", routine_file(OK_STEP), "routine.source", "missing"),
    (
        "routines/x.toml",
        routine_file(
            'pose = "handstand"\nkind = "hold"\nhold = { seconds = 10 }',
            header='id = "x"\nname = "X"\nsource = "s"',
        ),
        "routine.steps[0].pose",
        "advanced",
    ),
    (  # routines load before programs, so the program is the duplicate
        "routines/x.toml",
        routine_file(OK_STEP, header='id = "bridge"\nname = "X"\nsource = "s"'),
        "program.id",
        "duplicate id 'bridge': x.toml already uses it",
    ),
    (
        "poses/zz-more.toml",
        '[[pose]]\nid = "child"\nname = "Child again"\ncues = ["Rest."]\n',
        "pose[0].id",
        "duplicate pose id",
    ),
    (
        "programs/bridge.toml",
        PROGRAM.replace('reps = "$lifts"', 'reps = "$reps"'),
        "program.steps[1].reps",
        "expected one of $lifts, $count, $hold",
    ),
    (
        "programs/bridge.toml",
        PROGRAM.replace('pose_if_hold = "bridge"', 'pose_if_hold = "brige"'),
        "program.steps[1].pose_if_hold",
        "unknown pose 'brige'",
    ),
    (
        "programs/bridge.toml",
        PROGRAM.replace("start = { lifts = 2, count = 4, hold = 0 }", "start = [2, 4, 0]"),
        "program.rules.start",
        "{ lifts, count, hold }",
    ),
    (
        "programs/bridge.toml",
        PROGRAM.replace("max_lifts = 8", "max_lift = 8"),
        "program.rules.max_lift",
        "did you mean 'max_lifts'",
    ),
    (
        "programs/bridge.toml",
        PROGRAM.replace("pain_consult = [3, 5]", "pain_consult = [5, 3]"),
        "program.rules.pain_consult",
        "1 <= n <= m",
    ),
    (
        "programs/bridge.toml",
        PROGRAM.replace("pain_consult = [3, 5]", "pain_consult = [3, 5]\nresponse_rise = 11"),
        "program.rules.response_rise",
        "",
    ),
    (
        "programs/bridge.toml",
        PROGRAM.replace("pain_consult = [3, 5]", 'pain_consult = [3, 5]\nresponse_rise = "two"'),
        "program.rules.response_rise",
        "",
    ),
    (
        "programs/bridge.toml",
        PROGRAM.replace('summary = "Hip rocks, then back rolls."', 'summary = "x"\nnext = "nowhere"'),
        "program.next",
        "unknown routine 'nowhere'",
    ),
    (
        "programs/bridge.toml",
        PROGRAM.replace('hold = "$hold"', 'duration = "$hold"'),
        "program.steps[1].duration",
        "cannot be bound",
    ),
]


@pytest.mark.parametrize(("relative", "text", "field", "words"), BAD_BUILTIN, ids=[b[2] for b in BAD_BUILTIN])
def test_broken_builtin_content_raises(builtin, user_dir, relative, text, field, words):
    write(builtin / relative, text)
    with pytest.raises(ContentError) as raised:
        load_library(user_dir, content_dir=builtin)
    errors = getattr(raised.value, "errors", (raised.value,))
    path = builtin / "programs" / "bridge.toml" if field == "program.id" else builtin / relative
    assert any(e.path == path and e.field == field and words in e.message for e in errors), str(raised.value)
    problem = next(e for e in errors if e.field == field)
    assert problem.line is not None


def test_the_builtin_fixture_itself_loads(builtin):
    library = load_builtin(builtin)
    assert library.errors == ()
    assert set(library.poses) >= {"hip-rocks", "back-roll", "bridge", "child"}
    check = library.routine("pelvic-tilt-check")
    assert check.steps[0].observe == Observation("How much space?", ("a lot", "some"), "space-before")
    assert check.next == "bridge" and check.source == "003_51468521fa26ba19.txt"
    program = library.programs["bridge"]
    assert program.rules == ProgressionRules(start=Prescription(2, 4, 0), max_lifts=8, pain_consult=(3, 5))
    assert program.rules.response_rise == 2  # the default when the file leaves it out
    assert program.bindings[1] == {
        "reps": "lifts",
        "raise_counts": "count",
        "lower_counts": "count",
        "hold": "hold",
        "pose_if_hold": "bridge",
    }
    with pytest.raises(KeyError):
        library.routine("nope")


@pytest.mark.parametrize(
    ("prescription", "pose", "hold"),
    [
        (None, "back-roll", None),
        (Prescription(8, 4, 0), "back-roll", None),
        (Prescription(8, 8, 8), "bridge", 8),
    ],
)
def test_library_routine_binds_the_program(builtin, prescription, pose, hold):
    routine = load_builtin(builtin).routine("bridge", prescription)
    expected = prescription or Prescription(2, 4, 0)
    first, lifts = routine.steps
    assert first.pose == "hip-rocks" and first.reps == 8
    assert (lifts.pose, lifts.reps, lifts.raise_counts, lifts.lower_counts) == (
        pose,
        expected.lifts,
        expected.count,
        expected.count,
    )
    assert lifts.hold == (Hold(hold, HoldUnit.COUNTS) if hold else None)
    assert routine.program == "bridge"


# ---------------------------------------------------------------- the line locator

LOCATOR_TEXT = """\
# a comment mentioning [[routine.steps]]
[routine]
id = "x"
"name" = "Quoted key"
summary = '''
[[routine.steps]]
hold = "inside a string"
'''

[[routine.steps]]
pose = "child"

[[ routine.steps ]]   # spaced header
pose = "child"
hold.breaths = 4
cues = [
  "hold = not a key",
]

[[routine.steps]]
pose = "child"
hold = { count = 4 }

[[pose]]
id = "a"

[[pose]]
id = "b"
cues = []

[program.rules]
start = { lifts = 2 }
"""


@pytest.mark.parametrize(
    ("field", "line"),
    [
        ("routine", 2),
        ("routine.id", 3),
        ("routine.name", 4),  # quoted key
        ("routine.summary", 5),
        ("routine.steps", 10),  # first header, not the one inside the string
        ("routine.steps[0]", 10),
        ("routine.steps[0].hold", 10),  # not written: the table's header
        ("routine.steps[1]", 13),  # spaced header with a comment
        ("routine.steps[1].hold", 15),  # dotted key
        ("routine.steps[1].hold.breaths", 15),
        ("routine.steps[2].hold", 22),
        ("routine.steps[2].hold.count", 22),
        ("routine.steps[9].hold", 2),  # no such step: fall back to the routine
        ("pose[1].id", 28),
        ("pose[1].cues[0]", 29),
        ("pose[0]", 24),
        ("program.rules.start", 32),
        ("program.rules.start.lifts", 32),
        ("nothing.here", None),
        ("", None),
    ],
)
def test_find_line(field, line):
    assert find_line(LOCATOR_TEXT, field) == line


def test_find_line_top_level_and_odd_input():
    assert find_line('title = "x"\nroutine = { id = "y" }\n[pose]\n', "routine.id") == 2
    assert find_line("", "routine.id") is None
    find_line("[[routine.steps]\n", "routine.steps[0]")
    find_line("[routine]\n", "routine.steps[x]")  # a malformed path never raises
    find_line('[a.b\n[[\n]]\n"""\n', "a.b.c")


def test_library_planned_seconds_matches_the_function(builtin):
    library = load_builtin(builtin)
    routine = library.routine("bridge", Prescription(8, 6, 4))
    expected = 8 * (2 + 2) + 8 * (6 + 4 + 6)
    assert library.planned_seconds(routine, Settings()) == expected == planned_seconds(routine, Settings())
    assert planned_seconds(routine, Settings(tempo=0.5)) == expected / 2


def test_library_is_read_only(builtin):
    library = load_builtin(builtin)
    assert isinstance(library, Library)
    with pytest.raises(TypeError):
        library.routines["x"] = library.routines["pelvic-tilt-check"]  # type: ignore[index]


# ---------------------------------------------------------------- the locator never fails on odd text

TOML_BITS = st.sampled_from(
    [
        "[routine]",
        "[[routine.steps]]",
        "[[ pose ]]",
        "hold = { count = 4 }",
        "'''",
        '"""',
        "id = 'x'",
        '[a."b"]',
        "# [x]",
        "[",
        "]]",
        "",
    ]
)


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(TOML_BITS, st.text(max_size=20)), max_size=30), st.text(max_size=30))
def test_find_line_never_raises_and_stays_in_range(lines, field):
    text = "\n".join(lines)
    for path in (field, "routine.steps[1].hold", "pose[0].id"):
        line = find_line(text, path)
        assert line is None or 1 <= line <= max(len(text.splitlines()), 1)
