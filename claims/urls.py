from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("claims/<slug:slug>/", views.claim_detail, name="detail"),
]
