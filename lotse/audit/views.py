from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lotse.access import policy
from lotse.audit import selectors
from lotse.audit.models import Category
from lotse.core.pagination import keyset_page

EVENT_ORDERING = ("-id",)


@require_GET
def event_list(request):
    if not policy.may_read_audit_log(request.user):
        policy.deny(request.user, "audit.list")
    category = request.GET.get("kategorie", "")
    if category not in Category.values:
        category = ""
    page = keyset_page(selectors.audit_events_list(actor=request.user, category=category or None),
                       ordering=EVENT_ORDERING, cursor=request.GET.get("nach"))
    return render(request, "audit/event_list.html", {
        "page": page, "category": category, "categories": Category.choices,
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Audit log"), None)],
        "active_nav": "audit",
    })


@require_GET
def record_log(request, object_type, public_id):
    """'Wer hat diese Akte gesehen?' for any record type registered in the audit selectors."""
    try:
        record = selectors.record_for_log(actor=request.user, object_type=object_type, public_id=public_id)
    except LookupError:
        raise Http404 from None
    page = keyset_page(selectors.audit_events_for_object(actor=request.user, obj=record),
                       ordering=EVENT_ORDERING, cursor=request.GET.get("nach"))
    return render(request, "audit/record_log.html", {
        "record": record, "page": page, "object_type": object_type,
        "breadcrumbs": [(_("Start"), reverse("core:home")), (str(record), None), (_("Access log"), None)],
    })
