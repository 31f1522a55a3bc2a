"""Inbound APIs for ministries' specialised software (I2): /api/v1/ministry/."""

from django.urls import path

from .api import MinistryDossierView, MinistryStatusView

app_name = "dvcqg-api"

urlpatterns = [
    path("dossiers/", MinistryDossierView.as_view(), name="dossiers"),
    path("dossiers/<str:code>/status/", MinistryStatusView.as_view(), name="status"),
]
