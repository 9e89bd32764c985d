"""Render a client document to a file: ``render_document KIND --object UUID --language LANG --output PATH``.

Runs without a user (server administration); the audit event names the command instead.
"""

import os
import uuid
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError

from lotse.documents import services


class Command(BaseCommand):
    help = "Render a client document (consent form, release form, goal agreement, …) as PDF."

    def add_arguments(self, parser):
        parser.add_argument("kind", help=f"one of: {', '.join(services.KINDS)}")
        parser.add_argument("--object", required=True, help="public id (UUID) of the object the document is made from")
        parser.add_argument("--language", required=True, help=f"one of: {', '.join(services.supported_languages())}")
        parser.add_argument("--output", required=True, help="path of the PDF file to write")

    def handle(self, *args, kind, object, language, output, **options):
        try:
            document_kind = services.document_validate(kind=kind, language=language)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        try:
            public_id = uuid.UUID(object)
            obj = apps.get_model(document_kind.model_label)._default_manager.get(public_id=public_id)
        except (ValueError, ObjectDoesNotExist):
            raise CommandError(f"No {document_kind.model_label} with public id {object!r}.") from None
        path = Path(output)
        if path.is_dir() or not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
            raise CommandError(f"Cannot write {output}: not a writable file path.")
        pdf = services.document_render(kind=kind, obj=obj, language=language, actor=None)
        try:
            path.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        self.stdout.write(f"Wrote {output} ({len(pdf)} bytes).")
