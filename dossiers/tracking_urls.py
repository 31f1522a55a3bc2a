"""The tracking book (Sổ theo dõi hồ sơ, Circular 03/2025): /so-theo-doi/."""

from django.urls import path  # noqa: F401

app_name = "tracking"

urlpatterns: list = []
