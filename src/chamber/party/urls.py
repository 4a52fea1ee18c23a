from django.urls import path

from . import views

app_name = "party"
urlpatterns = [
    path("", views.organization_list, name="organizations"),
    path("new/", views.organization_create, name="organization_create"),
    path("<int:pk>/edit/", views.organization_edit, name="organization_edit"),
]
