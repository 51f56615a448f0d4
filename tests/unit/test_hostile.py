"""Issue 13, brief fuzzing in `make test`: hypothesis generates hostile routine files, exports, command lines and
special files; each goes through `backroll` (tracker.cli.main) against a real home. No traceback, no crash
report, the right exit code, a message naming the place, the history byte-identical or nothing lost, bounded
time. `make reliability` runs the same properties with many more examples (tests/reliability/hostile.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.hostile import Checks, run_examples

EXAMPLES = 12


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory) -> Checks:
    return Checks(tmp_path_factory.mktemp("hostile"))


def test_hostile_inputs_never_crash_hang_or_lose_history(checks: Checks) -> None:
    failures: list[str] = []
    counts: dict[str, int] = {}

    def record(kind: str, found: list[str]) -> None:
        counts[kind] = counts.get(kind, 0) + 1
        failures.extend(f"{kind}: {p}" for p in found)

    run_examples(checks, EXAMPLES, None, record)
    assert counts["routine files"] >= EXAMPLES // 2 and counts["exports"] >= EXAMPLES // 2
    assert not failures, "\n".join(failures[:20])


def test_the_checks_can_fail(checks: Checks, tmp_path: Path) -> None:
    """A check that cannot fail is a defect: a crash, a wrong code and a changed history are all seen."""
    from tests.reliability.hostile import Outcome, problems_of

    assert problems_of(
        Outcome(4, "", "backroll: unexpected error (X); crash-reports/1", 0.1), allowed={0, 1}, place=None
    )
    assert problems_of(Outcome(1, "", "Traceback (most recent call last)", 0.1), allowed={1}, place=None)
    assert problems_of(Outcome(1, "", "bad", 0.1), allowed={1}, place="/some/file")
    assert problems_of(Outcome(0, "", "", 99.0), allowed={0}, place=None)
    assert not problems_of(Outcome(1, "", "/some/file: bad", 0.1), allowed={1}, place="/some/file")
