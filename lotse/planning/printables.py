"""The goal agreement (Zielvereinbarung / Integrationsvereinbarung) as a bilingual PDF."""

from django.utils import timezone

from lotse.documents.services import DocumentKind, base_context, format_date, register_kind
from lotse.planning.snapshot import agreement_content


def _goal_agreement(agreement, language: str) -> dict:
    person = agreement.case.person
    version = agreement.plan_version
    context = base_context("goal_agreement", person, language, {})
    content = agreement_content(version.snapshot)
    counsellor = agreement.signed_by_counsellor or agreement.created_by
    context["agreement"] = {
        "plan_version": version.number,
        "plan_date": format_date(timezone.localtime(version.created_at).date()),
        "made_on": format_date(timezone.localtime(agreement.created_at).date()),
        "counsellor": (counsellor.get_full_name() or counsellor.username) if counsellor else "",
        "signed_on": format_date(agreement.signed_on),
        **content,
    }
    return context


register_kind("goal_agreement", DocumentKind("planning.goalagreement", _goal_agreement,
                                             lambda agreement: agreement.case.person))
