from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", views.SignOutView.as_view(), name="logout"),
    path("mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("mat-khau/xong/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
