"""Schedule the operations tasks in the database (django-celery-beat), editable by operators:
the worker heartbeat every minute, the backup every night, the digest every morning."""

from django.db import migrations

from portal.ops import beat_schedules
from portal.ops.beat_schedules import Cron, Every

TASKS = [
    Every("Nhịp tim tiến trình nền", "ops.heartbeat", minutes=1),
    # crontabs in the project's time zone
    Cron("Sao lưu dữ liệu hằng ngày", "ops.backup", minute="30", hour="1"),
    Cron("Thư tổng hợp vận hành hằng ngày", "ops.daily_digest", minute="0", hour="7"),
]


def forwards(apps, schema_editor):
    beat_schedules.create(apps, TASKS)


def backwards(apps, schema_editor):
    beat_schedules.delete(apps, TASKS)


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
