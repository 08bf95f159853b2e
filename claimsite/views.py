"""Views of the server itself rather than of the product: health and the benchmark baseline."""

import logging

from django.core.cache import cache
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
    """Each dependency's state, one per line; 503 only when the database does not answer.

    The cache is only a shortcut (everything in it can be had from the database), so a
    cache that is down is reported but keeps the server in service. Touches neither the
    session nor the user, so a probe every few seconds costs one query and one cache ping.
    """
    database = _database_answers()
    body = f"database: {'ok' if database else 'unreachable'}\ncache: {_cache_state()}\n"
    return HttpResponse(body, status=200 if database else 503, content_type="text/plain")


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check failed: the database is unreachable: %s", error)
        return False
    return True


def _cache_state() -> str:
    reachable = getattr(cache, "reachable", None)
    if reachable is None:
        return "ok (in this process)"
    return "ok" if reachable() else "unreachable (pages are served from the database)"


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's page has an inline <style> the CSP blocks; ours is styled
    by the site's stylesheet and says what to do."""
    context = {"no_cookie": reason == REASON_NO_CSRF_COOKIE}
    return HttpResponseForbidden(render_to_string("403_csrf.html", context, request=request))


def bench_ok(request):
    """The cheapest Django response there is: what `make bench` compares each page with."""
    return HttpResponse("ok")
