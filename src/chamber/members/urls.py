from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("people/<int:pk>/reveal/", views.reveal_person, name="reveal_person"),
    path("memberships/<int:pk>/transfer/", views.membership_transfer, name="membership_transfer"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
]
