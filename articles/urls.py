from django.urls import path

from . import save_views, views

app_name = "articles"
urlpatterns = [
    path("articles/<int:pk>/", views.article_detail, name="detail"),
    path("articles/<int:pk>/save/", save_views.save_toggle, name="save"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("reporters/<int:pk>/", views.reporter_detail, name="reporter"),
]
