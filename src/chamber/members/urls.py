from django.urls import path

from . import io_views, privacy_views, register_views, sheet_views, views

app_name = "members"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("people/<int:pk>/reveal/", views.reveal_person, name="reveal_person"),
    path("people/<int:pk>/privacy/", privacy_views.person_data, name="person_data"),
    path(
        "people/<int:pk>/privacy/export.<str:fmt>",
        privacy_views.person_export,
        name="person_export",
    ),
    path("people/<int:pk>/privacy/erase/", privacy_views.person_erase, name="person_erase"),
    path("privacy/retention/", privacy_views.retention, name="privacy_retention"),
    path("people/", register_views.people, name="people"),
    path("people/new/", register_views.person_create, name="person_create"),
    path("people/<int:pk>/", register_views.person_detail, name="person"),
    path("people/<int:pk>/edit/", register_views.person_edit, name="person_edit"),
    path("people/<int:pk>/show/", register_views.person_reveal, name="person_reveal"),
    path("people/<int:pk>/admit/", register_views.person_admit, name="person_admit"),
    path("individuals/new/", register_views.individual_create, name="individual_create"),
    path("groups/new/", register_views.group_create, name="group_create"),
    path("memberships/<int:pk>/", register_views.membership_detail, name="membership"),
    path("enterprises/<int:pk>/roles/", register_views.role_add, name="role_add"),
    path("roles/<int:pk>/end/", register_views.role_end, name="role_end"),
    path(
        "memberships/<int:pk>/representative/",
        register_views.membership_representative,
        name="membership_representative",
    ),
    path("enterprises/<int:pk>/milestones/", register_views.milestone_add, name="milestone_add"),
    path("dues/", register_views.dues, name="dues"),
    path("dues/rates/", register_views.dues_rate, name="dues_rate"),
    path("dues/<int:pk>/pay/", register_views.payment_create, name="payment_create"),
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
