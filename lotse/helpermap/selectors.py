"""The family's helper map: manual entries merged with what the other areas contribute.

Each area contributes :class:`lotse.cases.casework.HelperMapEntry` values through a function listed in
:data:`HELPER_MAP_SOURCES` (``(actor, case) -> list``, a fixed number of queries each). Entries of the same
partner become one node with all their roles, the earliest "since" and the latest contact; entries without a
partner are merged by name and organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.cases.casework import HelperMapEntry
from lotse.cases.models import Case
from lotse.helpermap.models import PARTNER_TYPE_KINDS, HelperEntry, HelperKind

# Each area contributes entries to the family's helper map: (actor, case) -> list[HelperMapEntry].
HELPER_MAP_SOURCES = (
    "lotse.referrals.selectors.helper_map_entries",
    "lotse.conferences.selectors.helper_map_entries",
    "lotse.pools.selectors.helper_map_entries",
)
SUMMARY_NODES = 8
KIND_ORDER = list(HelperKind.values)


@dataclass
class HelperNode:
    """One organisation or person around the family, possibly merged from several entries."""

    key: tuple
    name: str
    kind: str
    organisation: str = ""
    roles: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    since: date | None = None
    last_contact: date | None = None
    ended_on: date | None = None
    url: str = ""
    partner_id: int | None = None

    @property
    def kind_label(self) -> str:
        return str(HelperKind(self.kind).label)

    @property
    def is_ended(self) -> bool:
        return self.ended_on is not None


def _entries(actor, action: Action = Action.VIEW):
    return policy.scope(actor, HelperEntry.objects.all(), action)


def entry_get(*, actor, public_id, action: Action = Action.VIEW) -> HelperEntry:
    return policy.get_or_404(actor, HelperEntry.objects.select_related(
        "partner", "case__person__organisation", "case__team", "case__offering"), action=action,
        public_id=public_id)


def manual_entries(*, actor, case: Case, include_ended: bool = True) -> list[HelperEntry]:
    entries = _entries(actor).filter(case=case).select_related("partner").order_by("since", "pk")
    if not include_ended:
        entries = entries.filter(until__isnull=True)
    return list(entries)


def family_names(*, case: Case) -> list[str]:
    """The main client and the co-counselled family members, by first name (the family name if none)."""
    names = [case.person]
    names += [member.person for member in case.members.filter(until__isnull=True).select_related("person")
              .order_by("since", "pk")]
    return [(person.given_names.split() or [person.family_name])[0] for person in names]


def _manual_as_entry(entry: HelperEntry) -> HelperMapEntry:
    if entry.partner_id:
        role = f"{entry.role} ({entry.name})" if entry.name else entry.role
        name, organisation = entry.partner.name, ""
    else:
        role, name, organisation = entry.role, entry.name, entry.organisation
    return HelperMapEntry(name=name, role=role, source=_("manual entry"), organisation=organisation,
                          since=entry.since, last_contact=entry.last_contact_on,
                          url=reverse("helpermap:entry_edit", args=[entry.public_id]),
                          partner_id=entry.partner_id)


def _key(entry: HelperMapEntry) -> tuple:
    if entry.partner_id:
        return ("partner", entry.partner_id)
    return ("name", " ".join(entry.name.split()).casefold(), " ".join(entry.organisation.split()).casefold())


def contributed_entries(*, actor, case: Case) -> list[HelperMapEntry]:
    entries = []
    for source in HELPER_MAP_SOURCES:
        entries.extend(import_string(source)(actor=actor, case=case) or [])
    return entries


def _merged(items: list[tuple[HelperMapEntry, str, date | None]], partner_kinds: dict[int, str]
            ) -> list[HelperNode]:
    nodes: dict[tuple, HelperNode] = {}
    endings: dict[tuple, list] = {}
    for entry, kind, ended_on in items:
        key = _key(entry)
        node = nodes.get(key)
        if node is None:
            node = nodes[key] = HelperNode(key=key, name=entry.name, kind="", organisation=entry.organisation,
                                           partner_id=entry.partner_id, url=entry.url)
        endings.setdefault(key, []).append(ended_on)
        if not node.kind and kind:
            node.kind = kind
        if entry.role and entry.role not in node.roles:
            node.roles.append(entry.role)
        if entry.source and entry.source not in node.sources:
            node.sources.append(entry.source)
        if entry.since is not None and (node.since is None or entry.since < node.since):
            node.since = entry.since
        if entry.last_contact is not None and (node.last_contact is None
                                               or entry.last_contact > node.last_contact):
            node.last_contact = entry.last_contact
        if not node.organisation and entry.organisation:
            node.organisation = entry.organisation
        if not node.url and entry.url:
            node.url = entry.url
    for key, node in nodes.items():
        # A node has ended only when every entry of it has ended, then on the latest of those days.
        node.ended_on = None if None in endings[key] else max(endings[key])
        if not node.kind and node.partner_id in partner_kinds:
            node.kind = partner_kinds[node.partner_id]
        if node.kind not in HelperKind.values:
            node.kind = HelperKind.OTHER
    return sorted(nodes.values(),
                  key=lambda node: (KIND_ORDER.index(node.kind), node.name.casefold(), node.key))


def helper_map(*, actor, case: Case, include_ended: bool = False) -> list[HelperNode]:
    """Everyone in the family's helper system, merged into one node per partner or person.

    Manual entries that have ended are left out unless ``include_ended``; they then show with their end
    date."""
    from lotse.network.models import Partner

    items = [(entry, getattr(entry, "kind", "") or "", None)
             for entry in contributed_entries(actor=actor, case=case)]
    manual = manual_entries(actor=actor, case=case, include_ended=include_ended)
    items += [(_manual_as_entry(entry), entry.kind or "", entry.until) for entry in manual]
    # The group of a partner comes from its type: known for manual entries, one query for the others.
    partner_types = {entry.partner_id: entry.partner.partner_type for entry in manual if entry.partner_id}
    unknown = {entry.partner_id for entry, *_rest in items if entry.partner_id} - set(partner_types)
    if unknown:
        partner_types.update(Partner.objects.filter(pk__in=unknown).values_list("pk", "partner_type"))
    partner_kinds = {pk: PARTNER_TYPE_KINDS.get(partner_type, HelperKind.OTHER)
                     for pk, partner_type in partner_types.items()}
    return _merged(items, partner_kinds)


def helper_map_page(*, actor, case: Case, include_ended: bool = False) -> dict:
    """Everything the map page shows: family, nodes, the SVG, the manual entries to keep."""
    from lotse.audit.services import audit_read
    from lotse.helpermap.diagram import diagram_text, render_helper_map

    family = family_names(case=case)
    nodes = helper_map(actor=actor, case=case, include_ended=include_ended)
    title = _("Helper system of the family %(name)s") % {"name": case.person.family_name}
    audit_read(actor=actor, obj=case.person, organisation=case.person.organisation, action="helpermap.viewed")
    return {"family": family, "nodes": nodes,
            "svg": render_helper_map(family=family, nodes=nodes, title=title),
            "text": diagram_text(family=family, nodes=nodes),
            "entries": manual_entries(actor=actor, case=case, include_ended=True)}


def case_helper_summary(*, actor, case: Case) -> dict:
    """For the case file: the first helpers, grouped like the map, and how many there are (constant
    number of queries)."""
    nodes = helper_map(actor=actor, case=case)
    return {"count": len(nodes), "nodes": nodes[:SUMMARY_NODES], "more": max(0, len(nodes) - SUMMARY_NODES),
            "url": reverse("helpermap:helper_map", args=[case.public_id])}
