from django.urls import path

from . import staff_views

app_name = "portal_staff"

urlpatterns = [
    path("", staff_views.invitations, name="invitations"),
    path("accounts/<int:pk>/link/", staff_views.invitation_link, name="invitation_link"),
    path("changes/", staff_views.changes, name="changes"),
    path("changes/<int:pk>/decide/", staff_views.decide, name="decide"),
    path("notices/", staff_views.notices, name="notices"),
    path("cases/<int:pk>/photos/<int:photo>/", staff_views.case_photo, name="case_photo"),
]
