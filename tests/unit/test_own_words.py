"""Our own words: no text in content/, tracker/ or the README shares 8 or more
consecutive words with a seed document (case- and punctuation-insensitive).

The seeds live beside the repository, in <parent>/shared/seeds. A user's clone
has no such folder: the test skips there, saying why; under CI (CI=true) it
must run, and a missing folder is a failure.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
RUN = 8  # consecutive words that count as a copied sentence
WORD = re.compile(r"[a-z0-9]+")
TEXT_SUFFIXES = {".py", ".toml", ".md", ".tcss", ".json", ".txt"}

# Lists of pose names alone are not sentences; each exemption is named here and is nothing else.
EXEMPT_POSE_LISTS: dict[str, str] = {}


def words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("\u2019", "").replace("'", ""))


def grams(text: str) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + RUN]) for i in range(len(w) - RUN + 1)}


def shared_runs(text: str, seed_grams: set[tuple[str, ...]]) -> list[str]:
    """Each longest run of >= RUN words of `text` also found in a seed."""
    w = words(text)
    found: list[str] = []
    i = 0
    while i <= len(w) - RUN:
        if tuple(w[i : i + RUN]) in seed_grams:
            j = i + RUN
            while j < len(w) and tuple(w[j - RUN + 1 : j + 1]) in seed_grams:
                j += 1
            found.append(" ".join(w[i:j]))
            i = j
        else:
            i += 1
    return found


def our_files() -> list[Path]:
    files = [ROOT / "README.md"]
    for folder in (ROOT / "content", ROOT / "tracker"):
        files += sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES)
    return files


def test_the_checker_finds_a_copied_run_and_ignores_case_and_punctuation() -> None:
    seed = grams("Lie on your back, with your knees bent; notice the space.")
    assert shared_runs("LIE on your BACK with your knees-bent... notice!", seed) == [
        "lie on your back with your knees bent notice"
    ]
    assert shared_runs("Lie on your back with your knees up; notice.", seed) == []


def test_no_text_shares_eight_words_with_a_seed() -> None:
    if not SEEDS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"the seed documents are missing at {SEEDS}; CI must check our own words against them"
            )
        pytest.skip(
            f"no seed documents at {SEEDS} (a clone without the shared folder): nothing to compare against"
        )
    seed_files = sorted(SEEDS.glob("*.txt"))
    assert seed_files, f"no seed documents in {SEEDS}"
    seed_grams: set[tuple[str, ...]] = set()
    for seed in seed_files:
        seed_grams |= grams(seed.read_text(encoding="utf-8"))
    problems = []
    for path in our_files():
        text = path.read_text(encoding="utf-8")
        for name, phrase in EXEMPT_POSE_LISTS.items():
            text = text.replace(phrase, f" exempt {name} ")
        for run in shared_runs(text, seed_grams):
            problems.append(f"{path.relative_to(ROOT)}: {run!r}")
    assert not problems, "text copied from a seed (write it in our own words):\n" + "\n".join(problems)
