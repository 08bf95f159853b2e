"""Markdown rendering: the one function that turns prose written on the site into HTML.

Text is rendered with Python-Markdown, sanitised with bleach's allow-list, and then DOIs in
the text become links — to our study page when the site knows the study, else to
https://doi.org/. Every model's save() calls `render_markdown()` and stores the result in a
`*_html` field; only that field is output with |safe.

It never raises and stays fast on any text: a DOI holding an invisible or control character is
not linked, and text that would make Python-Markdown's parser slow (thousands of brackets,
deep quote nesting, long runs of emphasis marks; `markdown_problem()`) is refused by the forms
with `validate_markdown` and, should it arrive by another way, rendered as plain paragraphs.

It lives in `evidence`, the ground every app stands on, rather than in `claimsite`: prose on
this site cites studies, and linking a DOI takes the DOI rules (`evidence.doi`) and the study
table, both evidence's. Here it imports no other app and every app above can call it; split
into a site-wide renderer and an evidence hook, the one rule would live in two places.
"""

import html as html_lib
import logging
import re
import unicodedata
from collections.abc import Collection
from urllib.parse import quote, urlsplit

import bleach
import markdown as markdown_lib
from bleach.linkifier import Linker
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from evidence.doi import DOI_IN_TEXT_RE, DOI_RE, find_dois

logger = logging.getLogger(__name__)

# Python-Markdown's inline patterns take time that grows with the square of the number of
# unclosed brackets, and its block parser recurses per level of quoting and list indentation:
# 3,000 "[" take seconds. Far above what prose needs, far below what is slow (< 50 ms each).
BRACKETS_MAX = 500
QUOTE_DEPTH_MAX = 20
INDENT_MAX = 80
MARK_RUN_MAX = 100
_QUOTE_DEPTH = re.compile(rf"^(?:[ \t]*>){{{QUOTE_DEPTH_MAX + 1}}}", re.MULTILINE)
_INDENT = re.compile(rf"^[ \t]{{{INDENT_MAX + 1}}}", re.MULTILINE)
_MARK_RUN = re.compile(rf"[*_~`]{{{MARK_RUN_MAX + 1}}}")


def markdown_problem(text: str) -> str | None:
    """Why `text` is refused as Markdown (it would take the renderer too long), or None."""
    text = text or ""
    if text.count("[") > BRACKETS_MAX:
        return (
            f"This text has {text.count('['):,} square brackets; Markdown here allows at most "
            f"{BRACKETS_MAX}. Remove some, or write them as ( )."
        )
    if _QUOTE_DEPTH.search(text):
        return f"Quotes are nested more than {QUOTE_DEPTH_MAX} deep (“>” at a line's start)."
    if _INDENT.search(text):
        return f"A line is indented by more than {INDENT_MAX} spaces."
    if _MARK_RUN.search(text):
        return f"More than {MARK_RUN_MAX} “*”, “_”, “~” or “`” in a row."
    return None


def validate_markdown(text: str) -> None:
    """The forms' check of every Markdown field (model field validator)."""
    problem = markdown_problem(text)
    if problem:
        raise ValidationError(problem, code="markdown_too_complex")


def _is_doi(candidate: str) -> bool:
    """Whether a DOI found in text is one: no invisible or control character in it."""
    return bool(DOI_RE.match(candidate)) and not any(
        unicodedata.category(char).startswith("C") for char in candidate
    )


ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6",
        "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
        "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

USER_CONTENT_REL = "nofollow ugc noopener"
EXTERNAL_REL = "noopener"


def study_path(doi: str) -> str:
    return reverse("evidence:study_detail", kwargs={"doi": doi})


def doi_org_url(doi: str) -> str:
    return "https://doi.org/" + quote(doi, safe="/:;()._-")


def known_study_dois(dois: Collection[str]) -> set[str]:
    """Which of `dois` (normalised) belong to studies the site has a page for (one query)."""
    if not dois:
        return set()
    # Looked up in the app registry rather than imported: every app's models import this
    # module, evidence.models among them, so an import here would be circular.
    Study = apps.get_model("evidence", "Study")
    return set(Study.objects.filter(doi__in=dois).values_list("doi", flat=True))


def leaves_the_site(href: str) -> bool:
    """Whether a link goes elsewhere, read as a browser reads it: any scheme in any case
    (`HTTP://x`), protocol-relative (`//x`), or with backslashes or tabs browsers ignore
    (`/\\x`, or a tab inside `//`)."""
    cleaned = re.sub(r"[\t\n\r]", "", href).strip().replace("\\", "/")
    parts = urlsplit(cleaned)
    return bool(parts.scheme or parts.netloc)


def render_markdown(text: str, *, user_content: bool = False) -> str:
    """Render `text` as sanitised HTML, each DOI in it linked to our study page when the site
    knows the study, else to doi.org.

    `user_content` marks text written by community members: every link they wrote gets
    rel="nofollow ugc noopener" (however it is spelled); other text's links that leave the
    site get rel="noopener".
    """
    if not text:
        return ""
    # A DOI holding an invisible or control character (a zero-width space, a right-to-left
    # override) is no DOI: it is not looked up and not linked.
    known = known_study_dois([doi for doi in find_dois(text) if _is_doi(doi)])
    try:
        return _render(text, known=known, user_content=user_content)
    except Exception:  # a renderer returns HTML for any text; forms do the refusing
        logger.exception("Markdown could not be rendered; shown as escaped text")
        return _plain_paragraphs(text)


def _plain_paragraphs(text: str) -> str:
    """`text` as escaped paragraphs, line breaks kept: linear in its length."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html_lib.escape(line) for line in p.splitlines()) + "</p>"
        for p in paragraphs
    )


def _render(text: str, *, known: set[str], user_content: bool) -> str:
    if markdown_problem(text):
        html = _plain_paragraphs(text)
    else:
        html = markdown_lib.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    clean = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    rel = USER_CONTENT_REL if user_content else EXTERNAL_REL

    def link_doi(attrs, new=False):
        href_key = (None, "href")
        if new:
            doi = attrs["_text"].lower()
            if not _is_doi(doi):
                return None  # left as text
            if doi in known:
                attrs[href_key] = study_path(doi)
                attrs[(None, "class")] = "doi doi-known"
                return attrs
            attrs[href_key] = doi_org_url(doi)
            attrs[(None, "class")] = "doi"
        if user_content or leaves_the_site(attrs.get(href_key, "")):
            attrs[(None, "rel")] = rel
        return attrs

    linker = Linker(
        callbacks=[link_doi], skip_tags={"pre", "code"}, parse_email=False, url_re=DOI_IN_TEXT_RE
    )
    return linker.linkify(clean)
