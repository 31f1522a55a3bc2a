"""Schedule the DVCQG sync in the database (django-celery-beat), editable by operators."""

from django.db import migrations

TASKS = [
    # (name, task, every minutes)
    ("Gửi hồ sơ lên Cổng DVCQG (outbox)", "dvcqg.send_outbox", 1),
    ("Nhận hồ sơ nộp trên Cổng DVCQG", "dvcqg.fetch_portal_dossiers", 5),
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
        ("dvcqg", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
