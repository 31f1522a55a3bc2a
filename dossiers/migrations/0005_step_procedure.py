"""Copy each step's procedure onto the step (the processing queue filters and counts by
procedure from the open-step indexes, without joining the dossiers)."""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = {
    # one UPDATE … FROM (a hash join) on PostgreSQL; a correlated sub-select elsewhere
    "postgresql": ("UPDATE dossiers_dossierstep AS s SET procedure_id = d.procedure_id "
                   "FROM dossiers_dossier AS d WHERE d.id = s.dossier_id"),
    "default": ("UPDATE dossiers_dossierstep SET procedure_id = (SELECT d.procedure_id FROM "
                "dossiers_dossier AS d WHERE d.id = dossiers_dossierstep.dossier_id)"),
}


def backfill(apps, schema_editor):
    sql = BACKFILL.get(schema_editor.connection.vendor, BACKFILL["default"])
    schema_editor.execute(sql)


def vacuum_often(apps, schema_editor):
    """The queue counts open steps from its indexes alone only where the visibility map says
    the table page is unchanged since the last vacuum; steps change all day, so PostgreSQL
    vacuums this table after 1 % of its rows changed instead of the default 20 %."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE dossiers_dossierstep SET (autovacuum_vacuum_scale_factor = 0.01, "
            "autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02)")


def vacuum_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE dossiers_dossierstep RESET (autovacuum_vacuum_scale_factor, "
            "autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor)")


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0004_step_clock_stopped'),
        ('procedures', '0002_search_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='dossierstep',
            name='procedure',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='+', to='procedures.procedure',
                                    verbose_name='procedure'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='dossierstep',
            name='procedure',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name='+', to='procedures.procedure',
                                    verbose_name='procedure'),
        ),
        migrations.RemoveIndex(model_name='dossierstep', name='open_step_assignee_idx'),
        migrations.RemoveIndex(model_name='dossierstep', name='open_step_agency_idx'),
        migrations.AddIndex(
            model_name='dossierstep',
            index=models.Index(condition=models.Q(('finished_at__isnull', True)),
                               fields=['assignee', 'due_at', 'id'],
                               include=('agency', 'clock_stopped', 'procedure'),
                               name='open_step_assignee_idx'),
        ),
        migrations.AddIndex(
            model_name='dossierstep',
            index=models.Index(condition=models.Q(('finished_at__isnull', True)),
                               fields=['agency', 'due_at', 'id'],
                               include=('assignee', 'unit', 'clock_stopped', 'procedure'),
                               name='open_step_agency_idx'),
        ),
        migrations.AddIndex(
            model_name='dossierstep',
            index=models.Index(condition=models.Q(('assignee__isnull', True),
                                                  ('finished_at__isnull', True)),
                               fields=['agency', 'due_at', 'id'],
                               include=('assignee', 'unit', 'clock_stopped', 'procedure'),
                               name='open_unassigned_step_idx'),
        ),
        migrations.AddIndex(
            model_name='dossierstep',
            index=models.Index(condition=models.Q(('finished_at__isnull', True)),
                               fields=['procedure', 'due_at', 'id'],
                               include=('agency', 'assignee', 'unit', 'clock_stopped'),
                               name='open_step_procedure_idx'),
        ),
        migrations.RunPython(vacuum_often, vacuum_default),
    ]
