from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lotse.privacy.register import build_register, to_html, to_markdown


class Command(BaseCommand):
    help = ("Write the records of processing activities (Art. 30 GDPR) for the data-protection officer, generated "
            "from the configuration: PDF if PATH ends in .pdf, HTML for .html/.htm, Markdown otherwise.")

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Target file (.pdf, .html or .md).")

    def handle(self, *args, output, **options):
        path = Path(output)
        register = build_register()
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            from lotse.privacy.pdf import html_to_pdf

            content = html_to_pdf(to_html(register))
        elif suffix in (".html", ".htm"):
            content = to_html(register).encode()
        else:
            content = to_markdown(register).encode()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"{output} kann nicht geschrieben werden: {error.strerror}") from None
        self.stdout.write(str(path))
