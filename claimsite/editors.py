"""Editors: staff who curate claims, studies and mechanisms, publish and moderate.

`is_editor(user)` is the one answer to "is this person an editor?", for views, the context
processor (templates get it as `is_editor`) and anything else that asks.
"""

from django.contrib.auth.management import create_permissions

EDITORS_GROUP = "Editors"
# What the Editors group grants and every editor-only page needs: curating claims and
# moderating submissions. A superuser has them all.
EDITOR_PERMISSIONS = ("claims.change_claim", "evidence.moderate_submission")
EDITOR_MODELS = {
    "claims": ["claim", "topic"],
    "evidence": ["study", "evidence", "goldstandarddesign"],
    "mechanisms": ["mechanism", "causalstep"],
}
ACTIONS = ["add", "change", "delete", "view"]
# Published versions are read-only for everyone; editors publish new ones.
EXTRA_PERMISSIONS = {
    "claims": ["view_analysisversion", "publish_claim"],
    "evidence": ["view_submission", "moderate_submission"],
}


def is_editor(user) -> bool:
    """Whether `user` is an editor: active, staff, and holding the editors' permissions."""
    return bool(
        user is not None and user.is_active and user.is_staff and user.has_perms(EDITOR_PERMISSIONS)
    )


def create_permissions_now(apps, using="default"):
    """In a migration, permissions do not exist yet (Django creates them after all
    migrations have run): create them from the migration's historical registry."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None


def ensure_editors_group(apps, using="default"):
    """Create the group and grant its permissions; safe to run again."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    wanted = {
        (app_label, f"{action}_{model}")
        for app_label, models in EDITOR_MODELS.items()
        for model in models
        for action in ACTIONS
    } | {
        (app_label, codename)
        for app_label, names in EXTRA_PERMISSIONS.items()
        for codename in names
    }
    permissions = [
        permission
        for permission in Permission.objects.using(using)
        .filter(content_type__app_label__in=EDITOR_MODELS)
        .select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    group.permissions.add(*permissions)
    return group
