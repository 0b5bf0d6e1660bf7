"""Settings read from the environment with pydantic-settings.

Platform-wide settings use the ``QZ_`` prefix (dev mode, the public keys that
verify internal identity tokens, logging); each service adds its own prefix
(``DOGS_DATABASE_URL``...).
"""

from typing import Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import Field, PrivateAttr, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from qz_common.identity import SigningKey, ed25519_public_key, raw_public_key

# DEV ONLY: the Ed25519 pair that signs and verifies internal identity tokens in dev mode, so `./dev up` and the tests
# work with no configuration. Its private half is in this public file, so anyone can sign with it: outside dev mode
# the gateway refuses to sign with it and every deployable refuses to list its public half.
DEV_IDENTITY_KEY_ID = "dev-only-not-for-production"
DEV_IDENTITY_PRIVATE_KEY = "rEjW+9UJcxWdKSbtTHHQRxmU20aEH3KMWFtVSBGHxdw="
DEV_SIGNING_KEY = SigningKey.from_text(DEV_IDENTITY_KEY_ID, DEV_IDENTITY_PRIVATE_KEY)
_DEV_PUBLIC_KEY = raw_public_key(DEV_SIGNING_KEY.public_key)

# The authenticated ciphers personal data may be sealed with (qz_common.pii).
PiiCipher = Literal["sm4-gcm", "aes-256-gcm"]


class PlatformSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QZ_", extra="ignore")

    dev_mode: bool = False
    # kid -> public key (PEM, or base64 of its 32 raw bytes) of each Ed25519 key the gateway may sign internal
    # identity tokens with: one, and two while the gateway's key changes. Required outside dev mode.
    identity_public_keys: dict[str, str] = Field(default_factory=dict)
    log_level: str = "INFO"
    _verification_keys: dict[str, Ed25519PublicKey] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _public_keys(self) -> "PlatformSettings":
        listed = self.identity_public_keys or ({DEV_IDENTITY_KEY_ID: _DEV_PUBLIC_KEY} if self.dev_mode else {})
        if not listed:
            raise ValueError(
                "QZ_IDENTITY_PUBLIC_KEYS must list the gateway's identity public key(s) outside dev mode "
                '(QZ_DEV_MODE=false), e.g. {"<kid>": "<base64 public key>"}: see `qz-gateway-keys signing-key`'
            )
        for kid, text in listed.items():
            try:
                key = ed25519_public_key(text)
            except ValueError as unreadable:
                raise ValueError(f"QZ_IDENTITY_PUBLIC_KEYS[{kid!r}]: {unreadable}") from None
            if not self.dev_mode and (kid == DEV_IDENTITY_KEY_ID or raw_public_key(key) == _DEV_PUBLIC_KEY):
                raise ValueError(
                    f"QZ_IDENTITY_PUBLIC_KEYS[{kid!r}] is the built-in dev-only key, refused outside dev mode"
                )
            self._verification_keys[kid] = key
        return self

    @property
    def identity_verification_keys(self) -> dict[str, Ed25519PublicKey]:
        """The public keys that verify internal identity tokens, by kid (the dev-only key in dev mode, unless set)."""
        return self._verification_keys


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
    # Personal data at rest (qz_common.pii), read by services created with personal_data=True: the cipher new values
    # are sealed with; the data keys by id (base64: 16 bytes for sm4-gcm, 32 for aes-256-gcm) and the id of the one
    # that seals new values; the HMAC-SM3 key of the blind indexes (32 bytes, base64) and its id. Required outside
    # dev mode (qz_common.pii.KeyRing.from_settings).
    pii_cipher: PiiCipher = "sm4-gcm"
    pii_keys: dict[str, SecretStr] = Field(default_factory=dict)
    pii_key_id: str | None = None
    pii_index_key_id: str | None = None
    pii_index_key: SecretStr | None = None
