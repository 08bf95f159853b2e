from django.urls import path

import claimsite.converters  # noqa: F401 (registers <posint:>)
from evidence import views

app_name = "evidence"

urlpatterns = [
    # <path:> because a DOI contains slashes (10.1080/02640414.2024.2321021).
    path("studies/<path:doi>/", views.study_detail, name="study_detail"),
    path("claims/<slug:slug>/evidence/new/", views.submit_evidence, name="submit"),
    path("claims/<slug:slug>/evidence/new/study-facts/", views.study_facts, name="study_facts"),
    path("accounts/submissions/", views.my_submissions, name="my_submissions"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/<posint:pk>/", views.moderation_item, name="moderation_item"),
    path("moderation/<posint:pk>/approve/", views.approve_submission, name="approve"),
    path("moderation/<posint:pk>/reject/", views.reject_submission, name="reject"),
]
