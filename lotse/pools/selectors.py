"""Reads of this area (being built for issue #6)."""


def case_volunteer_summary(*, actor, case):
    return None


def helper_map_entries(*, actor, case):
    return []
