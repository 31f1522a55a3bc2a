"""Public catalogue pages under ``/thu-tuc/``."""

from django.urls import path, re_path

from . import views

app_name = "procedures"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    re_path(r"^(?P<code>\d\.\d{6})/$", views.detail, name="detail"),
]
