from django.urls import path

from . import io_views, sheet_views, views

app_name = "members"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("people/<int:pk>/reveal/", views.reveal_person, name="reveal_person"),
    path("memberships/<int:pk>/transfer/", views.membership_transfer, name="membership_transfer"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("export/", io_views.export, name="export"),
    path("import/", io_views.import_start, name="import"),
    path("import/template/", io_views.template, name="import_template"),
    path("import/<int:pk>/", io_views.import_job, name="import_job"),
    path("import/<int:pk>/confirm/", io_views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/errors/", io_views.import_errors, name="import_errors"),
    path("sheets/errors/<str:name>/", sheet_views.sheet_errors, name="sheet_errors"),
]
