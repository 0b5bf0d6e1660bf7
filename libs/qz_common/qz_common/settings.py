"""Settings read from the environment with pydantic-settings.

Platform-wide settings use the ``QZ_`` prefix (dev mode, the internal-token
secret, logging); each service adds its own prefix (``DOGS_DATABASE_URL``...).
"""

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Used only in dev mode, so `./dev up` works with no configuration. Outside dev
# mode a real secret is required and this value is refused.
DEV_INTERNAL_TOKEN_SECRET = "qz-dev-internal-token-secret-not-for-production"


class PlatformSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QZ_", extra="ignore")

    dev_mode: bool = False
    internal_token_secret: SecretStr | None = None
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _secret_outside_dev(self) -> "PlatformSettings":
        secret = self.internal_token_secret
        if not self.dev_mode and (secret is None or secret.get_secret_value() == DEV_INTERNAL_TOKEN_SECRET):
            raise ValueError(
                "QZ_INTERNAL_TOKEN_SECRET must be set to a real secret outside dev mode (QZ_DEV_MODE=false)"
            )
        return self

    @property
    def token_secret(self) -> str:
        if self.internal_token_secret is not None:
            return self.internal_token_secret.get_secret_value()
        return DEV_INTERNAL_TOKEN_SECRET


class ServiceSettings(BaseSettings):
    """Base for one service's settings; subclasses set ``env_prefix`` and defaults."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str
    database_url: str
    # Verbose SQL logging for local debugging only.
    database_echo: bool = False
    # Request limits applied before any work (qz_common.limits): body, all headers together, body read deadline.
    max_body_bytes: int = 32 * 1024 * 1024
    max_header_bytes: int = 16 * 1024
    body_read_timeout_s: float = 30.0
