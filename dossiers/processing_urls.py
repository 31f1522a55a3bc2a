"""Processing pages under ``/xu-ly/`` (D5, D6)."""

from django.urls import path

from . import processing_views as views

app_name = "processing"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("ho-so/<int:pk>/", views.dossier_detail, name="dossier"),
    path("ho-so/<int:pk>/tep/<int:file_pk>/", views.dossier_file, name="file"),
    path("ho-so/<int:pk>/phieu-kiem-soat/", views.slip, name="slip"),
    path("ho-so/<int:pk>/nhan-xu-ly/", views.take, name="take"),
    path("ho-so/<int:pk>/phan-cong/", views.assign, name="assign"),
    path("ho-so/<int:pk>/hoan-thanh-buoc/", views.complete, name="complete"),
    path("ho-so/<int:pk>/tra-lai-buoc/", views.send_back, name="send_back"),
    path("ho-so/<int:pk>/chuyen-lien-thong/", views.forward, name="forward"),
    path("ho-so/<int:pk>/tra-lien-thong/", views.give_back, name="return"),
    path("ho-so/<int:pk>/yeu-cau-bo-sung/", views.ask_supplement, name="ask_supplement"),
    path("ho-so/<int:pk>/yeu-cau-nop-phi/", views.ask_payment, name="ask_payment"),
    path("ho-so/<int:pk>/xac-nhan-nop-phi/", views.confirm_payment, name="confirm_payment"),
    path("ho-so/<int:pk>/dung-xu-ly/", views.stop, name="stop"),
    path("ho-so/<int:pk>/xin-loi/", views.apologise, name="apologise"),
]
