from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Evidence Claims — editors"
admin.site.site_title = "Evidence Claims admin"
admin.site.index_title = "Curate claims, studies and mechanisms"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("studies/", include("evidence.urls")),
    path("", include("claims.urls")),
]
