"""Processing queue and step actions (D5-D6): /xu-ly/."""

from django.urls import path  # noqa: F401

app_name = "processing"

urlpatterns: list = []
