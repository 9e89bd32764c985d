"""Reads of this area (being built for issue #6)."""


def worklist_entries(*, actor, cases, today):
    return []


def timeline_items(*, actor, case):
    return []


def case_referral_summary(*, actor, case):
    return None


def helper_map_entries(*, actor, case):
    return []
