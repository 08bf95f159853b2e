"""Views of the server itself rather than of the product: health and the benchmark baseline."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not: for a load balancer or a monitor.

    Touches neither the session nor the user, so a probe every few seconds costs one query.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check failed: the database is unreachable: %s", error)
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def bench_ok(request):
    """The cheapest Django response there is: what `make bench` compares each page with."""
    return HttpResponse("ok")
