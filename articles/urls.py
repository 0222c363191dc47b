from django.urls import path

from . import views

app_name = "articles"
urlpatterns = [
    path("articles/<int:pk>/", views.article_detail, name="detail"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
]
