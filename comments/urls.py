from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("articles/<int:pk>/comments/", views.comment_list, name="list"),
    path("articles/<int:pk>/comments/new/", views.comment_create, name="create"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="delete"),
    path("comments/<int:pk>/react/", views.comment_react, name="react"),
    path("comments/<int:pk>/report/", views.comment_report, name="report"),
    path("comments/<int:pk>/history/", views.comment_history, name="history"),
]
