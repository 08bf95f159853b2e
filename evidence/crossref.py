"""Crossref: the only code on the site that talks to api.crossref.org.

`lookup(doi)` fetches `GET {CROSSREF_API_URL}/works/{doi}` and answers with one result per
outcome — `Found` (with the study's facts as a `Work`), `NotFound`, `Unreachable` (no answer,
a timeout, a server error or a redirect to another host), `Malformed` (an answer that is not
Crossref's JSON) or `Limited` (too many new lookups for one member or address). It never
raises: a page that asks Crossref must still render when Crossref is down or answers nonsense.
Every answer is read through the one schema in `evidence/crossref_schema.py`.

Found works are cached for a day and not-found DOIs for an hour (Django's cache), so a member
typing a DOI twice, or a cron job re-run, does not ask Crossref again.
"""

import hashlib
import logging
import time
import urllib.parse
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import cache

from evidence import http
from evidence.crossref_schema import (
    NoticeFacts,
    Unreadable,
    Work,
    format_authors,
    parse_notices_pointing_at,
    parse_work,
    read_message,
)

__all__ = ["NoticeFacts", "Work", "format_authors", "is_cached", "lookup", "lookup_allowed"]

logger = logging.getLogger(__name__)

FOUND_CACHE_SECONDS = 24 * 60 * 60
NOT_FOUND_CACHE_SECONDS = 60 * 60
# After Crossref failed to answer, pages stop asking for a minute: a moderation queue of ten
# new DOIs must not wait ten timeouts while Crossref is down.
DOWN_KEY = "crossref:down"
DOWN_SECONDS = 60
# An answer longer than this is not a work record.
BODY_MAX = 2_000_000


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


@dataclass(frozen=True)
class Limited:
    """Not asked: this member or address looked up too many new DOIs in the last minute."""

    ok = False
    message = (
        "You have looked up many new DOIs in the last minute, so Crossref was not asked; "
        "wait a minute and try again."
    )


Result = Found | NotFound | Unreachable | Malformed | Limited


def lookup(doi: str, *, use_cache: bool = True, limit_keys: tuple = ()) -> Result:
    """What Crossref says about `doi` (already normalised). Never raises.

    `limit_keys` (a member, an address) count a lookup that would ask Crossref against
    `CROSSREF_LOOKUPS_PER_MINUTE` each; past it the answer is `Limited`. Cached answers are
    free."""
    key = _cache_key(doi)
    if use_cache:
        cached = cache.get(key)
        if cached is not None:
            return cached
        down = cache.get(DOWN_KEY)
        if down is not None:
            return down
    if limit_keys and not lookup_allowed(*limit_keys):
        return Limited()
    try:
        result = _fetch_work(doi)
    except Exception:  # the schema never raises; this keeps the promise if a bug does
        logger.exception("Reading Crossref's answer for %s failed", doi)
        return Malformed("an unexpected record")
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


def is_cached(doi: str) -> bool:
    """Whether `lookup(doi)` would answer without asking Crossref."""
    return cache.get(_cache_key(doi)) is not None or cache.get(DOWN_KEY) is not None


def lookup_allowed(*keys: str | None) -> bool:
    """Count one outbound lookup against each key (a member, an address) and say whether all
    are within `CROSSREF_LOOKUPS_PER_MINUTE`. Keys that are None are not counted."""
    limit = settings.CROSSREF_LOOKUPS_PER_MINUTE
    window = int(time.time() // 60)
    allowed = True
    for key in filter(None, keys):
        name = "crossref:budget:" + hashlib.sha256(f"{key}:{window}".encode()).hexdigest()
        cache.add(name, 0, 120)
        try:
            count = cache.incr(name)
        except ValueError:  # expired between add and incr: the first of a new window
            cache.set(name, 1, 120)
            count = 1
        allowed = allowed and count <= limit
    return allowed


def _fetch_work(doi: str) -> Result:
    answer = _get(f"/works/{urllib.parse.quote(doi, safe='')}")
    if answer.error:
        return Unreachable(answer.error)
    if answer.status == 404:
        return NotFound(doi)
    try:
        message = read_message(answer.body)
    except Unreadable as reason:
        return Malformed(str(reason))
    work = parse_work(message, doi=doi)
    if not work.notices:
        # Not every notice is linked from the work itself: a publisher may deposit the
        # retraction notice with `update-to` pointing at the original DOI only.
        notices, problems = _notices_pointing_at(doi)
        work = replace(work, notices=notices, problems=work.problems + tuple(problems))
    if work.problems:
        logger.warning("Crossref's record of %s did not fit: %s", doi, "; ".join(work.problems))
    return Found(work)


def _notices_pointing_at(doi: str) -> tuple[tuple[NoticeFacts, ...], list[str]]:
    query = urllib.parse.urlencode({"filter": f"updates:{doi}", "rows": 20})
    answer = _get(f"/works?{query}")
    if answer.error or answer.status != 200:
        return (), []
    try:
        message = read_message(answer.body)
    except Unreadable as reason:
        return (), [f"updates: {reason}"]
    notices, problems = parse_notices_pointing_at(message, doi=doi)
    return notices, [f"updates: {problem}" for problem in problems]


def _get(path: str) -> http.Answer:
    return http.get(
        settings.CROSSREF_API_URL,
        path,
        timeout=settings.CROSSREF_TIMEOUT,
        mailto=settings.CROSSREF_MAILTO,
        body_max=BODY_MAX,
    )


def work_from_crossref(message: dict, *, doi: str) -> Work:
    """Map one Crossref work record to the study's facts (evidence/crossref_schema.py)."""
    return parse_work(message, doi=doi)
