"""E-form pages, mounted under ``/thu-tuc/`` with their own namespace."""

from django.urls import path, re_path

from . import eforms_views

app_name = "eforms"

CODE = r"(?P<code>\d\.\d{6})"
SYMBOL = r"(?P<symbol>[A-Za-z0-9_-]{1,20})"

urlpatterns = [
    re_path(rf"^{CODE}/bieu-mau/{SYMBOL}/$", eforms_views.fill, name="fill"),
    re_path(rf"^{CODE}/bieu-mau/{SYMBOL}/mau\.pdf$", eforms_views.blank_pdf, name="blank_pdf"),
    path("bieu-mau/da-dien/<int:pk>/", eforms_views.filled, name="filled"),
    path("bieu-mau/da-dien/<int:pk>/pdf/", eforms_views.filled_pdf, name="filled_pdf"),
    path("bieu-mau/dia-ban/<int:province>/xa.json", eforms_views.communes, name="communes"),
]
