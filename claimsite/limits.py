"""The models' length limits, enforced on write by SQLite as PostgreSQL does.

SQLite stores a string of any length in a `varchar(100)` column; PostgreSQL refuses it. A site
that runs on SQLite would then hold rows it cannot move to PostgreSQL (a 154-character notice
source). Refusing the same writes on SQLite keeps both databases holding the same data.
"""

from django.db import DataError, connections
from django.db.models import CharField


def refuse_values_beyond_limits(sender, instance, using, **kwargs):
    """pre_save: raise DataError, as PostgreSQL would, for text longer than its column."""
    if connections[using].vendor == "postgresql":
        return  # the database refuses them itself
    for field in sender._meta.local_concrete_fields:
        limit = getattr(field, "max_length", None)
        if not (limit and isinstance(field, CharField)):
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str) and len(value) > limit:
            raise DataError(
                f"value too long for {sender._meta.db_table}.{field.column}: "
                f"{len(value)} characters, at most {limit}"
            )
