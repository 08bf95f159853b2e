"""Let editors publish analysis versions and read published ones."""

from django.db import migrations

from claimsite.editors import create_permissions_now, ensure_editors_group


def grant(apps, schema_editor):
    create_permissions_now(apps, using=schema_editor.connection.alias)
    ensure_editors_group(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_analysis_versions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
