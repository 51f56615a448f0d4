"""Backroll: a terminal companion for a daily yoga-for-back-pain practice."""

__version__ = "0.1.0"
