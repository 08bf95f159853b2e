from django.urls import path

import claimsite.converters  # noqa: F401 (registers <posint:>)
from editorial import moderation_views, views

app_name = "editorial"

urlpatterns = [
    path("moderation/", moderation_views.moderation_queue, name="moderation"),
    path("moderation/<posint:pk>/", moderation_views.moderation_item, name="moderation_item"),
    path("moderation/<posint:pk>/approve/", moderation_views.approve_submission, name="approve"),
    path("moderation/<posint:pk>/reject/", moderation_views.reject_submission, name="reject"),
    path("editors/claims/<slug:slug>/literature/", views.screening, name="screening"),
    path("editors/literature/<posint:pk>/", views.screen, name="screen"),
]
