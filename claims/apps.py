from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def _restore_editors_group(sender, using, apps=global_apps, **kwargs):
    # A database flush (as between transactional tests) empties the table the data
    # migration filled; auth's own post_migrate handler, which runs before this one,
    # re-creates the permissions, and this re-creates the group.
    from claims.editors import ensure_editors_group

    if apps.is_installed("django.contrib.auth"):
        ensure_editors_group(apps, using=using)


class ClaimsConfig(AppConfig):
    name = "claims"

    def ready(self):
        post_migrate.connect(_restore_editors_group, sender=self)
