from django.urls import path

from evidence import views

app_name = "evidence"

urlpatterns = [
    # <path:> because a DOI contains slashes (10.1080/02640414.2024.2321021).
    path("<path:doi>/", views.study_detail, name="study_detail"),
]
