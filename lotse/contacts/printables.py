"""The conversation record (Gesprächsprotokoll, [002 §3.2]): bilingual, with signature lines.

Confidential notes never go into it; notes are not part of the record at all, only what was agreed."""

from django.utils import timezone

from lotse.documents.services import DocumentKind, base_context, format_date, register_kind

KIND = "conversation_record"


def _context(contact, language: str) -> dict:
    case = contact.case
    context = base_context(KIND, case.person, language, {})
    texts = context["texts"]
    occurred = timezone.localtime(contact.occurred_at)
    present = [person.display_name for person in contact.persons_present.all()]
    if contact.interpreter_present:
        present.append(f"{texts['interpreter'].de}: {contact.interpreter_name}" if contact.interpreter_name
                       else texts["interpreter"].de)
    if contact.others_present:
        present.append(contact.others_present)
    author = contact.author
    next_appointment = contact.follow_up_appointments.order_by("starts_at").first()
    context["record"] = {
        "date": f"{format_date(occurred.date())}, {occurred:%H:%M}",
        "kind": str(contact.get_kind_display()),
        "present": ", ".join(present),
        "occasion": contact.occasion,
        "topics": [topic.label for topic in contact.topics.all()],
        "agreements": [{"what": task.title, "who": texts["responsible"][task.responsible],
                        "partner": task.responsible_partner.name if task.responsible_partner else "",
                        "by_when": format_date(task.due_on)}
                       for task in contact.tasks.select_related("responsible_partner").order_by("due_on", "pk")],
        "next_appointment": (f"{format_date(timezone.localtime(next_appointment.starts_at).date())}, "
                             f"{timezone.localtime(next_appointment.starts_at):%H:%M}") if next_appointment else "",
        "counsellor": (author.get_full_name() or author.get_username()) if author else "",
    }
    return context


register_kind(KIND, DocumentKind("contacts.contact", _context, lambda contact: contact.case.person))
