"""Kept answers (tracker/cli/answers.py): `status` and `routines` print their last answer again only while
nothing they read has changed; whatever changes, the answer is worked out again and is what a run with no
cache at all says."""

from __future__ import annotations

import io
import json
import os
import random
import stat
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from tracker.cli import answers, main
from tracker.paths import cache_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BACKROLL_CACHE", str(folder))
    return folder


def cli(home: Path, *words: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--home", str(home), *words], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def uncached(home: Path, *words: str) -> tuple[int, str, str]:
    """The same command with the cache off: worked out from the files, nothing kept or replayed."""
    before = os.environ.get("BACKROLL_CACHE")
    os.environ["BACKROLL_CACHE"] = ""
    try:
        return cli(home, *words)
    finally:
        if before is None:
            del os.environ["BACKROLL_CACHE"]
        else:
            os.environ["BACKROLL_CACHE"] = before


def replayed(home: Path, *words: str) -> str | None:
    """What `answers.replay` prints for these words, or None when it gives nothing (the command would run)."""
    out = io.StringIO()
    return out.getvalue() if answers.replay(["--home", str(home), *words], out) else None


def kept_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("answer-*.json")) if cache.is_dir() else []


def test_an_answer_is_kept_privately_and_given_again_byte_for_byte(cache: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert replayed(home, "status", "--json") is None  # nothing kept yet
    first = cli(home, "status", "--json")
    assert first[0] == 0 and first[2] == ""
    assert replayed(home, "status", "--json") == first[1]
    assert cli(home, "status", "--json") == first
    [kept] = kept_files(cache)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert not home.exists()  # status on a home never made still makes no folder
    # Other words are another answer: the text status is not the JSON one.
    assert replayed(home, "status") is None
    text = cli(home, "status")[1]
    assert text.startswith("Today: ") and replayed(home, "status") == text
    assert replayed(home, "status", "--json") == first[1]


def test_a_logged_session_a_pain_score_and_new_settings_are_never_hidden_by_a_kept_answer(
    cache: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    empty = cli(home, "status", "--json")[1]
    assert json.loads(empty)["practice_days"] == 0
    assert cli(home, "log", "bridge", "--pain-after", "1")[0] == 0
    logged = json.loads(cli(home, "status", "--json")[1])
    assert logged["practice_days"] == 1 and logged["current_streak"] == 1
    assert cli(home, "pain", "6")[0] == 0
    with_pain = json.loads(cli(home, "status", "--json")[1])
    assert with_pain["pain_today"] is not None and with_pain["pain_today"]["value"] == 6
    before = cli(home, "routines")[1]
    settings = home / "settings.json"
    data = json.loads(settings.read_text(encoding="utf-8")) if settings.exists() else {}
    data["tempo"] = 2.0
    settings.write_text(json.dumps(data), encoding="utf-8")
    after = cli(home, "routines")[1]
    assert after != before  # the lengths at the new tempo
    assert after == uncached(home, "routines")[1]


def test_nothing_is_kept_when_the_history_changes_while_the_answer_is_worked_out(
    cache: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    cli(home, "log", "bridge")
    words = ["--home", str(home), "status", "--json"]
    racing = answers.Keeper(words, home, io.StringIO(), io.StringIO())  # the stamp before
    code, answer, _ = uncached(home, "status", "--json")  # worked out from one session...
    racing.out.write(answer)
    assert cli(home, "log", "pelvic-tilt-check")[0] == 0  # ...while another writer saves a second
    racing.keep(code)
    assert kept_files(cache) == [] and replayed(home, "status", "--json") is None
    calm = answers.Keeper(words, home, io.StringIO(), io.StringIO())
    calm.out.write(answer := uncached(home, "status", "--json")[1])
    calm.keep(0)
    assert replayed(home, "status", "--json") == answer  # the same, with nothing written meanwhile


def test_an_answer_with_a_warning_or_a_failure_is_never_kept(cache: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    cli(home, "log", "bridge")
    routines = home / "routines"
    routines.mkdir(mode=0o700)
    (routines / "broken.toml").write_text("[routine\nid = ", encoding="utf-8")
    first = cli(home, "routines")
    assert first[0] == 0 and "skipped" in first[2]
    assert replayed(home, "routines") is None  # said on stderr: worked out again, said again
    assert cli(home, "routines") == first
    assert cli(home, "status", "--today", "not-a-day")[0] == 1
    assert replayed(home, "status", "--today", "not-a-day") is None


def test_a_session_in_progress_keeps_no_answer(cache: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    cli(home, "log", "bridge")
    cli(home, "status")
    assert replayed(home, "status") is not None
    (home / "in-progress").mkdir(mode=0o700)
    (home / "in-progress" / "a-running-session.json").write_text("{}", encoding="utf-8")
    assert replayed(home, "status") is None
    cli(home, "status")
    assert replayed(home, "status") is None


def test_a_kept_answer_for_another_day_is_not_given(cache: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    cli(home, "log", "bridge")
    answer = cli(home, "status", "--json")[1]
    [kept] = kept_files(cache)
    data = json.loads(kept.read_text(encoding="utf-8"))
    today = json.loads(answer)["today"]
    yesterday = (date.fromisoformat(today) - timedelta(days=1)).isoformat()
    assert f"day {today} " in data["stamp"]
    data["stamp"] = data["stamp"].replace(f"day {today} ", f"day {yesterday} ")
    kept.write_text(json.dumps(data), encoding="utf-8")
    assert replayed(home, "status", "--json") is None


@pytest.mark.parametrize("damage", ["garbage", "wide", "other-words", "cut"])
def test_a_damaged_or_unsafe_kept_answer_is_ignored(cache: Path, tmp_path: Path, damage: str) -> None:
    home = tmp_path / "home"
    cli(home, "log", "bridge")
    answer = cli(home, "status", "--json")
    [kept] = kept_files(cache)
    if damage == "garbage":
        kept.write_bytes(b"\x00not json")
    elif damage == "wide":
        kept.chmod(0o644)  # readable by others: not ours to trust
    elif damage == "other-words":
        data = json.loads(kept.read_text(encoding="utf-8"))
        data["asked"][1] = ["--home", str(home), "status"]
        kept.write_text(json.dumps(data), encoding="utf-8")
    else:
        kept.write_bytes(kept.read_bytes()[:100])
    assert replayed(home, "status", "--json") is None
    assert cli(home, "status", "--json") == answer


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKROLL_CACHE", "")
    assert cache_dir() is None
    home = tmp_path / "home"
    cli(home, "status")
    assert replayed(home, "status") is None


def test_old_answers_are_dropped_past_the_limit(cache: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    start = date(2026, 1, 1)
    for n in range(answers.KEEP + 5):
        assert cli(home, "status", "--json", "--today", (start + timedelta(days=n)).isoformat())[0] == 0
    assert len(kept_files(cache)) == answers.KEEP


def _change(home: Path, rng: random.Random, step: int) -> None:
    """One thing a person, a sync or a tool does to a home."""
    today = date.today()
    what = rng.choice(["log", "log-old", "pain", "usual", "settings", "summary", "touch", "hurt"])
    if what == "log":
        cli(home, "log", rng.choice(["bridge", "pelvic-tilt-check"]), "--pain-after", str(rng.randint(0, 5)))
    elif what == "log-old":
        day = today - timedelta(days=rng.randint(1, 200))
        cli(
            home,
            "log",
            "bridge",
            "--date",
            f"{day.isoformat()}T08:00",
            "--stable",
            rng.choice(["yes", "unsure"]),
        )
    elif what == "hurt":
        cli(home, "log", "bridge", "--hurt", "--pain-after", "7")
    elif what == "pain":
        cli(
            home,
            "pain",
            str(rng.randint(0, 10)),
            "--date",
            (today - timedelta(days=rng.randint(0, 3))).isoformat(),
        )
    elif what == "usual":
        cli(home, "usual-pain", str(rng.randint(0, 6)))
    elif what == "settings":
        path = home / "settings.json"
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        data["tempo"] = rng.choice([0.5, 1.0, 1.5, 2.0])
        path.write_text(json.dumps(data), encoding="utf-8")
    elif what == "summary":
        for found in home.glob("data/summary-cache.json"):
            found.unlink()
    else:  # a month file touched (a sync tool setting its time): same bytes, a new stat
        months = sorted(home.glob("data/sessions-*.json"))
        if months:
            os.utime(rng.choice(months), ns=(step * 10**9, step * 10**9))


@pytest.mark.parametrize("seed", range(3))
def test_whatever_changes_the_answer_given_is_the_answer_worked_out_afresh(
    cache: Path, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    home = tmp_path / "home"
    asked = [("status", "--json"), ("status",), ("routines",), ("routines", "--json"), ("routines", "bridge")]
    for step in range(12):
        _change(home, rng, step)
        for words in rng.sample(asked, 3):
            expected = uncached(home, *words)
            assert cli(home, *words) == expected, (step, words)
            assert cli(home, *words) == expected, (step, words)  # the second, replayed when kept


def test_a_real_process_replays_the_answer_a_real_process_kept(cache: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "BACKROLL_CACHE": str(cache)}
    env.pop("BACKROLL_HOME", None)

    def run(*words: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "tracker", "--home", str(home), *words],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        assert done.stderr == ""
        return done.stdout

    first = run("status", "--json")
    assert replayed(home, "status", "--json") == first  # kept by that process, given by this one
    assert run("status", "--json") == first
    run("log", "bridge")
    assert json.loads(run("status", "--json"))["practice_days"] == 1


def test_a_reader_that_left_gets_silence_replayed_or_not(cache: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "BACKROLL_CACHE": str(cache)}
    env.pop("BACKROLL_HOME", None)

    def reader_leaves() -> None:
        process = subprocess.Popen(
            [sys.executable, "-m", "tracker", "--home", str(home), "status"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader left before a word was written (as `| head -0`)
        error = process.stderr.read().decode()
        assert process.wait(timeout=120) == 0, error
        assert error == ""

    reader_leaves()  # worked out: nothing kept, as the answer was not all written
    assert replayed(home, "status") is None
    cli(home, "status")
    assert replayed(home, "status") is not None
    reader_leaves()  # replayed


def test_a_replayed_answer_imports_nothing_of_the_model_the_store_or_the_rules(
    cache: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    cli(home, "log", "bridge")
    cli(home, "status", "--json")
    code = (
        "import sys, io\n"
        "from tracker.cli import main\n"
        f"assert main(['--home', {str(home)!r}, 'status', '--json'], stdout=io.StringIO()) == 0\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('tracker'))))\n"
    )
    env = {**os.environ, "BACKROLL_CACHE": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded = set(done.stdout.split())
    assert "tracker.cli.answers" in loaded
    assert not {m for m in loaded if m.startswith(("tracker.model", "tracker.store", "tracker.service"))}, (
        loaded
    )
    assert not {"tracker.cli.common", "tracker.cli.history", "tracker.status", "tracker.progression"} & loaded
