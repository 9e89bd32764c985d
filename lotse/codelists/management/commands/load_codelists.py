from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lotse.codelists.loader import SPECS, CodeListError, load_code_list
from lotse.codelists.models import CodeList


class Command(BaseCommand):
    help = (
        "Load the official code lists (XÖV genericode) into the database. Without arguments every bundled "
        "list is loaded; name slugs to load only those. A newer version of a list is loaded with "
        "--file PATH --list SLUG. Codes missing from the new version are kept but marked as no longer "
        "current."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="slug", help=f"Lists to load: {', '.join(SPECS)}.")
        parser.add_argument("--file", dest="file", metavar="PATH", help="Genericode file to load instead of "
                            "the bundled one; requires --list.")
        parser.add_argument("--list", dest="list_slug", metavar="SLUG", help="The list that --file contains.")

    def handle(self, *args, slugs, file, list_slug, **options):
        if file or list_slug:
            if not (file and list_slug):
                raise CommandError(_("--file and --list must be given together."))
            if slugs:
                raise CommandError(_("Name either lists to load or --file/--list, not both."))
            jobs = [(list_slug, file)]
        else:
            jobs = [(slug, None) for slug in (slugs or SPECS)]

        for slug, path in jobs:
            try:
                result = load_code_list(slug=slug, path=path)
            except CodeListError as exc:
                raise CommandError(str(exc)) from exc
            code_list = CodeList.objects.get(slug=slug)
            total = code_list.codes.filter(is_current=True).count()
            self.stdout.write(
                f"{slug}: {code_list.short_name} {code_list.version} – {total} current codes "
                f"({result.created} created, {result.updated} updated, {result.retired} retired)"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(jobs)} code list(s) loaded."))
