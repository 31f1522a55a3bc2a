from django.urls import path

from . import views

app_name = "calendar"

urlpatterns = [
    path("tinh-han/", views.deadline_calculator, name="deadline"),
]
