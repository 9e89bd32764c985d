from django.core.management.base import BaseCommand

from lotse.exports.services import export_purge


class Command(BaseCommand):
    help = ("Delete the files of expired exports (the job stays listed as expired) and mark interrupted runs "
            "failed. Idempotent; safe to run hourly from cron. Expired files are also deleted when they are "
            "accessed.")

    def handle(self, *args, **options):
        purged = export_purge()
        self.stdout.write(f"Abgelaufene Exportdateien gelöscht: {purged}")
