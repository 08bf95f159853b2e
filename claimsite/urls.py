from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.forms import ThrottledAdminAuthenticationForm
from accounts.views import admin_login
from claimsite.views import bench_ok, healthz

admin.site.site_header = "Evidence Claims — editors"
admin.site.site_title = "Evidence Claims admin"
admin.site.index_title = "Curate claims, studies and mechanisms"
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before the admin's own login/ so that a paused sign-in answers 429.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("", include("claims.follow_urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("api.urls")),
    # Before claims.evidence_urls: its studies/<path:doi>/ would take the citation downloads.
    path("", include("claims.open_urls")),
    path("", include("claims.evidence_urls")),
    path("", include("editorial.urls")),
    path("", include("claims.urls")),
]

if settings.BENCH_VIEW:
    urlpatterns.append(path("bench/ok", bench_ok))
