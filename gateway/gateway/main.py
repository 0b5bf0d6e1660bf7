"""The gateway app: the platform's only public entrance."""

from fastapi import FastAPI

from gateway import dossier, notices, openapi, proxy, relocation
from gateway.auth import require_metrics_scope
from gateway.keys import KeyStore
from gateway.metrics import GatewayMetrics
from gateway.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from gateway.replay import MemorySpentAssertions, RedisSpentAssertions, SpentAssertions
from gateway.settings import DEV_ADAPTER_ASSERTION_SECRET, DEV_ADAPTER_CLIENT, GatewaySettings
from gateway.upstream import Upstreams
from qz_common.app import create_service_app
from qz_common.identity import SigningKey
from qz_common.settings import DEV_SIGNING_KEY, PlatformSettings


class NoApiKeysConfigured(RuntimeError):
    pass


def identity_signing_key(settings: GatewaySettings, platform: PlatformSettings) -> SigningKey:
    """The key the gateway signs internal identity tokens with (``ValueError`` if it may not).

    Outside dev mode it must be configured and must not be the built-in dev-only key; in every mode the public key
    map (QZ_IDENTITY_PUBLIC_KEYS) must list its public half under its kid, so a gateway whose tokens the services would
    refuse does not start.
    """
    kid, inline, path = settings.identity_key_id, settings.identity_private_key, settings.identity_private_key_file
    if inline is not None and path is not None:
        raise ValueError("set GATEWAY_IDENTITY_PRIVATE_KEY or GATEWAY_IDENTITY_PRIVATE_KEY_FILE, not both")
    try:
        text = inline.get_secret_value() if inline is not None else path.read_text() if path is not None else None
    except OSError as unreadable:
        raise ValueError(f"GATEWAY_IDENTITY_PRIVATE_KEY_FILE: {unreadable}") from None
    if kid is None and text is None and platform.dev_mode:
        key = DEV_SIGNING_KEY
    elif kid is None or text is None:
        raise ValueError(
            "GATEWAY_IDENTITY_KEY_ID and GATEWAY_IDENTITY_PRIVATE_KEY (or _FILE) must both be set outside dev mode "
            "(QZ_DEV_MODE=false): generate a key with `qz-gateway-keys signing-key`"
        )
    else:
        try:
            key = SigningKey.from_text(kid, text)
        except ValueError as unreadable:
            raise ValueError(f"GATEWAY_IDENTITY_PRIVATE_KEY: {unreadable}") from None
    if not platform.dev_mode and key.public_key == DEV_SIGNING_KEY.public_key:
        raise ValueError("GATEWAY_IDENTITY_PRIVATE_KEY is the built-in dev-only key, refused outside dev mode")
    listed = platform.identity_verification_keys.get(key.kid)
    if listed is None or listed != key.public_key:
        raise ValueError(
            f"QZ_IDENTITY_PUBLIC_KEYS lists no public key {key.kid!r} matching GATEWAY_IDENTITY_PRIVATE_KEY: "
            "the services would refuse every call"
        )
    return key


def create_app(settings: GatewaySettings | None = None, platform: PlatformSettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    platform = platform or PlatformSettings()
    signing_key = identity_signing_key(settings, platform)
    metrics = GatewayMetrics()

    async def start(app: FastAPI) -> None:
        app.state.keys = KeyStore(app.state.db, settings, platform.dev_mode)
        if not platform.dev_mode and await app.state.keys.active_count() == 0:
            raise NoApiKeysConfigured(
                "no API keys configured: create one with `qz-gateway-keys create` (or QZ_DEV_MODE=true locally)"
            )
        app.state.upstreams = Upstreams(settings, metrics, app.state.tracer_provider)
        await app.state.upstreams.load_route_templates()
        app.state.token_cache = {}
        limiter: RateLimiter = (
            RedisRateLimiter(settings.redis_url, settings.rate_limit_per_s, settings.rate_limit_burst, metrics)
            if settings.redis_url
            else MemoryRateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst)
        )
        app.state.rate_limiter = limiter
        spent: SpentAssertions = (
            RedisSpentAssertions(settings.redis_url) if settings.redis_url else MemorySpentAssertions()
        )
        app.state.spent_assertions = spent
        secrets = {k: v.get_secret_value() for k, v in settings.adapter_assertion_secrets.items()}
        if platform.dev_mode:
            secrets.setdefault(DEV_ADAPTER_CLIENT, DEV_ADAPTER_ASSERTION_SECRET)
        app.state.adapter_secrets = secrets
        app.state.case_runner = relocation.CaseRunner(
            app.state.db, app.state.upstreams, signing_key, app.state.key_verification
        )
        app.state.retry_task = relocation.start_retry_loop(app.state.case_runner, settings.relocation_retry_s)

    async def stop(app: FastAPI) -> None:
        await relocation.stop(app.state.retry_task)
        await app.state.upstreams.close()
        await app.state.rate_limiter.close()
        await app.state.spent_assertions.close()

    def breakers(app: FastAPI) -> dict[str, object]:
        upstreams = getattr(app.state, "upstreams", None)
        return {"breakers": upstreams.breaker_states() if upstreams else {}}

    def rate_limits(app: FastAPI) -> dict[str, object]:
        limiter: RateLimiter | None = getattr(app.state, "rate_limiter", None)
        spent: SpentAssertions | None = getattr(app.state, "spent_assertions", None)
        return {
            "rate_limiter": limiter.describe() if limiter else {},
            "spent_assertions": spent.describe() if spent else {},
        }

    app = create_service_app(
        settings=settings,
        platform=platform,
        title="衢州规则即代码平台网关",
        description="Routes /api/{service}/..., checks API keys, scopes and districts, aggregates across bureaus.",
        routers=[openapi.router, dossier.router, notices.router, relocation.router, proxy.router],
        on_startup=start,
        on_shutdown=stop,
        health_details=breakers,
        ready_details=rate_limits,
        own_docs=False,
        personal_data=True,
        metrics_registry=metrics.registry,
        metrics_access=require_metrics_scope,
    )
    app.state.metrics = metrics
    app.state.signing_key = signing_key
    return app
