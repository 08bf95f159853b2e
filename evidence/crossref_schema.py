"""The one schema Crossref's answers are read through: a typed parse that never raises.

Crossref's JSON is input like any other. Every value is checked for its type and cut to the
column it is stored in; what does not fit is dropped or truncated, and each such decision is
recorded in `problems` (a path and a reason) so that the caller can log why. No exception
leaves this module for any JSON, however it is shaped: a page or a batch run that reads an
answer gets a `Work` (perhaps with fewer facts) or a reason the answer could not be read.

Pure: no ORM, no request, no network (evidence/crossref.py fetches; this reads).
"""

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils.html import strip_tags

from evidence.doi import InvalidDOI, normalize_doi

# The columns the facts are stored in (evidence.models.Study and Notice; a test checks that
# they agree).
TITLE_MAX, AUTHORS_MAX, JOURNAL_MAX, SHORT_MAX = 500, 1000, 300, 30
NOTICE_DOI_MAX, NOTICE_SOURCE_MAX, NOTICE_KIND_MAX, LABEL_MAX, TYPE_MAX = 255, 100, 30, 100, 50
YEAR_MIN, YEAR_MAX = 1600, 2100
# More than any real record holds; the rest of a longer list is not read.
AUTHORS_READ, NOTICES_READ, ITEMS_READ = 500, 50, 100
# Above what any text field holds before its cut: a longer value is not even cleaned.
RAW_TEXT_MAX = 20_000


@dataclass(frozen=True)
class NoticeFacts:
    """One notice Crossref records against a work: a retraction, correction, …"""

    kind: str  # Crossref's update type: "retraction", "expression_of_concern", …
    doi: str  # the notice's own DOI, normalised ("" when the source gives no valid one)
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
    # What the parse dropped or cut, and why ("title: not text, dropped").
    problems: tuple[str, ...] = ()

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


class Unreadable(Exception):
    """The answer is not a Crossref answer at all; `str()` is a fixed reason, never its body."""


class Problems(list):
    def note(self, path: str, why: str) -> None:
        self.append(f"{path}: {why}")


def read_message(body: bytes) -> dict:
    """The `message` object of a Crossref answer body; Unreadable otherwise."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Unreadable("not JSON") from None
    if not isinstance(data, dict) or data.get("status") != "ok":
        raise Unreadable("no ‘ok’ status")
    message = data.get("message")
    if not isinstance(message, dict):
        raise Unreadable("its message is not an object")
    return message


def parse_work(message: dict, *, doi: str) -> Work:
    """Map one Crossref work record to the study's facts, dropping what does not fit."""
    problems = Problems()
    if not isinstance(message, dict):
        problems.note("message", "not an object, nothing read")
        return Work(doi=doi, problems=tuple(problems))
    notices = []
    updates = _list(message.get("updated-by"), "updated-by", problems, NOTICES_READ)
    for index, update in enumerate(updates):
        path = f"updated-by[{index}]"
        if not isinstance(update, dict):
            problems.note(path, "not an object, dropped")
            continue
        notice = parse_notice(update, notice_doi=update.get("DOI"), path=path, problems=problems)
        if notice is not None:
            notices.append(notice)
    return Work(
        doi=doi,
        title=text(_first(message.get("title"), "title", problems), "title", TITLE_MAX, problems),
        authors=format_authors(message.get("author"), problems),
        journal=text(
            _first(message.get("container-title"), "container-title", problems),
            "container-title",
            JOURNAL_MAX,
            problems,
        ),
        year=year_of(message, problems),
        volume=short(message.get("volume"), "volume", problems),
        issue=short(message.get("issue"), "issue", problems),
        pages=short(message.get("page"), "page", problems),
        type=text(message.get("type"), "type", TYPE_MAX, problems),
        notices=unique(notices),
        problems=tuple(problems),
    )


def parse_notices_pointing_at(message: dict, *, doi: str) -> tuple[tuple[NoticeFacts, ...], list]:
    """The notices of a `/works?filter=updates:{doi}` answer whose `update-to` names `doi`."""
    problems = Problems()
    notices = []
    for index, item in enumerate(_list(message.get("items"), "items", problems, ITEMS_READ)):
        path = f"items[{index}]"
        if not isinstance(item, dict):
            problems.note(path, "not an object, dropped")
            continue
        updates = _list(item.get("update-to"), f"{path}.update-to", problems, NOTICES_READ)
        for number, update in enumerate(updates):
            where = f"{path}.update-to[{number}]"
            if not isinstance(update, dict):
                problems.note(where, "not an object, dropped")
                continue
            target = update.get("DOI")
            if not isinstance(target, str) or _doi(target, where, problems, quiet=True) != doi:
                continue
            notice = parse_notice(update, notice_doi=item.get("DOI"), path=where, problems=problems)
            if notice is not None:
                notices.append(notice)
    return unique(notices), list(problems)


def parse_notice(update: dict, *, notice_doi, path: str, problems: Problems):
    """One notice from an `updated-by`/`update-to` entry; None (and a problem) without a type."""
    kind = update.get("type")
    if not isinstance(kind, str) or not _clean(kind).strip():
        problems.note(f"{path}.type", "missing or not text, notice dropped")
        return None
    kind = _clean(kind).strip().lower().replace("-", "_").replace(" ", "_")
    if len(kind) > NOTICE_KIND_MAX:
        problems.note(f"{path}.type", f"longer than {NOTICE_KIND_MAX} characters, kept as other")
        kind = "other"
    source = update.get("source")
    if source is None:
        source = "publisher"
    return NoticeFacts(
        kind=kind,
        doi=_doi(notice_doi, f"{path}.DOI", problems),
        source=text(source, f"{path}.source", NOTICE_SOURCE_MAX, problems, cut=True),
        date=date_of(update.get("updated"), f"{path}.updated", problems),
        label=text(update.get("label"), f"{path}.label", LABEL_MAX, problems),
    )


def unique(notices) -> tuple[NoticeFacts, ...]:
    """One notice per (type, notice DOI): Retraction Watch and the publisher may both list it."""
    seen = {}
    for notice in notices:
        if notice.kind:
            seen.setdefault((notice.kind, notice.doi), notice)
    return tuple(seen.values())


def format_authors(authors, problems: Problems | None = None) -> str:
    """“Refalo MC, Helms ER, …”: family name and initials, in Crossref's order."""
    problems = Problems() if problems is None else problems
    names = []
    for index, author in enumerate(_list(authors, "author", problems, AUTHORS_READ)):
        path = f"author[{index}]"
        if not isinstance(author, dict):
            problems.note(path, "not an object, dropped")
            continue
        family = text(author.get("family"), f"{path}.family", AUTHORS_MAX, problems)
        if family:
            given = text(author.get("given"), f"{path}.given", AUTHORS_MAX, problems)
            initials = "".join(part[0].upper() for part in re.split(r"[\s.\-]+", given) if part)
            names.append(f"{family} {initials}".strip())
        elif author.get("name"):  # a consortium or organisation
            name = text(author.get("name"), f"{path}.name", AUTHORS_MAX, problems)
            if name:
                names.append(name)
    joined = ", ".join(names)
    if len(joined) <= AUTHORS_MAX:
        return joined
    problems.note("author", f"longer than {AUTHORS_MAX} characters, cut to “et al.”")
    while names and len(", ".join(names) + ", et al.") > AUTHORS_MAX:
        names.pop()
    return ", ".join(names) + ", et al." if names else ""


def text(value, path: str, limit: int, problems: Problems, *, cut: bool = False) -> str:
    """Plain text of at most `limit` characters: markup, entities, control characters and
    lone surrogates removed; a longer value is shortened with “…” (`cut`: without it)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.note(path, f"{type(value).__name__} instead of text, dropped")
        return ""
    raw = str(value)
    if len(raw) > RAW_TEXT_MAX:
        problems.note(path, f"over {RAW_TEXT_MAX} characters, dropped")
        return ""
    # Titles may carry JATS/HTML markup (<i>, <sub>) and entities; we store plain text.
    plain = html.unescape(strip_tags(raw))
    cleaned = _clean(plain)
    if cleaned != plain:
        problems.note(path, "control or invisible characters removed")
    cleaned = " ".join(cleaned.split())
    if len(cleaned) <= limit:
        return cleaned
    problems.note(path, f"longer than {limit} characters, cut")
    return cleaned[:limit] if cut else cleaned[: limit - 1] + "…"


def short(value, path: str, problems: Problems) -> str:
    """Volume, issue, pages: short text or a number."""
    return text(value, path, SHORT_MAX, problems)


def date_of(value, path: str, problems: Problems) -> date | None:
    """A Crossref date (`{"date-parts": [[2021, 3, 4]]}`) as a date; month and day default
    to 1; None (and a problem) for anything that is not a real date."""
    parts = _date_parts(value, path, problems)
    if not parts:
        return None
    year, month, day = (parts + [1, 1])[:3]
    if not YEAR_MIN <= year <= YEAR_MAX:
        problems.note(path, f"year {year} out of range, dropped")
        return None
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        problems.note(path, "not a real date, dropped")
        return None


def year_of(message: dict, problems: Problems) -> int | None:
    for key in ("issued", "published-print", "published-online", "published"):
        parts = _date_parts(message.get(key), key, problems)
        if parts:
            if YEAR_MIN <= parts[0] <= YEAR_MAX:
                return parts[0]
            problems.note(key, f"year {parts[0]} out of range, dropped")
    return None


def _date_parts(value, path: str, problems: Problems) -> list[int] | None:
    if value is None:
        return None
    parts = value.get("date-parts") if isinstance(value, dict) else None
    if parts is None and isinstance(value, dict):
        return None
    if not (isinstance(parts, list) and parts and isinstance(parts[0], list)):
        problems.note(path, "date-parts is not a list of lists, dropped")
        return None
    first = parts[0]
    if not first or first[0] is None:
        return None  # Crossref's own way of saying "no date": [[null]]
    numbers = []
    for part in first[:3]:
        if part is None:
            break
        if isinstance(part, str) and part.isdecimal() and len(part) <= 4:
            part = int(part)
        if isinstance(part, bool) or not isinstance(part, int) or not 0 <= part <= 9999:
            problems.note(path, "date-parts holds something other than small integers, dropped")
            return None
        numbers.append(part)
    return numbers


def _doi(value, path: str, problems: Problems, *, quiet: bool = False) -> str:
    if value is None or value == "":
        if not quiet:
            problems.note(path, "no DOI")
        return ""
    if not isinstance(value, str) or len(value) > 2 * NOTICE_DOI_MAX:
        problems.note(path, "not a DOI, dropped")
        return ""
    try:
        doi = normalize_doi(value)
    except InvalidDOI:
        if not quiet:
            problems.note(path, "not a valid DOI, dropped")
        return ""
    if len(doi) > NOTICE_DOI_MAX:
        problems.note(path, f"longer than {NOTICE_DOI_MAX} characters, dropped")
        return ""
    return doi


def _first(value, path: str, problems: Problems):
    if isinstance(value, list):
        return value[0] if value else ""
    return value


def _list(value, path: str, problems: Problems, limit: int) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.note(path, f"{type(value).__name__} instead of a list, dropped")
        return []
    if len(value) > limit:
        problems.note(path, f"more than {limit} entries, the rest not read")
    return value[:limit]


# Control characters (a NUL cannot be stored in PostgreSQL), lone surrogates (no database
# can encode them), and format characters that reorder or hide text (RLO, zero-width space).
def _clean(value: str) -> str:
    return "".join(
        ch for ch in value if ch.isspace() or unicodedata.category(ch) not in {"Cc", "Cs", "Cf"}
    )
