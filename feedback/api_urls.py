"""Feedback API for the national portal and hotline systems (K1): /api/v1/feedback/."""

from django.urls import path  # noqa: F401

app_name = "feedback-api"

urlpatterns: list = []
