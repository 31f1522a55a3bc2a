"""The citizen's data warehouse (Kho dữ liệu, D9): /kho-du-lieu/."""

from django.urls import path  # noqa: F401

app_name = "warehouse"

urlpatterns: list = []
