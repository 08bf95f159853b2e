"""Create the "Editors" group with the model permissions editors need in the admin."""

from django.db import migrations

from claimsite.editors import EDITORS_GROUP, create_permissions_now, ensure_editors_group


def create_editors_group(apps, schema_editor):
    create_permissions_now(apps, using=schema_editor.connection.alias)
    ensure_editors_group(apps, using=schema_editor.connection.alias)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("claims", "0001_initial"),
        ("evidence", "0001_initial"),
        ("mechanisms", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
