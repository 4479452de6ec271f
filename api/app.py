"""The one place the Litestar application is built."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from contextlib import nullcontext

from litestar import Litestar
from litestar.enums import ScopeType
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ASGIApp, Receive, Scope, Send

from api.http.middleware.admission import admission_middleware
from api.http.middleware.language import api_language_middleware
from api.http.middleware.logging import access_log_middleware, configure_logging
from api.http.middleware.ratelimit import any_of, exact, prefix, rate_limit_middleware
from api.http.middleware.replica import public_read
from api.http.middleware.request_checks import request_checks_middleware
from api.http.middleware.security_headers import security_headers_hook
from api.http.problems import EXCEPTION_HANDLERS, document_problems
from api.http.routes.accounts import AccountsController
from api.http.routes.appeals import AppealsController
from api.http.routes.applications import ApplicationsController
from api.http.routes.assessments import AssessmentsController
from api.http.routes.auditors import AuditorsController
from api.http.routes.certificates import (
    CertificatesController,
    get_context,
    get_credential,
    get_log_proof,
    get_status_list,
    list_status_lists,
)
from api.http.routes.complaints import ComplaintsController
from api.http.routes.corrective import CorrectiveActionsController
from api.http.routes.did import did_document
from api.http.routes.employers import (
    EmployerSignUpController,
    SupplierChecksController,
    WatchlistsController,
)
from api.http.routes.evidence import EvidenceController
from api.http.routes.feeds import FeedsController
from api.http.routes.health import health, live
from api.http.routes.identity import IdentityChangesController, LicenceChecksController
from api.http.routes.log import LogController
from api.http.routes.notifications import EmailAlertsController, WebhooksController
from api.http.routes.open_data import get_open_data_file
from api.http.routes.providers import ProvidersController
from api.http.routes.schedule import ScheduleController
from api.http.routes.self_assessments import SelfAssessmentsController
from api.http.routes.standards import StandardsController
from api.http.routes.verify import VerifyController
from api.http.workers import start_supplier_worker, stop_supplier_worker
from api.web import web_router
from api.web.render.api_reference import ApiReferencePlugin
from registry.db.database import close_pool, start_pool
from registry.db.pooled import shared_reads
from registry.db.replica import replica_reads
from registry.notifications.worker import run_forever
from registry.settings import get_settings

API_DESCRIPTION = """Rightsmark: core-rights standards as versioned rule sets, assessments
scored by a published engine, and signed verifiable certificates.

Errors are RFC 9457 problem details (`application/problem+json`) whose `errors` list names
each offending field. Write operations need `Authorization: Bearer rm_...`."""


# The public endpoints with a per-client request limit (api.http.middleware.ratelimit).
VERIFY = prefix("/api/v1/verify")
SEARCH = exact("GET", ["/api/v1/providers", "/"])
SIGN_UP = exact("POST", ["/api/v1/employers/sign-up", "/employers/sign-up"])
SUPPLIER_CHECK = exact("POST", ["/api/v1/supplier-checks", "/supplier-check"])


def complaint_channel(method: str, path: str) -> bool:
    """The routes a complainant uses without an account: filing, and a case's own routes
    opened with its Complaint-Key (the secretariat's reads of a case count too)."""
    if path.rstrip("/") == "/api/v1/complaints":
        return method == "POST"
    parts = path.rstrip("/").split("/")  # "", api, v1, complaints, RMC-..., [action]
    if len(parts) < 5 or parts[1:4] != ["api", "v1", "complaints"]:
        return False
    return len(parts) == 5 or parts[5] in {"messages", "attachments", "review"}


def _freeze_startup_objects() -> None:
    """Move everything built at start-up (routes, schemas, compiled tables) out of the
    garbage collector's sight: full collections then scan only what requests allocate,
    instead of pausing a busy server for the whole application's object graph."""
    gc.collect()
    gc.freeze()


def shared_reads_middleware(app: ASGIApp) -> ASGIApp:
    """The reads of one request share one database connection (registry.db.pooled); public
    reads may share one on a standby instead (api.http.middleware.replica)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        async with shared_reads():
            with replica_reads() if public_read(scope) else nullcontext():
                await app(scope, receive, send)

    return middleware


class DeliveryWorker:
    """The notification delivery worker as a background task of the server process
    (registry.notifications.worker): started with the app, stopped before the pool closes.
    Each `serve --workers N` process runs one; their leases keep them from colliding."""

    def __init__(self) -> None:
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(run_forever(self._stop), name="rightsmark-deliver")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._task, timeout=30)
            self._task = None


def create_app(
    *, access_log: bool = True, manage_pool: bool = True, delivery_worker: bool | None = None
) -> Litestar:
    """The application. `delivery_worker`: run the notification worker in this process
    (default: a server that manages its pool does, unless RIGHTSMARK_DELIVERY_WORKER=false).
    `manage_pool=False` leaves the PostgreSQL pool to the caller (tests
    that share one event loop and one pool with the app)."""
    settings = get_settings()
    configure_logging(settings.log_level)
    if delivery_worker is None:
        delivery_worker = manage_pool and settings.delivery_worker
    deliverer = DeliveryWorker()
    app = Litestar(
        route_handlers=[
            health,
            live,
            did_document,
            StandardsController,
            AccountsController,
            ProvidersController,
            IdentityChangesController,
            LicenceChecksController,
            ApplicationsController,
            AuditorsController,
            EvidenceController,
            AssessmentsController,
            SelfAssessmentsController,
            CertificatesController,
            ComplaintsController,
            AppealsController,
            CorrectiveActionsController,
            ScheduleController,
            EmployerSignUpController,
            WatchlistsController,
            SupplierChecksController,
            get_credential,
            get_log_proof,
            get_context,
            list_status_lists,
            get_status_list,
            VerifyController,
            LogController,
            FeedsController,
            get_open_data_file,
            WebhooksController,
            EmailAlertsController,
            web_router,
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[security_headers_hook(hsts=settings.public_url.startswith("https://"))],
        # The database connections: PostgreSQL's pool, SQLite's persistent connections
        # (opened on first use), closed at shutdown; per process with `serve --workers N`.
        # The supplier-check worker resumes queued checks (after a restart too); it runs in
        # a serving process only, not under tests that drive the app in their own loop.
        on_startup=[
            *([start_pool, start_supplier_worker] if manage_pool else []),
            _freeze_startup_objects,
            *([deliverer.start] if delivery_worker else []),
        ],
        on_shutdown=[
            *([deliverer.stop] if delivery_worker else []),
            *([stop_supplier_worker, close_pool] if manage_pool else []),
        ],
        middleware=[
            api_language_middleware,
            request_checks_middleware,
            rate_limit_middleware(per_minute=settings.verify_rate_per_minute, matches=VERIFY),
            rate_limit_middleware(
                per_minute=settings.search_rate_per_minute, matches=SEARCH, what="search"
            ),
            rate_limit_middleware(
                per_minute=settings.sign_in_rate_per_minute,
                matches=exact("POST", ["/portal/sign-in"]),
                what="sign-in",
            ),
            rate_limit_middleware(
                per_minute=settings.complaint_rate_per_minute,
                matches=complaint_channel,
                what="complaint",
            ),
            rate_limit_middleware(
                per_minute=settings.sign_up_rate_per_minute, matches=SIGN_UP, what="sign-up"
            ),
            rate_limit_middleware(
                per_minute=settings.supplier_check_rate_per_minute,
                matches=SUPPLIER_CHECK,
                what="supplier-check",
            ),
            *([access_log_middleware] if access_log else []),
            admission_middleware(reading_posts=any_of(VERIFY, prefix("/verify"))),
            shared_reads_middleware,
        ],
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Rightsmark registry API",
            version="0.1.0",
            description=API_DESCRIPTION,
            path="/schema",
            render_plugins=[ApiReferencePlugin(), JsonRenderPlugin(), YamlRenderPlugin()],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(
                        type="http", scheme="bearer", description="rm_... API token"
                    )
                }
            ),
        ),
        debug=False,
    )
    document_problems(
        app,
        rate_limited=lambda m, p: any(
            limited(m, p)
            for limited in (VERIFY, SEARCH, complaint_channel, SIGN_UP, SUPPLIER_CHECK)
        ),
    )
    return app
