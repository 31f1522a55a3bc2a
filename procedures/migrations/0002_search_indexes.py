"""Trigram search on PostgreSQL: the pg_trgm extension and a GIN index on the folded search
text, used by ``LIKE '%word%'`` matches and the similarity ranking of the public catalogue.
Nothing to do on SQLite, where the catalogue searches the same column without ranking."""

from django.db import migrations

INDEX = "procedures_procedure_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON procedures_procedure "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute("DROP EXTENSION IF EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
