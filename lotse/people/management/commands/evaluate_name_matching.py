import json

from django.core.management.base import BaseCommand, CommandError

from lotse.people.evaluation import evaluate_pairs, read_pairs_tsv


class Command(BaseCommand):
    help = ("Precision, recall and F1 of the duplicate check's name decision on a labelled TSV "
            "(columns name_a, name_b, label with 1 = same name). The last line is JSON.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--pairs", required=True, help="Path of the TSV file.")
        parser.add_argument("--show-errors", action="store_true", help="List the pairs the matcher got wrong.")

    def handle(self, *args, pairs, show_errors=False, **options):
        try:
            rows = read_pairs_tsv(pairs)
        except FileNotFoundError:
            raise CommandError(f"Die Datei {pairs} wurde nicht gefunden.") from None
        except IsADirectoryError:
            raise CommandError(f"{pairs} ist ein Verzeichnis, keine Datei.") from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        if show_errors:
            from lotse.people.matching import names_match

            for name_a, name_b, label in rows:
                if names_match(name_a, name_b) != bool(label):
                    kind = "falsch positiv" if not label else "falsch negativ"
                    self.stdout.write(f"{kind}: {name_a} | {name_b}")
        result = evaluate_pairs(rows)
        self.stdout.write(f"Paare: {result['pairs']}  Präzision: {result['precision']:.4f}  "
                          f"Trefferquote: {result['recall']:.4f}  F1: {result['f1']:.4f}")
        self.stdout.write(json.dumps(result, sort_keys=True))
