from django.urls import path

from . import views

app_name = "casework"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/<slug:step>/", views.case_step, name="case_step"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/sheet/", views.visit_sheet, name="visit_sheet"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("enterprises/search/", views.enterprise_search, name="enterprise_search"),
    path("members/<int:pk>/section/", views.member_section, name="member_section"),
    path("figures/", views.figures_page, name="figures"),
    path("leaders/", views.leaders_page, name="leaders"),
    path("calendar/", views.calendar_page, name="calendar"),
]
