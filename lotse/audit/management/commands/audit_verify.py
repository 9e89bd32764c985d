from django.core.management.base import BaseCommand, CommandError

from lotse.audit.models import AuditChainHead
from lotse.audit.selectors import audit_chain_problem


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exits non-zero naming the first broken entry."

    def handle(self, *args, **options):
        problem = audit_chain_problem()
        if problem is not None:
            raise CommandError(f"Audit trail broken at entry {problem}")
        head = AuditChainHead.objects.filter(pk=1).first()
        count = head.last_event_id if head else 0
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {count} entries verified."))
