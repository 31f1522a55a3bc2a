"""The tracking book (Sổ theo dõi hồ sơ, Circular 03/2025): /so-theo-doi/."""

from django.urls import path

from . import tracking_views as views

app_name = "tracking"

urlpatterns = [
    path("", views.book_page, name="book"),
    path("pdf/", views.book_pdf, name="pdf"),
    path("excel/", views.book_xlsx, name="xlsx"),
]
