app_name = "dossiers_citizen"
urlpatterns: list = []
