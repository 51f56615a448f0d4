"""`python scripts/report_screenshot.py DIR` (`make screenshots`): the README's picture of the report's first page,
and the contact sheet of every pose's figure (`poses.svg`), each with its keyframes from start to end (not shipped).

A demo home (12 weeks of the demo generator, a fixed clock, one usual-pain
record) in a temporary folder; its report rendered to HTML and photographed
by headless Chromium at an A4 page's proportions (`report.png`).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ZONE = "Europe/London"
NOW = datetime(2025, 3, 12, 19, 30, tzinfo=ZoneInfo(ZONE))
SIZE = (820, 1160)  # CSS pixels: an A4 page's proportions


def shoot(folder: Path) -> Path:
    from tracker.demo import generate_history
    from tracker.report import period, render_html
    from tracker.report.pdf import PdfUnavailable, find_browser, headless_args, missing_message
    from tracker.service import Backroll

    browser = find_browser()
    if browser is None:
        raise PdfUnavailable(missing_message())
    with tempfile.TemporaryDirectory(prefix="backroll-shot-") as temp:
        work = Path(temp)
        with Backroll(work / "home", now=lambda: NOW, zone=ZONE) as service:
            service.store.merge(generate_history(84, end=NOW.date(), zone=ZONE, library=service.library))
            service.record_usual_pain(
                2, NOW.date() - timedelta(days=20), "after two sessions with a physiotherapist"
            )
            since, until = period(NOW.date(), 12, None, None)
            page = work / "report.html"
            page.write_text(render_html(service.report(since, until)), encoding="utf-8")
        target = folder / "report.png"
        command = headless_args(browser, work / "profile") + [
            f"--window-size={SIZE[0]},{SIZE[1]}", f"--screenshot={target}", page.as_uri(),
        ]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True, timeout=180, stdin=subprocess.DEVNULL)
    return target


def contact_sheet_file(folder: Path) -> Path:
    """screenshots/poses.svg: the built-in poses in the Library's order (by name), their keyframes side by side."""
    from tracker.content import load_builtin
    from tracker.report.figures import contact_sheet

    poses = sorted(load_builtin().poses.values(), key=lambda p: p.name.lower())
    target = folder / "poses.svg"
    target.write_text(
        contact_sheet(poses) + "\n", encoding="utf-8"
    )  # a picture for the README, not user data
    return target


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    print(contact_sheet_file(out))
    print(shoot(out))
