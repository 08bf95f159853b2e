"""What the site offers besides its pages: citations, feeds, the sitemap (issue 17)."""

from django.urls import path, register_converter

import claimsite.converters  # noqa: F401 (registers <posint:>)
from claims import citation_views, feeds, sitemaps


class CitationFormatConverter:
    regex = "bibtex|ris|csl-json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CitationFormatConverter, "citeformat")

app_name = "open"

urlpatterns = [
    # The format comes before the DOI: a DOI may contain slashes and end in ".bib".
    path(
        "studies/cite/<citeformat:fmt>/<path:doi>",
        citation_views.study_citation,
        name="study_citation",
    ),
    path(
        "claims/<slug:slug>/bibliography/<citeformat:fmt>/",
        citation_views.claim_bibliography,
        name="claim_bibliography",
    ),
    path("feeds/versions/", feeds.site_feed, name="feed"),
    path("claims/<slug:slug>/feed/", feeds.claim_feed, name="claim_feed"),
    path("topics/<slug:slug>/feed/", feeds.topic_feed, name="topic_feed"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path(
        "claims/<slug:slug>/v/<posint:number>/cite/<citeformat:fmt>/",
        citation_views.claim_citation,
        name="claim_citation",
    ),
]
