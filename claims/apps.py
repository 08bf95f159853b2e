from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate, pre_save


def _restore_editors_group(sender, using, apps=global_apps, **kwargs):
    # A database flush (as between transactional tests) empties the tables the data
    # migrations filled. Auth re-creates permissions app by app as this signal goes round;
    # apps after this one have not had their turn yet, so create them all before the group.
    from django.contrib.auth.management import create_permissions

    from claimsite.editors import ensure_editors_group

    if apps.is_installed("django.contrib.auth"):
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
        ensure_editors_group(apps, using=using)


class ClaimsConfig(AppConfig):
    name = "claims"

    def ready(self):
        from claims import caching, immutable_history
        from claimsite.limits import refuse_values_beyond_limits

        pre_save.connect(refuse_values_beyond_limits, dispatch_uid="claimsite_length_limits")
        post_migrate.connect(_restore_editors_group, sender=self)
        caching.connect_stamp_writers()
        post_migrate.connect(immutable_history.repair_triggers, sender=self)
        pre_save.connect(
            immutable_history.refuse_fixture_overwrite,
            sender="claims.AnalysisVersion",
            dispatch_uid="claims_refuse_fixture_overwrite",
        )
