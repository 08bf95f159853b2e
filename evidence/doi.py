"""DOI normalisation: the one place that decides what a DOI looks like on this site."""

import re
from urllib.parse import unquote

# Prefixes people paste in front of a DOI, longest first so "https://dx.doi.org/" wins over
# "doi.org/". Matched case-insensitively.
_PREFIXES = (
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "https://doi.org/",
    "http://doi.org/",
    "dx.doi.org/",
    "doi.org/",
    "doi:",
)

# "10." + a registrant code of 4–9 digits (with optional ".sub" parts) + "/" + a non-empty
# suffix without whitespace or control characters. This is the syntax of the DOI Handbook, §2.2
# (whose suffixes are printable; PostgreSQL could not even store a NUL).
DOI_RE = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/[^\s\x00-\x1f\x7f]+$")

# A DOI inside prose. It must end on a character that cannot be trailing punctuation, so
# "(10.1080/02640414.2024.2321021)." yields the DOI without ")." .
DOI_IN_TEXT_RE = re.compile(r"\b10\.\d{4,9}(?:\.\d+)*/[^\s\"<>]*[^\s\"<>.,;:!?)\]}'’”]")


class InvalidDOI(ValueError):
    """Raised for a string that is not a DOI in any common form."""


def normalize_doi(raw: str) -> str:
    """Return the canonical form of a DOI: no resolver or `doi:` prefix, lower case, syntax
    checked. DOIs are case-insensitive (DOI Handbook §2.4), so lower case is the key we store.

    Raises InvalidDOI when what remains is not `10.NNNN/suffix`.
    """
    if raw is None:
        raise InvalidDOI("Enter a DOI.")
    value = str(raw).strip()
    lowered = value.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix):
            value = value[len(prefix) :].strip()
            break
    if "%" in value:
        # A DOI copied out of a URL may be percent-encoded ("10.1000%2Fabc").
        value = unquote(value)
    value = value.lower()
    if not value:
        raise InvalidDOI("Enter a DOI.")
    if not DOI_RE.match(value):
        raise InvalidDOI(
            f"“{raw.strip()}” is not a DOI. A DOI looks like 10.1080/02640414.2024.2321021."
        )
    return value


def find_dois(text: str) -> list[str]:
    """Return the normalised DOIs written in `text`, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in DOI_IN_TEXT_RE.finditer(text or ""):
        seen.setdefault(match.group(0).lower(), None)
    return list(seen)
