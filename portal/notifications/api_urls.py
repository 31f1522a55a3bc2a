"""The SMS gateway's inbound webhook (TN 12.6.c): /api/v1/sms/."""

from django.urls import path  # noqa: F401

app_name = "notifications-api"

urlpatterns: list = []
