from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lotse.privacy.retention import AuditChainBroken, retention_apply, retention_plan


class Command(BaseCommand):
    help = ("Apply the retention rules: delete anonymous first contacts, erase inactive persons, remove old "
            "audit entries behind a checkpoint. Idempotent; safe to run daily from cron. Exit code 0 when "
            "nothing is to do or everything was done.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list what would be removed.")
        parser.add_argument("--today", help="Pretend today is YYYY-MM-DD (for tests and catching up).")

    def handle(self, *args, dry_run=False, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError("--today erwartet ein Datum im Format JJJJ-MM-TT.") from None
        plan = retention_plan(today=day)
        out = self.stdout
        out.write(f"Aufbewahrung zum {day.isoformat()}{' (Probelauf, es wird nichts gelöscht)' if dry_run else ''}")
        if not plan.first_contacts_supported:
            out.write("Erstkontakte: Modell intake.FirstContact nicht vorhanden oder nicht auswertbar – übersprungen.")
        for public_id, reasons in plan.persons_held:
            out.write(f"Person {public_id} bleibt: {' '.join(reasons)}")
        if plan.empty:
            out.write("Nichts zu tun.")
            return
        if dry_run:
            out.write(f"Anonyme Erstkontakte, die gelöscht würden: {len(plan.first_contact_ids)}")
            for (organisation_id, month), count in sorted(plan.first_contact_months.items(), key=str):
                out.write(f"  Organisation {organisation_id}, {month:%Y-%m}: {count}")
            out.write(f"Personen, die gelöscht würden: {len(plan.persons)}")
            for _pk, public_id in plan.persons:
                out.write(f"  {public_id}")
            if plan.audit_up_to is not None:
                out.write(f"Protokolleinträge, die entfernt würden: {plan.audit_count} (bis #{plan.audit_up_to})")
            return
        try:
            result = retention_apply(plan=plan)
        except AuditChainBroken as error:
            raise CommandError(f"Prüfprotokoll beschädigt ({error}); Protokoll-Aufbewahrung nicht ausgeführt. "
                               "Bitte zuerst audit_verify prüfen.") from None
        out.write(f"Anonyme Erstkontakte gelöscht: {result.first_contacts} "
                  f"(Monatszahlen fortgeschrieben: {result.retained_months})")
        out.write(f"Personen gelöscht: {result.persons_erased}, zurückgehalten: {len(result.persons_held)}")
        out.write(f"Protokolleinträge entfernt: {result.audit_events}"
                  + (f" (Prüfpunkt bei #{plan.audit_up_to})" if result.audit_events else ""))
