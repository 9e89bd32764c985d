"""Reads of export jobs: only the requesting user's own (policy rule ``exports.exportjob``)."""

from lotse.access import policy
from lotse.exports.models import ExportJob
from lotse.exports.sources import EXPORT_SOURCES, LIST_KINDS

LIST_LENGTH = 50


def export_get(*, actor, public_id, content: bool = False) -> ExportJob:
    """One of the actor's exports; 404 for anyone else's (administrators included).

    ``content`` loads the file too (only the download needs it)."""
    jobs = ExportJob.objects.select_related("user") if content else ExportJob.objects.defer("content")
    return policy.get_or_404(actor, jobs, public_id=public_id)


def export_list(*, actor, limit: int = LIST_LENGTH) -> list[ExportJob]:
    """The actor's most recent exports, newest first."""
    jobs = policy.scope(actor, ExportJob.objects.defer("content"))
    return list(jobs.order_by("-created_at", "-id")[:limit])


def exportable_kinds(*, actor) -> list[tuple[str, str]]:
    """The lists the actor may export as they are (for the form on the exports page)."""
    sources = [EXPORT_SOURCES[kind] for kind in LIST_KINDS]
    return [(source.kind, str(source.label)) for source in sources if source.allowed(actor)]
