"""Reads of the official code lists.

Code lists are public reference data, not personal data: these selectors take no ``actor``, are not
scoped by the access policy and are not audited.
"""

from django.db.models import QuerySet

from lotse.codelists.models import Code


def codes(*, slug: str, current_only: bool = True) -> QuerySet[Code]:
    queryset = Code.objects.filter(code_list__slug=slug)
    if current_only:
        queryset = queryset.filter(is_current=True)
    return queryset.order_by("sort_order", "label")


def code_choices(slug: str) -> list[tuple[str, str]]:
    """(code, label) pairs of the current codes, for a form field's ``choices``."""
    return list(codes(slug=slug).values_list("code", "label"))


def code_label(slug: str, code: str) -> str | None:
    """The label of ``code``, also if it is no longer current (older records keep showing it)."""
    if not code:
        return None
    return codes(slug=slug, current_only=False).filter(code=code).values_list("label", flat=True).first()
