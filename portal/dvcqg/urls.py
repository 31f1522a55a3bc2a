"""Sync status, dead letters, reconciliation (I1): /van-hanh/dvcqg/."""

from django.urls import path  # noqa: F401

app_name = "dvcqg"

urlpatterns: list = []
