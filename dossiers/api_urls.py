"""The dossier API under ``/api/v1/``: citizen submission, officer intake, public lookup."""

from django.urls import include, path

urlpatterns = [
    path("", include("dossiers.api_citizen")),
    path("", include("dossiers.api_intake")),
    path("", include("dossiers.api_lookup")),
    path("", include("dossiers.api_dvcqg")),
]
