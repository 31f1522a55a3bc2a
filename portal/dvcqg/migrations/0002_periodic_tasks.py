"""Schedule the DVCQG sync in the database (django-celery-beat), editable by operators."""

from django.db import migrations

from portal.ops import beat_schedules
from portal.ops.beat_schedules import Every

TASKS = [
    Every("Gửi hồ sơ lên Cổng DVCQG (outbox)", "dvcqg.send_outbox", minutes=1),
    Every("Nhận hồ sơ nộp trên Cổng DVCQG", "dvcqg.fetch_portal_dossiers", minutes=5),
]


def forwards(apps, schema_editor):
    beat_schedules.create(apps, TASKS)


def backwards(apps, schema_editor):
    beat_schedules.delete(apps, TASKS)


class Migration(migrations.Migration):
    dependencies = [
        ("dvcqg", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
