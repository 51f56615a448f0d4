"""Issue 11: a running session killed by SIGKILL, SIGTERM or SIGHUP is offered at the next start, where it was.

The same scenario `make reliability` runs with 120 kills (session_kills.py);
here a few, one round of one home. BACKROLL_SCALE=N multiplies the count,
BACKROLL_SEED replays a run.
"""

from __future__ import annotations

import os
import sys

import pytest

from . import session_kills

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="fork, signals and flock as on Linux")

SCALE = max(1, int(os.environ.get("BACKROLL_SCALE", "1")))
SEED = int(os.environ["BACKROLL_SEED"]) if "BACKROLL_SEED" in os.environ else None


def test_sessions_killed_by_sigkill_sigterm_and_sighup_are_offered_where_they_were() -> None:
    tally = session_kills.session_kills(4 * SCALE, seed=SEED)
    print(
        f"\n{tally.row}: {tally.survived}/{tally.tried} survived, {tally.lost} lost in {tally.seconds:.1f} s; "
        + "; ".join(tally.notes)
    )
    assert tally.tried >= 4
    assert tally.ok, tally.explain()


def test_on_a_real_terminal_sigterm_gives_the_terminal_back_and_closing_it_keeps_the_session() -> None:
    tally = session_kills.terminal_closes(2 * SCALE, seed=SEED)
    print(f"\n{tally.row}: {tally.survived}/{tally.tried} survived in {tally.seconds:.1f} s")
    assert tally.tried >= 2
    assert tally.ok, tally.explain()
