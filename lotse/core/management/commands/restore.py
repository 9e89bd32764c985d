"""``manage.py restore FILE --yes``: replace the database's content with a backup of ``manage.py backup``.

PostgreSQL: ``pg_restore --clean --if-exists --no-owner --single-transaction`` – all or nothing: if anything
fails, the database stays as it was. SQLite: the online backup API copies the file into the database.
Stop Lotse (gunicorn) first: the restore needs the tables to itself, and running processes would keep
state from before. Afterwards the audit trail's hash chain is verified.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import dj_database_url
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from lotse.core.management.commands.backup import (
    PG_MAGIC,
    SQLITE_MAGIC,
    libpq_environment,
    pg_tool,
    run_pg_tool,
    vendor_of,
)


class Command(BaseCommand):
    help = "Replace the database's content with a backup written by 'manage.py backup' (needs --yes)."
    # Checks load every URL and model; a restore must also work on a host whose configuration is incomplete.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup file written by 'manage.py backup'.")
        parser.add_argument("--yes", action="store_true",
                            help="Confirm that the current content of the target database is replaced.")
        parser.add_argument("--target", default="",
                            help="Restore elsewhere: a PostgreSQL database name on the configured server "
                                 "or a postgres:// URL; for SQLite a file path. Default: the configured "
                                 "database.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, file, yes, target, database, **options):
        vendor = vendor_of(database)
        path = Path(file)
        self._check_file(path, vendor)
        description = self._describe(database, target)
        if not yes:
            raise CommandError(f"Restoring replaces everything in {description} with the content of {path}. "
                               f"Stop Lotse first, then run the command again with --yes.")
        if vendor == "postgresql":
            self._pg_restore(database, path, target)
        else:
            self._sqlite_restore(database, path, target)
        self.stdout.write(self.style.SUCCESS(f"Restored {path} into {description}."))
        if target:
            self.stdout.write("Run 'manage.py audit_verify' against that database to check its audit trail.")
            return
        self._after_restore(database)

    @staticmethod
    def _describe(alias: str, target: str) -> str:
        """Names the database without its password."""
        settings_dict = connections[alias].settings_dict
        if connections[alias].vendor == "sqlite":
            return f"the SQLite database {target or settings_dict['NAME']}"
        if target.startswith(("postgres://", "postgresql://")):
            settings_dict = dj_database_url.parse(target)
        name = target if target and "://" not in target else settings_dict["NAME"]
        return f"the PostgreSQL database {name} on {settings_dict.get('HOST') or 'localhost'}"

    @staticmethod
    def _check_file(path: Path, vendor: str) -> None:
        try:
            with path.open("rb") as handle:
                head = handle.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise CommandError(f"{path} cannot be read: {exc.strerror}") from None
        expected = PG_MAGIC if vendor == "postgresql" else SQLITE_MAGIC
        if not head.startswith(expected):
            kind = ("a PostgreSQL backup (pg_dump custom format)" if vendor == "postgresql"
                    else "an SQLite backup")
            raise CommandError(f"{path} is not {kind}. Nothing was changed.")

    def _pg_restore(self, alias: str, path: Path, target: str) -> None:
        settings_dict = dict(connections[alias].settings_dict)
        if target.startswith(("postgres://", "postgresql://")):
            settings_dict = dj_database_url.parse(target)
        elif target:
            settings_dict["NAME"] = target
        env = libpq_environment(settings_dict)
        tool = pg_tool("pg_restore")
        # Reads the whole table of contents: a truncated or damaged file fails here, before any drop.
        run_pg_tool([tool, "--list", str(path)], env=env)
        connections[alias].close()
        run_pg_tool([tool, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
                     "--no-password", f"--dbname={settings_dict['NAME']}", str(path)], env=env)

    @staticmethod
    def _sqlite_restore(alias: str, path: Path, target: str) -> None:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            try:
                problems = source.execute("PRAGMA integrity_check").fetchall()
                tables = {row[0] for row in source.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
            except sqlite3.DatabaseError as exc:
                raise CommandError(f"{path} cannot be read as a database: {exc}. "
                                   f"Nothing was changed.") from None
            if problems != [("ok",)]:
                raise CommandError(f"{path} is damaged ({problems[0][0]}). Nothing was changed.")
            if "django_migrations" not in tables:
                raise CommandError(f"{path} is not a Lotse database. Nothing was changed.")
            if target:
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o600))
                destination = sqlite3.connect(target)
                try:
                    source.backup(destination)
                finally:
                    destination.close()
                return
            connection = connections[alias]
            connection.ensure_connection()
            if connection.in_atomic_block:
                raise CommandError("The database cannot be restored inside a transaction.")
            source.backup(connection.connection)
        finally:
            source.close()

    def _after_restore(self, alias: str) -> None:
        from lotse.audit.selectors import audit_chain_problem

        connection = connections[alias]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write(self.style.WARNING("The backup is older than this version of Lotse: "
                                                 "run 'manage.py migrate' now."))
            return
        problem = audit_chain_problem()
        if problem is not None:
            raise CommandError(f"Restored, but the audit trail of the backup is broken at entry {problem}.")
        self.stdout.write(self.style.SUCCESS("Audit trail of the restored database verified."))
