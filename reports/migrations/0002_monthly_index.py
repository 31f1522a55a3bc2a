"""Schedule the monthly 766 computation (django-celery-beat, 1st of each month, 02:00 local),
editable by operators."""

from django.db import migrations

from portal.ops import beat_schedules
from portal.ops.beat_schedules import Cron

TASKS = [Cron("Tính Bộ chỉ số 766 hằng tháng", "reports.compute_last_periods", minute="0",
              hour="2", day_of_month="1")]


def forwards(apps, schema_editor):
    beat_schedules.create(apps, TASKS)


def backwards(apps, schema_editor):
    beat_schedules.delete(apps, TASKS)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_index766"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
