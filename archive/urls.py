"""The citizen's data warehouse (Kho dữ liệu, D9): /kho-du-lieu/."""

from django.urls import path

from . import views

app_name = "warehouse"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("<int:pk>/tai-ve/", views.download, name="download"),
    path("dung-lai/<int:pk>/", views.reuse, name="reuse"),
]
