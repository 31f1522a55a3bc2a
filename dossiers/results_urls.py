"""Results: prepare, sign, release, hand over (D7): /ket-qua/."""

from django.urls import path

from . import results_views as views

app_name = "results"

urlpatterns = [
    path("cho-ky/", views.to_sign, name="to_sign"),
    path("cho-tra/", views.pickup, name="pickup"),
    path("ho-so/<int:pk>/", views.dossier_page, name="dossier"),
    path("ho-so/<int:pk>/chuan-bi/", views.prepare, name="prepare"),
    path("ho-so/<int:pk>/ky/", views.sign, name="sign"),
    path("ho-so/<int:pk>/ket-thuc/", views.settle, name="settle"),
    path("ho-so/<int:pk>/tra/", views.hand_over, name="hand_over"),
    path("tep/<int:pk>/", views.officer_file, name="file"),
    path("tai-ve/<int:pk>/", views.citizen_download, name="download"),
]
