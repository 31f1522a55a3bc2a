"""The SMS gateway's inbound webhook (TN 12.6.c): /api/v1/sms/."""

from django.urls import path

from .api import InboundSmsView

app_name = "notifications-api"

urlpatterns = [path("inbound/", InboundSmsView.as_view(), name="inbound")]
