"""Reads of this area (being built for issue #6)."""


def timeline_items(*, actor, case):
    return []


def case_conference_summary(*, actor, case):
    return None


def helper_map_entries(*, actor, case):
    return []
