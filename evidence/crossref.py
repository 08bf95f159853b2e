"""Crossref: the only code on the site that talks to api.crossref.org.

`lookup(doi)` fetches `GET {CROSSREF_API_URL}/works/{doi}` and answers with one result per
outcome — `Found` (with the study's facts as a `Work`), `NotFound`, `Unreachable` (no answer,
a timeout or a server error) or `Malformed` (an answer that is not Crossref's JSON). It never
raises: a page that asks Crossref must still render when Crossref is down.

Found works are cached for a day and not-found DOIs for an hour (Django's cache), so a member
typing a DOI twice, or a cron job re-run, does not ask Crossref again.
"""

import hashlib
import html
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field, replace
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.utils.html import strip_tags

FOUND_CACHE_SECONDS = 24 * 60 * 60
NOT_FOUND_CACHE_SECONDS = 60 * 60
# After Crossref failed to answer, pages stop asking for a minute: a moderation queue of ten
# new DOIs must not wait ten timeouts while Crossref is down.
DOWN_KEY = "crossref:down"
DOWN_SECONDS = 60

# Crossref's own length limits are far above ours; cut to what the Study fields hold.
TITLE_MAX, AUTHORS_MAX, JOURNAL_MAX, SHORT_MAX = 500, 1000, 300, 30


@dataclass(frozen=True)
class NoticeFacts:
    """One notice Crossref records against a work: a retraction, correction, …"""

    kind: str  # Crossref's update type: "retraction", "expression_of_concern", …
    doi: str  # the notice's own DOI ("" when the source gives none)
    source: str  # "publisher", "retraction-watch", …
    date: date | None
    label: str = ""


@dataclass(frozen=True)
class Work:
    """The study facts Crossref has for a DOI, mapped to the Study's fields."""

    doi: str
    title: str = ""
    authors: str = ""
    journal: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    type: str = ""
    notices: tuple[NoticeFacts, ...] = ()

    def facts(self) -> dict:
        """The bibliographic facts a Study or a submission can take as they are."""
        return {
            "title": self.title,
            "authors": self.authors,
            "journal": self.journal,
            "year": self.year,
            "volume": self.volume,
            "issue": self.issue,
            "pages": self.pages,
        }


@dataclass(frozen=True)
class Found:
    work: Work
    ok = True
    message = ""


@dataclass(frozen=True)
class NotFound:
    doi: str
    ok = False

    @property
    def message(self):
        return "Crossref does not know this DOI."


@dataclass(frozen=True)
class Unreachable:
    reason: str
    ok = False

    @property
    def message(self):
        return f"Crossref could not be reached ({self.reason})."


@dataclass(frozen=True)
class Malformed:
    reason: str
    ok = False

    @property
    def message(self):
        return f"Crossref's answer could not be read ({self.reason})."


Result = Found | NotFound | Unreachable | Malformed


@dataclass
class _Answer:
    status: int
    body: bytes = b""
    error: str = ""
    headers: dict = field(default_factory=dict)


def lookup(doi: str, *, use_cache: bool = True) -> Result:
    """What Crossref says about `doi` (already normalised). Never raises."""
    key = _cache_key(doi)
    if use_cache:
        cached = cache.get(key)
        if cached is not None:
            return cached
        down = cache.get(DOWN_KEY)
        if down is not None:
            return down
    result = _fetch_work(doi)
    if isinstance(result, Found):
        cache.set(key, result, FOUND_CACHE_SECONDS)
    elif isinstance(result, NotFound):
        cache.set(key, result, NOT_FOUND_CACHE_SECONDS)
    elif isinstance(result, Unreachable):
        cache.set(DOWN_KEY, result, DOWN_SECONDS)
    return result


def _cache_key(doi: str) -> str:
    # A DOI may hold any printable character; memcached-safe keys are short and plain.
    return "crossref:work:" + hashlib.sha256(doi.encode()).hexdigest()


def _fetch_work(doi: str) -> Result:
    answer = _get(f"/works/{urllib.parse.quote(doi, safe='')}")
    if answer.error:
        return Unreachable(answer.error)
    if answer.status == 404:
        return NotFound(doi)
    message = _message(answer)
    if isinstance(message, Malformed):
        return message
    try:
        work = work_from_crossref(message, doi=doi)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as error:
        return Malformed(f"unexpected work record: {error}")
    if not work.notices:
        # Not every notice is linked from the work itself: a publisher may deposit the
        # retraction notice with `update-to` pointing at the original DOI only.
        notices = _notices_pointing_at(doi)
        if notices:
            work = replace(work, notices=notices)
    return Found(work)


def _notices_pointing_at(doi: str) -> tuple[NoticeFacts, ...]:
    query = urllib.parse.urlencode({"filter": f"updates:{doi}", "rows": 20})
    answer = _get(f"/works?{query}")
    if answer.error or answer.status != 200:
        return ()
    message = _message(answer)
    if isinstance(message, Malformed) or not isinstance(message, dict):
        return ()
    notices = []
    for item in message.get("items") or []:
        if not isinstance(item, dict):
            continue
        for update in item.get("update-to") or []:
            if isinstance(update, dict) and str(update.get("DOI", "")).lower() == doi:
                notices.append(_notice(update, notice_doi=str(item.get("DOI", ""))))
    return _unique(notices)


def _get(path: str) -> _Answer:
    """GET a Crossref API path, retrying once when there was no usable answer."""
    answer = _get_once(path)
    if answer.error:
        answer = _get_once(path)
    return answer


def _get_once(path: str) -> _Answer:
    url = settings.CROSSREF_API_URL.rstrip("/") + path
    if settings.CROSSREF_MAILTO:
        # Crossref's "polite pool": identified clients get steadier service.
        joiner = "&" if "?" in url else "?"
        url += joiner + urllib.parse.urlencode({"mailto": settings.CROSSREF_MAILTO})
    # The URL is ours (a setting checked to be http(s) at start-up), never a user's.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"User-Agent": user_agent(), "Accept": "application/json"}
    )
    timeout = settings.CROSSREF_TIMEOUT
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return _Answer(status=response.status, body=response.read(2_000_000))
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return _Answer(status=404)
        return _Answer(status=error.code, error=f"it answered HTTP {error.code}")
    except TimeoutError:
        return _Answer(status=0, error=f"no answer within {timeout:g} seconds")
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return _Answer(status=0, error=f"no answer within {timeout:g} seconds")
        return _Answer(status=0, error=f"{error.reason}")
    except (OSError, ValueError) as error:
        return _Answer(status=0, error=str(error) or error.__class__.__name__)


def user_agent() -> str:
    contact = f"; mailto:{settings.CROSSREF_MAILTO}" if settings.CROSSREF_MAILTO else ""
    return f"EvidenceClaims/1.0 (Evidence Claims, evidence-based claim pages{contact})"


def _message(answer: _Answer):
    try:
        data = json.loads(answer.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Malformed("not JSON")
    if not isinstance(data, dict) or data.get("status") != "ok":
        return Malformed("no ‘ok’ status")
    message = data.get("message")
    if not isinstance(message, dict):
        return Malformed("no message")
    return message


def work_from_crossref(message: dict, *, doi: str) -> Work:
    """Map one Crossref work record to the study's facts."""
    return Work(
        doi=doi,
        title=_clip(_text(_first(message.get("title"))), TITLE_MAX),
        authors=format_authors(message.get("author") or []),
        journal=_clip(_text(_first(message.get("container-title"))), JOURNAL_MAX),
        year=_year(message),
        volume=_clip(str(message.get("volume") or ""), SHORT_MAX),
        issue=_clip(str(message.get("issue") or ""), SHORT_MAX),
        pages=_clip(str(message.get("page") or ""), SHORT_MAX),
        type=str(message.get("type") or ""),
        notices=_unique(
            _notice(update, notice_doi=str(update.get("DOI", "")))
            for update in message.get("updated-by") or []
            if isinstance(update, dict)
        ),
    )


def format_authors(authors: list) -> str:
    """“Refalo MC, Helms ER, …”: family name and initials, in Crossref's order."""
    names = []
    for author in authors:
        if not isinstance(author, dict):
            continue
        family = _text(author.get("family"))
        if family:
            initials = "".join(
                part[0].upper()
                for part in re.split(r"[\s.\-]+", _text(author.get("given")))
                if part
            )
            names.append(f"{family} {initials}".strip())
        elif author.get("name"):  # a consortium or organisation
            names.append(_text(author.get("name")))
    text = ", ".join(names)
    if len(text) <= AUTHORS_MAX:
        return text
    while names and len(", ".join(names) + ", et al.") > AUTHORS_MAX:
        names.pop()
    return ", ".join(names) + ", et al."


def _notice(update: dict, *, notice_doi: str) -> NoticeFacts:
    return NoticeFacts(
        kind=str(update.get("type") or "").strip().lower().replace("-", "_"),
        doi=notice_doi.strip().lower(),
        source=str(update.get("source") or "publisher"),
        date=_date(update.get("updated")),
        label=str(update.get("label") or ""),
    )


def _unique(notices) -> tuple[NoticeFacts, ...]:
    """One notice per (type, notice DOI): Retraction Watch and the publisher may both list it."""
    seen = {}
    for notice in notices:
        if notice.kind:
            seen.setdefault((notice.kind, notice.doi), notice)
    return tuple(seen.values())


def _first(value):
    if isinstance(value, list):
        return value[0] if value else ""
    return value or ""


def _text(value) -> str:
    # Titles may carry JATS/HTML markup (<i>, <sub>) and entities; we store plain text.
    return " ".join(html.unescape(strip_tags(str(value or ""))).split())


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _date_parts(value):
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if (
            isinstance(parts, list)
            and parts
            and isinstance(parts[0], list)
            and parts[0]
            and parts[0][0] is not None
        ):
            return [int(p) for p in parts[0] if p is not None]
    return None


def _year(message: dict) -> int | None:
    for key in ("issued", "published-print", "published-online", "published"):
        parts = _date_parts(message.get(key))
        if parts and 1600 <= parts[0] <= 2100:
            return parts[0]
    return None


def _date(value) -> date | None:
    parts = _date_parts(value)
    if not parts:
        return None
    year, month, day = (parts + [1, 1])[:3]
    try:
        return date(year, month, day)
    except ValueError:
        return None
