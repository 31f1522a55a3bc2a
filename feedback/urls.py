"""Feedback (phản ánh, kiến nghị, K1-K3) and satisfaction surveys (K4): /phan-anh/."""

from django.urls import path  # noqa: F401

app_name = "feedback"

urlpatterns: list = []
