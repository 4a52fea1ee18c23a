from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "chamber.workbench"
    verbose_name = _("Start page")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(remember_api_use, dispatch_uid="chamber.workbench.api_use")


def remember_api_use(sender, request, user, **kwargs) -> None:
    """The menu shows the API documentation to those who use the API: administrators and
    anyone holding an API token (`chamber token`). Decided once at sign-in and kept in
    the session, so no page pays a query for it."""
    if request is None or not hasattr(request, "session"):
        return
    from rest_framework.authtoken.models import Token

    request.session["uses_api"] = bool(
        user.is_superuser or Token.objects.filter(user=user).exists()
    )
