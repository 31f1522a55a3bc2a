"""The 766 index and its rankings (K4): /chi-so/."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("tinh-lai/", views.recompute, name="recompute"),
    path("<int:period>/co-quan/<int:agency>/", views.agency_detail, name="agency"),
    path("<int:period>/co-quan/<int:agency>/<str:code>/ho-so/", views.dossiers,
         name="dossiers"),
]
