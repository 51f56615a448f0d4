"""`backroll report`: the page opened in a real headless Chromium, its PDF read by pdftotext, its HTML by html5lib.

One history for the module: the demo generator's 12 weeks (level changes and
hurt stops), plus a stop because it hurt and a usual-pain record entered
through the CLI, with markup in their notes. Every figure the page shows is
checked against `backroll status --json --today UNTIL` and `backroll export
--since SINCE --until UNTIL` run on the same home, by real processes.

Chromium and pdftotext come from apt (`.ci/run` installs them). Without them
these tests skip locally, and fail under CI (CI=true).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import html5lib
import pytest

from tracker.demo import generate_history
from tracker.report.pdf import find_browser, headless_args
from tracker.service import Backroll

ROOT = Path(__file__).resolve().parents[2]
ZONE = "Europe/London"
UNTIL = date(2026, 6, 28)
SINCE = UNTIL - timedelta(days=83)  # 12 weeks
NOTE = 'Twinge <script>alert("x")</script> & "sharp" <b>left</b>'
USUAL_NOTE = "Dr <Lee> & physio"


def need(tool: str) -> str:
    """The tool's path; without it, skip (locally) or fail (under CI, where .ci/run installs it)."""
    found = find_browser() if tool == "chromium" else shutil.which(tool)
    if found:
        return found
    package = {"chromium": "chromium", "pdftotext": "poppler-utils"}[tool]
    message = f"{tool} is not installed (apt-get install {package}; .ci/run installs it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def run(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "BACKROLL_HOME"} | {"TZ": ZONE} | (env or {})
    return subprocess.run([sys.executable, "-m", "tracker", "--home", str(home), *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)  # fmt: skip


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("report") / "home"
    now = datetime.combine(UNTIL, datetime.min.time(), tzinfo=ZoneInfo(ZONE)).replace(hour=21)
    with Backroll(home, now=lambda: now, zone=ZONE) as service:
        service.store.merge(generate_history(84, end=UNTIL, zone=ZONE, library=service.library))
        service.save_settings(replace(service.settings, rest_weekdays=frozenset({2})))
    ok(run(home, "log", "pelvic-tilt-check", "--date", f"{UNTIL - timedelta(days=9)} 20:15", "--hurt",
           "--pain-before", "2", "--pain-after", "5", "--note", NOTE))  # fmt: skip
    ok(run(home, "usual-pain", "2", "--date", str(UNTIL - timedelta(days=20)), "--note", USUAL_NOTE))
    return home


@pytest.fixture(scope="module")
def truth(home: Path) -> dict[str, Any]:
    """What `status --json` and `export` say for the same period (and the whole history up to it)."""
    status = json.loads(ok(run(home, "status", "--json", "--today", str(UNTIL))).stdout)
    period = json.loads(ok(run(home, "export", "--since", str(SINCE), "--until", str(UNTIL))).stdout)
    whole = json.loads(ok(run(home, "export", "--until", str(UNTIL))).stdout)
    return {
        "status": status,
        "sessions": period["sessions"],
        "whole": whole["sessions"],
        "usual": whole["usual_pain"],
    }


def expected_figures(truth: dict[str, Any]) -> dict[str, str]:
    s, sessions = truth["status"], truth["sessions"]
    before = [x["checkin"]["pain_before"] for x in sessions if x["checkin"]["pain_before"] is not None]
    after = [x["checkin"]["pain_after"] for x in sessions if x["checkin"]["pain_after"] is not None]
    return {
        "today": s["today"],
        "current_streak": str(s["current_streak"]),
        "longest_streak": str(s["longest_streak"]),
        "practice_days": str(s["practice_days"]),
        "last_practice": s["last_practice"],
        "consistency": f"{s['consistency']:.4f} ({round(s['consistency'] * 100)}%)",
        "sessions": str(len(sessions)),
        "period_practice_days": str(len({x["local_date"] for x in sessions})),
        "bridge_sessions": str(sum(x["routine"] == "bridge" for x in sessions)),
        "minutes": str(round(sum(x["duration"] for x in sessions) / 60)),
        "hurt_stops": str(sum(x["hurt"] for x in sessions)),
        "pain_before_avg": f"{sum(before) / len(before):.1f}",
        "pain_after_avg": f"{sum(after) / len(after):.1f}",
        "notes": str(sum(bool(x["checkin"]["note"].strip()) for x in sessions)),
    }


def level_change_days(truth: dict[str, Any]) -> list[str]:
    """Days in the period whose bridge level differs from the level practised the day before (from the export)."""
    by_day: dict[str, tuple[int, int, int]] = {}
    ordered = sorted(truth["whole"], key=lambda x: (datetime.fromisoformat(x["started_at"]), x["id"]))
    for x in ordered:
        if x["routine"] == "bridge" and x["prescription"]:
            p = x["prescription"]
            by_day[x["local_date"]] = (p["lifts"], p["count"], p["hold"])
    days, previous = [], None
    for day in sorted(by_day):
        if by_day[day] != previous and str(SINCE) <= day <= str(UNTIL):
            days.append(day)
        previous = by_day[day]
    return days


def test_the_history_has_what_the_report_is_for(truth: dict[str, Any]) -> None:
    """The generated 12 weeks hold hurt stops (one with its place recorded) and level changes."""
    hurt = [x for x in truth["sessions"] if x["hurt"]]
    assert len(hurt) >= 3 and sum(x["hurt_at"] is not None for x in hurt) >= 2
    assert len(level_change_days(truth)) >= 5


@pytest.fixture(scope="module")
def html_file(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "report.html"
    done = ok(run(home, "report", "--since", str(SINCE), "--until", str(UNTIL), "-o", str(out)))
    assert str(out) in done.stderr
    return out


def chromium(page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    browser = need("chromium")
    profile = page.parent / f"profile-{len(args)}"
    return subprocess.run([*headless_args(browser, profile), *args, page.as_uri()],
                          capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)  # fmt: skip


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_page_in_chromium_shows_the_figures_of_status_and_export(
    html_file: Path, truth: dict[str, Any]
) -> None:
    assert stat.S_IMODE(html_file.stat().st_mode) == 0o600
    shot = html_file.parent / "report-first-page.png"
    done = chromium(html_file, "--hide-scrollbars", "--window-size=820,1160", f"--screenshot={shot}")
    assert shot.is_file(), done.stderr
    assert png_size(shot) == (820, 1160) and shot.stat().st_size > 20_000
    print(f"screenshot: {shot}")

    dom = chromium(html_file, "--dump-dom").stdout
    tree = html5lib.parse(dom, namespaceHTMLElements=False)
    figures = {td.get("data-key"): "".join(td.itertext()) for td in tree.iter("td") if td.get("data-key")}
    expected = expected_figures(truth)
    assert {k: figures[k] for k in expected} == expected
    advice = truth["status"]["advice"]
    assert advice["message"] in figures["advice"] and f"({advice['kind']})" in figures["advice"]
    program = truth["status"]["program"]
    assert figures["program"].startswith(f"{program['lifts']} lifts, counts of {program['count']}")
    usual = truth["status"]["usual_pain"]
    assert figures["usual_pain"] == f"{usual['value']}, since {usual['date']} ({usual['note']})"

    # The calendar marks exactly the export's practice days (and its hurt days).
    practice = {
        td.get("title", "").split(":")[0]
        for td in tree.iter("td")
        if "practice" in (td.get("class") or "").split()
    }
    assert practice == {x["local_date"] for x in truth["sessions"]}
    hurt_days = {
        td.get("title", "").split(":")[0]
        for td in tree.iter("td")
        if "hurt" in (td.get("class") or "").split()
    }
    assert hurt_days == {x["local_date"] for x in truth["sessions"] if x["hurt"]}

    # Every hurt stop, with its routine, side, rep, phase and step.
    section = next(s for s in tree.iter("section") if s.get("id") == "hurt")
    rows = [["".join(td.itertext()) for td in tr.iter("td")] for tr in section.iter("tr")][1:]
    hurt = [x for x in truth["sessions"] if x["hurt"]]
    assert len(rows) == len(hurt)
    for row, x in zip(rows, hurt):
        assert row[0] == f"{x['local_date']} {datetime.fromisoformat(x['started_at']):%H:%M}"
        at = x["hurt_at"]
        if at is None:
            assert row[3:7] == ["not recorded"] * 4
        else:
            assert row[4:7] == [str(at["rep"]), at["phase"], str(at["step"] + 1)]
        assert row[-1] == x["checkin"]["note"]

    # Every level change of the period, with the advice's reason.
    section = next(s for s in tree.iter("section") if s.get("id") == "level")
    change_rows = [["".join(td.itertext()) for td in tr.iter("td")] for tr in section.iter("tr")][1:]
    assert [r[0] for r in change_rows] == level_change_days(truth)
    assert all(r[3].strip() for r in change_rows)

    # The usual-pain record and the notes, as typed (escaped in the file, so shown as text, never run).
    text = " ".join(tree.itertext())
    assert USUAL_NOTE in text and NOTE in text
    assert not [el for el in tree.iter("script")]
    assert "No diagnosis." in text and "personal trainer or a doctor" in text
    drawings = list(tree.iter("{http://www.w3.org/2000/svg}svg"))
    assert [d.get("class") for d in drawings].count("chart") == 3  # the three charts, drawn inline
    # The routines practised, pose by pose: each pose's figure drawn inline, named in its title.
    figures = [d for d in drawings if d.get("class") == "pose-figure"]
    section = next(s for s in tree.iter("section") if s.get("id") == "routines")
    assert figures and len(figures) == len(list(section.iter("{http://www.w3.org/2000/svg}svg")))
    assert all(d.find("{http://www.w3.org/2000/svg}title") is not None for d in figures)
    assert all(list(d.iter("{http://www.w3.org/2000/svg}line")) for d in figures)


def test_pdf_text_holds_the_same_figures(home: Path, truth: dict[str, Any], tmp_path: Path) -> None:
    need("chromium")
    pdftotext = need("pdftotext")
    out = tmp_path / "report.pdf"
    ok(run(home, "report", "--since", str(SINCE), "--until", str(UNTIL), "--format", "pdf", "-o", str(out)))
    assert out.read_bytes()[:5] == b"%PDF-" and stat.S_IMODE(out.stat().st_mode) == 0o600
    text = subprocess.run(
        [pdftotext, "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    labels = {
        "current_streak": "Current streak (practice days)", "longest_streak": "Longest streak (practice days)",
        "practice_days": "Practice days since the start", "last_practice": "Last practice",
        "consistency": "Consistency (0 to 1)", "sessions": "Sessions", "period_practice_days": "Practice days",
        "minutes": "Minutes practised", "hurt_stops": "Stopped because it hurt", "pain_before_avg": "Average pain before (0-10)",
        "pain_after_avg": "Average pain after (0-10)", "notes": "Notes written",
    }  # fmt: skip
    for key, value in expected_figures(truth).items():
        if key in labels:
            assert re.search(rf"(^|\s){re.escape(labels[key])}\s+{re.escape(value)}(\s|$)", text, re.M), (
                key,
                value,
            )
    for x in truth["sessions"]:
        if x["hurt"]:
            assert f"{x['local_date']} {datetime.fromisoformat(x['started_at']):%H:%M}" in text
    for day in level_change_days(truth):
        assert day in text


def test_html_parses_without_errors_in_a_strict_html5_parser(html_file: Path) -> None:
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html_file.read_text(encoding="utf-8"))
    text = html_file.read_text(encoding="utf-8")
    assert "&lt;script&gt;" in text and "<script" not in text  # the note is escaped
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in text
    assert "default-src 'none'" in text  # nothing may be fetched
    assert "@page" in text and "break-inside: avoid" in text  # the print stylesheet


def test_markdown_says_the_same(home: Path, truth: dict[str, Any]) -> None:
    text = ok(
        run(home, "report", "--since", str(SINCE), "--until", str(UNTIL), "--format", "md", "-o", "-")
    ).stdout
    rows = dict(re.findall(r"^\| (.+?) \| (.+?) \|$", text, re.M))
    figures = expected_figures(truth)
    assert rows["Sessions"] == figures["sessions"]
    assert rows["Current streak \\(practice days\\)"] == figures["current_streak"]
    assert rows["Stopped because it hurt"] == figures["hurt_stops"]
    assert "\\<script\\>" in text and "<script>" not in text


def test_pdf_without_chromium_names_the_package(home: Path, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    out = tmp_path / "r.pdf"
    done = run(
        home, "report", "--format", "pdf", "-o", str(out), env={"PATH": str(empty), "BACKROLL_CHROMIUM": ""}
    )
    assert done.returncode == 1
    assert "chromium" in done.stderr and "apt-get install chromium" in done.stderr
    assert not out.exists()


def test_period_options(home: Path, tmp_path: Path) -> None:
    done = ok(run(home, "report", "--weeks", "2", "--until", str(UNTIL), "--format", "md", "-o", "-"))
    assert f"# Practice report, {UNTIL - timedelta(days=13)} to {UNTIL}" in done.stdout
    done = ok(run(home, "report", "--since", "-3d", "--format", "md", "-o", "-"))
    today = datetime.now(ZoneInfo(ZONE)).date()
    assert f"# Practice report, {today - timedelta(days=3)} to {today}" in done.stdout
    refused = run(home, "report", "--weeks", "2", "--since", str(SINCE))
    assert refused.returncode == 1 and "--weeks" in refused.stderr
    refused = run(home, "report", "--since", str(UNTIL), "--until", str(SINCE))
    assert refused.returncode == 1 and "after" in refused.stderr
    # Default: HTML in <home>/exports, private.
    done = ok(run(home, "report", "--until", str(UNTIL)))
    written = home / "exports" / f"backroll-report-{UNTIL - timedelta(days=83)}-to-{UNTIL}.html"
    assert str(written) in done.stderr and stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(written.parent.stat().st_mode) == 0o700


def test_service_writes_the_report_the_app_asks_for(home: Path) -> None:
    now = datetime.combine(UNTIL, datetime.min.time(), tzinfo=ZoneInfo(ZONE)).replace(hour=22)
    with Backroll(home, now=lambda: now, zone=ZONE) as service:
        path = service.write_report("md")
        status = service.status(UNTIL)
    assert path.parent == home / "exports" and stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert f"| Current streak \\(practice days\\) | {status.streak.current} |" in text


@pytest.mark.parametrize("paper, width_mm", [("A4", 210.0), ("Letter", 215.9)])
def test_page_fits_the_paper_width(html_file: Path, paper: str, width_mm: float) -> None:
    """Laid out in Chromium at the paper's printable width (12 mm margins), nothing is wider than the page.

    A probe copy of the page (the policy that forbids scripts removed, one line of script added)
    writes the document's scroll width into the DOM that --dump-dom prints.
    """
    printable = int((width_mm - 24) / 25.4 * 96)  # CSS pixels
    text = html_file.read_text(encoding="utf-8")
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    probe = html_file.with_name(f"probe-{paper}.html")
    probe.write_text(
        text.replace("</body>", "<script>" + WIDTH_PROBE + "</script></body>"),
        encoding="utf-8",
    )
    dom = chromium(probe, f"--window-size={printable},1000", "--dump-dom").stdout
    measured = re.search(r'data-width="(\d+)"', dom)
    assert measured is not None, dom[:300]
    wide = re.search(r'data-wide="([^"]*)"', dom)
    assert int(measured.group(1)) <= printable, wide.group(1) if wide else ""


WIDTH_PROBE = """
var wide = [];
document.querySelectorAll("body *").forEach(function (e) {
  var r = e.getBoundingClientRect();
  if (r.right > document.documentElement.clientWidth) wide.push((e.closest("section") || {}).id + ":" + e.tagName + "." + e.getAttribute("class") + ":" + Math.round(r.right) + ":" + e.textContent.slice(0, 40));
});
document.body.dataset.wide = wide.slice(0, 10).join(" ");
document.body.dataset.width = document.documentElement.scrollWidth;
"""


LABEL_PROBE = """
var out = [];
document.querySelectorAll("svg.chart").forEach(function (svg) {
  var box = svg.viewBox.baseVal, name = svg.getAttribute("aria-label"), rows = {};
  svg.querySelectorAll("text").forEach(function (t) {
    var b = t.getBBox(), where = name + ": " + JSON.stringify(t.textContent) + " at x " + Math.round(b.x) + "-" + Math.round(b.x + b.width);
    if (b.x < box.x || b.y < box.y || b.x + b.width > box.x + box.width || b.y + b.height > box.y + box.height) out.push("outside " + where);
    var row = rows[Math.round(b.y)] = rows[Math.round(b.y)] || [];
    row.forEach(function (o) { if (b.x < o.x + o.width && o.x < b.x + b.width) out.push("overlaps " + where); });
    row.push(b);
  });
});
document.body.dataset.cut = out.length ? out.join(" | ") : "none";
"""


@pytest.fixture(scope="module")
def december_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A year of generated practice to 4 December 2025, two sessions on most days of its last weeks."""
    home = tmp_path_factory.mktemp("december") / "home"
    end = date(2025, 12, 4)
    now = datetime.combine(end, datetime.min.time(), tzinfo=ZoneInfo(ZONE)).replace(hour=21)
    with Backroll(home, now=lambda: now, zone=ZONE) as service:
        service.store.merge(
            generate_history(365, end=end, zone=ZONE, library=service.library, sessions_per_day=1.6)
        )
    return home


@pytest.mark.parametrize("period", [("--until", "2025-12-04"), ("--since", "2025-11-29", "--until", "2025-12-31"),
                                    ("--since", "2025-11-10", "--until", "2025-12-04"),
                                    ("--since", "2025-01-01", "--until", "2025-12-31")])  # fmt: skip
def test_every_chart_label_fits_inside_its_drawing(
    december_home: Path, tmp_path: Path, period: tuple[str, ...]
) -> None:
    """Measured in Chromium: each text of each chart lies inside the viewBox and no two labels of one row overlap.

    The twelve weeks to 4 December once cut the level chart's "Dec 2025" to "Dec 202".
    """
    need("chromium")
    page = tmp_path / "report.html"
    ok(run(december_home, "report", *period, "-o", str(page)))
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text(encoding="utf-8"))
    probe = tmp_path / "probe.html"
    probe.write_text(text.replace("</body>", "<script>" + LABEL_PROBE + "</script></body>"), encoding="utf-8")
    dom = chromium(probe, "--window-size=820,1160", "--dump-dom").stdout
    cut = re.search(r'data-cut="([^"]*)"', dom)
    assert cut is not None, dom[:300]
    assert cut.group(1) == "none"
