"""Settings for the ICWG Portal, read from environment variables (documented in .env.example)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def load_env_file(path):
    """Read KEY=VALUE lines (as in .env.example) into the environment, never overriding what is already set.

    `make run` writes a git-ignored .env for local work (DEBUG on, a generated key); production sets real
    environment variables instead. ENV_FILE names another file; ENV_FILE= (empty) reads none.
    """
    if not path or not Path(path).is_file():
        return
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        name, separator, value = line.strip().partition("=")
        if separator and name and not name.startswith("#"):
            os.environ.setdefault(name.strip(), value.strip().strip("'\""))


load_env_file(os.environ.get("ENV_FILE", BASE_DIR / ".env"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "")
    try:
        return int(value) if value.strip() else default
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from error


DEBUG = env_bool("DEBUG")

# Only used when DEBUG is on; outside DEBUG the portal refuses to start with it.
DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off "
        "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the portal's host names when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so that its translated admin classes patch in first.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "adminsortable2",
    "icwg_portal.apps.SignInSecurityConfig",  # django-axes, named for staff
    "icwg_portal.apps.PortalConfig",  # site-wide: error pages (manage.py render_error_pages), upload parsing
    "reversion",
    "groups",
    "documents",
    "contacts",
    "search",  # the site search: knows the content apps above, none of which knows it
    "opendata",  # the content as data (JSON API, CSV, feeds): the same, a satellite of the content apps
    "backups",
    "sample_data",  # manage.py generate_sample_data: a fictitious dataset of any size (make demo, benchmarks)
]

MIDDLEWARE = [
    # Before anything reads the visitor's address: behind our proxies, it comes from X-Forwarded-For.
    "icwg_portal.middleware.TrustedProxyMiddleware",
    # First: load balancers probe /healthz by IP address, before host validation and HTTPS redirects.
    "icwg_portal.middleware.HealthCheckMiddleware",
    # Outside every middleware that adds headers, so that a stored page carries them all: the WSGI
    # application (icwg_portal/wsgi.py) answers stored pages before any middleware runs.
    "icwg_portal.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "icwg_portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body, after the language is known: a too-large request gets its page.
    "icwg_portal.middleware.RequestTooLargeMiddleware",
    "icwg_portal.middleware.NulInQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "icwg_portal.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "icwg_portal.urls"
WSGI_APPLICATION = "icwg_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "icwg_portal.context_processors.language_alternates",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
# DATABASE_URL picks PostgreSQL (postgres://user:password@host:port/name); unset, an embedded SQLite file.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# JSON lines that keep times to the microsecond: dumpdata, loaddata and the backups (backups/serializers.py).
SERIALIZATION_MODULES = {"jsonl": "backups.serializers"}

AUTHENTICATION_BACKENDS = [
    # django-axes checks for a lockout before the password is even looked at.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Kept so that passwords hashed before Argon2 still verify (and are upgraded at the next login).
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ------------------------------------------------------------------------------------------
# English is the source language of the interface; Spanish is the groups' working language.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("es", _("Spanish")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Lima"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Behind nginx, the internal location from which it sends media files the app has allowed (X-Accel-Redirect,
# see icwg_portal/media.py and deploy/nginx/icwg.conf.template). Empty: the app streams them itself.
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "")
if MEDIA_ACCEL_REDIRECT and not (MEDIA_ACCEL_REDIRECT.startswith("/") and MEDIA_ACCEL_REDIRECT.endswith("/")):
    raise ImproperlyConfigured("MEDIA_ACCEL_REDIRECT must start and end with a slash, e.g. /_media/.")
# Media: the local disk by default; MEDIA_STORAGE=s3 moves uploads to S3-compatible object storage (install
# the "s3" extra; credentials come from the standard AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables).
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local")
if MEDIA_STORAGE == "s3":
    MEDIA_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE == "local":
    MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'local' or 's3', not {MEDIA_STORAGE!r}.")
# Static files: compressed and fingerprinted (served with far-future caching by WhiteNoise) outside DEBUG;
# STATIC_STORAGE=plain skips the manifest, for test runs that do not collect static files.
STATIC_STORAGE = os.environ.get("STATIC_STORAGE", "plain" if DEBUG else "manifest")
STORAGES = {
    "default": MEDIA_BACKEND,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_STORAGE == "manifest"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or STATIC_STORAGE == "plain"
# Images staff upload are re-encoded: longest side at most this many pixels, metadata stripped.
IMAGE_MAX_SIDE = 1600
IMAGE_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# The largest document file staff may upload (documents/uploads.py). Default: 50 MB.
DOCUMENT_MAX_UPLOAD_BYTES = int(os.environ.get("DOCUMENT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))
# What an uploaded file may claim, checked before it is decoded, so that inspecting any upload stays bounded
# in memory and time (issue #9; figures in BENCHMARKS.md). A refusal names the limit, in the staff's language.
# Images (documents, group and country pictures; icwg_portal/images.py): at most this many pixels (any camera
# or phone photo)…
IMAGE_MAX_PIXELS = 50_000_000
# …and no more memory than this to decode, estimated from the header: a JPEG decodes at a reduced scale, but a
# PNG costs 4 bytes a pixel (about 20 megapixels fit), a WebP about 16 (about 5 megapixels).
IMAGE_MAX_DECODE_BYTES = 80 * 1024 * 1024
# ZIP packages (Word, Excel, OpenDocument; documents/packages.py), from their central directory: entries (a
# 40 MB report full of photos has a few hundred), uncompressed bytes declared in all and by one entry, and how
# many times its compressed size one entry over 1 MB may grow (generated Word and Excel parts: 5-70 times;
# a "zip bomb": about 1,000).
PACKAGE_MAX_ENTRIES = 5_000
PACKAGE_MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
PACKAGE_MAX_ENTRY_BYTES = 256 * 1024 * 1024
PACKAGE_MAX_RATIO = 200
# PDFs (documents/active_content.py): objects walked looking for scripts and other active content. A
# 2,000-page report has a few thousand where actions can sit.
PDF_MAX_OBJECTS = 200_000
# Drawing instructions, decoded (documents/pdf_pages.py): a first page with more is not drawn as the cover
# (PDFium holds ~15 bytes for each: 4 MB take ~60 MB) and a page with more has no text read; text is read from
# at most this much in all (pypdf reads ~1 MB a second). A page of text holds a few KB.
PDF_MAX_PAGE_DRAWING_BYTES = 4 * 1024 * 1024
PDF_TEXT_MAX_DRAWING_BYTES = 8 * 1024 * 1024
# Uploads too large for memory wait in a temporary file, named so that a forged file name cannot break it.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "icwg_portal.uploads.TemporaryFileUploadHandler",
]
# The largest request body accepted at all (413 above it, before it is read): the largest document plus 10 MB
# for the rest of the form. nginx's client_max_body_size must say the same (docs/DEPLOYMENT.md).
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", DOCUMENT_MAX_UPLOAD_BYTES + 10 * 1024 * 1024)

# --- Cache ----------------------------------------------------------------------------------------------
# CACHE_URL=redis://host:6379/0 shares the cache between app servers (install the "redis" extra); unset, each
# process keeps its own small in-memory cache, which is right for one machine.
CACHE_URL = os.environ.get("CACHE_URL", "locmem://")
# This machine's own cached files (the content version without a shared cache, full CSV exports): deletable.
CACHE_DIR = Path(os.environ.get("CACHE_DIR", BASE_DIR / "var" / "cache"))
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "icwg_portal.redis_cache.RedisCache", "LOCATION": CACHE_URL}}
    # The content version of the page cache (icwg_portal/page_cache.py) lives in the same shared cache.
    CACHES["content_version"] = CACHES["default"]
elif CACHE_URL.startswith("locmem://"):
    # Each process's own memory, bounded: pages are 10-100 KB, so at most a few tens of MB per worker.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("LOCMEM_CACHE_MAX_ENTRIES", 500)},
        },
        # Every worker on this machine must agree on the content version, so it is kept on disk, not in one
        # process's memory (a few bytes, read with one small file read per page).
        "content_version": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR / "content-version",
        },
    }
else:
    raise ImproperlyConfigured("CACHE_URL must start with redis://, rediss:// or locmem://.")

# Whole pages for visitors without a session, until the next content change (icwg_portal/page_cache.py).
# Off by default with DEBUG on (make run), where a developer's template edits must show at once.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", not DEBUG)
# The apps whose every save and delete makes the stored pages obsolete.
PAGE_CACHE_CONTENT_APPS = ["groups", "documents", "contacts"]
# How long a browser may show a public page it keeps without asking again. 0: it keeps the page but asks each
# time (a 304 when unchanged), so no visitor reads a page older than the last edit; a CDN keeps it 1 second.
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 0)
PAGE_CACHE_MAX_BYTES = 2 * 1024 * 1024
# Each worker keeps copies of the pages it served lately, up to this many bytes, checked against the content
# version on every answer (icwg_portal/page_cache.py): an answer from Redis then reads only the version.
# 0 keeps none.
PAGE_CACHE_LOCAL_BYTES = env_int("PAGE_CACHE_LOCAL_BYTES", 16 * 1024 * 1024)

# --- Open data (opendata/api.py) --------------------------------------------------------------------------
# Requests to the JSON API and CSV per visitor's address that reach the application (answers from the page
# cache do not count), e.g. "120/min", "2000/hour"; past it, a 429 that says when to ask again.
OPEN_DATA_RATE_LIMIT = os.environ.get("OPEN_DATA_RATE_LIMIT", "120/min")
# Full CSV exports, written once per content version while the first visitor downloads them, then served as
# files: a 20,000-document CSV takes seconds to build, and no visitor may make the server build it again and
# again. A cache: safe to delete at any time; each machine keeps its own.
OPEN_DATA_EXPORTS_DIR = CACHE_DIR / "open-data"

# --- Email ----------------------------------------------------------------------------------------------
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ICWG Portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[ICWG Portal] "
ADMINS = [("Portal administrators", address) for address in env_list("ADMIN_EMAILS")]
# The same error is mailed at most once in this many minutes (each occurrence is still logged).
ERROR_MAIL_REPEAT_MINUTES = env_int("ERROR_MAIL_REPEAT_MINUTES", 10)

# --- Security -------------------------------------------------------------------------------------------
# Outside DEBUG the portal is served over HTTPS only: redirect, HSTS, and cookies that never travel in clear.
HTTPS_ONLY = env_bool("HTTPS_ONLY", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a reverse proxy that terminates TLS and always sets X-Forwarded-Proto (see docs/DEPLOYMENT.md).
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS_ONLY
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
# A form refused by the CSRF check (expired, or cookies off) says so in the visitor's language.
CSRF_FAILURE_VIEW = "icwg_portal.views.csrf_failure"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
SESSION_COOKIE_AGE = 8 * 3600  # a working day; staff sign in again the next morning
# The back office's address: moving it off /admin/ keeps most scanners away.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"
# Where signing in leads when ?next= is missing or refused (another site's address): the back office.
LOGIN_REDIRECT_URL = "admin:index"

# --- The visitor's address behind proxies ------------------------------------------------------------------
# Requests whose peer is one of these addresses or networks are from our own proxies, and their
# X-Forwarded-For is believed: the visitor is its right-most address that is not a trusted proxy. Anyone
# else's X-Forwarded-For is ignored. Default behind a proxy: the proxy on this machine (nginx).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1" if env_bool("BEHIND_PROXY") else "")

# --- django-axes: admin login lockout --------------------------------------------------------------------
# Wrong passwords lock the pair (user name, address) they came from, never the account itself: failures from
# one address never stop a colleague signing in from another. An address that tries many user names is locked
# on its own after AXES_ADDRESS_FAILURE_LIMIT failures. Both for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "icwg_portal.lockout.PairAndAddressLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "icwg_portal.views.login_locked_out"
AXES_VERBOSE = False
# django-axes records user names in a 255-character column: a longer one (typed or forged) is cut to fit.
AXES_USERNAME_CALLABLE = "icwg_portal.signin.attempted_username"
# The address TrustedProxyMiddleware found (the visitor's, not the proxy's).
AXES_CLIENT_IP_CALLABLE = "icwg_portal.middleware.client_address"

# --- Logging: one JSON object per line on stdout ---------------------------------------------------------
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "icwg_portal.logging.JSONFormatter"}},
    "filters": {"as_warning": {"()": "icwg_portal.logging.AsWarning"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        # A wrong Host header is a client's mistake (or a scanner's): a warning, not an error with a trace.
        "django.security.DisallowedHost": {
            "handlers": ["stdout"],
            "level": "WARNING",
            "filters": ["as_warning"],
            "propagate": False,
        },
    },
}
# Server errors are mailed to ADMIN_EMAILS when email is configured: ADMIN_EMAILS and EMAIL_HOST both set,
# DEBUG off. That is every 500 (with its traceback) and every 503 (the database lost): django.request's
# errors. A 404 or a refused request (400, 403) is a warning there, or a django.security record, and is only
# logged. The report still reaches stdout (the record goes on to the "django" logger), and a report that
# cannot be sent is logged there too.
MAIL_ERRORS_TO_ADMINS = bool(ADMINS) and bool(os.environ.get("EMAIL_HOST")) and not DEBUG
if MAIL_ERRORS_TO_ADMINS:
    LOGGING["handlers"]["mail_admins"] = {"class": "icwg_portal.logging.AdminEmailHandler", "level": "ERROR"}
    LOGGING["loggers"]["django.request"] = {"handlers": ["mail_admins"], "propagate": True}

# --- django-modeltranslation ----------------------------------------------------------------------------
# Content is written in Spanish first; a field left empty in one language falls back to the other.
MODELTRANSLATION_DEFAULT_LANGUAGE = "es"
MODELTRANSLATION_LANGUAGES = ("es", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("es", "en"), "es": ("en",), "en": ("es",)}
# The tabbed admin's jQuery UI is served from our own static files: the default CDN is unreachable offline
# and would be refused by a strict Content-Security-Policy.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"  # relative: resolved by the static files storage
