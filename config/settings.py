"""SafeCampus settings: one module, every deploy-time value read from the environment.

The embedded default (no environment at all) is a laptop/demo setup: SQLite in the project,
Celery tasks run eagerly in-process, local-memory cache, e-mail printed to the console.
Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=false.
See the table of variables in README.md.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

from safety.operations.logs import configure_error_reporting, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "axes",
    "django_tables2",  # #20 the bureaus' desktop ledger tables
    # #22 the REST API: DRF, its OpenAPI schema, vendored Swagger UI, filters
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "safety",
    "inspections",
    "reporting",
    "api",  # #22 the REST API (reads every app; no product app imports it)
    # Tools, not product (docs/decisions.md, issue #12): management commands only (seed_demo,
    # generate_city, bench_rollup); no models, URLs or signals; no product app imports them.
    "demo",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # #22: the request id first, so every later line of the request carries it.
    "safety.operations.logs.RequestIdMiddleware",
    # #22: the object store down → a clear 503 page instead of a 500.
    "safety.operations.storage.StorageUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safety.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # #22: dashboards and exports read the replica; a user's own writes pin them to the primary.
    "safety.operations.replica.ReplicaMiddleware",
    "safety.audit.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "safety.security.SessionLifetimeMiddleware",
    "safety.security.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
    # #17: department liaison accounts see their surroundings ledger only.
    "safety.middleware.LiaisonConfinementMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "safety.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Persistent connections halve HTTP time; health checks drop dead ones.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # #23: no JIT compilation. A page's one-row query has hundreds of expressions; once its
    # estimated cost passes jit_above_cost (a province's ledger), compiling them took 1.4 s
    # of a 2.5 s query. PostgreSQL's JIT pays off for long analytical queries, not pages.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# #22: a streaming replica for dashboards, exports and API reads (safety.operations.replica):
# writes, reads inside a write's transaction and a user's reads for READ_YOUR_WRITES_SECONDS
# after their own write go to the primary; a replica down or lagging more than
# REPLICA_MAX_LAG_SECONDS is skipped (checked every REPLICA_CHECK_SECONDS per process).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    DATABASES["replica"]["OPTIONS"]["options"] = "-c jit=off"
    # Tests read the test database through the alias (no second test database).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["safety.operations.replica.ReplicaRouter"]
READ_YOUR_WRITES_SECONDS = env.int("READ_YOUR_WRITES_SECONDS", default=30)
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=5.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "safety.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:home"
# #17: where a department liaison account lands (it sees nothing else).
LIAISON_HOME_URL = "surroundings:spot_list"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "safety.security.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Hashed, compressed names need `collectstatic` first; development and tests serve the
# files as they are in static/.
STATICFILES_MANIFEST = env.bool("STATICFILES_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATICFILES_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# #22: MEDIA_STORAGE=s3 keeps photos, uploads and rendered PDFs in a private S3-compatible
# bucket (MinIO, Aliyun OSS, Huawei OBS); "local" (the default) keeps them under MEDIA_ROOT.
# Files are always served by views that check access first (safety.operations.storage).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "safety.operations.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path"),
            "location": env.str("AWS_LOCATION", default=""),
        },
    }
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'local' or 's3'.")

# --- Redis: Celery broker and cache ---------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "safecampus",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # No broker: tasks run in-process, so a laptop or demo needs no Redis.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Even eager tasks take a producer from the broker's pool (Celery serialises their
    # arguments as a real send would); the host is named so kombu does not warn "No hostname
    # was supplied" on every seed. Nothing listens there: the memory transport is in-process.
    CELERY_BROKER_URL = "memory://localhost/"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# Nothing reads task results (the database holds every outcome). Keeping none also means
# queueing a task never touches the result store: with Redis down, a request does not wait
# on result-store reconnects (which leave the app unable to queue until restarted).
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from a web request must fail fast when Redis is down (the outbox row is already
# saved and a sweeper re-queues it), instead of hanging the request while Celery retries.
CELERY_TASK_PUBLISH_RETRY = False
# With acks_late, a task whose worker died is handed to another worker after the visibility
# timeout; it must exceed the longest task (and retry countdown). Tests shorten it. Workers
# look for such tasks every few seconds (kombu's default, 10 s × a throttle of 10, is slower
# than a short timeout).
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
    # Queueing from a request tries the broker twice, without sleeping in between: kombu's
    # default retries for ~6 s per task, so one form that notifies three people would hang
    # for 18 s while Redis is down. Workers reconnect with their own, patient, policy.
    "max_retries": 1,
    "interval_start": 0,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if not env.str("EMAIL_HOST", default="")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="平安校园 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# A session ends after SESSION_IDLE_SECONDS without a request, and SESSION_ABSOLUTE_SECONDS
# after login in any case (safety.security.SessionLifetimeMiddleware).
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=2 * 60 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # #22: load balancers probe the nodes over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Uploads (safety.uploads): photos and documents attached to hazards, incidents, letters.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=40_000_000)
UPLOAD_MAX_FILES = env.int("UPLOAD_MAX_FILES", default=9)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# The address users reach SafeCampus at, for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# SMS for urgent notifications: a dotted path to a class with send(phone, text).
SMS_BACKEND = env.str("SMS_BACKEND", default="safety.notifications.LoggingSmsBackend")

# #21 delivery channels (safety/channels, docs/operations.md "Delivery channels"): the channels
# this installation uses, in the order urgent notices try them; secrets only from here.
SAFECAMPUS_CHANNELS = env.list("SAFECAMPUS_CHANNELS", default=["email", "sms"])
CHANNEL_TIMEOUT = env.float("CHANNEL_TIMEOUT", default=5.0)
CHANNEL_MAX_RETRIES = env.int("CHANNEL_MAX_RETRIES", default=5)
WECOM_BASE_URL = env.str("WECOM_BASE_URL", default="https://qyapi.weixin.qq.com")
WECOM_CORP_ID = env.str("WECOM_CORP_ID", default="")
WECOM_AGENT_ID = env.str("WECOM_AGENT_ID", default="")
WECOM_SECRET = env.str("WECOM_SECRET", default="")
# A unit's duty group robot: "unit code=webhook key", comma-separated.
WECOM_ROBOT_KEYS = env.dict("WECOM_ROBOT_KEYS", default={})
DINGTALK_BASE_URL = env.str("DINGTALK_BASE_URL", default="https://oapi.dingtalk.com")
DINGTALK_APP_KEY = env.str("DINGTALK_APP_KEY", default="")
DINGTALK_APP_SECRET = env.str("DINGTALK_APP_SECRET", default="")
DINGTALK_AGENT_ID = env.str("DINGTALK_AGENT_ID", default="")
# "unit code=robot access token:signing secret (SEC…)", comma-separated.
DINGTALK_ROBOTS = env.dict("DINGTALK_ROBOTS", default={})
# Template SMS: log (SMS_BACKEND, development), aliyun or tencent.
SMS_PROVIDER = env.str("SMS_PROVIDER", default="log")
SMS_SIGN_NAME = env.str("SMS_SIGN_NAME", default="")
# "notice kind=template code" (and "default=…"); parameters per kind "kind=name|name".
SMS_TEMPLATES = env.dict("SMS_TEMPLATES", default={})
SMS_TEMPLATE_PARAMS = env.dict("SMS_TEMPLATE_PARAMS", default={})
ALIYUN_SMS_BASE_URL = env.str("ALIYUN_SMS_BASE_URL", default="https://dysmsapi.aliyuncs.com")
ALIYUN_SMS_REGION = env.str("ALIYUN_SMS_REGION", default="cn-hangzhou")
ALIYUN_SMS_ACCESS_KEY_ID = env.str("ALIYUN_SMS_ACCESS_KEY_ID", default="")
ALIYUN_SMS_ACCESS_KEY_SECRET = env.str("ALIYUN_SMS_ACCESS_KEY_SECRET", default="")
TENCENT_SMS_BASE_URL = env.str("TENCENT_SMS_BASE_URL", default="https://sms.tencentcloudapi.com")
TENCENT_SMS_REGION = env.str("TENCENT_SMS_REGION", default="ap-guangzhou")
TENCENT_SMS_SECRET_ID = env.str("TENCENT_SMS_SECRET_ID", default="")
TENCENT_SMS_SECRET_KEY = env.str("TENCENT_SMS_SECRET_KEY", default="")
TENCENT_SMS_SDK_APP_ID = env.str("TENCENT_SMS_SDK_APP_ID", default="")
# #22 operations: /health/ turns red when the media disk has less free space than this.
HEALTH_DISK_MIN_FREE_PERCENT = env.int("HEALTH_DISK_MIN_FREE_PERCENT", default=5)

# Lists page at this size; choices that can grow use a search box instead of a <select>.
PAGE_SIZE = 25

# #22: JSON lines (LOG_FORMAT=json, the default unless DEBUG) with the request id of the
# request or of the task it queued (safety.operations.logs).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = logging_config(LOG_FORMAT, env.str("LOG_LEVEL", default="INFO"))
# Workers log through LOGGING too (Celery would replace the root logger's handlers).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Error reports to a Sentry-compatible service (self-hosted Sentry, GlitchTip) when set.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
configure_error_reporting(
    SENTRY_DSN, environment=env.str("SENTRY_ENVIRONMENT", default="production")
)
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run inside this process (a laptop, a demo seed): a line per successful task is
    # noise there. A worker (REDIS_URL set) keeps them; failures are logged at ERROR anyway.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}

# --- #21 sign-in through the bureau's identity platform (统一身份认证) ----------------------
# One platform per installation, or none: SSO_PROTOCOL = oidc | cas | ldap | "" (local passwords
# only). See docs/sso.md and the table of variables in docs/operations.md.
SSO_PROTOCOL = env.str("SSO_PROTOCOL", default="").strip().lower()
if SSO_PROTOCOL not in {"", "oidc", "cas", "ldap"}:
    raise ImproperlyConfigured("SSO_PROTOCOL must be oidc, cas, ldap or empty.")
SSO_BUTTON_LABEL = env.str("SSO_BUTTON_LABEL", default="统一身份认证登录")
# The SafeCampus field an identity is matched to (username or email), and the claim (OIDC),
# attribute (CAS, LDAP) that carries it; empty: the platform's user name (OIDC: the
# preferred_username claim, CAS: the authenticated user, LDAP: the name typed in).
SSO_MATCH_FIELD = env.str("SSO_MATCH_FIELD", default="username")
SSO_CLAIM = env.str("SSO_CLAIM", default="")
# An identity with no SafeCampus account: "refuse" (a page says so) or "create_inactive" (an
# inactive account an administrator places in a unit and role, then activates).
SSO_UNKNOWN_USERS = env.str("SSO_UNKNOWN_USERS", default="refuse")
# Local passwords off: only the break-glass accounts listed (a city administrator) may still
# sign in with a SafeCampus password.
SSO_LOCAL_PASSWORDS = env.bool("SSO_LOCAL_PASSWORDS", default=True)
SSO_BREAK_GLASS_USERS = env.list("SSO_BREAK_GLASS_USERS", default=[])
# OIDC, authorization-code flow with PKCE (mozilla-django-oidc).
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_JWKS_ENDPOINT", default="") or None
OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_END_SESSION_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid profile email")
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # for the platform's logout (id_token_hint)
OIDC_CREATE_USER = False  # safety.sso decides (SSO_UNKNOWN_USERS)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:oidc_callback"
OIDC_VERIFY_SSL = env.bool("OIDC_VERIFY_SSL", default=True)
OIDC_TIMEOUT = env.int("SSO_TIMEOUT_SECONDS", default=10)
LOGIN_REDIRECT_URL_FAILURE = "sso:refused"
# CAS 2.0 / 3.0 (python-cas).
CAS_SERVER_URL = env.str("CAS_SERVER_URL", default="")
CAS_VERSION = env.str("CAS_VERSION", default="3")
# LDAP bind (django-auth-ldap): bind as the service account, search the person, bind as them.
AUTH_LDAP_SERVER_URI = env.str("LDAP_SERVER_URI", default="")
AUTH_LDAP_BIND_DN = env.str("LDAP_BIND_DN", default="")
AUTH_LDAP_BIND_PASSWORD = env.str("LDAP_BIND_PASSWORD", default="")
AUTH_LDAP_START_TLS = env.bool("LDAP_START_TLS", default=False)
LDAP_USER_SEARCH_BASE = env.str("LDAP_USER_SEARCH_BASE", default="")
LDAP_USER_FILTER = env.str("LDAP_USER_FILTER", default="(uid=%(user)s)")
AUTH_LDAP_ALWAYS_UPDATE_USER = False  # units, roles and names stay SafeCampus's
AUTH_LDAP_CONNECTION_OPTIONS = {}
if AUTH_LDAP_SERVER_URI:
    import ldap  # noqa: PLC0415 (only where LDAP is configured)
    from django_auth_ldap.config import LDAPSearch  # noqa: PLC0415

    AUTH_LDAP_USER_SEARCH = LDAPSearch(LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, LDAP_USER_FILTER)
    AUTH_LDAP_CONNECTION_OPTIONS = {ldap.OPT_NETWORK_TIMEOUT: OIDC_TIMEOUT}

# Signing out posts a form that is redirected to the platform's logout: the Content Security
# Policy's form-action must allow its origin (safety.security.SecurityHeadersMiddleware).
CSP_FORM_ACTION_EXTRA = sorted(
    {
        "{0.scheme}://{0.netloc}".format(urlsplit(url))
        for url in (OIDC_OP_LOGOUT_ENDPOINT, CAS_SERVER_URL)
        if url
    }
)
SSO_BACKENDS = {
    "oidc": "safety.sso.backends.OIDCBackend",
    "cas": "safety.sso.backends.CASBackend",
    "ldap": "safety.sso.backends.LDAPBackend",
}
AUTHENTICATION_BACKENDS = [
    "safety.security.LockoutBackend",  # django-axes: refuses locked-out user names first
    *([SSO_BACKENDS[SSO_PROTOCOL]] if SSO_PROTOCOL else []),
    "safety.sso.backends.LocalPasswordGate",  # SSO_LOCAL_PASSWORDS / SSO_BREAK_GLASS_USERS
    "safety.roles.RolePermissionBackend",
]

# Lockout after repeated failures, keyed by user name AND address: a whole school shares one
# public address, so locking by address alone would lock every teacher out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# The number of reverse proxies in front of the application that append the address they
# received from to X-Forwarded-For (nginx with `proxy_add_x_forwarded_for`: 1). 0 means none:
# the header is never read. Lockout, the security log and the session register all take the
# client address from safety.security.client_address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "safety.security.client_address"

# --- #17 public reports by QR code ----------------------------------------------------------
# Public reports accepted per hour: from one address, and for one school.
PUBLIC_REPORT_LIMITS = (
    env.int("PUBLIC_REPORT_LIMIT_PER_ADDRESS", default=3),
    env.int("PUBLIC_REPORT_LIMIT_PER_SCHOOL", default=30),
)
# The address printed in the QR code of the posters (the site's public origin).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://localhost:8000")

# Emergency preparedness (issue #14): an incident of a category (reporting's
# Incident.Category codes) flags the school's current plan of these scenarios (Scenario.key)
# for review. A category the rules cannot split (fire, electric shock or poisoning; natural
# disasters) names every scenario it may concern: reviewing one plan too many is cheap,
# missing one is not. A scenario an administrator adds is mapped here.
PREPAREDNESS_INCIDENT_SCENARIOS = {
    "fire_electric_poisoning": ["fire", "food_poisoning", "dormitory_fire"],
    "natural_disaster": ["earthquake", "flood_typhoon"],
    "crush_stampede": ["stampede"],
    "violence": ["intruder"],
    "traffic": ["traffic_bus"],
    "illegal_vehicle": ["traffic_bus"],
}

# --- #22 the REST API (api/, docs/api.md) ------------------------------------------------------
# Requests per client (API client id, not address) in the rate's window; the counters live in
# the cache (Redis when REDIS_URL is set, so every web node shares them).
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="600/min")
# Largest `page_size` a client may ask for; larger values are refused with a 400.
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=200)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsApiClient"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_client": API_THROTTLE_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SafeCampus API",
    "DESCRIPTION": "平安校园开放接口：按单位管辖范围读取数据，报告隐患和事故（docs/api.md）。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set where several models call a field alike (status, kind, …).
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "safety.models.Organisation.Kind",
        "HazardStatusEnum": "inspections.models.Hazard.Status",
        "HazardKindEnum": "inspections.models.Hazard.Kind",
        "HazardSeverityEnum": "inspections.models.Hazard.Severity",
        "HazardSourceEnum": "inspections.models.Hazard.Source",
        "InspectionStatusEnum": "inspections.models.Inspection.Status",
        "InspectionKindEnum": "inspections.models.Inspection.Kind",
        "IncidentStatusEnum": "reporting.incidents.models.Incident.Status",
        "IncidentSourceEnum": "reporting.incidents.models.Incident.Source",
        "IncidentSeverityEnum": "reporting.incidents.models.Severity",
        "IncidentReportKindEnum": "reporting.incidents.models.IncidentReport.Kind",
        "MonthlyReportStatusEnum": "reporting.monthly.models.MonthlyReport.Status",
        "DrillStatusEnum": "safety.preparedness.models.Drill.Status",
        "EducationRecordKindEnum": "safety.education.models.EducationRecord.Kind",
        "OrderStatusEnum": "reporting.orders.models.RectificationOrder.Status",
        "OrderSourceEnum": "reporting.orders.models.RectificationOrder.Source",
        "ActivityStatusEnum": "reporting.activities.models.Activity.Status",
        "ActivityKindEnum": "reporting.activities.models.ActivityKind",
    },
}
# #23 the province level: a city bureau under a province reports its monthly roll-up for
# month M by this day of month M+1 (the counties report to the city by the 10th).
MONTHLY_CITY_DUE_DAY = env.int("MONTHLY_CITY_DUE_DAY", default=15)
