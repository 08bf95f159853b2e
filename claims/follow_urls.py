from django.urls import path

from claims import follow_views

app_name = "following"

urlpatterns = [
    path("claims/<slug:slug>/follow/", follow_views.follow, name="follow"),
    path("claims/<slug:slug>/unfollow/", follow_views.unfollow, name="unfollow"),
    path("accounts/following/", follow_views.following_list, name="list"),
    path("unsubscribe/<str:token>/", follow_views.unsubscribe, name="unsubscribe"),
]
