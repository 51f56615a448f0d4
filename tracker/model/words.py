"""Counted words, said right for one and for many: "1 lift", "2 lifts". One rule for every layer that builds them."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """`n` and `word`, with `many` (default word + "s") unless n is 1: plural(1, "lift") == "1 lift"."""
    return f"{n} {word if n == 1 else many or word + 's'}"


__all__ = ["plural"]
