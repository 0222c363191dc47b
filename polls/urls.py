from django.urls import path

from . import views

app_name = "polls"
urlpatterns = [
    path("articles/<int:article_id>/poll/vote/", views.vote, name="vote"),
]
