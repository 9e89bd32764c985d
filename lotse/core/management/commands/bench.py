import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection

from lotse.core.bench import BENCHMARKS, discover


class Command(BaseCommand):
    help = "Run the benchmarks; the last output line is a JSON object with all figures."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Also write the JSON object to this file.")
        parser.add_argument("--only", nargs="*", help="Run only these benchmarks (e.g. audit people).")

    def handle(self, *args, output=None, only=None, **options):
        discover()
        scale = os.environ.get("BENCH_SCALE", "small")
        figures = {
            "scale": scale,
            "database": connection.vendor,
            "python": platform.python_version(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        for name, function in BENCHMARKS.items():
            if only and name not in only:
                continue
            self.stderr.write(f"running benchmark {name} (scale {scale}) ...")
            figures.update(function(scale))
        line = json.dumps(figures, sort_keys=True)
        if output:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(line + "\n")
        self.stdout.write(line)
