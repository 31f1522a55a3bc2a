"""Trigram index on PostgreSQL for the accent-folded search of feedback (staff queue and the
public page: ``LIKE '%word%'``). Nothing to do on SQLite."""

from django.db import migrations

INDEX = "feedback_feedback_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON feedback_feedback "
                          "USING gin (search_text gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial"), ("procedures", "0002_search_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
