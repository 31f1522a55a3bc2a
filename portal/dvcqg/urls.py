"""Sync status, dead letters, reconciliation (I1): /van-hanh/dvcqg/."""

from django.urls import path

from . import views

app_name = "dvcqg"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("su-kien/<int:pk>/gui-lai/", views.ResendView.as_view(), name="resend"),
    path("nhat-ky-goi/", views.CallLogView.as_view(), name="calls"),
    path("goi-den/", views.InboundLogView.as_view(), name="inbound"),
    path("doi-soat/", views.ReconciliationView.as_view(), name="reconciliation"),
]
