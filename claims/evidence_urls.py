"""The evidence pages readers and members see, under the `evidence:` names they always had;
their views live in claims because they show claims (claims/evidence_views.py)."""

from django.urls import path

from claims import evidence_views as views

app_name = "evidence"

urlpatterns = [
    # <path:> because a DOI contains slashes (10.1080/02640414.2024.2321021).
    path("studies/<path:doi>/", views.study_detail, name="study_detail"),
    path("claims/<slug:slug>/evidence/new/", views.submit_evidence, name="submit"),
    path("claims/<slug:slug>/evidence/new/study-facts/", views.study_facts, name="study_facts"),
    path("accounts/submissions/", views.my_submissions, name="my_submissions"),
]
