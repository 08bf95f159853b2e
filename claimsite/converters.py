"""Path converters for numbers the database stores, so that no URL can overflow a column."""

import re

from django.urls import register_converter

# The largest value of a 64-bit integer column (PostgreSQL bigint, SQLite INTEGER).
DATABASE_INT_MAX = 2**63 - 1


class PositiveIntConverter:
    """A whole number from 1 to DATABASE_INT_MAX (ids, version numbers). Anything else does
    not match, so the URL is a 404 instead of an overflow in the database."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= DATABASE_INT_MAX:
            raise ValueError(f"{value} is out of range")
        return number

    def to_url(self, value) -> str:
        return str(value)


def parse_positive_int(raw) -> int:
    """The number in `raw` (e.g. a query-string value) by the same rule; ValueError if none."""
    value = str(raw).strip()
    if not re.fullmatch(PositiveIntConverter.regex, value):
        raise ValueError(f"{value[:30]!r} is not a positive whole number")
    return PositiveIntConverter().to_python(value)


register_converter(PositiveIntConverter, "posint")
