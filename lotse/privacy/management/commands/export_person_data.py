from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lotse.people.models import Person
from lotse.privacy.services import person_export


class Command(BaseCommand):
    help = ("Art. 15 GDPR: write everything Lotse holds about one person as <file_number>.json and "
            "<file_number>.pdf into a directory. The export is recorded in the audit trail.")

    def add_arguments(self, parser):
        parser.add_argument("public_id", help="Public id (UUID) of the person.")
        parser.add_argument("--output", required=True, help="Directory to write the files to.")

    def handle(self, *args, public_id, output, **options):
        try:
            person = Person.objects.select_related("organisation", "team").get(public_id=public_id,
                                                                               merged_into__isnull=True)
        except (Person.DoesNotExist, ValueError, ValidationError):
            raise CommandError(f"Keine Person mit der Kennung {public_id}.") from None
        directory = Path(output)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            raise CommandError(f"{output} ist kein beschreibbares Verzeichnis.") from None
        files = person_export(actor=None, person=person, formats=("json", "pdf"), channel="command",
                              actor_label="manage.py export_person_data")
        for file in files.values():
            path = directory / file.filename
            path.write_bytes(file.content)
            path.chmod(0o600)
            self.stdout.write(str(path))
