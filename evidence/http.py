"""The one HTTP client of the outside services the site asks (Crossref, OpenAlex).

`get(base_url, path, …)` answers with an `Answer` and never raises: no answer, a timeout, a
server error or a redirect to another host is an `error` in words, not an exception. It asks
once more when there was no usable answer (not after a redirect to another host, which asking
again would only repeat), follows redirects only within the service's own host (an answer
from anywhere else is not the service's, and its body must never reach a reader), identifies
the site in its User-Agent, and adds `mailto` for the services' "polite pool".
Standard library only: these rules are the point, and a client library would wrap them.
"""

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    error: str = ""
    final: bool = False  # an error that asking again would only repeat


def user_agent(mailto: str = "") -> str:
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"EvidenceClaims/1.0 (Evidence Claims, evidence-based claim pages{contact})"


def get(base_url: str, path: str, *, timeout: float, mailto: str = "", body_max: int) -> Answer:
    """GET `base_url` + `path`, asking once more when there was no usable answer."""
    answer = _get_once(base_url, path, timeout=timeout, mailto=mailto, body_max=body_max)
    if answer.error and not answer.final:
        answer = _get_once(base_url, path, timeout=timeout, mailto=mailto, body_max=body_max)
    return answer


class _OtherHost(Exception):
    pass


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if _origin(newurl) != _origin(req.full_url):
            raise _OtherHost
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_SameHostRedirects)


def _get_once(base_url: str, path: str, *, timeout: float, mailto: str, body_max: int) -> Answer:
    url = base_url.rstrip("/") + path
    if mailto:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode({"mailto": mailto})
    # The URL is ours (a setting checked to be http(s) at start-up), never a user's.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"User-Agent": user_agent(mailto), "Accept": "application/json"}
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            return Answer(status=response.status, body=response.read(body_max))
    except _OtherHost:
        return Answer(status=0, error="it redirected to another host", final=True)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return Answer(status=404)
        return Answer(status=error.code, error=f"it answered HTTP {error.code}")
    except TimeoutError:
        return Answer(status=0, error=f"no answer within {timeout:g} seconds")
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return Answer(status=0, error=f"no answer within {timeout:g} seconds")
        return Answer(status=0, error=f"{error.reason}")
    except (OSError, ValueError) as error:
        return Answer(status=0, error=str(error) or error.__class__.__name__)
