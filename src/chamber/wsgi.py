import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chamber.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402

if settings.SECRET_KEY == settings.DEV_SECRET_KEY and not settings.DEBUG:
    raise ImproperlyConfigured(
        "Set CHAMBER_SECRET_KEY to serve Chamber (or CHAMBER_DEBUG=1 for development)."
    )

from chamber.core.checks import refuse_to_serve_undecryptable  # noqa: E402

refuse_to_serve_undecryptable()
