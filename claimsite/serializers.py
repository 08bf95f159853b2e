"""JSON for fixtures and exports that keeps every value exact.

Django's JSON encoder writes datetimes the way JavaScript does, to the millisecond, so
`dumpdata` → `loaddata` silently moved every timestamp (History pages differed after a
restore). This encoder keeps the microseconds; everything else is Django's. It is installed
as the "json" format (SERIALIZATION_MODULES), so dumpdata and loaddata use it too.
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.timezone import is_aware


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            if is_aware(o):
                raise ValueError("JSON can't represent timezone-aware times.")
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactJSONEncoder)
        super()._init_options()


Deserializer = django_json.Deserializer
