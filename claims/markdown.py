"""Markdown rendering: the one function that turns prose written on the site into HTML.

Text is rendered with Python-Markdown, sanitised with bleach's allow-list, and then DOIs in
the text become links — to our study page when the site knows the study, else to
https://doi.org/. Every model's save() calls `render_markdown()` and stores the result in a
`*_html` field; only that field is output with |safe.
"""

import re
from collections.abc import Collection
from urllib.parse import quote, urlsplit

import bleach
import markdown as markdown_lib
from bleach.linkifier import Linker
from django.apps import apps
from django.urls import reverse

from evidence.doi import DOI_IN_TEXT_RE, find_dois

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
    # module, the study model among them, so an import here would be circular.
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
    known = known_study_dois(find_dois(text))
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
