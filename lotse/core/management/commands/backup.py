"""``manage.py backup FILE``: a consistent copy of the whole database in one file.

PostgreSQL: ``pg_dump --format=custom`` (a snapshot, taken while Lotse keeps running). SQLite: the online
backup API of sqlite3 (consistent as well, also while Lotse runs). The file holds personal data: it is
created with mode 0600 and never overwrites an existing file. ``manage.py restore`` reads it back.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
LIBPQ_OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
                 "sslkey": "PGSSLKEY", "passfile": "PGPASSFILE", "service": "PGSERVICE"}


def vendor_of(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise CommandError(f"Backups are supported for PostgreSQL and SQLite, not for {vendor}.")
    return vendor


def libpq_environment(settings_dict: dict) -> dict[str, str]:
    """Connection settings for pg_dump/pg_restore as libpq variables: the password never appears in ``ps``."""
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    for option, variable in LIBPQ_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            env[variable] = str(settings_dict["OPTIONS"][option])
    return env


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} was not found on PATH. Install the PostgreSQL client tools "
                           f"(the same major version as the server or newer).")
    return path


def run_pg_tool(args: list[str], *, env: dict[str, str], stdout=subprocess.PIPE):
    result = subprocess.run(args, env=env, stdout=stdout, stderr=subprocess.PIPE, check=False)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise CommandError(f"{Path(args[0]).name} failed (exit code {result.returncode}): {message}")
    return result


def create_private_file(path: Path) -> int:
    """A new file only the owner may read; refuses to touch an existing one."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CommandError(f"{path} already exists. A backup never overwrites a file; "
                           f"choose a new name.") from None
    except OSError as exc:
        raise CommandError(f"{path} cannot be created: {exc.strerror}") from None
    os.fchmod(descriptor, 0o600)
    return descriptor


class Command(BaseCommand):
    help = "Write a backup of the whole database to a new file (mode 0600; never overwrites)."
    # Checks load every URL and model; a backup must also be possible in the middle of an incident.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file to create.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, file, database, **options):
        vendor = vendor_of(database)
        path = Path(file)
        descriptor = create_private_file(path)
        try:
            if vendor == "postgresql":
                with os.fdopen(descriptor, "wb") as target:
                    descriptor = None
                    self._pg_dump(database, target)
            else:
                os.close(descriptor)
                descriptor = None
                self._sqlite_backup(database, path)
        except BaseException:
            if descriptor is not None:
                os.close(descriptor)
            path.unlink(missing_ok=True)
            raise
        size = path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path} ({size} bytes, mode 0600)."))
        self.stdout.write("It contains personal data: keep it encrypted and away from the server.")

    @staticmethod
    def _pg_dump(alias: str, target) -> None:
        settings_dict = connections[alias].settings_dict
        args = [pg_tool("pg_dump"), "--format=custom", "--no-password", f"--dbname={settings_dict['NAME']}"]
        run_pg_tool(args, env=libpq_environment(settings_dict), stdout=target)

    @staticmethod
    def _sqlite_backup(alias: str, path: Path) -> None:
        connection = connections[alias]
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
            # A self-contained file: no -wal/-shm companions are needed to read it.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
