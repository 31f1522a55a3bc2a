"""Schedule the notification retries and the deadline timers in the database
(django-celery-beat), editable by operators in the admin."""

from django.db import migrations

TASKS = [
    # (name, task, every minutes)
    ("Gửi lại thông báo đến hạn", "notifications.send_due", 1),
    ("Cảnh báo hạn xử lý và quá hạn", "dossiers.sweep_deadlines", 5),
]


def forwards(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minutes in TASKS:
        every, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": every})


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[t for _, t, _ in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
