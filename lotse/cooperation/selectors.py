"""Reads of this area (being built for issue #6)."""


def user_worklist_entries(*, actor, today):
    return []
