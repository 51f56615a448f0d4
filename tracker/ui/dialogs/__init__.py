"""Dialogs: modal screens over the app (check-in, confirm, note editor, resume offer, safety notes, help)."""
