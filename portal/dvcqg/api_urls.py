"""Inbound APIs for ministries' specialised software (I2): /api/v1/ministry/."""

from django.urls import path  # noqa: F401

app_name = "dvcqg-api"

urlpatterns: list = []
