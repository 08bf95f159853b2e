from django.urls import path

import claimsite.converters  # noqa: F401 (registers <posint:>)
from editorial import views

app_name = "editorial"

urlpatterns = [
    path("editors/claims/<slug:slug>/literature/", views.screening, name="screening"),
    path("editors/literature/<posint:pk>/", views.screen, name="screen"),
]
