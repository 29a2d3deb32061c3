"""Twelve-factor settings. Every value a deployment changes comes from the environment.

Local defaults are safe: DEBUG is off, only localhost is allowed, and the database is a
SQLite file in the project folder. ``config.settings.production`` adds the HTTPS hardening.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The fallback key is for local use only; production.py refuses to start without a real one.
SECRET_KEY = os.environ.get(
    "SECRET_KEY", "django-insecure-local-only-0x9c7e1f2b4d6a8c0e2f4b6d8a0c2e4f6b8d0a2c4e"
)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    "simple_history",
    "axes",
    "core",
    "diplomacy",
    "trade",
    "ingest",
]

MIDDLEWARE = [
    # Load-balancer probes, before host validation and the HTTPS redirect (config/health.py).
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses JSON, CSV, NDJSON and the schema (streams too) for clients that accept gzip.
    # (gzip;q=0 refuses it: config.middleware.accepts_gzip reads the weights).
    "config.middleware.GZipMiddleware",
    # Under /api/, errors Django answers itself (a failed If-Match, a bad Host) as problems.
    "config.api.errors.ProblemDetailsMiddleware",
    "config.api.throttling.RateLimitHeadersMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag from the response body, and 304 for If-None-Match / If-Modified-Since.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Shows the router each request; pins a curator's reads to the primary after a write.
    "config.middleware.ReadYourWritesMiddleware",
    "core.history.HistoryChannelMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: locks out admin logins after repeated failures.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of third-party templates (config/templates/drf_spectacular/redoc.html).
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database(url: str, **extra) -> dict:
    config = dj_database_url.parse(
        url,
        # Persistent connections: a new connection per request costs more than the query.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A connection broken by a database restart is found and replaced before it is used.
        conn_health_checks=True,
    )
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Fail fast when PostgreSQL does not answer (libpq's floor is 2 s): requests get a 503
        # (config.outage) instead of holding a worker until the client gives up.
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),
            "connect_timeout": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "2")),
            # Parameters bound by the server, and psycopg prepares a query it has run 5 times
            # on a connection: PostgreSQL then skips planning it (2.8 ms for a page, with its
            # joins and the citations' subquery, against 1 ms to run it). Django leaves this
            # off for transaction-mode poolers (PgBouncer < 1.21), which we do not use.
            "server_side_binding": True,
            "prepare_threshold": 5,
        }
    config.update(extra)
    return config


DATABASES = {
    "default": database(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while a curator writes; the timeout rides out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

# Read replicas (PostgreSQL streaming replicas): reads go there, writes to the primary; see
# config/db_routers.py for when a read stays on the primary. In tests each replica is the
# primary's database under another alias (TEST MIRROR), as with real replication.
DATABASE_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", ""), start=1):
    DATABASES[f"replica{_number}"] = database(_url, TEST={"MIRROR": "default"})
    DATABASE_REPLICAS.append(f"replica{_number}")
DATABASE_ROUTERS = ["config.db_routers.PrimaryReplicaRouter"]
# How long a curator's reads stay on the primary after a write: longer than replication lag.
READ_YOUR_WRITES_SECONDS = int(os.environ.get("READ_YOUR_WRITES_SECONDS", "30"))
# A replica further behind than this serves no reads until it catches up (config.replica_health);
# one that cannot be reached is left out this long before it is tried again; the lag of a
# replica in use is measured again this often (one small query per worker).
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "10"))
REPLICA_RETRY_SECONDS = float(os.environ.get("REPLICA_RETRY_SECONDS", "5"))
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "5"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache: throttle counters, counts, the dataset version that keys them, and the
# read-your-writes pins. Without REDIS_URL each worker keeps its own in memory and works alone.
REDIS_URL = os.environ.get("REDIS_URL", "")


def _cache(name: str, max_entries: int) -> dict:
    if REDIS_URL:
        return {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # A Redis outage degrades to no cache: reads miss, writes are dropped, and the
                # API answers from the database. Short timeouts keep a Redis that does not
                # answer from holding requests (redis-py does not retry by default).
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
            },
        }
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": name,  # one store per alias
        "OPTIONS": {"MAX_ENTRIES": max_entries},
    }


CACHES = {
    "default": _cache("default", 1000),
    # Rendered responses (config.api.response_cache) apart from the small, hot entries
    # above: in memory, a stream of distinct pages would otherwise push out the counts.
    "responses": _cache("responses", 300),
}
# django-redis logs each swallowed error; config.logging_filters keeps it to one a minute.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "config.cache_outage"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"once_a_minute": {"()": "config.logging_filters.OncePerInterval", "seconds": 60}},
    "formatters": {
        "cache_outage": {
            "format": "%(asctime)s Redis unreachable, serving without cache: %(message)s"
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "cache_outage": {
            "class": "logging.StreamHandler",
            "filters": ["once_a_minute"],
            "formatter": "cache_outage",
        },
        # Every 500 is logged with its traceback, to stderr (gunicorn's error log): Django's
        # default sends django.request errors to the console only when DEBUG is on.
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "config.api": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "config.cache_outage": {
            "handlers": ["cache_outage"],
            "level": "WARNING",
            "propagate": False,
        },
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Open-data releases (``manage.py publish_release``): files under MEDIA_ROOT/releases/ by
# default, served by /api/v1/releases/<version>/files/<name>. With RELEASES_S3_BUCKET set
# they go to an S3-compatible bucket through django-storages (needs boto3, which is not a
# dependency: `pip install boto3`), and downloads redirect to the bucket's own URLs.
# Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables.
RELEASES_S3_BUCKET = os.environ.get("RELEASES_S3_BUCKET", "")
RELEASES_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": RELEASES_S3_BUCKET,
            "location": os.environ.get("RELEASES_S3_PREFIX", "releases"),
            "endpoint_url": os.environ.get("RELEASES_S3_ENDPOINT_URL") or None,
            "custom_domain": os.environ.get("RELEASES_S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": env_bool("RELEASES_S3_SIGNED_URLS", False),
            "file_overwrite": False,
        },
    }
    if RELEASES_S3_BUCKET
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "releases"},
    }
)
# Official trade statistics (``manage.py import_trade_statistics``): each imported file is
# kept by its sha256, so ``verify_citations`` can re-read the rows its records cite.
DATASET_FILES_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": Path(os.environ.get("DATASET_FILES_ROOT", MEDIA_ROOT / "datasets"))},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "releases": RELEASES_STORAGE,
    "datasets": DATASET_FILES_STORAGE,
}

# Simple-history: the user comes from the request (admin and API); the channel from core.history.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = False

# --- The API ----------------------------------------------------------------------------

API_ANON_RATE = os.environ.get("API_ANON_RATE", "1200/minute")
API_USER_RATE = os.environ.get("API_USER_RATE", "6000/minute")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api.authentication.TokenAuthentication",
        # The admin's session, for GET/HEAD/OPTIONS only: "View in API" shows a curator drafts.
        "config.api.auth.SessionReadAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.api.auth.ReadOpenWriteByModelPermissions"],
    "DEFAULT_RENDERER_CLASSES": [
        "config.api.renderers.JSONRenderer",
        "config.api.renderers.ProblemJSONRenderer",
        "config.api.renderers.CSVRenderer",
        "config.api.renderers.NDJSONRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["config.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.api.negotiation.ContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "config.api.throttling.AnonRateThrottle",
        "config.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.AutoSchema",
    # A database outage is a 503 with Retry-After; everything else as config.api.errors.
    "EXCEPTION_HANDLER": "config.outage.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "URL_FORMAT_OVERRIDE": "format",
    # How many trusted proxies (reverse proxy, CDN) append to X-Forwarded-For: the anonymous
    # throttle counts the address the outermost one saw. 0 (direct) ignores the header,
    # which a client could otherwise forge to escape the limit.
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Trade & Diplomacy open data API",
    "DESCRIPTION": (
        "Curated, evidence-backed records on trade and diplomacy between countries. Every "
        "published fact cites its source down to the verbatim quote and its character span. "
        "Lists filter with typed parameters (NetBox-style suffixes: `__n`, `__ic`, `__gte`, "
        "`__lte`, …; a repeated parameter means OR), search with `q`, sort with `ordering`, "
        "count with `facet`, page with `cursor`, and stream every row with `format=csv` or "
        "`format=ndjson`. Unknown parameters are refused with a 400. Every error is an RFC "
        "9457 problem details object."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # 3.1: JSON Schema's own null type. 3.0's "nullable" is void beside a bare $ref (3.0.3),
    # so a strict validator refused every null relation.
    "OAS_VERSION": "3.1.0",
    # Enum values are self-explanatory; listing them again in every description doubled
    # the schema's filter parameters.
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ReviewStateEnum": "core.models.ReviewState",
        "DatePrecisionEnum": "core.models.DatePrecision",
        "DesignationStatusEnum": "diplomacy.models.DesignationStatus",
        "DesignationKindEnum": "diplomacy.models.DesignationKind",
        "DecisionStatusEnum": "diplomacy.models.DecisionStatus",
        "DecisionTypeEnum": "diplomacy.models.DecisionType",
        "OrganizationKindEnum": "diplomacy.models.OrganizationKind",
        "SourceKindEnum": "core.models.SourceKind",
        "StatementModeEnum": "diplomacy.models.StatementMode",
        "ShipmentStatusEnum": "trade.models.ShipmentStatus",
        "ShipmentKindEnum": "trade.models.ShipmentKind",
        "TransportModeEnum": "trade.models.TransportMode",
        "UnitEnum": "trade.models.Unit",
        "SectorEnum": "trade.models.Sector",
        "QualifierEnum": "core.models.Qualifier",
        "CorroborationStatusEnum": "core.corroboration.CorroborationStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema_hooks.add_problem_responses",
        "config.api.schema_shapes.declare_not_modified",
        "config.api.schema_shapes.describe_partial_reads",
        "config.api.schema_hooks.share_parameters",
        "config.api.schema_hooks.describe_resources_once",
        "config.api.schema_hooks.describe_properties_once",
        "config.api.schema_hooks.refuse_unknown_properties",
        "config.api.schema_hooks.share_request_properties",
        "config.api.schema_hooks.share_record_responses",
        "config.api.schema_hooks.share_page_properties",
        "config.api.schema_shapes.nulls_as_types",
    ],
    "LICENSE": {
        "name": "Data: CC-BY-4.0 (attribution required); API code: MIT",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    },
    "CONTACT": {"name": "Trade & Diplomacy open data", "url": "https://tradediplomacy.example/"},
    # Relative: the server that serves the schema. Swagger UI's "Try it out" then calls the
    # page's own origin (its Content-Security-Policy allows no other), and a generated client
    # takes its base URL from its caller. The committed openapi.yaml stays the same anywhere.
    "SERVERS": [{"url": "/", "description": "The server that serves this schema"}],
    "EXTENSIONS_INFO": {
        "x-dataset-license": {
            "id": "CC-BY-4.0",
            "url": "https://creativecommons.org/licenses/by/4.0/",
        },
        "x-code-license": {"id": "MIT"},
    },
    # No REDOC_UI_SETTINGS: with settings, Redoc's page starts itself with an inline script,
    # which the Content-Security-Policy refuses. config/templates/drf_spectacular/redoc.html
    # drops the Google Fonts link instead: Redoc then uses the browser's fonts.
}
# The dataset's licence, named by the API root (the API's code is MIT, see pyproject.toml).
API_DATASET_LICENCE = {
    "id": "CC-BY-4.0",
    "name": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
# Detail paths of the schema show a real public id of each resource, taken from the seed.
API_EXAMPLE_FIXTURE = BASE_DIR / "fixtures" / "seed.json"

# Content-Security-Policy (django-csp) on every response. Scripts only from our own origin:
# the admin, Swagger UI (the split view: its setup script is a file too) and Redoc run no
# inline script. Styles allow 'unsafe-inline' because Swagger UI and Redoc write <style>
# elements at run time; images and fonts may be data: URIs (their icons); Redoc's search
# runs in a worker made from a blob: URL. Nothing is loaded from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "worker-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Reads are open to any origin; no credentials are ever shared cross-origin.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
# A browser app may revalidate what it keeps: conditional headers pass the preflight.
CORS_ALLOW_HEADERS = (
    *default_cors_headers,
    "if-none-match",
    "if-match",
    "if-modified-since",
)
CORS_EXPOSE_HEADERS = (
    "ETag",
    "Last-Modified",
    "Link",
    "Retry-After",
    "RateLimit",
    "RateLimit-Policy",
)

# Curators' API tokens (django-rest-knox): stored as digests, expiring, revocable.
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=int(os.environ.get("API_TOKEN_TTL_DAYS", "90"))),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}

# --- Admin login throttling (django-axes) ----------------------------------------------------
# After AXES_FAILURE_LIMIT wrong passwords, the account and the address are each locked out
# for AXES_COOLOFF_TIME (a 429 page), whatever the password; a success resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # per account, and per address
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.api.throttling.client_ip"
