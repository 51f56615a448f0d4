"""Issue 24: what came from a file is printed inert, on a real pseudo-terminal; plain mode reads an endless line
in linear time; a huge TOML number and a non-ASCII digit get a clear error. The cases are in
tests/reliability/terminal_attacks.py, which `make reliability` runs as rows too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: `reliability` is a package

from reliability import terminal_attacks as attacks

from tracker.inert import inert

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="a real pty")


def test_escapes_from_routine_files_file_names_set_aside_copies_notes_and_link_targets_never_reach_the_terminal(
    tmp_path: Path,
) -> None:
    results = attacks.cases(tmp_path)
    assert len(results) == 16
    failed = [(what, problems) for what, problems in results if problems]
    assert not failed, failed


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60))
def test_inert_text_holds_no_control_but_newline_and_tab_and_reads_back_the_same_in_json(text: str) -> None:
    shown = inert(text)
    assert attacks.FORBIDDEN.search(shown) is None and "\r" not in shown
    encoded = json.dumps({"text": text}, ensure_ascii=False)
    assert json.loads(inert(encoded)) == {"text": text}  # --json output stays exact


def test_plain_mode_reads_one_long_line_in_linear_time() -> None:
    # CPU seconds of the reading thread, best of 3; sizes large enough that a millisecond of noise (a 2 MiB
    # line reads in about 3 ms) cannot make a linear reader look quadratic
    small, large = attacks.scaling(8 << 20, 32 << 20)
    assert large < 8 * small, (
        f"8 MiB: {small:.3f} s, 32 MiB: {large:.3f} s (quadratic makes it about 16 times)"
    )


def test_a_session_with_a_4_mib_line_on_stdin_takes_about_as_long_as_one_with_a_short_line() -> None:
    base = attacks.time_session(1)
    big = attacks.time_session(4 << 20)
    assert big < 5 * base, f"4 MiB line: {big:.1f} s, 1-byte line: {base:.1f} s (it was 10 s against 0.8 s)"


def test_check_names_the_line_and_key_of_a_5000_digit_number(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(
        '[routine]\nid = "big"\nname = "Big"\n\n[[routine.steps]]\npose = "child"\nkind = "rest"\nduration = '
        + "9" * 5000
        + "\n"
    )
    code, text = attacks.on_pty(tmp_path / "home", "check", str(path))
    assert code == 1
    assert f"{path}:8: duration: a number 5000 digits long" in text, text
    assert "sys.set_int_max_str_digits" not in text and "Exceeds the limit" not in text


@pytest.mark.parametrize("value", ["²:30", "٣:30", "07:3٠"])
def test_calendar_takes_only_ascii_digits_in_time(tmp_path: Path, value: str) -> None:
    code, text = attacks.on_pty(tmp_path / "home", "calendar", "--time", value, "--preview")
    assert code == 1
    assert "--time must be a time written HH:MM" in text and "invalid literal" not in text, text
