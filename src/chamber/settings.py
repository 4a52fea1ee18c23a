"""Settings, configured from the environment (DESIGN §4).

DATABASE_URL       default: SQLite file under var/; postgres://... for PostgreSQL
CHAMBER_SECRET_KEY required unless CHAMBER_DEBUG is on (a throwaway key is made for dev)
CHAMBER_SECRET_KEY_FILE a file holding the key, generated there once if missing (make run)
CHAMBER_DEBUG      "1"/"true" for development
CHAMBER_ALLOWED_HOSTS comma-separated host names
CHAMBER_FIELD_KEYS comma-separated Fernet keys for personal data at rest, newest first
                   (else the file var/field-keys; a development key only with CHAMBER_DEBUG)
CHAMBER_HTTPS      "1" in production behind TLS: secure cookies, SSL redirect, HSTS
CHAMBER_PROXY_COUNT number of reverse proxies in front of the app (client address)
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("CHAMBER_HOME", BASE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("CHAMBER_VAR", PROJECT_DIR / "var"))


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("CHAMBER_DEBUG")
# Without CHAMBER_SECRET_KEY a fixed development key is used (commands, tests, make run);
# the WSGI application refuses to serve with it unless CHAMBER_DEBUG is on (wsgi.py).
DEV_SECRET_KEY = "chamber-development-key-not-for-production"


def _key_from_file(path: Path) -> str:
    """The key kept in `path`, generated there once (readable by the owner only): every
    later start, and the commands, read the same key, so what was encrypted stays
    readable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made by an earlier start (or by another worker a moment ago)
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = os.environ.get("CHAMBER_SECRET_KEY") or (
    _key_from_file(Path(os.environ["CHAMBER_SECRET_KEY_FILE"]))
    if os.environ.get("CHAMBER_SECRET_KEY_FILE")
    else DEV_SECRET_KEY
)
# Personal data at rest (chamber.core.fields): its own keys, never derived from
# SECRET_KEY, so the secret can rotate. Newest first: the first encrypts, all decrypt;
# `chamber rekey` re-encrypts everything with the first. `make run` keeps its key in
# var/field-keys, so the demo is encrypted with the key the server reads.
FIELD_KEYS_FILE = Path(os.environ.get("CHAMBER_FIELD_KEYS_FILE", VAR_DIR / "field-keys"))
DEV_FIELD_KEY = "Y2hhbWJlci1kZXZlbG9wbWVudC1maWVsZC1rZXkhISE="  # public: development only
_field_keys = os.environ.get("CHAMBER_FIELD_KEYS") or (
    FIELD_KEYS_FILE.read_text() if FIELD_KEYS_FILE.is_file() else ""
)
CHAMBER_FIELD_KEYS = [k.strip() for k in _field_keys.replace("\n", ",").split(",") if k.strip()]
if not CHAMBER_FIELD_KEYS and DEBUG:
    CHAMBER_FIELD_KEYS = [DEV_FIELD_KEY]
# Values written before CHAMBER_FIELD_KEYS existed were encrypted with a key derived from
# SECRET_KEY and this salt; migration members.0007_field_keys and `chamber rekey` read them.
SALT_KEY = os.environ.get("CHAMBER_FIELD_SALT", "chamber-field-salt")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("CHAMBER_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "chamber.core",
    "chamber.orgs",
    "chamber.members",
    "chamber.casework",
    "chamber.activities",
    "chamber.politics",
    "chamber.portal",
    "chamber.reports",
    "chamber.notify",
    "chamber.workbench",
    "chamber.demo",
]

MIDDLEWARE = [
    "chamber.core.requestlog.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "chamber.core.security.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chamber.portal.middleware.PortalBoundaryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # No control characters in query parameters or page form posts (core/inputs.py).
    "chamber.core.inputs.InputRuleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# The benchmark mounts a naive copy of the directory beside the real one (bench/).
ROOT_URLCONF = os.environ.get("CHAMBER_URLCONF", "chamber.urls")
WSGI_APPLICATION = "chamber.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chamber.sqlite3'}"),
        conn_max_age=int(os.environ.get("CHAMBER_CONN_MAX_AGE", "60")),
    )
}
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the app server read while an import writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "chamber.orgs.backends.ChamberBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "chamber.orgs.passwords.DemoPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions expire after 8 idle hours and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("CHAMBER_SESSION_SECONDS", 8 * 3600))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# One production switch: served over HTTPS (behind TLS), cookies are Secure, plain HTTP
# is redirected and browsers are told to keep to HTTPS (HSTS). `chamber check --deploy`
# is clean with it (tests/test_hardening.py). CHAMBER_SECURE_COOKIES is the older name.
HTTPS = _flag("CHAMBER_HTTPS") or _flag("CHAMBER_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("CHAMBER_HSTS_SECONDS", 31536000)) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# The preload flag only allows the domain's owner to submit it to browsers' list.
SECURE_HSTS_PRELOAD = HTTPS and _flag("CHAMBER_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Reverse proxies in front of the app (docs/deploy.md §5). With N proxies the client's
# address is the N-th from the right of X-Forwarded-For (each proxy appends the address it
# saw); 0 means REMOTE_ADDR. Used by the sign-in lockout and the logs (core.security).
PROXY_COUNT = int(os.environ.get("CHAMBER_PROXY_COUNT", "0"))
if PROXY_COUNT:
    # The proxy says whether the browser used HTTPS (nginx: X-Forwarded-Proto $scheme).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): every asset is served by Chamber itself, so
# 'self' only. Exceptions: style attributes (progress-bar widths in templates, ECharts'
# tooltips), images from data: URLs (Bootstrap's icons, ECharts' exports) and blob:
# (the check-in camera). No inline script: behaviour lives in static files
# (chamber/chamber.js reads data-* attributes); a page that needs one uses the nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Features a page may use: the camera for check-in by QR code, nothing else.
PERMISSIONS_POLICY = (
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), "
    "interest-cohort=()"
)

# Throttled sign-in (django-axes, counted in the database so every process sees it),
# 15 minutes: 5 failures per (user name, address); 10 per user name from any addresses
# (one name sprayed from many); 20 per address over any names (many names from one).
# orgs.lockout.LockoutHandler gives each its own limit, in the order of the parameters.
AXES_HANDLER = "chamber.orgs.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
CHAMBER_LOCKOUT_LIMITS = [
    int(os.environ.get("CHAMBER_AXES_LIMIT", "5")),
    int(os.environ.get("CHAMBER_AXES_NAME_LIMIT", "10")),
    int(os.environ.get("CHAMBER_AXES_ADDRESS_LIMIT", "20")),
]
AXES_FAILURE_LIMIT = CHAMBER_LOCKOUT_LIMITS[0]
AXES_COOLOFF_TIME = 0.25
AXES_CLIENT_IP_CALLABLE = "chamber.core.security.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from npm (package-lock.json) into node_modules; only their
# dist folders are served (locally: deployments are often on an intranet), never committed.
NODE_MODULES = Path(os.environ.get("CHAMBER_NODE_MODULES", PROJECT_DIR / "node_modules"))
STATICFILES_DIRS = [BASE_DIR / "static"] + [
    (f"vendor/{name}", NODE_MODULES / package / "dist")
    for name, package in [
        ("bootstrap", "bootstrap"),
        ("htmx", "htmx.org"),
        ("echarts", "echarts"),
        ("jsqr", "jsqr"),
    ]
    if (NODE_MODULES / package / "dist").exists()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(os.environ.get("CHAMBER_MEDIA", VAR_DIR / "media"))
MEDIA_URL = "media/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["chamber.orgs.api_permissions.ScopedPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # The input rule (core/inputs.py): no control characters in any body.
    "DEFAULT_PARSER_CLASSES": [
        "chamber.core.inputs.JSONParser",
        "chamber.core.inputs.FormParser",
        "chamber.core.inputs.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "chamber.core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "chamber.core.schema.ChamberAutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chamber API",
    "DESCRIPTION": "Member-and-service register of a federation of industry and commerce. "
    "Every endpoint applies the caller's organisation scope.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the sidecar package, served locally: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Fields named role/status/level carry different choices in different apps: one
    # enum name per choice class keeps the schema free of collisions.
    "ENUM_NAME_OVERRIDES": {
        "OrgRoleEnum": "chamber.orgs.choices.Role",
        "MembershipStatusEnum": "chamber.members.choices.Status",
        "CaseStatusEnum": "chamber.casework.choices.Status",
        "CouncilRoleEnum": "chamber.activities.choices.CouncilRole",
        "EventStatusEnum": "chamber.activities.choices.EventStatus",
        "RegistrationStatusEnum": "chamber.activities.choices.RegistrationStatus",
        "HonorLevelEnum": "chamber.activities.choices.HonorLevel",
        "PostRoleEnum": "chamber.politics.choices.PostRole",
        "PostLevelEnum": "chamber.politics.choices.Level",
        "ProposalStatusEnum": "chamber.politics.choices.Status",
    },
}


# Background work: Django's tasks API (django-tasks) on the database (django-tasks-db),
# run by `chamber worker`; `chamber scheduler` queues the timed jobs. See docs/deploy.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CHAMBER_TASK_ATTEMPTS = int(os.environ.get("CHAMBER_TASK_ATTEMPTS", "5"))
CHAMBER_TASK_BACKOFF = float(
    os.environ.get("CHAMBER_TASK_BACKOFF", "10")
)  # seconds, doubled per try
CHAMBER_WORKER_STALE = float(os.environ.get("CHAMBER_WORKER_STALE", "60"))  # seconds without a beat

# Notifications. E-mail by SMTP when CHAMBER_EMAIL_HOST is set, else printed (development).
if os.environ.get("CHAMBER_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["CHAMBER_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("CHAMBER_EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("CHAMBER_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("CHAMBER_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("CHAMBER_EMAIL_TLS", "") == "1"
    EMAIL_USE_SSL = os.environ.get("CHAMBER_EMAIL_SSL", "") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("CHAMBER_EMAIL_FROM", "chamber@localhost")
CHAMBER_SMS = {
    "BACKEND": os.environ.get("CHAMBER_SMS_BACKEND", "console"),  # console | http
    "URL": os.environ.get("CHAMBER_SMS_URL", ""),
    "KEY_ID": os.environ.get("CHAMBER_SMS_KEY_ID", ""),
    "SECRET": os.environ.get("CHAMBER_SMS_SECRET", ""),
    "SIGN_NAME": os.environ.get("CHAMBER_SMS_SIGN_NAME", "宝安区工商联"),
}
CHAMBER_NOTIFY = os.environ.get("CHAMBER_NOTIFY", "1") == "1"  # off: no notices at all
CHAMBER_SITE_URL = os.environ.get("CHAMBER_SITE_URL", "http://127.0.0.1:8000")

# The demo accounts (password "chamber-demo") work only where the demo was loaded.
CHAMBER_DEMO_PASSWORD = "chamber-demo"

# Errors (a 500's traceback, from django.request) are logged with the request id whether
# or not DEBUG is on, with mobiles and ID numbers masked; ADMINS get them by e-mail.
ADMINS = [
    tuple(a.strip().rsplit(" ", 1)) if " " in a.strip() else ("admin", a.strip())
    for a in os.environ.get("CHAMBER_ADMINS", "").split(",")
    if a.strip()
]
SERVER_EMAIL = os.environ.get("CHAMBER_SERVER_EMAIL", "chamber@localhost")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "chamber.core.requestlog.RequestIdFilter"},
        "client_ip": {"()": "chamber.core.security.ClientIPFilter"},
    },
    "formatters": {
        "plain": {
            "()": "chamber.core.masking.MaskingFormatter",
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s [%(client_ip)s] "
            "%(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "client_ip"],
            "formatter": "plain",
        },
        "mail_admins": {
            "class": "chamber.core.masking.MaskingAdminEmailHandler",
            "level": "ERROR",
            "filters": ["request_id"],
        },
    },
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {
            "handlers": ["console", "mail_admins"],
            "level": "WARNING",
            "propagate": False,
        },
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "chamber": {"handlers": ["console"], "level": os.environ.get("CHAMBER_LOG", "INFO")},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
