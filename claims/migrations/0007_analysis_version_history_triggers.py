"""Make the database itself refuse UPDATE and DELETE of published analysis versions."""

from django.db import migrations


def create_triggers(apps, schema_editor):
    from claims.immutable_history import create_triggers

    create_triggers(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from claims.immutable_history import drop_triggers

    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0006_certainty_fields"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
