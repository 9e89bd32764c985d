"""A fingerprint of a database's whole content: one digest per table over all rows ordered by primary key."""

import hashlib
import json


def _order_columns(connection, cursor, table: str, columns: list[str]) -> list[str]:
    primary = connection.introspection.get_primary_key_columns(cursor, table) or []
    return primary or columns


def _normalised(value):
    if isinstance(value, memoryview):
        return bytes(value).hex()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return repr(value)


def table_digests(connection) -> dict[str, str]:
    """``{table: "rows:sha256"}`` for every table, plus PostgreSQL's sequence positions."""
    quote = connection.ops.quote_name
    digests = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
            order = ", ".join(quote(name) for name in _order_columns(connection, cursor, table, columns))
            cursor.execute(f"SELECT {', '.join(quote(name) for name in columns)} FROM {quote(table)} "
                           f"ORDER BY {order}")
            digest, count = hashlib.sha256(), 0
            for row in cursor.fetchall():
                digest.update("\x1f".join(_normalised(value) for value in row).encode() + b"\x1e")
                count += 1
            digests[table] = f"{count}:{digest.hexdigest()}"
        if connection.vendor == "postgresql":
            cursor.execute("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences "
                           "WHERE schemaname = 'public' ORDER BY 1")
            digests["(sequences)"] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return digests


def differing_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))


def postgres_digests(url: str) -> dict[str, str]:
    """The same fingerprint read straight from a PostgreSQL database (rows in PostgreSQL's text form)."""
    import psycopg
    from psycopg import sql

    digests = {}
    with psycopg.connect(url) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        for table in tables:
            primary = [row[0] for row in connection.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary "
                "ORDER BY array_position(i.indkey, a.attnum)", [f'public."{table}"'])]
            order = sql.SQL(", ").join([sql.Identifier("t", column) for column in primary] + [sql.SQL("t::text")])
            query = sql.SQL("SELECT t::text FROM {} AS t ORDER BY {}").format(sql.Identifier("public", table), order)
            digest, count = hashlib.sha256(), 0
            for (text,) in connection.execute(query):
                digest.update(text.encode() + b"\x1e")
                count += 1
            digests[table] = f"{count}:{digest.hexdigest()}"
        sequences = connection.execute("SELECT sequencename, last_value FROM pg_sequences "
                                       "WHERE schemaname = 'public' ORDER BY 1").fetchall()
        digests["(sequences)"] = hashlib.sha256(repr(sequences).encode()).hexdigest()
    return digests
