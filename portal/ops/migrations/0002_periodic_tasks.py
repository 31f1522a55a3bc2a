"""Schedule the operations tasks in the database (django-celery-beat), editable by operators:
the worker heartbeat every minute, the backup every night, the digest every morning."""

from django.db import migrations

INTERVALS = [
    # (name, task, every minutes)
    ("Nhịp tim tiến trình nền", "ops.heartbeat", 1),
]
CRONS = [
    # (name, task, minute, hour) in the project's time zone
    ("Sao lưu dữ liệu hằng ngày", "ops.backup", "30", "1"),
    ("Thư tổng hợp vận hành hằng ngày", "ops.daily_digest", "0", "7"),
]


def forwards(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minutes in INTERVALS:
        every, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": every})
    for name, task, minute, hour in CRONS:
        cron, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="Asia/Ho_Chi_Minh")
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": cron})


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(
        task__in=[t for _, t, _ in INTERVALS] + [t for _, t, _, _ in CRONS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
