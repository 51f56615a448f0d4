"""The figures as SVG: strict XML, strokes only (no script, nothing external), and drawn by real headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tracker.content import load_builtin
from tracker.report.figures import contact_sheet, figure_svg
from tracker.report.pdf import find_browser, headless_args

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[2]


def contact_sheet_file(folder: Path) -> Path:
    """What `make screenshots` writes as poses.svg: scripts/report_screenshot.py, loaded from its file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "report_screenshot", ROOT / "scripts" / "report_screenshot.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written: Path = module.contact_sheet_file(folder)
    return written


POSES = sorted(load_builtin().poses.values(), key=lambda p: p.name.lower())


def strict(text: str) -> ET.Element:
    root = ET.fromstring(text)  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    assert not list(root.iter(f"{SVG}script")) and "<script" not in text
    assert not re.search(r"(?:href|src)\s*=", text)  # nothing fetched: no links, no images
    assert root.find(f"{SVG}title") is not None  # named for a screen reader
    return root


def test_the_contact_sheet_is_strict_svg_with_every_keyframe_of_every_pose() -> None:
    root = strict(contact_sheet(POSES))
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "figure"]
    assert len(groups) == sum(len(p.figure.keyframes) for p in POSES if p.figure) and len(POSES) == 41
    for group in groups:
        lines = list(group.iter(f"{SVG}line"))
        assert len(lines) >= 13 and len(list(group.iter(f"{SVG}circle"))) == 1  # the bones and the head
        assert all(line.get("stroke") and float(line.get("stroke-width", "0")) > 0 for line in lines)
    labels = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert all(p.name in labels for p in POSES)


@pytest.mark.parametrize("pose", POSES, ids=lambda p: p.id)
def test_each_pose_figure_is_strict_svg(pose) -> None:
    root = strict(figure_svg(pose))
    assert pose.name in (root.find(f"{SVG}title").text or "")


def test_the_committed_contact_sheet_is_the_one_make_screenshots_writes(tmp_path: Path) -> None:
    written = contact_sheet_file(tmp_path)
    assert (ROOT / "screenshots" / "poses.svg").read_text(encoding="utf-8") == written.read_text(
        encoding="utf-8"
    )


def test_headless_chromium_draws_every_figure_of_the_contact_sheet(tmp_path: Path) -> None:
    browser = find_browser()
    if browser is None:
        pytest.fail("chromium is needed for this test: install it (apt-get install chromium)")
    sheet = contact_sheet(POSES)
    # The test page measures what Chromium laid out (the sheet itself has no script).
    page = tmp_path / "sheet.html"
    page.write_text(
        "<!DOCTYPE html><html><body>" + sheet + "<script>"
        "const boxes=[...document.querySelectorAll('g.figure')].map(g=>{const b=g.getBBox();return [b.width,b.height]});"
        "document.body.setAttribute('data-boxes', JSON.stringify(boxes));</script></body></html>",
        encoding="utf-8",
    )
    done = subprocess.run([*headless_args(browser, tmp_path / "profile"), "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)  # fmt: skip
    found = re.search(r'data-boxes="([^"]*)"', done.stdout)
    assert found, done.stderr[-2000:]
    boxes = json.loads(found.group(1).replace("&quot;", '"'))
    assert len(boxes) == sum(len(p.figure.keyframes) for p in POSES if p.figure)
    assert all(min(w, h) > 8 and max(w, h) > 60 for w, h in boxes), (
        boxes
    )  # every figure drawn at a visible size (a lying body is low)
    shot = tmp_path / "sheet.png"
    svg_file = tmp_path / "poses.svg"
    svg_file.write_text(sheet, encoding="utf-8")
    subprocess.run([*headless_args(browser, tmp_path / "profile2"), "--window-size=1330,1740", f"--screenshot={shot}", svg_file.as_uri()],
                   capture_output=True, timeout=180, stdin=subprocess.DEVNULL)  # fmt: skip
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert shutil.which(browser) or Path(browser).exists()
