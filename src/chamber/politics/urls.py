from django.urls import path

from . import views

app_name = "politics"
urlpatterns = [
    path("", views.register, name="register"),
    path("posts/new/", views.post_create, name="post_create"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("people/options/", views.person_options, name="person_options"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/step/<slug:step>/", views.proposal_step, name="proposal_step"),
    path(
        "proposals/<int:pk>/replies/<int:round_no>/attachment/",
        views.reply_attachment,
        name="reply_attachment",
    ),
    path("members/<int:pk>/section/", views.member_section, name="member_section"),
]
