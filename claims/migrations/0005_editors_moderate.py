"""Let editors moderate community submissions."""

from django.db import migrations

from claimsite.editors import create_permissions_now, ensure_editors_group


def grant(apps, schema_editor):
    create_permissions_now(apps, using=schema_editor.connection.alias)
    ensure_editors_group(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_editors_publish"),
        ("evidence", "0002_evidence_submitted_by_alter_study_authors_submission"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
