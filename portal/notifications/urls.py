"""In-app messages (D10): /thong-bao/."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/mo/", views.open_message, name="open"),
    path("<int:pk>/da-doc/", views.mark_read, name="read"),
    path("da-doc-tat-ca/", views.mark_all_read, name="read_all"),
]
