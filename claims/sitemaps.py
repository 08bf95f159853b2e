"""sitemap.xml and robots.txt: every published claim (dated by its latest version) and the
study pages published claims cite. Built from the listing read-model only."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from claims.caching import latest_publication_stamp, positive_page, reader_page
from claims.models import PublishedCitation, PublishedClaim
from evidence.models import Study


class ClaimSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 10_000

    def items(self):
        return PublishedClaim.objects.order_by("claim_id").only("slug", "published_at")

    def location(self, item):
        return reverse("claims:detail", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.published_at


class StudySitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5
    limit = 10_000

    def items(self):
        cited = PublishedCitation.objects.values("doi")
        return Study.objects.filter(doi__in=cited).order_by("pk").only("doi")

    def location(self, item):
        return item.get_absolute_url()


SITEMAPS = {"claims": ClaimSitemap, "studies": StudySitemap}


def _rendered(response):
    # The sitemap views answer a TemplateResponse; the page cache stores rendered bytes.
    return response.render() if hasattr(response, "render") else response


def _sitemap_stamp(request, section=None):
    # Claims and their citations change only when something is published.
    return latest_publication_stamp(request)


@reader_page(_sitemap_stamp)
@require_safe
def sitemap_index(request):
    return _rendered(
        sitemap_views.index(request, SITEMAPS, sitemap_url_name="open:sitemap_section")
    )


# A section past 50,000 URLs is paged with ?p=; nothing else in a query string is read.
@reader_page(_sitemap_stamp, params={"p": positive_page})
@require_safe
def sitemap_section(request, section):
    return _rendered(sitemap_views.sitemap(request, SITEMAPS, section=section))


ROBOTS_DISALLOW = ("/admin/", "/moderation/", "/accounts/")


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('open:sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
