"""Settings, configured from the environment (DESIGN §4).

DATABASE_URL       default: SQLite file under var/; postgres://... for PostgreSQL
CHAMBER_SECRET_KEY required unless CHAMBER_DEBUG is on (a throwaway key is made for dev)
CHAMBER_SECRET_KEY_FILE a file holding the key, generated there once if missing (make run)
CHAMBER_DEBUG      "1"/"true" for development
CHAMBER_ALLOWED_HOSTS comma-separated host names
"""

import os
import secrets
from pathlib import Path

import dj_database_url

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
# Salt for the encrypted personal-data fields (ID numbers); derived keys use SECRET_KEY too.
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
    "chamber.core",
    "chamber.orgs",
    "chamber.members",
    "chamber.casework",
    "chamber.activities",
    "chamber.politics",
    "chamber.party",
    "chamber.scorecards",
    "chamber.reports",
    "chamber.notify",
    "chamber.workbench",
    "chamber.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE = _flag("CHAMBER_SECURE_COOKIES")

# Throttled sign-in: 5 failures per user name and address lock for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("CHAMBER_AXES_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
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
    "DEFAULT_PAGINATION_CLASS": "chamber.core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "chamber": {"handlers": ["console"], "level": os.environ.get("CHAMBER_LOG", "INFO")},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
