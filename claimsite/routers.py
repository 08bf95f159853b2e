"""Database routing: one rule, that the SQLite full-text index is never dumped or loaded."""


class DerivedIndexRouter:
    """`claims.SearchEntry` maps SQLite's FTS5 table, written from the claim listings at
    publish time (and by `rebuild_listings` or a restore). It is no data of its own: dumpdata
    leaves it out, on PostgreSQL (where the table does not exist) as on SQLite."""

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == "claims" and model_name == "searchentry":
            return False
        return None
