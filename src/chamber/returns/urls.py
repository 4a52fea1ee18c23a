from django.urls import path

from . import views

app_name = "returns"
urlpatterns = [
    path("r/<int:pk>/", views.detail, name="detail"),
    path("r/<int:pk>/<str:action>/", views.act, name="act"),
    path("<str:code>/", views.org_returns, name="org"),
]
