"""The public dossier lookup (D8), under ``/tra-cuu/``."""

from django.urls import path

from . import lookup_views

app_name = "lookup"
urlpatterns = [
    path("", lookup_views.search, name="search"),
]
