from django.urls import URLPattern, include, path

from api.views import CACHED, api, cached


def _cached_ahead(pattern):
    """django-ninja's view for `pattern`, answered from the cache like a reader's page when it
    is one of CACHED (api/views.py)."""
    if not isinstance(pattern, URLPattern) or pattern.name not in CACHED:
        return pattern
    stamp_for, allowed = CACHED[pattern.name]
    view = cached(stamp_for, allowed=allowed)(pattern.callback)
    return URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)


_patterns, _app_name, _namespace = api.urls
urlpatterns = [
    path(
        "api/v1/",
        include(([_cached_ahead(p) for p in _patterns], _app_name), namespace=_namespace),
    )
]
