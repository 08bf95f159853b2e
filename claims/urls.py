from django.urls import path

import claimsite.converters  # noqa: F401 (registers <posint:>)
from claims import editor_views, views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("editors/", editor_views.editors_page, name="editors"),
    path("claims/<slug:slug>/", views.claim_detail, name="detail"),
    path("claims/<slug:slug>/preview/", views.claim_preview, name="preview"),
    path("claims/<slug:slug>/history/", views.claim_history, name="history"),
    path("claims/<slug:slug>/v/<posint:number>/", views.claim_version, name="version"),
    path("claims/<slug:slug>/compare/", views.claim_compare_pick, name="compare_pick"),
    path("claims/<slug:slug>/compare/<posint:a>/<posint:b>/", views.claim_compare, name="compare"),
]
