"""The pages gunicorn answers itself, before or after Django (a malformed request line, headers
too large, an application that failed): with the same security headers as every page of the
site, and a page of ours rather than gunicorn's, which echoes what the client sent.

`claimsite/gunicorn.py` installs `write_error` in place of gunicorn's own when the server
starts. Pure: the headers come from the same settings Django's SecurityMiddleware reads.
"""

import html
import os

from claimsite.csp import HEADER as CSP

REASONS = {
    400: "Bad Request",
    403: "Forbidden",
    414: "URI Too Long",
    417: "Expectation Failed",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
}
MESSAGES = {
    500: "Something went wrong on our side. Please try again in a moment.",
    501: "The server does not support what the request asks for.",
}
DEFAULT_MESSAGE = "The request could not be read, so the server did not pass it on to the site."


def security_headers() -> list[tuple[str, str]]:
    """What Django's SecurityMiddleware, XFrameOptionsMiddleware and the site's CSP middleware
    put on every response."""
    headers = [
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cache-Control", "no-store"),
    ]
    try:
        from django.conf import settings

        hsts = settings.SECURE_HSTS_SECONDS
        subdomains = settings.SECURE_HSTS_INCLUDE_SUBDOMAINS
        preload = settings.SECURE_HSTS_PRELOAD
    except Exception:  # Django not set up in this process (the master): from the environment
        hsts = int(os.environ.get("SECURE_HSTS_SECONDS", "0") or 0)
        subdomains = preload = False
    if hsts:
        value = f"max-age={hsts}"
        value += "; includeSubDomains" if subdomains else ""
        value += "; preload" if preload else ""
        headers.append(("Strict-Transport-Security", value))
    return headers


def error_response(status: int) -> bytes:
    """The whole HTTP response for `status`, headers and page; nothing from the request."""
    reason = REASONS.get(status, "Error")
    message = MESSAGES.get(status, DEFAULT_MESSAGE)
    page = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{status} {html.escape(reason)} · Evidence Claims</title>\n</head>\n<body>\n"
        f"<h1>{status} {html.escape(reason)}</h1>\n<p>{html.escape(message)}</p>\n"
        '<p><a href="/">Evidence Claims home</a></p>\n</body>\n</html>\n'
    ).encode()
    head = [
        f"HTTP/1.1 {status} {reason}",
        "Connection: close",
        "Content-Type: text/html; charset=utf-8",
        f"Content-Length: {len(page)}",
        *(f"{name}: {value}" for name, value in security_headers()),
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + page


def write_error(sock, status_int, reason, mesg):
    """gunicorn's `util.write_error`, answering with our page (its `mesg` echoes the client)."""
    from gunicorn import util

    util.write_nonblock(sock, error_response(int(status_int)))
