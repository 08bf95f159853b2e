"""Views of the server itself rather than of the product: health and the benchmark baseline."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseForbidden
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.template.loader import render_to_string
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


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's page has an inline <style> the CSP blocks; ours is styled
    by the site's stylesheet and says what to do."""
    context = {"no_cookie": reason == REASON_NO_CSRF_COOKIE}
    return HttpResponseForbidden(render_to_string("403_csrf.html", context, request=request))


def bench_ok(request):
    """The cheapest Django response there is: what `make bench` compares each page with."""
    return HttpResponse("ok")
