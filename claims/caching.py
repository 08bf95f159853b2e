"""Pages rendered once per published analysis version, then served from Django's cache.

A published version never changes, so a page kept with the stamp it was rendered for (the
versions it shows) is never stale: it is served only while that stamp is current, publishing
makes a new stamp, and old entries are replaced or age out of the cache by themselves. Pages
are never invalidated. What is current (the page's stamp) is asked of the database (one
indexed query) with a cache per process, so that several servers stay correct; with a cache
every process shares (Redis), the stamps are kept there too, written again by each write that
changes them once it commits, and a cache hit asks the database nothing (see "Stamps" below):
the page is asked for in the same round trip as its stamps, and each process keeps the pages
it served last in its memory, served again only for the stamp they were rendered for.

- `reader_page(stamp)` decorates a view: anonymous readers get the page from the cache, with
  an ETag and Last-Modified from the versions and `Cache-Control: public, max-age=60,
  s-maxage=…, stale-while-revalidate=…`, varying on `HX-Request` but not on cookies; a
  conditional request is answered 304 after the stamp alone. Members get the view's own
  response, marked private and varying on `Cookie`.
- `analysis_fragment()` caches the analysis part of a claim page, which members share too; the
  per-user parts of their page (header, editor notices) are rendered around it.
"""

import contextlib
import contextvars
import copy
import functools
import hashlib
import secrets
import threading
from calendar import timegm
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import signals
from django.http import HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.http import http_date, quote_etag
from django.utils.safestring import mark_safe

from claims.literature import STALE_AFTER, literature_status
from claims.models import AnalysisVersion, Claim, Follow, PublishedCitation
from evidence.doi import InvalidDOI, normalize_doi
from evidence.models import Notice, Study

# Browsers and proxies may reuse a page for a minute without asking. A newly published version
# then reaches every reader within a minute, which is soon enough for analyses that change a
# few times a day at most, while a proxy in front absorbs a burst of readers (a link on a
# busy site) with one revalidation a minute. Asking costs one indexed query and a 304.
READER_MAX_AGE = 60

# A shared cache (a CDN, a reverse proxy) may keep a page as long, and serve it while it asks
# again for a while longer: a burst of readers then costs one request to the server a minute.
SHARED_MAX_AGE = 60
STALE_WHILE_REVALIDATE = 300

# Entries never go stale, so they may stay as long as the cache has room for them.
PAGE_CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Stamp:
    """What a page shows, as far as the cache is concerned: the versions it names."""

    key: str
    last_modified: datetime | None
    # The claim a claim page shows: a member's page is kept per follow state of it.
    claim_id: int | None = None


def release() -> str:
    """A digest of the templates, the collected static files and the site's Python: a deploy
    that changes how pages look, or what the code writes into them at render time (what would
    change the verdict, the certainty suggestions, labels and rules), changes every key, so a
    cache shared across deploys never serves the old page.

    In development, files change while the server runs: there, their times count too.
    """
    if settings.DEBUG:
        return _digest(_release(), *(p.stat().st_mtime_ns for p in _sources()))
    return _release()


@functools.cache
def _release() -> str:
    digest = hashlib.sha256()
    for path in _sources():
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:12]


# The site's own Python, every module of it: templates call properties and rules that write
# text, and a list of "the modules that write text" would be one more list to forget.
PYTHON_PACKAGES = ("accounts", "claims", "claimsite", "evidence", "mechanisms")


def _sources():
    return _templates() + _python()


def _templates():
    roots = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    return sorted(p for root in roots for p in root.rglob("*.html") if p.is_file())


def _python():
    base = Path(settings.BASE_DIR)
    return sorted(
        p
        for package in PYTHON_PACKAGES
        for p in (base / package).rglob("*.py")
        if "migrations" not in p.parts
    )


def _is_reader(request) -> bool:
    """A request the shared, cached page answers: a plain GET with no session or messages.

    Without a session cookie the visitor is anonymous for certain (no query needed to find
    out) and has no messages waiting to be shown.
    """
    return (
        request.method == "GET"
        and not request.META.get("HTTP_HX_REQUEST")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def reader_page(stamp_for, *, params=None, members=False):
    """Serve anonymous readers `view` from the cache, keyed by `stamp_for(request, **kwargs)`.

    `stamp_for` makes at most one query (none when the cache keeps stamps) and returns a Stamp,
    or None when there is nothing published to cache (the view then answers, with its 404 for
    instance). `params` names the
    query parameters the page reads, each with the values it accepts (a set) or a function
    giving the value to use ("" for none): whatever else a query string holds is dropped before
    the page is rendered and keyed, so random query strings cannot fill the cache, and a page
    asked for with them is the page without them.

    With `members`, a member's page is kept too, once per published version and follow state,
    with placeholders for the little that is theirs alone (see `_member_page`).
    """
    params = params or {}

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _is_reader(request):
                response = None
                if members and _may_share_members_page(request):
                    response = _member_page(request, stamp_for, params, view, args, kwargs)
                if response is None:
                    response = view(request, *args, **kwargs)
                if request.user.is_authenticated:
                    patch_cache_control(response, private=True)
                # A session or messages cookie may make this page personal: it must not stand
                # for the shared page in any cache, whatever the request's cookies were.
                patch_vary_headers(response, ["Cookie"])
                return response
            query = _kept_query(request, params)
            key = _page_key(request, query)
            with _asking_also(key, kept_here=_in_process.has(key)) as asked:
                stamp = stamp_for(request, *args, **kwargs)
            if stamp is None:
                return view(request, *args, **kwargs)
            _keep_only(request, query)
            etag, last_modified, last_modified_http = _validators(release(), stamp)
            response = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if response is None:
                response = _cached_or_rendered(request, key, stamp, asked, view, args, kwargs)
                if response.status_code != 200:
                    return response
                # Rendering may have looked at the (empty) session, but the page depends on no
                # cookie: the session middleware must not add Vary: Cookie to it.
                if hasattr(request, "session"):
                    request.session.accessed = False
            response["ETag"] = etag
            if last_modified_http is not None:
                response["Last-Modified"] = last_modified_http
            # A kept page (a new response) takes the headers as they are; a view's response
            # may have some already, merged with these.
            if response.has_header("Cache-Control"):
                patch_cache_control(response, **READER_CACHE_CONTROL)
            else:
                response["Cache-Control"] = _READER_CACHE_CONTROL
            # This page is the same for every anonymous reader: no Vary: Cookie, or a shared
            # cache would keep one copy per cookie (analytics cookies included) and absorb
            # nothing. A member's page differs, and is kept apart by two rules instead: it is
            # `private` (no shared cache stores it), and a proxy in front passes every request
            # carrying the session cookie to the server (README, "Behind a CDN or proxy").
            if response.has_header("Vary"):
                patch_vary_headers(response, ["HX-Request"])
            else:
                response["Vary"] = "HX-Request"
            return response

        return wrapper

    return decorator


READER_CACHE_CONTROL = {
    "public": True,
    "max_age": READER_MAX_AGE,
    "s_maxage": SHARED_MAX_AGE,
    "stale_while_revalidate": STALE_WHILE_REVALIDATE,
}


def _cache_control(directives) -> str:
    response = HttpResponse()
    patch_cache_control(response, **directives)
    return response["Cache-Control"]


# What patch_cache_control writes on a response that has none, worked out once.
_READER_CACHE_CONTROL = _cache_control(READER_CACHE_CONTROL)


@functools.lru_cache(maxsize=4096)
def _validators(release_digest: str, stamp: Stamp):
    """(ETag, Last-Modified as a timestamp and as the header says it) of a page's stamp:
    the same for every request while the stamp is current."""
    etag = quote_etag(_digest(release_digest, stamp.key))
    if stamp.last_modified is None:
        return etag, None, None
    last_modified = timegm(stamp.last_modified.utctimetuple())
    return etag, last_modified, http_date(last_modified)


def _kept_query(request, params) -> str:
    """The query string of the parameters the page reads, with values it accepts, in a fixed
    order."""
    if not request.META.get("QUERY_STRING"):
        return ""
    kept = QueryDict(mutable=True)
    for name in sorted(params):
        value = request.GET.get(name, "")
        accepts = params[name]
        value = accepts(value) if callable(accepts) else (value if value in accepts else "")
        if value:
            kept[name] = value
    return kept.urlencode()


def positive_page(value: str) -> str:
    """A page number as the list reads it; page 1 is the list without one."""
    # ASCII digits only: "²" and "①" are digits to str.isdigit() but not to int().
    digits = value.isascii() and value.isdigit() and len(value) <= 9
    return value if digits and int(value) > 1 else ""


def _keep_only(request, query: str):
    if query != request.META.get("QUERY_STRING", ""):
        request.GET = QueryDict(query)
        request.META["QUERY_STRING"] = query


def _page_key(request, query: str) -> str:
    """The cache key of a page, whatever its stamp: each entry holds the stamp it was rendered
    for, and is served only for that stamp. Host and scheme are in the page (its canonical
    link), the path and kept query in its links."""
    path = request.path + ("?" + query if query else "")
    return "page:" + _digest(release(), request.scheme, request.get_host(), path)


def _cached_or_rendered(request, key, stamp, asked, view, args, kwargs):
    content = _kept_page(key, stamp, asked)
    if isinstance(content, tuple):
        # A download or a feed: its type and file name are part of what readers get.
        content, headers = content
        return HttpResponse(content, headers=headers)
    if content is not None:
        return HttpResponse(content)
    response = view(request, *args, **kwargs)
    # A page that handed out a CSRF token belongs to one visitor: never share it.
    if response.status_code == 200 and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        if headers.get("Content-Type", "").startswith("text/html"):
            content = response.content
        else:
            content = (response.content, headers)
        cache.set(key, (stamp.key, content), PAGE_CACHE_SECONDS)
        if "epoch" in asked:
            _in_process.put(key, (asked["epoch"], stamp.key), content, len(response.content))
    return response


def _kept_page(key, stamp, asked):
    """The page kept for `stamp` under `key`, or None.

    When the stamps came from a shared cache, the page is looked for in this process's memory
    first, where it counts only if it was kept for the same stamp in the same epoch of the
    shared cache (so a restore, or the cache emptied, forgets it as it forgets the stamps);
    otherwise in the shared cache, asked together with the stamps when this process had no
    copy (one round trip for both).
    """
    epoch = asked.get("epoch")
    if epoch is not None:
        content = _in_process.get(key, (epoch, stamp.key))
        if content is not None:
            return content
    entry = asked["entry"] if "entry" in asked else cache.get(key)
    if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == stamp.key):
        return None
    if epoch is not None:
        content = entry[1]
        _in_process.put(key, (epoch, stamp.key), content, _size(content))
    return entry[1]


def _size(content) -> int:
    return len(content[0] if isinstance(content, tuple) else content)


# Members' pages. A member's claim page is the same for every member who does (or does not)
# follow the claim, but for their CSRF token and their name in the header: it is rendered
# with a placeholder for each (random, so no text on the page can pose as one), kept per
# published version and follow state, and served with this member's token and name put in.
# Editors (notices and links of their own) and anyone with messages waiting get the view.


def _may_share_members_page(request) -> bool:
    from claimsite.editors import is_editor

    user = request.user
    return (
        request.method == "GET"
        and not request.META.get("HTTP_HX_REQUEST")
        and user.is_authenticated
        and not is_editor(user)
        and "messages" not in request.COOKIES
        and "_messages" not in request.session
    )


@dataclass(frozen=True)
class _Placeholders:
    csrf_token: str
    name: str

    @classmethod
    def new(cls):
        return cls(csrf_token=secrets.token_hex(20), name=secrets.token_hex(20))


def page_placeholders(request):
    """Context processor: while a member's page is rendered to be shared, the CSRF token and
    the member stand for placeholders (settings: the last processor, so it has the last
    word)."""
    placeholders = getattr(request, "_page_placeholders", None)
    if placeholders is None:
        return {}
    # The member as the page's templates see them: the same user, named by the placeholder.
    user = copy.copy(request.user)
    setattr(user, user.USERNAME_FIELD, placeholders.name)
    return {"csrf_token": placeholders.csrf_token, "user": user}


@dataclass(frozen=True)
class _ClaimRef:
    pk: int


# Headers of a member's page that are part of it.
MEMBER_HEADERS = ("Content-Type", "Vary")


def _member_page(request, stamp_for, params, view, args, kwargs):
    query = _kept_query(request, params)
    path = request.path + ("?" + query if query else "")
    key = "member:" + _digest(release(), request.scheme, request.get_host(), path)
    # Which follow state this member is in is known only after the stamps: a copy of either
    # kept here makes it likely that the other is too.
    kept_here = any(_in_process.has(key + state) for state in ("following", "not following"))
    # What the member follows comes in the same round trip.
    followed = _follows_key(request.user.pk)
    with _asking_also(key, kept_here=kept_here, extra=[followed]) as asked:
        stamp = stamp_for(request, *args, **kwargs)
    if stamp is None or stamp.claim_id is None:
        return None
    _keep_only(request, query)
    claim = _ClaimRef(stamp.claim_id)
    if "got" in asked:
        following = follows(request.user, claim, kept=asked["got"][followed])
    else:
        following = follows(request.user, claim)
    state = "following" if following else "not following"
    epoch = asked.get("epoch")
    version = (epoch, stamp.key)
    page = _in_process.get(key + state, version) if epoch is not None else None
    if page is None:
        entry = asked["entry"] if "entry" in asked else cache.get(key)
        kept = entry[1] if _is_entry(entry) and entry[0] == stamp.key else {}
        page = kept.get(state)
        if page is None:
            page = _render_for_members(request, view, args, kwargs)
            if page is None:
                return None
            cache.set(key, (stamp.key, {**kept, state: page}), PAGE_CACHE_SECONDS)
        if epoch is not None:
            _in_process.put(key + state, version, page, len(page[2]))
    placeholders, headers, content = page
    content = content.replace(placeholders.csrf_token.encode(), get_token(request).encode())
    content = content.replace(
        placeholders.name.encode(), escape(request.user.get_username()).encode()
    )
    return HttpResponse(content, headers=headers)


def _is_entry(entry) -> bool:
    return isinstance(entry, tuple) and len(entry) == 2


def _render_for_members(request, view, args, kwargs):
    """The view's page with placeholders, or None if it cannot be shared."""
    placeholders = _Placeholders.new()
    token_was_asked = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    request._page_placeholders = placeholders
    try:
        response = view(request, *args, **kwargs)
    finally:
        del request._page_placeholders
    if response.status_code != 200 or (
        # Something asked for the real token while rendering: it is in the page.
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not token_was_asked
    ):
        return None
    headers = {name: response[name] for name in MEMBER_HEADERS if response.has_header(name)}
    return placeholders, headers, response.content


class _InProcessPages:
    """The pages this process served last, up to `settings.PAGES_IN_PROCESS_BYTES`: a hit then
    costs one round trip to the shared cache (the stamps, a few hundred bytes) instead of two,
    the second carrying the page (tens of kilobytes) to be unpickled."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pages: OrderedDict[str, tuple] = OrderedDict()
        self._size = 0

    def get(self, key, version):
        entry = self._pages.get(key)
        if entry is None or entry[0] != version:
            return None
        with self._lock:
            if key in self._pages:
                self._pages.move_to_end(key)
        return entry[1]

    def has(self, key) -> bool:
        return key in self._pages

    def put(self, key, version, content, size):
        budget = settings.PAGES_IN_PROCESS_BYTES
        if size > budget // 4:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._size -= old[2]
            self._pages[key] = (version, content, size)
            self._size += size
            while self._size > budget:
                _, (_, _, dropped) = self._pages.popitem(last=False)
                self._size -= dropped

    def clear(self):
        with self._lock:
            self._pages.clear()
            self._size = 0


_in_process = _InProcessPages()

# What `_facts` asks the shared cache for beside the stamps, for the page being served: set
# around the call of a page's stamp function by `reader_page`.
_ALSO = contextvars.ContextVar("claims_caching_also", default=None)


@contextlib.contextmanager
def _asking_also(key, *, kept_here, extra=()):
    """Collect, while a stamp is read: the epoch of the shared cache's stamps (if they came
    from there) and, unless this process keeps a copy of the page, the shared cache's entry
    for `key`, asked in the same round trip as the stamps, with the `extra` keys (what
    `got` then holds of them)."""
    asked = {"key": None if kept_here else key, "extra": list(extra)}
    token = _ALSO.set(asked)
    try:
        yield asked
    finally:
        _ALSO.reset(token)


# What the published listing says: its counts (by filter and search) and its topic menu. The
# listing changes only when a version is published (versions are append-only, and a claim
# with one cannot be deleted), so what was read from it under the newest version holds until
# the next: each process reads each once per publication, for every page that shows it
# (members' lists, which are not cached, and cache misses).


class _KeptPerVersion:
    """Values read from the listing, for the newest version only (a publication starts
    afresh); at most `LIMIT` of them, the first ones read kept."""

    LIMIT = 1024

    def __init__(self):
        self._lock = threading.Lock()
        # One tuple, replaced whole: a reader never sees one version with another's values.
        self._state = (None, {})

    def get(self, latest, key):
        kept_for, values = self._state
        return values.get(key) if kept_for == latest else None

    def put(self, latest, key, value):
        with self._lock:
            kept_for, values = self._state
            if kept_for != latest:
                values = {}
                self._state = (latest, values)
            if len(values) < self.LIMIT:
                values[key] = value

    def clear(self):
        with self._lock:
            self._state = (None, {})


_listing_facts = _KeptPerVersion()
# Searches' first pages apart: a crowd of searches asked once must not push out the counts
# and the topic menu.
_rankings = _KeptPerVersion()


def kept_per_version(key, read, *, store=None):
    """`read()`, a value of the published listing named by `key` (hashable, and all that it
    depends on), read once per published version in this process (in `store`, the listing's
    facts unless given)."""
    store = _listing_facts if store is None else store
    _, latest = _facts(latest=True)
    if latest is None:
        return read()
    latest = (latest[0], str(latest[1]))
    value = store.get(latest, key)
    if value is None:
        value = read()
        store.put(latest, key, value)
    return value


def listing_count(queryset, *filters) -> int:
    """`queryset.count()` for a list of published claims filtered by `filters`, counted once
    per published version in this process."""
    return kept_per_version(("count", *filters), queryset.count)


# How many of a search's best matches are kept per published version: its first five pages.
RANKED_KEPT = 100


class KeptRanking:
    """The ids of a search's matches, best first, for a Paginator: the first `RANKED_KEPT`
    are ranked once per published version in this process, deeper pages are read each time.

    A search's order depends only on the listing, which changes only when a version is
    published, and ranking a common word reads every claim that has it (28,000 rows for
    `sleep` at 100,000 claims, 15-20 ms): search engines keep their top results per index
    version for the same reason.
    """

    def __init__(self, ids, *filters):
        self.ids = ids
        self.key = ("ranked", *filters)

    def __getitem__(self, index):
        if isinstance(index, slice) and index.stop is not None and index.stop <= RANKED_KEPT:
            kept = kept_per_version(
                self.key, lambda: tuple(self.ids[:RANKED_KEPT]), store=_rankings
            )
            return list(kept[index])
        return self.ids[index]


# Headers of a cached answer that are part of it (not of the request that made it).
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Access-Control-Allow-Origin")


def version_text(request, *, kind: str, version, build) -> str:
    """`build()` once per published version, kind and site address (citations name the
    version's permanent URL); a version never changes, so neither does the text."""
    # The publication time too: after a restore, a new version may take the id and number of
    # one cached before it.
    key = f"{kind}:" + _digest(
        release(), version.pk, version.number, version.published_at, request.get_host()
    )
    text = cache.get(key)
    if text is None:
        text = build()
        cache.set(key, text, PAGE_CACHE_SECONDS)
    return text


def _digest(*parts) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


def analysis_fragment(request, *, version, context) -> str:
    """The analysis part of a claim page for `version`, rendered once per version and audience.

    Readers and members see it with small differences (members get the gold-standard designs
    and the inline contribution form), so each audience has its own entry; nothing in it
    depends on who exactly is signed in.
    """
    audience = "member" if request.user.is_authenticated else "reader"
    # A sensitivity check chosen with ?check=… shows inside the fragment.
    check = getattr(context.get("selected_check"), "key", "")
    # Its links (the sensitivity toggles) lead back to the page's own path.
    key = "analysis:" + _digest(
        release(),
        version.pk,
        version.number,
        # After a restore, a new version may take the id and number of one cached before it.
        version.published_at.isoformat(),
        context["mode"],
        audience,
        check,
        request.path,
    )
    html = cache.get(key)
    if html is None:
        # Rendered from the given context only (no context processors, and of the request only
        # its path), so that nothing personal can slip into what every member is then served.
        html = render_to_string(
            "claims/_analysis.html",
            {**context, "user": request.user, "request": PagePath(request.path)},
        )
        cache.set(key, html, PAGE_CACHE_SECONDS)
    # Our own template's output, autoescaped when it was rendered.
    return mark_safe(html)  # noqa: S308


@dataclass(frozen=True)
class PagePath:
    """All of the request the cached analysis part may read: the page's path."""

    path: str


class PublishedAnalysis:
    """A version's analysis for the page around the cached fragment: the headline fields come
    straight from the stored snapshot, and the whole ClaimAnalysis is decoded only if the
    fragment has to be rendered (decoding costs more than the rest of a member's page)."""

    HEADLINE = frozenset({"slug", "statement", "verdict", "verdict_label", "version"})

    def __init__(self, version):
        self._version = version
        self._decoded = None

    def __getattr__(self, name):
        if name in self.HEADLINE:
            return self._version.snapshot[name]
        if self._decoded is None:
            self._decoded = self._version.analysis
        return getattr(self._decoded, name)


# Stamps: what a cached page is keyed by, read before anything else. The facts they are made
# of (a claim's current version and literature status, a study's facts and notices, the
# newest version on the site) are kept in the cache when it is shared (settings.
# CACHE_KEEPS_STAMPS), so that a cache hit asks the database nothing; every write that changes
# one of them writes it again once its transaction commits (`claim_changed`, `study_changed`,
# `forget_stamps`, called from the writers and from the model signals connected
# in `connect_stamp_writers`). Read from the database they are written in SQL: building and
# compiling the same query with the ORM costs several times what running it does.

_CLAIM = Claim._meta.db_table
_VERSION = AnalysisVersion._meta.db_table
_STUDY = Study._meta.db_table
_NOTICE = Notice._meta.db_table

# A stamp kept in the cache is written again after each write that changes it. Two writes of
# the same fact committing at the same moment may still leave the first one's stamp behind:
# it lives this long, as long as a browser may keep a page anyway (READER_MAX_AGE).
STAMP_SECONDS = 60

# The site-wide entry: the newest version, and the epoch every other kept stamp was written
# in. A restore (or anything that rewrites the database wholesale) forgets the epoch, and with
# it every stamp kept, without having to know which ones there are.
_SITE = "stamps:site"


def _cursor():
    # The database versions are read from (the one a router picks, as for any query).
    return connections[router.db_for_read(AnalysisVersion)].cursor()


def one_row(sql: str, params) -> tuple | None:
    with _cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def all_rows(sql: str, params) -> list[tuple]:
    with _cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def as_datetime(value) -> datetime:
    """A timestamp from a raw query: SQLite gives text, PostgreSQL a datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


# The facts, as the database has them.

_LATEST = f"FROM {_VERSION} ORDER BY id DESC LIMIT 1"  # noqa: S608 - table names, not input


def _claim_row(slug):
    """The claim's current version (id, publication time) and its literature status."""
    return one_row(
        f"SELECT v.id, v.published_at, c.literature_checked_at, c.literature_waiting,"  # noqa: S608 - as above
        f" c.literature_changed_at, c.id FROM {_CLAIM} c"
        f" JOIN {_VERSION} v ON v.id = c.current_version_id WHERE c.slug = %s",
        [slug],
    )


def _version_row(slug_and_number):
    """The id of a claim's version by its number (fixed, until a restore)."""
    slug, number = slug_and_number
    return one_row(
        f"SELECT v.id FROM {_CLAIM} c JOIN {_VERSION} v ON v.claim_id = c.id"  # noqa: S608 - as above
        f" WHERE c.slug = %s AND v.number = %s",
        [slug, number],
    )


_NOTICES = f"FROM {_NOTICE} n WHERE n.study_id = s.id"  # noqa: S608 - as above


def _study_row(doi, *, with_latest=False):
    """A study's own facts (edited in place, so its updated_at), its retraction flag and its
    notices (written by check_retractions without touching updated_at); `with_latest` adds
    the newest version's id and time, in the same query."""
    latest = (
        f", (SELECT id {_LATEST}), (SELECT published_at {_LATEST})"  # noqa: S608 - as above
        if with_latest
        else ""
    )
    return one_row(
        f"SELECT s.id, s.updated_at, s.retracted, (SELECT COUNT(*) {_NOTICES}),"  # noqa: S608 - as above
        f" (SELECT MAX(n.id) {_NOTICES}){latest} FROM {_STUDY} s WHERE s.doi = %s",
        [doi],
    )


def _latest_row(_=None):
    return one_row(f"SELECT id, published_at {_LATEST}", [])


# The facts, from the cache when it keeps them.


# The shape of the rows kept: changed with any row's columns, so that a deploy never reads a
# row of the old shape kept by the servers it replaces.
_ROWS = 2


@functools.lru_cache(maxsize=8192)
def _entry_key(kind: str, ident) -> str:
    # DOIs may hold any character: the key names a digest of what it stands for.
    return f"stamps:{kind}:" + _digest(_ROWS, kind, ident)


def _site(got: dict) -> dict:
    site = got.get(_SITE)
    if site is None:
        site = {"epoch": secrets.token_hex(8), "latest": _latest_row()}
        # Whoever comes first starts the epoch; the others take theirs.
        if not cache.add(_SITE, site, STAMP_SECONDS):
            site = cache.get(_SITE) or site
    return site


def _facts(*wanted, latest=False):
    """The rows of `wanted` ((kind, ident, load) each), and the newest version if `latest`.

    Without a shared cache, each is read from the database. With one, all are asked of the
    cache at once (one round trip), and only those it lacks are read from the database.
    """
    if not settings.CACHE_KEEPS_STAMPS:
        rows = [load(ident) for _, ident, load in wanted]
        return rows, (_latest_row() if latest else None)
    keys = [_entry_key(kind, ident) for kind, ident, _ in wanted]
    also = _ALSO.get()
    page_key = also and also["key"]
    extra = also["extra"] if also else []
    got = cache.get_many([_SITE, *keys, *([page_key] if page_key else []), *extra])
    site = _site(got)
    if also is not None:
        also["epoch"] = site["epoch"]
        if page_key:
            also["entry"] = got.get(page_key)
        also["got"] = {key: got.get(key) for key in extra}
    rows = []
    for key, (_, ident, load) in zip(keys, wanted, strict=True):
        entry = got.get(key)
        if entry is not None and entry[0] == site["epoch"]:
            rows.append(entry[1])
            continue
        row = load(ident)
        rows.append(row)
        # Nothing is kept for what does not exist: unknown addresses are countless.
        if row is not None:
            # add(), not set(): a writer that committed meanwhile has written a newer stamp,
            # which this row, read perhaps before that commit, must not replace.
            if entry is None:
                cache.add(key, (site["epoch"], row), STAMP_SECONDS)
            else:
                cache.set(key, (site["epoch"], row), STAMP_SECONDS)
    return rows, site["latest"]


# Writers: after a write commits, the stamps it changed are read again and kept.


def claim_changed(slug: str) -> None:
    """The claim's current version or literature status may have changed."""
    _after_commit(lambda: _rewrite("claim", slug, _claim_row))


def study_changed(doi: str) -> None:
    """The study's facts, retraction flag or notices may have changed."""
    _after_commit(lambda: _rewrite("study", doi, _study_row))


def forget_stamps() -> None:
    """Forget every stamp kept: after a restore, or rows written in bulk (no signals)."""
    if not settings.CACHE_KEEPS_STAMPS:
        return
    using = router.db_for_write(AnalysisVersion)
    # Once per transaction, however many rows a fixture or a restore writes.
    if not any(pending[1] is _forget for pending in connections[using].run_on_commit):
        transaction.on_commit(_forget, using=using)


def _forget():
    cache.delete(_SITE)


def _after_commit(write):
    if settings.CACHE_KEEPS_STAMPS:
        transaction.on_commit(write, using=router.db_for_write(AnalysisVersion))


# A writer always sets (a reader only adds), and in the current epoch, starting one if there
# is none: a reader that read the database before the commit then cannot put its older row
# back over the writer's, whichever of the two reaches the cache first.


def _rewrite(kind, ident, load):
    site = _site({_SITE: cache.get(_SITE)})
    key = _entry_key(kind, ident)
    row = load(ident)
    if row is None:
        cache.delete(key)
    else:
        cache.set(key, (site["epoch"], row), STAMP_SECONDS)


def _rewrite_latest():
    site = _site({_SITE: cache.get(_SITE)})
    cache.set(_SITE, {**site, "latest": _latest_row()}, STAMP_SECONDS)


def connect_stamp_writers():
    """Keep stamps current through every save and delete of the models they are made of,
    wherever it is made (the admin, moderation, commands, fixtures): the lower apps
    (evidence) cannot call up into this module. Writes through update() call the writers
    above themselves."""
    signals.post_save.connect(_claim_saved, sender=Claim, dispatch_uid="stamps_claim_saved")
    signals.pre_save.connect(_claim_renaming, sender=Claim, dispatch_uid="stamps_claim_renaming")
    signals.post_delete.connect(_claim_saved, sender=Claim, dispatch_uid="stamps_claim_deleted")
    signals.post_save.connect(
        _version_saved, sender=AnalysisVersion, dispatch_uid="stamps_version_saved"
    )
    signals.pre_save.connect(_study_renaming, sender=Study, dispatch_uid="stamps_study_renaming")
    for event in (signals.post_save, signals.post_delete):
        event.connect(_study_saved, sender=Study, dispatch_uid=f"stamps_study_{event}")
        event.connect(_notice_saved, sender=Notice, dispatch_uid=f"stamps_notice_{event}")
        event.connect(_follow_saved, sender=Follow, dispatch_uid=f"stamps_follow_{event}")


def _claim_saved(sender, instance, raw=False, **kwargs):
    if raw:
        forget_stamps()  # a fixture: its rows may change any stamp
    elif instance.slug:
        claim_changed(instance.slug)


def _claim_renaming(sender, instance, raw=False, **kwargs):
    # A new slug leaves the old one without a claim: its kept stamp must go.
    if raw or instance.pk is None or not settings.CACHE_KEEPS_STAMPS:
        return
    old = Claim.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old and old != instance.slug:
        claim_changed(old)


def _version_saved(sender, instance, raw=False, **kwargs):
    if raw:
        forget_stamps()
    else:
        _after_commit(lambda: _rewrite_claim_of(instance.claim_id))
        _after_commit(_rewrite_latest)


def _rewrite_claim_of(claim_id):
    row = one_row(f"SELECT slug FROM {_CLAIM} WHERE id = %s", [claim_id])  # noqa: S608 - as above
    if row is not None:
        _rewrite("claim", row[0], _claim_row)


def _study_saved(sender, instance, raw=False, **kwargs):
    if raw:
        forget_stamps()
    else:
        study_changed(instance.doi)


def _study_renaming(sender, instance, raw=False, **kwargs):
    # A DOI corrected in the admin leaves the old one without a study.
    if raw or instance.pk is None or not settings.CACHE_KEEPS_STAMPS:
        return
    old = Study.objects.filter(pk=instance.pk).values_list("doi", flat=True).first()
    if old and old != instance.doi:
        study_changed(old)


def _notice_saved(sender, instance, raw=False, **kwargs):
    if raw:
        forget_stamps()
        return

    def rewrite():
        row = one_row(f"SELECT doi FROM {_STUDY} WHERE id = %s", [instance.study_id])  # noqa: S608 - as above
        if row is not None:
            _rewrite("study", row[0], _study_row)

    _after_commit(rewrite)


# The stamps.


def claim_stamp(request, slug):
    """The claim page shows the claim's current version, and beside it (not in any version)
    when its literature was checked and how many new studies wait: those are in the key."""
    (row,), _ = _facts(("claim", slug, _claim_row))
    if row is None:
        return None
    now = timezone.now()
    key = (slug, tuple(row))
    kept = _claim_stamps.get(key)
    if kept is not None and now <= kept[1]:
        return kept[0]
    stamp, until = _claim_stamp(slug, row, now)
    if len(_claim_stamps) >= 4096:
        _claim_stamps.clear()
    _claim_stamps[key] = (stamp, until)
    return stamp


# Each claim's stamp, worked out once for its row, with the time until which it holds: the
# row names everything in it but the time, which counts only when the literature goes stale.
_claim_stamps: dict[tuple, tuple[Stamp, datetime]] = {}
_FOREVER = datetime.max.replace(tzinfo=UTC)


def _claim_stamp(slug, row, now) -> tuple[Stamp, datetime]:
    version_id, published_at, checked_at, waiting, changed_at, claim_id = row
    checked_at = as_datetime(checked_at) if checked_at else None
    literature = literature_status(checked_at=checked_at, waiting=waiting, now=now)
    # The publication time too: after a restore, a new version may take the id of one cached
    # before it.
    published_at = as_datetime(published_at)
    changes = [published_at]
    if changed_at:
        changes.append(as_datetime(changed_at))
    if literature.stale and checked_at:
        # The page came to say "not checked for 30 days" then, with no write to date it.
        changes.append(checked_at + STALE_AFTER)
    stamp = Stamp(
        key=f"claim:{slug}:{version_id}:{published_at.isoformat()}:{literature.key}",
        last_modified=max(changes),
        claim_id=claim_id,
    )
    # Stale stays stale; a fresh check goes stale once STALE_AFTER has passed.
    until = _FOREVER if literature.stale else checked_at + STALE_AFTER
    return stamp, until


def version_stamp(request, slug, number):
    """A version page shows that version, and says which is current."""
    if settings.CACHE_KEEPS_STAMPS:
        (current, version), _ = _facts(
            ("claim", slug, _claim_row), ("version", (slug, int(number)), _version_row)
        )
        if current is None or version is None:
            return None
        version_id, current_id, published_at = version[0], current[0], current[1]
    else:
        row = one_row(
            f"SELECT v.id, cur.id, cur.published_at FROM {_CLAIM} c"  # noqa: S608 - as above
            f" JOIN {_VERSION} cur ON cur.id = c.current_version_id"
            f" JOIN {_VERSION} v ON v.claim_id = c.id AND v.number = %s WHERE c.slug = %s",
            [number, slug],
        )
        if row is None:
            return None
        version_id, current_id, published_at = row
    published_at = as_datetime(published_at)
    return Stamp(
        key=f"version:{slug}:{version_id}:{current_id}:{published_at.isoformat()}",
        last_modified=published_at,
    )


def compare_stamp(request, slug, a, b):
    """A comparison shows two versions of a claim that readers can see."""
    if settings.CACHE_KEEPS_STAMPS:
        (current, *versions), _ = _facts(
            ("claim", slug, _claim_row),
            *(("version", (slug, int(n)), _version_row) for n in sorted({a, b})),
        )
        if current is None or None in versions:
            return None
        ids = sorted(row[0] for row in versions)
        current_id, published_at = current[0], current[1]
    else:
        rows = all_rows(
            f"SELECT v.id, cur.id, cur.published_at FROM {_CLAIM} c"  # noqa: S608 - as above
            f" JOIN {_VERSION} cur ON cur.id = c.current_version_id"
            f" JOIN {_VERSION} v ON v.claim_id = c.id AND v.number IN (%s, %s) WHERE c.slug = %s",
            [a, b, slug],
        )
        if len(rows) != len({a, b}):
            return None
        ids = sorted(row[0] for row in rows)
        current_id, published_at = rows[0][1], rows[0][2]
    published_at = as_datetime(published_at)
    return Stamp(
        key=f"compare:{slug}:{a}:{b}:{ids}:{current_id}:{published_at.isoformat()}",
        last_modified=published_at,
    )


def latest_publication_stamp(request):
    """The list of claims changes only when something is published (the newest version).

    Searches are not cached: their number is unbounded, and each one would be asked once.
    """
    if request.GET.get("q", "").strip():
        return None
    _, row = _facts(latest=True)
    if row is None:
        return Stamp(key="list:none", last_modified=None)
    return _list_stamp(tuple(row))


@functools.lru_cache(maxsize=64)
def _list_stamp(row) -> Stamp:
    published_at = as_datetime(row[1])
    return Stamp(key=f"list:{row[0]}:{published_at.isoformat()}", last_modified=published_at)


def study_stamp(request, doi):
    """A study page shows the study's own facts, its retraction flag and notices, and the
    published claims citing it, which change only when something is published."""
    try:
        doi = normalize_doi(doi)
    except InvalidDOI:
        return None
    if settings.CACHE_KEEPS_STAMPS:
        (row,), latest = _facts(("study", doi, _study_row), latest=True)
        if row is None:
            return None
        row = (*row, *(latest or (None, None)))
    else:
        row = _study_row(doi, with_latest=True)
        if row is None:
            return None
    pk, updated_at, retracted, notice_count, last_notice, latest_id, latest_at = row
    updated_at = as_datetime(updated_at)
    latest_at = as_datetime(latest_at) if latest_at else None
    return Stamp(
        key=(
            f"study:{pk}:{updated_at.isoformat()}:{bool(retracted)}:{notice_count}:{last_notice}"
            f":{latest_id}:{latest_at.isoformat() if latest_at else ''}"
        ),
        last_modified=max(updated_at, latest_at) if latest_at else updated_at,
    )


def bibliography_stamp(request, slug, fmt=None):
    """A claim's bibliography: the studies its current version cites, with their facts as
    last edited (a study's facts are edited in place, so their latest updated_at counts).

    Read from the database each time: which studies a version cites is not kept with the
    stamps, and a download is asked for far less often than a page.
    """
    row = one_row(
        f"SELECT v.id, v.published_at, (SELECT MAX(s.updated_at) FROM {_STUDY} s"  # noqa: S608 - as above
        f" JOIN {PublishedCitation._meta.db_table} pc ON pc.doi = s.doi"
        f" WHERE pc.listing_id = c.id) FROM {_CLAIM} c"
        f" JOIN {_VERSION} v ON v.id = c.current_version_id WHERE c.slug = %s",
        [slug],
    )
    if row is None:
        return None
    published_at = as_datetime(row[1])
    studies_at = as_datetime(row[2]) if row[2] else None
    return Stamp(
        key=f"bibliography:{slug}:{row[0]}:{published_at.isoformat()}:"
        f"{studies_at.isoformat() if studies_at else ''}",
        last_modified=max(published_at, studies_at) if studies_at else published_at,
    )


# What a member follows: asked on every claim page they open, kept beside the stamps (and
# under the same rule: only in a cache every process shares), forgotten when it changes.


def _follows_key(user_id) -> str:
    return f"follows:{user_id}"


_ASK = object()


def follows(user, claim, *, kept=_ASK) -> bool:
    """Whether `user` follows `claim`; `kept` is what the cache was found to hold for them,
    when it was asked already."""
    if not settings.CACHE_KEEPS_STAMPS:
        return Follow.objects.filter(user=user, claim_id=claim.pk).exists()
    key = _follows_key(user.pk)
    followed = cache.get(key) if kept is _ASK else kept
    if followed is None:
        followed = frozenset(Follow.objects.filter(user=user).values_list("claim_id", flat=True))
        cache.add(key, followed, STAMP_SECONDS)
    return claim.pk in followed


def _follow_saved(sender, instance, raw=False, **kwargs):
    user_id = instance.user_id
    _after_commit(lambda: cache.delete(_follows_key(user_id)))
