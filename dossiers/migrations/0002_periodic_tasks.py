"""Schedule the dossier sweeps in the database (django-celery-beat), editable by operators."""

from django.db import migrations

from portal.ops import beat_schedules
from portal.ops.beat_schedules import Every

TASKS = [
    Every("Đóng hồ sơ quá hạn bổ sung", "dossiers.close_overdue_incomplete", minutes=15),
]


def forwards(apps, schema_editor):
    beat_schedules.create(apps, TASKS)


def backwards(apps, schema_editor):
    beat_schedules.delete(apps, TASKS)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
