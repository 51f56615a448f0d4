"""Reusable widgets of the Backroll UI."""
