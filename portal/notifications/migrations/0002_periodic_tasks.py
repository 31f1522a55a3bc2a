"""Schedule the notification retries and the deadline timers in the database
(django-celery-beat), editable by operators in the admin."""

from django.db import migrations

from portal.ops import beat_schedules
from portal.ops.beat_schedules import Every

TASKS = [
    Every("Gửi lại thông báo đến hạn", "notifications.send_due", minutes=1),
    Every("Cảnh báo hạn xử lý và quá hạn", "dossiers.sweep_deadlines", minutes=5),
]


def forwards(apps, schema_editor):
    beat_schedules.create(apps, TASKS)


def backwards(apps, schema_editor):
    beat_schedules.delete(apps, TASKS)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
