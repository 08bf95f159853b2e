"""Make the database also refuse SQLite's REPLACE and PostgreSQL's TRUNCATE of versions."""

from django.db import migrations


def create_triggers(apps, schema_editor):
    from claims.immutable_history import create_triggers

    create_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0015_markdown_fields_refuse_pathological_text"),
    ]

    operations = [
        migrations.RunPython(create_triggers, migrations.RunPython.noop, elidable=False),
    ]
