"""Results: prepare, sign, release, hand over (D7): /ket-qua/."""

from django.urls import path  # noqa: F401

app_name = "results"

urlpatterns: list = []
