from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy, pgettext_lazy
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from chamber.workbench.views import home

admin.site.site_header = admin.site.site_title = pgettext_lazy("product name", "Chamber")
admin.site.index_title = gettext_lazy("Reference data")

urlpatterns = [
    path("", home, name="home"),
    path("members/", include("chamber.members.urls")),
    path("casework/", include("chamber.casework.urls")),
    path("reports/", include("chamber.reports.urls")),
    path("politics/", include("chamber.politics.urls")),
    path("activities/", include("chamber.activities.urls")),
    path("portal/", include("chamber.portal.urls")),
    path("members/online/", include("chamber.portal.staff_urls")),
    path("notifications/", include("chamber.notify.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("chamber.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
