"""Full-text search over published claims, on PostgreSQL and on SQLite alike.

Readers type web-search syntax: words (all must match, stemmed: "stretch" finds
"stretching"), "a quoted phrase", `-word` to exclude, `or` between alternatives.
PostgreSQL reads it with `websearch_to_tsquery` against a weighted `tsvector` in a narrow table
of its own behind a GIN index (`SearchDocument`); SQLite gets the same query translated for its
FTS5 table. Both are written when a version is published (`index()`), in the publishing
transaction, from the read-model row.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connections, models
from django.db.models import F, FloatField
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = [
    "best_first",
    "FTS5_TABLE",
    "FTS5Column",
    "SearchVectorField",
    "highlight",
    "index",
    "index_many",
    "mark",
    "matching",
    "searchable",
]

FTS5_TABLE = "claims_search"
CONFIG = "english"
# Characters from Unicode's private use area mark highlighted words in the text the
# database returns; they are taken out of every text we index, so the only marks left in
# the escaped result are ours, and only they become <mark> tags.
MARK_START, MARK_END = "\ue000", "\ue001"
SNIPPET_WORDS = 30


def searchable(text: str) -> str:
    """`text` as it is indexed and stored for search: without our highlight marks."""
    return text.replace(MARK_START, "").replace(MARK_END, "")


def highlight(marked: str) -> SafeString:
    """`marked` escaped as HTML, with the database's match marks as <mark> tags."""
    marked = marked or ""
    if marked.count(MARK_START) > marked.count(MARK_END):  # cut short inside a match
        marked += MARK_END
    escaped = escape(marked)
    return mark_safe(  # noqa: S308 - escaped above; only our own <mark> tags are added
        escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    )


# -- Reading the query ---------------------------------------------------------------------


@dataclass
class Term:
    words: str  # one word or a phrase
    excluded: bool = False


@dataclass
class ParsedQuery:
    """A web-search query as alternatives (joined by `or`) of terms that must all hold."""

    alternatives: list[list[Term]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(self.alternatives)


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(query: str) -> ParsedQuery:
    """Read words, "phrases", -exclusions and `or` the way websearch_to_tsquery does."""
    alternatives: list[list[Term]] = [[]]
    for match in _TOKEN.finditer(query):
        minus, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or":
                if alternatives[-1]:
                    alternatives.append([])
                continue
            minus = "-" if word.startswith("-") else ""
            text = word.lstrip("-")
        else:
            text = phrase
        # Only letters and digits are searched (as both tokenisers do): "co-op" is "co op".
        words = " ".join(re.findall(r"\w+", text))
        if words:
            alternatives[-1].append(Term(words, excluded=bool(minus)))
    return ParsedQuery([terms for terms in alternatives if terms])


def _fts5_string(words: str) -> str:
    return '"' + words.replace('"', '""') + '"'


def fts5_query(parsed: ParsedQuery) -> tuple[str, str]:
    """The FTS5 expression for `parsed`: (what must match, what must not), either may be ""."""
    positive, negative = [], []
    for terms in parsed.alternatives:
        included = [_fts5_string(t.words) for t in terms if not t.excluded]
        excluded = [_fts5_string(t.words) for t in terms if t.excluded]
        if included:
            expression = " AND ".join(included)
            if excluded:
                expression = f"({expression}) NOT ({' OR '.join(excluded)})"
            positive.append(f"({expression})")
        else:
            # Nothing to find, only things to leave out: everything else matches.
            negative.append(f"({' OR '.join(excluded)})")
    if positive and negative:
        # "a or -b" (rare): keep it simple and search for what is wanted.
        negative = []
    return " OR ".join(positive), " AND ".join(negative)


# -- Writing the index ---------------------------------------------------------------------


def index(listing) -> None:
    """Put `listing`'s published text into the full-text index of the database in use."""
    index_many([listing])


def index_many(listings) -> None:
    """Put the published text of these listings (of one database) into its full-text index,
    in one or two queries however many there are."""
    if not listings:
        return
    using = listings[0]._state.db or "default"
    connection = connections[using]
    pks = [listing.pk for listing in listings]
    if connection.vendor == "postgresql":
        _write_documents(type(listings[0]).objects.using(using).filter(pk__in=pks))
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS5_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(pks))})",  # noqa: S608
                pks,
            )
            cursor.executemany(
                f"INSERT INTO {FTS5_TABLE} (rowid, statement, summary, topics) "  # noqa: S608
                "VALUES (%s, %s, %s, %s)",
                [
                    (listing.pk, listing.statement, listing.summary_text, listing.topic_names)
                    for listing in listings
                ],
            )


def _document():
    """The weighted full-text document of a listing: statement A, summary B, topics C."""
    return (
        SearchVector("statement", weight="A", config=CONFIG)
        + SearchVector("summary_text", weight="B", config=CONFIG)
        + SearchVector("topic_names", weight="C", config=CONFIG)
    )


def _documents(using: str):
    """PostgreSQL's search documents in database `using`."""
    from claims.models import SearchDocument  # the models import this module

    return SearchDocument.objects.using(using)


def _write_documents(listings) -> None:
    """Write (or write again) PostgreSQL's search documents of these listings, in one query:
    INSERT … SELECT, the documents computed by the database from the listings' columns."""
    rows = listings.order_by().values_list("pk", "published_at", _document())
    select, params = rows.query.sql_with_params()
    table = _documents(listings.db).model._meta.db_table
    with connections[listings.db].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (listing_id, published_at, vector) {select} "  # noqa: S608
            "ON CONFLICT (listing_id) DO UPDATE "
            "SET published_at = EXCLUDED.published_at, vector = EXCLUDED.vector",
            params,
        )


def reindex_all(listing_model, *, using: str = "default") -> None:
    """Write the full-text index of every listing in database `using` again, for rows that
    arrived without publishing (a restored backup, perhaps from the other database)."""
    vendor = connections[using].vendor
    if vendor == "postgresql":
        _documents(using).all().delete()
        _write_documents(listing_model.objects.using(using).all())
    elif vendor == "sqlite":
        table = listing_model._meta.db_table
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS5_TABLE}")  # noqa: S608
            cursor.execute(
                f"INSERT INTO {FTS5_TABLE} (rowid, statement, summary, topics) "  # noqa: S608
                f"SELECT claim_id, statement, summary_text, topic_names FROM {table}"
            )


# -- Searching -----------------------------------------------------------------------------


class FTS5Column(models.TextField):
    """The hidden column named after an FTS5 table: `table MATCH 'query'` searches it."""


@FTS5Column.register_lookup
class FTS5Match(models.Lookup):
    lookup_name = "fts5"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


def matching(queryset, query: str):
    """`queryset` narrowed to listings matching `query` (best first on SQLite; see
    `best_first()` for a ranking on both).

    A query with nothing searchable in it matches nothing.
    """
    parsed = parse(query)
    if parsed.is_empty:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        matches = _documents(queryset.db).filter(vector=_postgresql_query(query))
        return queryset.filter(pk__in=matches.values("listing_id"))
    positive, negative = fts5_query(parsed)
    if not positive:
        # Only words to leave out: every other claim, newest first.
        excluded = _fts5_sql("SELECT rowid FROM {table} WHERE {table} MATCH %s", [negative])
        return queryset.exclude(pk__in=excluded)
    # bm25() is lower for better matches; the weights favour the statement over the summary
    # and the summary over the topics, like PostgreSQL's A, B and C.
    return (
        queryset.filter(search_entry__document__fts5=positive)
        .annotate(rank=_fts5_sql("-bm25({table}, 10.0, 4.0, 2.0)", output_field=FloatField()))
        .order_by("-rank", "-published_at", "claim_id")
    )


def best_first(queryset, query: str):
    """The primary keys of the listings of `queryset` that match `query`, best first, then
    newest first: a values_list to paginate.

    On PostgreSQL the ranking reads only the narrow search table, and joins the listings
    (by a semi-join) only when `queryset` is filtered (a topic, a certainty).
    """
    if connections[queryset.db].vendor != "postgresql":
        return matching(queryset, query).values_list("pk", flat=True)
    if parse(query).is_empty:
        return queryset.none().values_list("pk", flat=True)
    search_query = _postgresql_query(query)
    documents = _documents(queryset.db).filter(vector=search_query)
    if queryset.query.has_filters():
        documents = documents.filter(listing__in=queryset.order_by().values("pk"))
    return (
        documents.annotate(rank=SearchRank(F("vector"), search_query))
        .order_by("-rank", "-published_at", "listing_id")
        .values_list("listing_id", flat=True)
    )


def mark(listings: list, query: str) -> list:
    """Set `statement_marked` and `snippet_marked` (texts with the matches of `query` marked,
    for `highlight()`) on the listings of one page of results, in one query.

    Kept apart from `matching()` because the databases would otherwise compute a snippet
    for every match before sorting them, not only for the page shown.
    """
    parsed = parse(query)
    if not listings or parsed.is_empty:
        return listings
    rows = type(listings[0]).objects.filter(pk__in=[listing.pk for listing in listings])
    if connections[rows.db].vendor == "postgresql":
        search_query = _postgresql_query(query)
        options = {"start_sel": MARK_START, "stop_sel": MARK_END, "config": CONFIG}
        rows = rows.annotate(
            statement_marked=SearchHeadline(
                "statement", search_query, highlight_all=True, **options
            ),
            snippet_marked=SearchHeadline(
                "summary_text",
                search_query,
                max_words=SNIPPET_WORDS,
                min_words=SNIPPET_WORDS // 2,
                max_fragments=2,
                fragment_delimiter=" … ",
                **options,
            ),
        )
    else:
        positive, _ = fts5_query(parsed)
        if not positive:
            return listings  # nothing was looked for, so nothing is marked
        marks = [MARK_START, MARK_END]
        rows = rows.filter(search_entry__document__fts5=positive).annotate(
            statement_marked=_fts5_sql("highlight({table}, 0, %s, %s)", marks, models.TextField()),
            snippet_marked=_fts5_sql(
                "snippet({table}, 1, %s, %s, ' … ', %s)",
                [*marks, SNIPPET_WORDS],
                models.TextField(),
            ),
        )
    marked = {
        pk: (statement, snippet)
        for pk, statement, snippet in rows.values_list("pk", "statement_marked", "snippet_marked")
    }
    for listing in listings:
        if listing.pk in marked:
            listing.statement_marked, listing.snippet_marked = marked[listing.pk]
    return listings


def _postgresql_query(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config=CONFIG)


def _fts5_sql(template: str, params=(), output_field=None):
    """SQL over the FTS5 table: the text is ours; what a reader typed is only ever a parameter."""
    sql = template.format(table=FTS5_TABLE)
    return RawSQL(sql, list(params), output_field=output_field)  # noqa: S611
