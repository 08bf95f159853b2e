"""Database routing: one rule, that the full-text indexes live only in the database that
searches them, and are never dumped or loaded."""

from django.db import connections

# Derived from the claim listings at publish time (and by `rebuild_listings` or a restore):
# no data of their own. SQLite's FTS5 table (`claims.SearchEntry`, created by a migration of
# its own) and PostgreSQL's narrow tsvector table (`claims.SearchDocument`).
FULL_TEXT_INDEXES = {"searchentry": "sqlite", "searchdocument": "postgresql"}


def is_full_text_index(model) -> bool:
    """Whether `model` is one of the full-text indexes: what a backup leaves out."""
    return model._meta.app_label == "claims" and model._meta.model_name in FULL_TEXT_INDEXES


class DerivedIndexRouter:
    """`SearchEntry` is never migrated (its migration creates the FTS5 table by hand), so
    dumpdata leaves it out everywhere. `SearchDocument` is migrated, and flushed, only on
    PostgreSQL; a backup leaves it out there (claims/backups.py) and a restore writes it again."""

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label != "claims" or model_name not in FULL_TEXT_INDEXES:
            return None
        if model_name == "searchentry":
            return False
        return connections[db].vendor == FULL_TEXT_INDEXES[model_name]
