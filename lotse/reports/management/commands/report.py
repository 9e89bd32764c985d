"""Write a report to a file: ``report KIND --organisation ID --period YYYY-MM[..YYYY-MM] --format xlsx|pdf|json|csv
--output PATH [--team ID] [--protected]``.

Runs as the system (no user): exact figures unless ``--protected``; audited as "manage.py report". An
organisation or team is named by its public id (UUID) or its exact name; ``--organisation`` may be repeated
for a report across several organisations. Messages are German, like the rest of the interface.
"""

import os
import tempfile
import uuid
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from lotse.organisations.models import Organisation, Team
from lotse.reports import render as output
from lotse.reports.engine import report_kinds
from lotse.reports.periods import Period
from lotse.reports.system import report_build_system


def _by_id_or_name(queryset, value: str):
    """One object by public id or exact name (names of organisations, and of teams within one, are unique)."""
    try:
        return queryset.filter(public_id=uuid.UUID(value)).first()
    except ValueError:
        return queryset.filter(name=value).first()


class Command(BaseCommand):
    help = "Write a report (monthly controlling, programme report, monitoring, indicators) as XLSX, PDF, CSV or JSON."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="report kind, e.g. monthly, monitoring, indicators, mbe")
        parser.add_argument("--organisation", action="append", required=True,
                            help="public id (UUID) or exact name; repeat for several organisations")
        parser.add_argument("--period", required=True, help="YYYY-MM, YYYY-MM..YYYY-MM or YYYY")
        parser.add_argument("--format", dest="file_format", required=True, choices=output.FORMATS)
        parser.add_argument("--output", required=True, help="path of the file to write")
        parser.add_argument("--team", help="public id (UUID) or exact name of a team of the organisation")
        parser.add_argument("--protected", action="store_true",
                            help="suppress counts from 1 to 4 (and secondary suppression), for passing on")

    def handle(self, *args, kind, organisation, period, file_format, output, team=None, protected=False,
               **options):
        with translation.override("de"):
            path = self._run(kind=kind, organisation_ids=organisation, period_text=period, file_format=file_format,
                             target=output, team_id=team, protected=protected)
        self.stdout.write(f"{path}")

    def _run(self, *, kind, organisation_ids, period_text, file_format, target, team_id, protected) -> str:
        kinds = report_kinds()
        if kind not in kinds:
            raise CommandError(_("Unknown report kind “%(kind)s”. Known kinds: %(kinds)s.") % {
                "kind": kind, "kinds": ", ".join(sorted(kinds))})
        try:
            period = Period.parse(period_text)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        organisations = []
        for value in organisation_ids:
            found = _by_id_or_name(Organisation.objects.all(), value)
            if found is None:
                raise CommandError(_("There is no organisation “%(name)s”.") % {"name": value})
            if found not in organisations:
                organisations.append(found)
        chosen_team = None
        if team_id:
            if len(organisations) != 1:
                raise CommandError(_("A team can only be given with exactly one organisation."))
            chosen_team = _by_id_or_name(Team.objects.filter(organisation=organisations[0]), team_id)
            if chosen_team is None:
                raise CommandError(_("The organisation has no team “%(name)s”.") % {"name": team_id})
        path = Path(target)
        if path.is_dir() or not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
            raise CommandError(_("Cannot write “%(path)s”: the folder does not exist or is not writable.") % {
                "path": target})
        try:
            report = report_build_system(kind=kind, period=period, organisations=organisations, team=chosen_team,
                                         protected=protected, output_format=file_format)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        content = output.render(report, file_format, kind_label=kinds[kind].label).content
        self._write(path, content)
        return str(path)

    @staticmethod
    def _write(path: Path, content: bytes) -> None:
        """All or nothing: a temporary file in the same folder, renamed when complete."""
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".lotse-report-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.chmod(temporary, 0o640)
            os.replace(temporary, path)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise CommandError(_("Cannot write “%(path)s”: %(reason)s") % {
                "path": path, "reason": error.strerror}) from None
