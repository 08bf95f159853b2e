"""A claim's address from its statement: the one rule, for any language.

`slugify()` keeps ASCII letters and digits only, so a Cyrillic, Greek or Chinese statement
(or "???") would give an empty slug, and a claim at `/claims//`. Cyrillic and Greek are
transliterated here; what still leaves nothing (Chinese, Japanese, punctuation only) becomes
"claim", and `unique_slug()` numbers a slug that is taken ("claim-2", "claim-3"), so a slug is
never empty and never collides.

Pure: no ORM (the caller says which slugs are taken).
"""

from collections.abc import Callable

from django.utils.text import slugify

SLUG_MAX = 60
FALLBACK = "claim"

# Letter by letter (Russian, Ukrainian, Belarusian; modern Greek), after BGN/PCGN, simplified.
_CYRILLIC = (
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяієїґў",
    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i ye yi g u",
)
_GREEK = (
    "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
    "a v g d e z i th i k l m n x o p r s s t y f ch ps o a e i i o y o i y i y",
)
_TABLE = {
    ord(letter): ("" if latin == "-" else latin)
    for letters, latins in (_CYRILLIC, _GREEK)
    for letter, latin in zip(letters, latins.split(), strict=True)
}


def transliterate(text: str) -> str:
    """Cyrillic and Greek letters in Latin ones; everything else as it is."""
    return "".join(
        (mapped.capitalize() if ch.isupper() else mapped)
        if (mapped := _TABLE.get(ord(ch.lower()))) is not None
        else ch
        for ch in text
    )


def slug_from_statement(statement: str, limit: int = SLUG_MAX) -> str:
    """A slug of at most `limit` characters, cut after a whole word rather than mid-word;
    never empty."""
    slug = slugify(transliterate(statement or "")) or FALLBACK
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1]
    # The character after the limit is a hyphen when the word ends exactly at the limit.
    cut = cut[:limit] if cut.endswith("-") else cut[: cut.rfind("-")]
    return cut.strip("-") or slug[:limit]


def unique_slug(slug: str, taken: Callable[[str], bool], limit: int = SLUG_MAX) -> str:
    """`slug`, or the first of `slug-2`, `slug-3`, … that is not `taken` (all within `limit`)."""
    slug = slug or FALLBACK
    if not taken(slug):
        return slug
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = slug[: limit - len(suffix)].rstrip("-") + suffix
        if not taken(candidate):
            return candidate
        number += 1
