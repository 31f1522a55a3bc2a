"""The 766 index and its rankings (K4): /chi-so/."""

from django.urls import path  # noqa: F401

app_name = "reports"

urlpatterns: list = []
