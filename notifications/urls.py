from django.urls import path

from . import views

urlpatterns = [
    path("me/notifications/", views.notification_list, name="notifications"),
]
