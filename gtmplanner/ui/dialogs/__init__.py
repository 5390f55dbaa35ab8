"""Dialogs the pages open (conflict choices after a tracker sync...)."""
