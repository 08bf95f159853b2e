"""CORS for the read-only API (any site may read it; no credentials are used), HEAD answered
like GET, and its answers in JSON even when a middleware refused the request before any view."""

import json

from django.http import HttpResponse

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
}


class OpenReadAPIMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        if request.method == "OPTIONS":
            # A browser's preflight, e.g. for a script that sends If-None-Match itself.
            response = HttpResponse(status=204)
            response["Access-Control-Max-Age"] = "86400"
        elif request.method == "HEAD":
            # The same answer as GET (its headers, its ETag), without the body.
            request.method = "GET"
            response = self.get_response(request)
            request.method = "HEAD"
            response.content = b""
        else:
            response = self.get_response(request)
        if response.status_code >= 400 and response["Content-Type"].startswith("text/plain"):
            response = HttpResponse(
                json.dumps({"detail": response.content.decode()}),
                status=response.status_code,
                content_type="application/json",
            )
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response
