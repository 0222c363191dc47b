from django.urls import path

from . import follow_up_views, save_views, views

app_name = "articles"
urlpatterns = [
    path("articles/<int:pk>/", views.article_detail, name="detail"),
    path("articles/<int:pk>/save/", save_views.save_toggle, name="save"),
    path("articles/<int:pk>/follow-up/", follow_up_views.follow_up_toggle, name="follow_up"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("reporters/<int:pk>/", views.reporter_detail, name="reporter"),
]
