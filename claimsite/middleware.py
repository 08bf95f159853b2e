"""Requests the site refuses before any view (or database) sees them."""

import re

from django.http import HttpResponseBadRequest

# NUL cannot be stored in PostgreSQL text, and no other control character belongs in a URL.
# Form fields may hold tab and line breaks (textareas send \r\n), but nothing else below 0x20.
_IN_URL = re.compile(r"[\x00-\x1f\x7f]")
_IN_FORM = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseControlCharactersMiddleware:
    """Answer 400 to a path, query string or form field holding NUL or another control
    character, on every database alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = self._control_character_in(request)
        if where:
            return HttpResponseBadRequest(
                f"The {where} contains a control character (such as NUL), which no page of "
                "this site accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    def _control_character_in(self, request) -> str | None:
        if _IN_URL.search(request.path_info):
            return "address"
        if _any(request.GET, _IN_URL):
            return "query string"
        is_form = request.method == "POST" and request.content_type in _FORM_TYPES
        if is_form and _any(request.POST, _IN_FORM):
            return "form"
        return None


def _any(data, pattern) -> bool:
    return any(
        pattern.search(key) or any(pattern.search(value) for value in data.getlist(key))
        for key in data
    )
