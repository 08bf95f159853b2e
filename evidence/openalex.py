"""OpenAlex: the only code on the site that talks to api.openalex.org.

Three questions, each answered with one result per outcome and never an exception:

- `work_by_doi(doi)` — `GET /works/doi:{doi}`: `Found` (a `Work`), `NotFound`, `Unreachable`
  (no answer, a timeout, a server error, a redirect to another host) or `Malformed`.
- `citing_works(ids, since=…)` — works citing any of the OpenAlex works `ids`
  (`filter=cites:W1|W2,from_publication_date:…`), and
- `matching_works(query, since=…)` — works matching a search, both as `Works` (the works read,
  how many malformed ones were skipped, whether the cap cut the list short), `Unreachable`
  or `Malformed`. Both follow OpenAlex's cursor pages up to `limit` works.

Every work is read through `parse_work()`, which checks the shape of what it reads: a work
without an id, a DOI we can normalise or a title is skipped and logged, never a crash.
HTTP goes through evidence/http.py (one retry, no redirect to another host), as for Crossref;
the cap per claim and the validating parse are here. Standard library only: these rules are
the point, and a client library would wrap, not replace, them.
"""

import html
import json
import logging
import re
import time
import urllib.parse
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.html import strip_tags

from evidence import http
from evidence.doi import InvalidDOI, normalize_doi

logger = logging.getLogger(__name__)

PER_PAGE = 50
TITLE_MAX = 500
ABSTRACT_MAX = 20_000
AUTHORS_MAX = 1000
JOURNAL_MAX = 300
BODY_MAX = 5_000_000  # a page of works is far smaller
_ID_RE = re.compile(r"^(?:https://openalex\.org/)?(W\d{1,15})$", re.IGNORECASE)


@dataclass(frozen=True)
class Work:
    """What OpenAlex says about one work, in the site's terms."""

    openalex_id: str  # "W4391234567"
    doi: str  # normalised
    title: str
    authors: str = ""
    year: int | None = None
    published: date | None = None
    journal: str = ""
    work_type: str = ""  # OpenAlex's type: "article", "review", "preprint", …
    abstract: str = ""
    references: frozenset[str] = frozenset()  # OpenAlex ids this work cites


@dataclass(frozen=True)
class Found:
    work: Work
    ok = True


@dataclass(frozen=True)
class NotFound:
    doi: str
    ok = False

    @property
    def message(self):
        return "OpenAlex does not know this DOI."


@dataclass(frozen=True)
class Unreachable:
    reason: str
    ok = False

    @property
    def message(self):
        return f"OpenAlex could not be reached ({self.reason})."


@dataclass(frozen=True)
class Malformed:
    reason: str
    ok = False

    @property
    def message(self):
        return f"OpenAlex's answer could not be read ({self.reason})."


@dataclass(frozen=True)
class Works:
    works: tuple[Work, ...]
    skipped: int = 0  # malformed works left out (each logged)
    capped: bool = False  # more works were there than the limit allowed
    ok = True


Result = Found | NotFound | Unreachable | Malformed
ListResult = Works | Unreachable | Malformed


def work_by_doi(doi: str) -> Result:
    """The OpenAlex work for `doi` (already normalised)."""
    status, body, error = _get(f"/works/doi:{urllib.parse.quote(doi, safe='/')}")
    if error:
        return Unreachable(error)
    if status == 404:
        return NotFound(doi)
    data = _json(body)
    if not isinstance(data, dict):
        return Malformed("not a JSON object")
    work = parse_work(data)
    if work is None:
        return Malformed("not a work with an id, a DOI and a title")
    return Found(work)


def citing_works(
    ids, *, since: date | None = None, limit: int = 200, pause: float = 0
) -> ListResult:
    """Works citing any of the OpenAlex works `ids`, published on or after `since`."""
    ids = sorted({i for i in (openalex_id(x) for x in ids) if i})
    if not ids:
        return Works(works=())
    return _listing(_filters(f"cites:{'|'.join(ids)}", since), {}, limit=limit, pause=pause)


def matching_works(
    query: str, *, since: date | None = None, limit: int = 200, pause: float = 0
) -> ListResult:
    """Works matching the search `query`, published on or after `since`."""
    query = " ".join((query or "").split())
    if not query:
        return Works(works=())
    return _listing(_filters("", since), {"search": query}, limit=limit, pause=pause)


def openalex_id(value) -> str:
    """ "W123" from "https://openalex.org/W123" or "W123"; "" for anything else."""
    match = _ID_RE.match(str(value or "").strip())
    return match.group(1).upper() if match else ""


def _filters(first: str, since: date | None) -> str:
    parts = [first] if first else []
    parts.append("has_doi:true")
    if since:
        parts.append(f"from_publication_date:{since.isoformat()}")
    return ",".join(parts)


def _listing(filters: str, extra: dict, *, limit: int, pause: float) -> ListResult:
    """Follow the cursor pages, `pause` seconds apart, until `limit` works or the end."""
    works, skipped, seen = [], 0, set()
    cursor = "*"
    while cursor and len(works) < limit:
        if cursor != "*":
            time.sleep(pause)
        params = {"filter": filters, "per-page": PER_PAGE, "cursor": cursor, **extra}
        status, body, error = _get("/works?" + urllib.parse.urlencode(params))
        if error:
            return Unreachable(error)
        data = _json(body)
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            return Malformed("no list of results")
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        for item in data["results"]:
            work = parse_work(item)
            if work is None:
                skipped += 1
                logger.warning("OpenAlex: skipped a malformed work: %.200r", item)
                continue
            if work.doi in seen:
                continue
            seen.add(work.doi)
            works.append(work)
        next_cursor = meta.get("next_cursor")
        if not data["results"] or not isinstance(next_cursor, str) or next_cursor == cursor:
            cursor = None
        else:
            cursor = next_cursor
    return Works(works=tuple(works[:limit]), skipped=skipped, capped=bool(cursor))


def parse_work(item) -> Work | None:
    """One OpenAlex work record, checked; None when it lacks what a candidate needs."""
    if not isinstance(item, dict):
        return None
    work_id = openalex_id(item.get("id"))
    try:
        doi = normalize_doi(str(item.get("doi") or ""))
    except InvalidDOI:
        return None
    title = _clip(_text(item.get("title") or item.get("display_name")), TITLE_MAX)
    if not work_id or not title:
        return None
    year = item.get("publication_year")
    if not isinstance(year, int) or not 1600 <= year <= 2100:
        year = None
    try:
        published = date.fromisoformat(str(item.get("publication_date") or ""))
    except ValueError:
        published = None
    references = item.get("referenced_works")
    return Work(
        openalex_id=work_id,
        doi=doi,
        title=title,
        authors=format_authors(item.get("authorships")),
        year=year,
        published=published,
        journal=_clip(_text(_source_name(item)), JOURNAL_MAX),
        work_type=_text(item.get("type"))[:40],
        abstract=_clip(abstract_from_index(item.get("abstract_inverted_index")), ABSTRACT_MAX),
        references=frozenset(
            i for i in (openalex_id(r) for r in references or [] if isinstance(r, str)) if i
        )
        if isinstance(references, list)
        else frozenset(),
    )


def abstract_from_index(index) -> str:
    """The abstract's text from OpenAlex's inverted index ({word: [positions]})."""
    if not isinstance(index, dict):
        return ""
    placed = {}
    for word, positions in index.items():
        if not isinstance(word, str) or not isinstance(positions, list):
            continue
        for position in positions:
            if isinstance(position, int) and 0 <= position < 100_000:
                placed[position] = word
    return _text(" ".join(placed[p] for p in sorted(placed)))


def format_authors(authorships) -> str:
    """“Refalo MC, Helms ER, …” from OpenAlex's display names, in their order."""
    names = []
    for authorship in authorships if isinstance(authorships, list) else []:
        author = authorship.get("author") if isinstance(authorship, dict) else None
        name = _text(author.get("display_name")) if isinstance(author, dict) else ""
        if not name:
            continue
        *given, family = name.split(" ")
        initials = "".join(
            part[0].upper() for p in given for part in re.split(r"[.\-]+", p) if part
        )
        names.append(f"{family} {initials}".strip())
    text = ", ".join(names)
    while len(text) > AUTHORS_MAX and names:
        names.pop()
        text = ", ".join(names) + ", et al."
    return text


def _source_name(item: dict) -> str:
    location = item.get("primary_location")
    source = location.get("source") if isinstance(location, dict) else None
    return source.get("display_name") if isinstance(source, dict) else ""


def _text(value) -> str:
    # Titles may carry HTML markup (<i>, <sub>) and entities; candidates keep plain text.
    return " ".join(html.unescape(strip_tags(str(value or ""))).split())


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json(body: bytes):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _get(path: str) -> tuple[int, bytes, str]:
    answer = http.get(
        settings.OPENALEX_API_URL,
        path,
        timeout=settings.OPENALEX_TIMEOUT,
        mailto=settings.OPENALEX_MAILTO,
        body_max=BODY_MAX,
    )
    return answer.status, answer.body, answer.error
