"""Trigram indexes for the directory search on PostgreSQL (SQLite has no equivalent;
there the search scans, which is fine at the sizes SQLite is used for)."""

from django.db import migrations

INDEXES = [
    ("members_membership", "search_text", "member_search_trgm"),
    ("members_enterprise", "search_text", "enterprise_search_trgm"),
    ("members_person", "search_text", "person_search_trgm"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column, name in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, _column, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
