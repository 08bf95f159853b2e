"""CORS for the read-only API: any site may read it with GET (no credentials are used)."""


class OpenReadAPIMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        return response
