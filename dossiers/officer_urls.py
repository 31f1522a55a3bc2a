"""One-stop officer pages under ``/mot-cua/`` (D2, D3)."""

from django.urls import path

from . import officer_views as views

app_name = "intake"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("tiep-nhan-truc-tiep/", views.counter, name="counter"),
    path("ho-so/<int:pk>/", views.dossier_detail, name="dossier"),
    path("ho-so/<int:pk>/tep/<int:file_pk>/", views.dossier_file, name="file"),
    path("ho-so/<int:pk>/tiep-nhan/", views.accept, name="accept"),
    path("ho-so/<int:pk>/yeu-cau-bo-sung/", views.ask_to_complete, name="ask_to_complete"),
    path("ho-so/<int:pk>/tu-choi/", views.refuse, name="refuse"),
]
