from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from .models import Organization


class ChamberBackend(ModelBackend):
    """Refuses the demo password unless this database holds the demo federation, so a
    demo account copied into a real deployment cannot be used."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if password == settings.CHAMBER_DEMO_PASSWORD and not (
            Organization.objects.filter(is_demo=True).exists()
        ):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
