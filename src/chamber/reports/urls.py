from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/", views.dashboard, name="dashboard"),
    path("<str:code>/records/<str:section>/<str:figure>/", views.records, name="records"),
    path("<str:code>/download.<str:fmt>", views.download, name="download"),
]
