from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("login/password/", views.login_password, name="login_password"),
    path("logout/", views.logout_view, name="logout"),
    path("invite/<str:token>/", views.invitation, name="invitation"),
    path("consent/", views.consent, name="consent"),
    path("account/", views.account_page, name="account"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("enterprise/", views.enterprise, name="enterprise"),
    path("enterprise/<int:pk>/", views.enterprise, name="enterprise_detail"),
    path("membership/", views.membership, name="membership"),
    path("problems/", views.problems, name="problems"),
    path("problems/new/", views.problem_new, name="problem_new"),
    path("problems/<int:pk>/", views.problem, name="problem"),
    path("problems/<int:pk>/photos/<int:photo>/", views.problem_photo, name="problem_photo"),
    path("events/", views.events, name="events"),
    path("events/<int:pk>/", views.event, name="event"),
    path("registrations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("tickets/<int:pk>/", views.ticket, name="ticket"),
    path("attendance/", views.attendance, name="attendance"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("sw.js", views.service_worker, name="service_worker"),
]
