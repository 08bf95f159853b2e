"""The citation formats, parsed back with real parsers (evidence/citations.py)."""

import json
from datetime import date

import bibtexparser
import rispy
from bibtexparser import middlewares

from evidence.citations import (
    SITE_AUTHOR,
    Author,
    Reference,
    apa,
    citation_key,
    to_bibtex,
    to_csl_json,
    to_ris,
    unique_keys,
    vancouver_authors,
)

HOSTILE_TITLE = "Ünïcode {braces} and a lone } with 50% & x_y #1 $5 \\relax"

ARTICLE = Reference(
    key="refalo2024",
    kind="article",
    title=HOSTILE_TITLE,
    authors=vancouver_authors("Refalo MC, Hélms ER, The ABC Consortium"),
    year=2024,
    journal="Sports & Science",
    volume="42",
    issue="3",
    pages="262-273",
    doi="10.1080/02640414.2024.2321021",
)

VERSION = Reference(
    key="evidenceclaims-quads-v2",
    kind="webpage",
    title="Quadriceps {heads} differ by 50%",
    authors=(Author(literal=SITE_AUTHOR),),
    issued=date(2026, 12, 3),
    url="https://example.org/claims/quads/v/2/",
    version="Analysis v2",
    publisher=SITE_AUTHOR,
)


def parse_bibtex(text):
    library = bibtexparser.parse_string(
        text, append_middleware=[middlewares.LatexDecodingMiddleware()]
    )
    assert not library.failed_blocks
    return library


def test_vancouver_authors_become_family_names_and_initials():
    assert vancouver_authors("Refalo MC, Helms ER, WHO Study Group") == (
        Author(family="Refalo", given="M. C."),
        Author(family="Helms", given="E. R."),
        Author(literal="WHO Study Group"),
    )
    assert vancouver_authors("van der Berg J, et al.") == (
        Author(family="van der Berg", given="J."),
    )
    assert vancouver_authors("") == ()


def test_citation_keys_are_plain_ascii_and_made_unique():
    key = citation_key(authors=ARTICLE.authors, year=2024, title="Ünique trial", fallback="x")
    assert key == "refalo2024unique"
    refs = unique_keys([ARTICLE, ARTICLE, VERSION])
    assert [r.key for r in refs] == ["refalo2024a", "refalo2024b", VERSION.key]


def test_bibtex_parses_back_with_accents_braces_and_percent():
    library = parse_bibtex(to_bibtex([ARTICLE]))
    (entry,) = library.entries
    assert entry.entry_type == "article"
    assert entry.key == "refalo2024"
    assert entry["title"] == HOSTILE_TITLE
    assert entry["author"] == "Refalo, M. C. and Hélms, E. R. and The ABC Consortium"
    assert entry["journal"] == "Sports & Science"
    assert entry["year"] == "2024"
    assert entry["pages"] == "262–273"  # the en dash, as LaTeX reads "--"
    assert entry["doi"] == "10.1080/02640414.2024.2321021"


def test_bibtex_names_split_into_family_and_given_and_keep_an_organisation_whole():
    library = bibtexparser.parse_string(
        to_bibtex([ARTICLE]),
        # Names split before LaTeX decoding, as BibTeX splits them (braces protect a name).
        append_middleware=[
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ],
    )
    refalo, helms, consortium = library.entries[0]["author"]
    assert (refalo.last, refalo.first) == (["Refalo"], ["M.", "C."])
    assert (helms.last, helms.first) == (["H\\'elms"], ["E.", "R."])
    assert (consortium.last, consortium.first) == (["{The ABC Consortium}"], [])


def test_bibtex_fields_keep_their_braces_balanced():
    text = to_bibtex([ARTICLE])
    title_line = next(line for line in text.splitlines() if "title" in line)
    value = title_line.split("=", 1)[1].strip().rstrip(",")
    depth = 0
    for i, char in enumerate(value):
        if char in "{}" and (i == 0 or value[i - 1] != "\\"):
            depth += 1 if char == "{" else -1
            assert depth >= 0
    assert depth == 0


def test_a_claim_version_is_a_misc_entry_with_its_permanent_url():
    (entry,) = parse_bibtex(to_bibtex([VERSION])).entries
    assert entry.entry_type == "misc"
    assert entry["title"] == "Quadriceps {heads} differ by 50%"
    assert entry["author"] == "Evidence Claims"
    raw = bibtexparser.parse_string(to_bibtex([VERSION])).entries[0]
    assert raw["author"] == "{Evidence Claims}"  # braced: an organisation, not "Claims, E."
    assert entry["url"] == "https://example.org/claims/quads/v/2/"
    assert entry["year"] == "2026"
    assert entry["month"] == "dec"
    assert entry["version"] == "Analysis v2"


def test_a_doi_with_bibtex_specials_stays_inside_its_field():
    odd = Reference(key="odd", kind="article", title="T", year=2000, doi="10.1000/a{b}%c")
    # A verbatim field: read raw, as biblatex reads a DOI (no LaTeX decoding).
    (entry,) = bibtexparser.parse_string(to_bibtex([odd])).entries
    assert entry["doi"] == "10.1000/a%7Bb%7D%25c"


def test_ris_parses_back_one_tag_per_line():
    title = HOSTILE_TITLE + "\nwith a line break"
    text = to_ris([Reference(**{**ARTICLE.__dict__, "title": title}), VERSION])
    for line in text.splitlines():
        assert line == "" or (len(line) >= 6 and line[2:6] == "  - "), line
    assert text.splitlines()[0] == "TY  - JOUR"
    article, version = rispy.loads(text)
    assert article["type_of_reference"] == "JOUR"
    assert article["title"] == HOSTILE_TITLE + " with a line break"
    assert article["authors"] == ["Refalo, M. C.", "Hélms, E. R.", "The ABC Consortium"]
    assert article["secondary_title"] == "Sports & Science"
    assert article["doi"] == "10.1080/02640414.2024.2321021"
    assert (article["start_page"], article["end_page"]) == ("262", "273")
    assert version["type_of_reference"] == "ELEC"
    assert version["urls"] == ["https://example.org/claims/quads/v/2/"]
    assert version["date"] == "2026/12/03/"


def test_csl_json_keeps_every_field():
    (item,) = json.loads(to_csl_json([ARTICLE]))
    assert item["type"] == "article-journal"
    assert item["title"] == HOSTILE_TITLE
    assert item["author"][1] == {"family": "Hélms", "given": "E. R."}
    assert item["author"][2] == {"literal": "The ABC Consortium"}
    assert item["issued"] == {"date-parts": [[2024]]}
    assert item["DOI"] == ARTICLE.doi
    assert item["container-title"] == "Sports & Science"


def test_apa_text_of_an_article_and_a_claim_version():
    article, version = apa([ARTICLE, VERSION])
    assert article.startswith("Refalo, M. C., Hélms, E. R., & The ABC Consortium. (2024).")
    assert "https://doi.org/10.1080/02640414.2024.2321021" in article
    assert version == (
        "Evidence Claims. (2026, December 3). Quadriceps {heads} differ by 50% (Analysis v2). "
        "Evidence Claims. https://example.org/claims/quads/v/2/"
    )
