"""Requests the site refuses before any view (or database) sees them.

Two steps, so that nothing reads a request's body before it has to:

- `RefuseBadRequestsMiddleware`, early, looks at what costs nothing to look at: the path and
  query string (no control characters), and for a form its declared charset (UTF-8 only) and
  its size (at most `DATA_UPLOAD_MAX_MEMORY_SIZE`, known from `Content-Length` before a byte
  of it is read).
- `RefuseControlCharactersInFormsMiddleware`, after `CsrfViewMiddleware`, reads form fields
  only in `process_view`, so a request the CSRF check refuses is never parsed by us, and
  refuses a field holding a control character.

No page of the site takes a file, so uploads are never stored, in memory or on disk
(`claimsite/uploads.py`).
"""

import re

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError

# NUL cannot be stored in PostgreSQL text, and no other control character belongs in a URL.
# Form fields may hold tab and line breaks (textareas send \r\n), but nothing else below 0x20.
_IN_URL = re.compile(r"[\x00-\x1f\x7f]")
_IN_FORM = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_UTF8 = {"utf-8"}  # as Django reads urlencoded forms: "UTF8" is refused there too


def _refusal(text: str, status: int = 400) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _control_character(where: str) -> HttpResponse:
    return _refusal(
        f"The {where} contains a control character (such as NUL), which no page of this site "
        "accepts."
    )


class RefuseBadRequestsMiddleware:
    """Answer 400 to a path or query string holding NUL or another control character, or a
    form in another charset than UTF-8; 413 to a body larger than any page accepts. Reads no
    body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._refusal(request) or self.get_response(request)

    def _refusal(self, request) -> HttpResponse | None:
        if _IN_URL.search(request.path_info):
            return _control_character("address")
        if _any(request.GET, _IN_URL):
            return _control_character("query string")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and _content_length(request) > limit:
            return _refusal(
                f"The request is larger than any page of this site accepts ({limit:,} bytes).",
                status=413,
            )
        if request.content_type in _FORM_TYPES:
            charset = request.content_params.get("charset")
            if charset is not None and charset.strip().lower() not in _UTF8:
                return _refusal("Forms must be sent as UTF-8, the charset every page declares.")
        return None


class RefuseControlCharactersInFormsMiddleware:
    """Answer 400 to a form field holding NUL or another control character, or to a form that
    cannot be read at all; only once the CSRF check has let the request through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.content_type not in _FORM_TYPES:
            return None
        try:
            data = request.POST
        except (BadRequest, MultiPartParserError, LookupError, UnicodeError, ValueError):
            return HttpResponseBadRequest(
                "The form could not be read: send it as UTF-8 form data.",
                content_type="text/plain; charset=utf-8",
            )
        if _any(data, _IN_FORM):
            return _control_character("form")
        return None


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _any(data, pattern) -> bool:
    return any(
        pattern.search(key) or any(pattern.search(value) for value in data.getlist(key))
        for key in data
    )
