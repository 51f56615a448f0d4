"""The day after (practice-rules.md, "The day after (added 2026-12-04)"), rule by rule through `advise()`.

The 24-hour response, pain records, the weekly trend of the first pain score of each day, and a consult
that stays a consult. The CLI tests at the end run the real `backroll` in a subprocess.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.support import practice_session
from tracker.model import Prescription, ProgressionRules, Session, Settings
from tracker.progression import ADVANCING, AdviceKind, advise

RULES = ProgressionRules()
SETTINGS = Settings()
P = Prescription


def feb(day: int) -> date:
    return date(2027, 2, day) if day > 0 else date(2027, 1, 31 + day)


# --- a consult stays a consult ------------------------------------------------------------


def alternating_pain() -> list[Session]:
    """The held-out case of issue 23: 2 lifts, 3, then 4 from 02-10, all pain-free; from 02-18 sessions
    alternate painful (pain 3 after) and pain-free, all at 4 lifts, ending pain-free on 02-23."""
    history: list[Session] = []
    day = date(2027, 1, 27)
    while day <= feb(23):
        level = P(2, 4, 0) if day < feb(3) else P(3, 4, 0) if day < feb(10) else P(4, 4, 0)
        after = None
        if day >= feb(18):
            after = 3 if (day - feb(18)).days % 2 == 0 else 0
        history.append(practice_session(day, level, pain_after=after))
        day += timedelta(days=1)
    return history


def test_a_consult_never_rises_above_the_level_it_stepped_back_to() -> None:
    history = alternating_pain()
    for today in (feb(22), feb(23), feb(24), feb(25)):
        advice = advise(history, SETTINGS, today)
        assert advice.kind is AdviceKind.CONSULT, (today, advice)
        assert advice.prescription == P(3, 4, 0), (today, advice)
        assert "Step back to 3 lifts" in advice.message, (today, advice.message)
        assert not any("already stepped back" in r for r in advice.reasons), (today, advice.reasons)


def test_a_consult_says_already_stepped_back_only_after_a_session_at_that_level() -> None:
    history = alternating_pain() + [practice_session(feb(24), P(3, 4, 0), pain_after=0)]
    advice = advise(history, SETTINGS, feb(25))
    assert advice.kind is AdviceKind.CONSULT
    assert advice.prescription == P(3, 4, 0)
    assert "you have already stepped back since that pain" in advice.reasons


# --- the 24-hour response ---------------------------------------------------------------------

import json
import os
import subprocess
import sys
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.unit.test_advice_pain import on, ready_to_add, usual
from tracker.model import Felt, PainRecord
from tracker.practice import PracticeHistory
from tracker.streaks import summarize

ZONE = ZoneInfo("Europe/Paris")


def pain(value: int, day: date, hour: int = 7) -> PainRecord:
    return PainRecord(PainRecord.new_id(), day, value, "", datetime.combine(day, time(hour), tzinfo=ZONE))


def s(day: date, level: Prescription | None = P(3, 4, 0), **rest: object) -> Session:
    return practice_session(day, level, **rest)  # type: ignore[arg-type]


def settled() -> list[Session]:
    """A first week, then a week at 3 lifts feeling easy (ready_to_add: add_lifts on on(17)), the last on on(16)."""
    return ready_to_add()


def test_ready_history_advances_without_a_response() -> None:
    assert advise(settled(), SETTINGS, on(17)).kind is AdviceKind.ADD_LIFTS


def test_a_worse_morning_after_holds_a_level_practised_before() -> None:
    history = settled()
    history[-1] = s(on(16), pain_before=1, pain_after=0, felt=Felt.EASY)
    advice = advise(history, SETTINGS, on(17), pain_records=[pain(4, on(17))])
    assert advice.kind is AdviceKind.STAY, advice
    assert advice.prescription == P(3, 4, 0)
    quoted = (
        f"the morning after 3 lifts on {on(16).isoformat()} your pain was 4; before that session it was 1"
    )
    assert any(quoted in r for r in advice.reasons), advice.reasons


def test_the_response_can_be_the_pain_before_of_the_next_days_first_session() -> None:
    history = settled()
    history[-1] = s(on(16), pain_before=1, pain_after=0, felt=Felt.EASY)
    history.append(s(on(17), pain_before=4, pain_after=0, felt=Felt.EASY))
    for today in (on(17), on(18)):
        advice = advise(history, SETTINGS, today)
        assert advice.kind not in ADVANCING, (today, advice)
        assert any(
            "the morning after 3 lifts on " + on(16).isoformat() + " your pain was 4" in r
            for r in advice.reasons
        )


def test_a_worse_response_to_the_first_day_at_a_raised_level_undoes_it() -> None:
    history = [s(on(0), P(2, 4, 0)), s(on(1), P(3, 4, 0), pain_before=1, pain_after=0)]
    advice = advise(history, SETTINGS, on(2), pain_records=[pain(4, on(2))])
    assert advice.kind is AdviceKind.STEP_BACK, advice
    assert advice.prescription == P(2, 4, 0)
    assert any(f"the morning after 3 lifts on {on(1).isoformat()} your pain was 4; before that session it was 1" in r
               for r in advice.reasons)  # fmt: skip
    # after the raise had been practised on an earlier day, the same answer only holds
    history = [s(on(0), P(2, 4, 0)), s(on(1), P(3, 4, 0)), s(on(2), P(3, 4, 0), pain_before=1)]
    advice = advise(history, SETTINGS, on(3), pain_records=[pain(4, on(3))])
    assert advice.kind is AdviceKind.STAY and advice.prescription == P(3, 4, 0), advice


def test_the_three_conditions_of_worse() -> None:
    def kind(
        score: int, before: int | None, rules: ProgressionRules = RULES, usual_pain: tuple = ()
    ) -> AdviceKind:
        history = settled()
        history[-1] = s(on(16), pain_before=before, felt=Felt.EASY)
        return advise(
            history, SETTINGS, on(17), rules, pain_records=[pain(score, on(17))], usual_pain=usual_pain
        ).kind

    assert kind(3, 1) is AdviceKind.STAY  # 2 above: worse
    assert kind(2, 1) is AdviceKind.ADD_LIFTS  # 1 above: not worse
    assert kind(2, None) is AdviceKind.STAY  # no before, no usual pain: the baseline is 0
    assert (
        kind(3, 1, ProgressionRules(response_rise=3)) is AdviceKind.ADD_LIFTS
    )  # the rise comes from the rules
    assert (
        kind(1, 0, ProgressionRules(response_rise=1, pain_threshold=2)) is AdviceKind.ADD_LIFTS
    )  # below threshold
    # at or below the usual pain in force on the next day: not worse; above it: worse
    assert kind(3, None, usual_pain=(usual(3, on(0)),)) is AdviceKind.ADD_LIFTS
    assert kind(5, None, usual_pain=(usual(3, on(0)),)) is AdviceKind.STAY
    assert (
        kind(4, None, usual_pain=(usual(3, on(0)),)) is AdviceKind.ADD_LIFTS
    )  # baseline = usual 3 on D: 1 above


def test_the_baseline_is_the_lowest_pain_before_of_the_day() -> None:
    history = settled()
    history[-2] = s(
        on(15), pain_before=5, felt=Felt.EASY, hour=7
    )  # so on(16)'s 5 before is not worse for on(15)
    history[-1] = s(on(16), pain_before=5, felt=Felt.EASY, hour=7)
    history.append(s(on(16), None, pain_before=2, routine="gentle-floor-set", hour=18))
    advice = advise(history, SETTINGS, on(17), pain_records=[pain(4, on(17))])
    assert advice.kind is AdviceKind.STAY
    assert any("before that day's sessions it was 2 at the lowest" in r for r in advice.reasons), (
        advice.reasons
    )


def test_no_score_the_next_day_means_no_response() -> None:
    history = settled()
    history[-1] = s(on(16), pain_before=0, felt=Felt.EASY)
    # a score two days later is never read as on(16)'s response
    advice = advise(history, SETTINGS, on(18), pain_records=[pain(6, on(18))])
    assert not any("morning after" in r for r in advice.reasons), advice.reasons
    # a pain after on the next day is not a first score either
    history.append(s(on(17), pain_after=0, felt=Felt.EASY))
    h = PracticeHistory.read(history, SETTINGS, on(17), RULES, "bridge")
    assert on(16) not in h.responses


def test_a_worse_day_counts_once_however_many_sessions_it_held() -> None:
    history = settled()
    history[-1] = s(on(16), pain_before=0, felt=Felt.EASY, hour=7)
    history += [s(on(16), None, routine="gentle-floor-set", hour=h) for h in (9, 12, 18)]
    h = PracticeHistory.read(history, SETTINGS, on(17), RULES, "bridge", pain_records=[pain(3, on(17))])
    day = [f for x, f in zip(h.sessions, h.pains) if x.local_date == on(16)]
    assert day == [False, False, False, True]
    assert h.pains_in_last(3)[0] == 1


def test_worse_responses_count_for_the_consult() -> None:
    history = settled()[:-3]
    history += [s(on(14 + i), pain_before=0, felt=Felt.EASY) for i in range(3)]
    records = [pain(3, on(15 + i)) for i in range(3)]
    advice = advise(history, SETTINGS, on(17), pain_records=records)
    assert advice.kind is AdviceKind.CONSULT, advice
    assert "personal trainer or a doctor" in advice.message


def test_a_pain_record_is_never_practice() -> None:
    history = settled()
    before = summarize(history, SETTINGS, on(20))
    records = [pain(2, on(d)) for d in (17, 18, 19, 20)]
    h = PracticeHistory.read(history, SETTINGS, on(20), RULES, "bridge", pain_records=records)
    assert len(h.sessions) == len(history)
    assert summarize(history, SETTINGS, on(20)) == before  # streaks read sessions only


# --- week by week -----------------------------------------------------------------------------


def weekly(medians: list[int]) -> tuple[list[Session], list[PainRecord], date]:
    """Three weeks of daily practice at 3 lifts (after a first week), pain records each morning at `medians`."""
    history = settled()
    records: list[PainRecord] = []
    start = on(17)
    for w, m in enumerate(medians):
        for d in range(7):
            day = start + timedelta(days=7 * w + d)
            history.append(s(day, pain_before=m, felt=Felt.EASY, hour=9))
    return history, records, start + timedelta(days=7 * len(medians) - 1)


def test_a_weekly_median_rising_twice_holds() -> None:
    history, records, today = weekly([0, 1, 2])
    advice = advise(history, SETTINGS, today, pain_records=records)
    assert advice.kind not in ADVANCING, advice
    assert any(
        "risen week by week" in r and "0 (" in r and "1 (" in r and "2 (" in r for r in advice.reasons
    ), advice.reasons


def test_a_weekly_median_that_rose_once_does_not_hold() -> None:
    history, records, today = weekly([0, 1, 1])
    advice = advise(history, SETTINGS, today, pain_records=records)
    assert not any("week by week" in r for r in advice.reasons), advice.reasons


# --- properties over random histories with pain records -----------------------------------------

from tests.unit.test_advice_pain import histories


@st.composite
def with_pain_records(draw: st.DrawFn) -> tuple[list[Session], list[PainRecord], date]:
    sessions, _, today = draw(histories())
    days = (today - on(0)).days
    records = [
        pain(draw(st.integers(0, 10)), on(draw(st.integers(0, days))), draw(st.integers(0, 23)))
        for _ in range(draw(st.integers(0, 30)))
    ]
    return sessions, records, today


@hsettings(max_examples=200, deadline=None)
@given(with_pain_records())
def test_a_worse_response_never_lets_the_next_advice_advance(
    case: tuple[list[Session], list[PainRecord], date],
) -> None:
    """For every practice day whose response was worse, the advice given on the day of that response (before or
    after that day's sessions) does not advance, and no reason of it says "no pain"."""
    sessions, records, today = case
    h = PracticeHistory.read(sessions, SETTINGS, today, RULES, "bridge", pain_records=records)
    for day, response in h.responses.items():
        if not response.worse:
            continue
        nxt = day + timedelta(days=1)
        for upto in (response.score.at, None):  # as soon as the response is given, and at the end of that day
            seen = [x for x in sessions if x.local_date < nxt or upto is None or x.started_at <= upto]
            advice = advise(seen, SETTINGS, nxt, pain_records=records)
            assert advice.kind not in ADVANCING, (day, advice, response)
            assert not any(r.startswith("no pain") for r in advice.reasons), advice.reasons


@hsettings(max_examples=100, deadline=None)
@given(with_pain_records())
def test_a_pain_record_never_changes_streaks_or_practice_days(
    case: tuple[list[Session], list[PainRecord], date],
) -> None:
    import tempfile

    from tracker.service import Backroll

    sessions, records, today = case
    with tempfile.TemporaryDirectory() as folder:
        service = Backroll(Path(folder) / "home", now=lambda: datetime.combine(today, time(20), tzinfo=ZONE))
        service.store.merge(sessions)
        before = service.status(today).streak
        service.store.merge([], pain_records=records)
        assert (
            service.pain_records() and len(service.pain_records()) == len({r.id for r in records})
        ) or not records
        after = service.status(today).streak
        assert after == before
        assert service.status(today, quick=True).streak == before


# --- through the CLI --------------------------------------------------------------------------


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TZ": "Europe/Paris", "BACKROLL_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_cli_pain_record_the_morning_after_a_raise(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert cli(home, "log", "bridge", "--date", f"{on(0).isoformat()} 08:00", "--lifts", "2").returncode == 0
    assert (
        cli(
            home,
            "log",
            "bridge",
            "--date",
            f"{on(1).isoformat()} 08:00",
            "--lifts",
            "3",
            "--pain-before",
            "1",
        ).returncode
        == 0
    )
    done = cli(home, "pain", "4", "--date", on(2).isoformat(), "--note", "stiff")
    assert done.returncode == 0, done.stderr
    assert "4 is 3 above yesterday's 1 before: Backroll will step back to 2 lifts." in done.stdout, (
        done.stdout
    )
    status = json.loads(cli(home, "status", "--json", "--today", on(2).isoformat()).stdout)
    assert status["advice"]["kind"] == "step_back"
    assert status["program"]["lifts"] == 2
    assert status["day_after"] == {
        "day": on(1).isoformat(), "score": 4, "source": "pain record", "baseline": 1, "worse": True,
        "sentence": f"the morning after 3 lifts on {on(1).isoformat()} your pain was 4; before that session it was 1",
    }  # fmt: skip
    assert status["practice_days"] == 2  # a pain record is never a practice day
    listed = json.loads(cli(home, "pain", "--list", "--json").stdout)
    assert [(r["date"], r["value"], r["note"]) for r in listed] == [(on(2).isoformat(), 4, "stiff")]
    # exported (format version 3) and imported into another home: the same advice there
    exported = cli(home, "export")
    document = json.loads(exported.stdout)
    assert document["version"] == 3 and len(document["pain_records"]) == 1
    (tmp_path / "x.json").write_text(exported.stdout)
    other = tmp_path / "other"
    imported = cli(other, "import", str(tmp_path / "x.json"))
    assert imported.returncode == 0 and "added 1 pain record" in imported.stdout, imported.stdout
    assert (
        json.loads(cli(other, "status", "--json", "--today", on(2).isoformat()).stdout)["advice"]
        == status["advice"]
    )


def test_cli_pain_refuses_bad_input_and_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for args in (
        ("pain", "11"),
        ("pain", "-1"),
        ("pain",),
        ("pain", "3", "--date", "2999-01-01"),
        ("pain", "3", "--list"),
    ):
        result = cli(home, *args)
        assert result.returncode != 0, args
        assert result.stderr.strip().count("\n") == 0 and result.stderr.startswith("backroll:"), result.stderr
    assert not (home / "data").exists() or not any((home / "data").glob("pain-records*"))
    assert cli(home, "pain", "--list").returncode == 0
    assert not home.exists()


def test_an_export_of_version_2_still_imports(tmp_path: Path) -> None:
    home = tmp_path / "home"
    session = s(on(0), P(2, 4, 0)).to_dict()
    old = {"format": "backroll.history", "version": 2, "exported_at": "2026-10-06T08:00:00+02:00", "usual_pain": [],
           "sessions": [session]}  # fmt: skip
    (tmp_path / "v2.json").write_text(json.dumps(old))
    result = cli(home, "import", str(tmp_path / "v2.json"))
    assert result.returncode == 0, result.stderr
    assert "added 1 session" in result.stdout


def test_sessions_on_the_day_of_a_worse_response_never_push_it_out() -> None:
    history = settled()
    history[-1] = s(on(16), pain_before=1, felt=Felt.EASY)
    history += [s(on(17), pain_before=4, pain_after=0, felt=Felt.EASY, hour=h) for h in (8, 10, 12, 14)]
    advice = advise(history, SETTINGS, on(17))
    assert advice.kind is AdviceKind.STAY, advice
    assert any(
        r.startswith(f"the morning after 3 lifts on {on(16).isoformat()} your pain was 4")
        for r in advice.reasons
    )


# --- issue 22: say what was counted ---------------------------------------------------------


def test_a_window_that_left_a_session_out_says_what_it_counted() -> None:
    """Three bridge sessions today: hurt, ended early with no answers, hurt. The middle one follows a painful one
    the same day, so it does not count; the sentence says so instead of "2 of the last 2 sessions"."""
    history = [
        s(on(0), P(2, 4, 0), hurt=True, hour=8),
        s(on(0), P(2, 4, 0), hour=9),
        s(on(0), P(2, 4, 0), hurt=True, hour=10),
    ]
    advice = advise(history, SETTINGS, on(0))
    assert not any("of the last 2 sessions" in r for r in advice.reasons), advice.reasons
    assert any(
        r.startswith("both of today's bridge sessions that counted stopped because it hurt")
        for r in advice.reasons
    ), advice.reasons
    tomorrow = advise(history, SETTINGS, on(1))
    assert any(
        r.startswith("both of yesterday's bridge sessions that counted stopped because it hurt")
        for r in tomorrow.reasons
    ), tomorrow.reasons


def test_the_report_shows_the_weekly_trend_the_mornings_after_and_the_pain_records(tmp_path: Path) -> None:
    home = tmp_path / "home"
    cli(home, "log", "bridge", "--date", f"{on(0).isoformat()} 08:00", "--lifts", "2", "--pain-before", "1")
    cli(home, "log", "bridge", "--date", f"{on(1).isoformat()} 08:00", "--lifts", "3", "--pain-before", "1")
    assert cli(home, "pain", "4", "--date", on(2).isoformat(), "--note", "stiff").returncode == 0
    for fmt in ("md", "html"):
        result = cli(
            home,
            "report",
            "--format",
            fmt,
            "--since",
            on(0).isoformat(),
            "--until",
            on(2).isoformat(),
            "-o",
            "-",
        )
        assert result.returncode == 0, result.stderr
        text = result.stdout
        assert "The day after" in text and "Median first score" in text
        assert (
            f"the morning after 3 lifts on {on(1).isoformat()} your pain was 4; before that session it was 1"
            in text
        )
        assert "stiff" in text


# --- across devices: each its own file, conflict copies merged ---------------------------------

from tests.sync_engine import device_id, sync_all


def test_pain_records_merge_across_devices_and_from_conflict_copies(two: tuple[Path, Path]) -> None:
    from tracker.store import Store

    a, b = two
    on_a, on_b, lost = pain(2, on(1)), pain(5, on(2)), pain(6, on(3))
    with Store.open(a) as sa:
        sa.add_pain_record(on_a)
    with Store.open(b) as sb:
        sb.add_pain_record(on_b)
    sync_all(a, b)
    assert sorted(p.name for p in (a / "data").glob("pain-records*")) == sorted(
        f"pain-records.{device_id(h)}.json" for h in (a, b)
    )
    for home in (a, b):
        with Store.open(home) as store:
            assert store.pain_records() == [on_a, on_b]
    own = a / "data" / f"pain-records.{device_id(a)}.json"
    document = json.loads(own.read_text())
    document["records"].append(lost.to_dict())
    copy = a / "data" / f"pain-records.{device_id(a)}.sync-conflict-20261201-081500-ABCDEFG.json"
    copy.write_text(json.dumps(document))
    with Store.open(a) as store:
        assert store.pain_records() == [on_a, on_b, lost]  # nothing lost, the duplicate collapsed
    assert not copy.exists() and (a / "sync-conflicts" / copy.name).exists()


@given(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=9))
def test_the_weekly_median_is_the_statistics_median(values: list[int]) -> None:
    import statistics

    from tracker.dayafter import Score, weekly_trend

    last = date(2026, 3, 7)
    scores = {
        last - timedelta(days=i): Score(last - timedelta(days=i), v, None) for i, v in enumerate(values[:7])
    }
    [week] = weekly_trend(scores, last, weeks=1)
    assert week.days == len(scores)
    assert week.median == float(statistics.median(s.value for s in scores.values()))


def test_a_new_id_is_a_random_version_4_uuid() -> None:
    import uuid

    ids = {Session.new_id() for _ in range(2000)}
    assert len(ids) == 2000
    for text in list(ids)[:200]:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 4 and parsed.variant == uuid.RFC_4122
