"""DOI normalisation: the one place that decides what a DOI looks like on this site."""

import re
import unicodedata
from urllib.parse import parse_qsl, unquote, urlsplit

# "10." + a registrant code of 4–9 digits (with optional ".sub" parts) + "/" + a non-empty
# suffix without whitespace or control characters. This is the syntax of the DOI Handbook, §2.2
# (whose suffixes are printable; PostgreSQL could not even store a NUL).
DOI_RE = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/[^\s\x00-\x1f\x7f]+$")

# A DOI inside prose. It must end on a character that cannot be trailing punctuation, so
# "(10.1080/02640414.2024.2321021)." yields the DOI without ")." .
DOI_IN_TEXT_RE = re.compile(r"\b10\.\d{4,9}(?:\.\d+)*/[^\s\"<>]*[^\s\"<>.,;:!?)\]}'’”]")

# Labels written in front of a bare DOI ("doi:10.…", "DOI: 10.…", "info:doi/10.…").
_LABEL_RE = re.compile(r"^(?:urn:doi:|info:doi/|doi\s*:|doi\s)\s*", re.IGNORECASE)

# A URL pasted without its scheme ("doi.org/10.…", "www.tandfonline.com/doi/…"): a host name
# ending in a letter TLD, then a slash. "10.1080/…" is no host: its last label is digits.
_BARE_HOST_RE = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}/", re.IGNORECASE)

# Where a DOI starts inside a publisher's URL path: ".../doi/full/10.1111/sms.14212".
_DOI_IN_PATH_RE = re.compile(r"(?:^|/)(10\.\d{4,9}(?:\.\d+)*/.+)$")

_RESOLVERS = {"doi.org", "dx.doi.org", "www.doi.org"}

# Around a pasted DOI: white space (no-break spaces and zero-width ones from web pages and
# PDFs too), angle brackets, quotes and an opening parenthesis or bracket. Control characters
# other than ordinary white space are not stripped: they are refused.
_SPACE = " \t\r\n\v\f\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
_SPACE += "\u200b\u202f\u205f\u3000\ufeff"
_LEADING = _SPACE + "<\"'“‘«([{"
# Closing quotes and sentence punctuation that follow a DOI in prose. A closing ")" or "]"
# is trimmed only when it has no opening partner inside the DOI (10.1016/S0140-6736(97)11096-0).
_TRAILING = _SPACE + ">\"'”’».,;:!?"
_PAIRS = {")": "(", "]": "[", "}": "{"}

EXAMPLE = "10.1080/02640414.2024.2321021"


class InvalidDOI(ValueError):
    """Raised for a string that is not a DOI in any common form."""


def _refuse_control_characters(value: str) -> None:
    # NUL and the like are no part of any DOI; PostgreSQL cannot even store a NUL.
    if any(unicodedata.category(char).startswith("C") for char in value):
        raise InvalidDOI(
            "This DOI contains a line break or another control character, which no DOI has."
        )


def _trim(value: str) -> str:
    """Strip what surrounds a DOI pasted from prose: spaces, brackets, quotes, punctuation."""
    while True:
        before = value
        value = value.lstrip(_LEADING).rstrip(_TRAILING)
        if value and value[-1] in _PAIRS:
            closing, opening = value[-1], _PAIRS[value[-1]]
            if value.count(closing) > value.count(opening):
                value = value[:-1]
        if value == before:
            return value


def _from_url(value: str) -> str | None:
    """The DOI in a resolver or publisher URL, or None when `value` is not a URL."""
    if _BARE_HOST_RE.match(value):
        value = "https://" + value
    elif not re.match(r"^https?://", value, re.IGNORECASE):
        return None
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    # Decoding comes after the split, so an encoded "?" or "#" stays part of the DOI.
    path = unquote(parts.path).rstrip("/")
    _refuse_control_characters(path)
    if host in _RESOLVERS:
        return path.lstrip("/")
    found = _DOI_IN_PATH_RE.search(path)
    if found:
        return found.group(1)
    # Some publishers put the DOI in the query: ".../article?id=10.1371/journal.pone.…".
    for _name, query_value in parse_qsl(parts.query):
        _refuse_control_characters(query_value)
        if DOI_RE.match(query_value.strip()):
            return query_value.strip()
    return ""


def normalize_doi(raw: str) -> str:
    """Return the canonical form of a DOI pasted in any common form, or raise InvalidDOI.

    Accepts a bare DOI, `doi:`/`DOI: ` labels, doi.org resolver URLs (any host spelling,
    with or without a scheme, query or fragment), publisher URLs holding a DOI, percent
    encoding, and the brackets, quotes and sentence punctuation that come with pasting from
    prose. The result is lower case (DOIs are case-insensitive, DOI Handbook §2.4) and is the
    key the site stores. Control characters are refused after every decoding step.
    """
    if raw is None:
        raise InvalidDOI("Enter a DOI.")
    shown = str(raw).strip(_SPACE)
    _refuse_control_characters(shown)
    value = shown
    if len(shown) > 80:
        shown = shown[:79] + "…"  # for the message: a long pasted link would drown it
    value = _trim(_LABEL_RE.sub("", _trim(value)))
    from_url = _from_url(value)
    if from_url is not None:
        value = from_url
    elif "%" in value:
        # A DOI copied out of a URL may be percent-encoded ("10.1000%2Fabc").
        value = unquote(value)
        _refuse_control_characters(value)
    value = _trim(value).lower()
    if not value:
        if shown:
            raise InvalidDOI(f"“{shown}” holds no DOI. A DOI looks like {EXAMPLE}.")
        raise InvalidDOI("Enter a DOI.")
    if not DOI_RE.match(value):
        raise InvalidDOI(f"“{shown}” is not a DOI. A DOI looks like {EXAMPLE}.")
    return value


def find_dois(text: str) -> list[str]:
    """Return the normalised DOIs written in `text`, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in DOI_IN_TEXT_RE.finditer(text or ""):
        seen.setdefault(match.group(0).lower(), None)
    return list(seen)
