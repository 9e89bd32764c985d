"""Reads of this area (being built for issue #6)."""

# Each area contributes entries to the family's helper map: (actor, case) -> list[HelperMapEntry].
HELPER_MAP_SOURCES = (
    "lotse.referrals.selectors.helper_map_entries",
    "lotse.conferences.selectors.helper_map_entries",
    "lotse.pools.selectors.helper_map_entries",
)


def case_helper_summary(*, actor, case):
    return None
