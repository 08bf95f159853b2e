"""CORS for the read-only API (any site may read it with GET; no credentials are used), and
its answers in JSON even when a middleware refused the request before any view."""

import json

from django.http import HttpResponse


class OpenReadAPIMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/"):
            return response
        if response.status_code >= 400 and response["Content-Type"].startswith("text/plain"):
            response = HttpResponse(
                json.dumps({"detail": response.content.decode()}),
                status=response.status_code,
                content_type="application/json",
            )
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        return response
