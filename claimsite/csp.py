"""Content-Security-Policy on every response.

A small middleware of our own rather than django-csp: the policy is one fixed string, the site
has no inline script or style to allow (so no nonces, the main thing django-csp adds), and one
constant is easier to read and review than another dependency with its own settings format.
"""

# Only files from the site itself: the site's CSS, htmx and the admin's own scripts and styles
# are all served from /static/. Nothing inline, nothing evaluated, no plugins, no <base>, not
# framed, forms post only here.
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

HEADER = "; ".join(f"{directive} {sources}" for directive, sources in POLICY.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", HEADER)
        return response
