from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("files/<int:pk>/", views.report_file, name="file"),
    path("files/<int:pk>/download/", views.report_file_download, name="file_download"),
    path("<str:code>/", views.dashboard, name="dashboard"),
    path("<str:code>/records/<str:section>/<str:figure>/", views.records, name="records"),
    path("<str:code>/download.<str:fmt>", views.download, name="download"),
]
