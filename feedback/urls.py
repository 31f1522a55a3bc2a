"""Feedback (phản ánh, kiến nghị, K1-K3) and satisfaction surveys (K4): /phan-anh/."""

from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.send, name="send"),
    path("cong-khai/", views.public_list, name="public"),
    path("cong-khai/<str:code>/", views.public_detail, name="public-detail"),
    path("danh-gia/<str:token>/", views.rate, name="rate"),
    path("khao-sat/<str:token>/", views.survey, name="survey"),
    path("xu-ly/", views.staff_queue, name="staff-queue"),
    path("xu-ly/nhap/", views.staff_enter, name="staff-enter"),
    path("xu-ly/khao-sat/", views.staff_surveys, name="staff-surveys"),
    path("xu-ly/<int:pk>/", views.staff_item, name="staff-item"),
    path("xu-ly/<int:pk>/<slug:action>/", views.staff_action, name="staff-action"),
    path("tep/<int:pk>/", views.staff_attachment, name="staff-attachment"),
]
