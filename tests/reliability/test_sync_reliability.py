"""Issue 18's reliability rows with small counts (`make reliability` runs them with large ones).

See tests/reliability/sync_kills.py: kill -9 while another device's files arrive, and files arriving truncated.
"""

from __future__ import annotations

import os

from reliability import sync_kills
from reliability.scenarios import Tally

SCALE = int(os.environ.get("BACKROLL_RELIABILITY_SCALE", "1"))


def check(tally: Tally) -> None:
    assert tally.ok, tally.explain()
    assert tally.tried > 0 and tally.lost == 0


def test_kill_9_while_another_devices_files_arrive_loses_nothing_and_never_writes_over_them() -> None:
    check(sync_kills.sync_kills(40 * SCALE, seed=18))


def test_a_file_arriving_truncated_is_skipped_untouched_and_read_once_whole() -> None:
    check(
        tally := sync_kills.truncated_arrivals(cuts=("0 bytes", "half"))
    )  # all four cuts in `make reliability`
    assert tally.tried == 6
