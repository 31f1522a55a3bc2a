"""The citizen's dossier pages, mounted under ``/ho-so/``."""

from django.urls import path, re_path

from . import citizen_views

app_name = "dossiers_citizen"

urlpatterns = [
    re_path(r"^nop/(?P<national_code>\d\.\d{6})/$", citizen_views.start, name="start"),
    path("nhap/<int:pk>/", citizen_views.draft, name="draft"),
    path("cua-toi/", citizen_views.mine, name="mine"),
    path("cua-toi/<int:pk>/", citizen_views.detail, name="detail"),
    path("cua-toi/<int:pk>/da-nop/", citizen_views.submitted, name="submitted"),
    path("cua-toi/<int:pk>/tep/<int:file_pk>/", citizen_views.file, name="file"),
]
