"""Issued documents of a dossier (D4), under ``/ho-so/tai-lieu/``."""

from django.urls import path

from .documents import views

app_name = "documents"
urlpatterns = [
    path("download/<int:pk>/", views.download, name="download"),
]
