"""Personal data at rest: sealed columns, blind indexes to find records by them, and the key ring behind both.

个人信息保护法 第五十一条 and 等保2.0 level 3 expect sensitive personal information (身份证号, names, mobile numbers,
home addresses) to be encrypted in storage. A service declares such columns with the types of this module::

    owner_id_number: Mapped[str] = mapped_column(EncryptedText)
    owner_id_number_lookup: Mapped[str] = mapped_column(BlindIndex(ID_NUMBER, of="owner_id_number"), index=True)

- :class:`EncryptedText` and :class:`EncryptedJSON` store ``pii1:<cipher>:<kid>:<base64 of nonce ‖ ciphertext ‖
  tag>``, sealed with an authenticated cipher from ``cryptography``: SM4-GCM (SM4 in GCM mode as RFC 8998 specifies
  it, for a 商用密码 review) or AES-256-GCM. Each value gets a random 96-bit nonce, and its header is authenticated
  with it, so an altered value, cipher or key id is refused, never read wrong (a whole value copied to another row
  or column still opens there: the value is not bound to its place). The header names the key and the cipher, so
  keys rotate: new values are sealed under the active key, older ones are opened under theirs until the re-key
  command (``python -m qz_common.rekey <service>``) reseals them. Random nonces are safe for about 2^32 values
  under one key: rotate long before (yearly, or when a key may have leaked).
- :class:`BlindIndex` stores HMAC-SM3(index key, kind ‖ normalised value), a digest that is equal for equal values
  (``330802…x`` and ``330802…X`` alike) and useless without the index key: records are found by their 身份证号
  without it being stored in clear. The ORM keeps a lookup column in step with its source (setting
  ``owner_id_number`` sets ``owner_id_number_lookup``), and comparing the lookup column with a clear value compares
  the digests: ``select(Registration).where(Registration.owner_id_number_lookup == id_number)``.
- Sealed columns refuse SQL comparisons: a value seals differently each time, so ``owner_id_number == x`` would
  silently find nothing. Compare the lookup column.

The key ring comes from the service's settings (``<PREFIX>_PII_*``, :meth:`KeyRing.from_settings`) and is bound to
the service's engine (:func:`use_keyring`), not to the process: several services may share a process (tests). At
start the service checks its keys against the ones the database records in its ``pii_keys`` table
(:func:`verify_keys`): a key id whose key differs from the one the rows were written with, a key removed while rows
may still be sealed under it, or an index key other than the one the lookups were computed with stops the start
instead of reading wrong or finding nothing.
"""

import asyncio
import base64
import binascii
import datetime as dt
import json
import os
import re
import unicodedata
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol, get_args

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, Dialect, Engine, RowMapping, String, Text, TypeDecorator, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, Mapper, mapped_column
from sqlalchemy.sql import operators

from qz_common.db import UTCDateTime, utcnow
from qz_common.errors import StoredDataUnreadable
from qz_common.settings import PiiCipher as CipherName
from qz_common.settings import ServiceSettings

CIPHERS: tuple[CipherName, ...] = get_args(CipherName)
INDEX_KEY_BYTES = 32
FORMAT = "pii1"
_NONCE_BYTES = 12
_TAG_BYTES = 16
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")

# DEV ONLY, like qz_common.settings' identity key: fixed keys so that `./dev up` and the tests need no configuration.
# They are in this public file, so they protect nothing: outside dev mode they are refused.
DEV_KEYS: dict[CipherName, tuple[str, bytes]] = {
    "sm4-gcm": ("dev-only-sm4-gcm", b"dev sm4-gcm key!"),
    "aes-256-gcm": ("dev-only-aes-256-gcm", b"dev aes-256-gcm key for local us"),
}
DEV_INDEX_KEY = ("dev-only-index", b"dev index key for local use only")
_DEV_KEY_IDS = {kid for kid, _ in DEV_KEYS.values()} | {DEV_INDEX_KEY[0]}
_DEV_KEY_BYTES = {key for _, key in DEV_KEYS.values()} | {DEV_INDEX_KEY[1]}


class KeyRingError(ValueError):
    """The keys configured cannot serve this database: stops the start (or the migration, or the re-key command)."""


class KeysRefused(StoredDataUnreadable):
    """The service's keys turned out not to be the database's after it started (its database was away then)."""


class SealedValueError(StoredDataUnreadable):
    """A stored value cannot be opened: altered, malformed, or sealed under a key the ring does not hold. Names the
    key and cipher, never the value."""


# --- the ciphers: cryptography's, stored as nonce ‖ ciphertext ‖ tag --------------------------------------------


class AeadCipher(Protocol):
    """An authenticated cipher under one key, as cryptography's ``AESGCM``: ``encrypt`` gives ciphertext ‖ tag,
    ``decrypt`` the plaintext back or ``InvalidTag``."""

    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes) -> bytes: ...

    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes) -> bytes: ...


class Sm4Gcm:
    """SM4 in GCM mode (RFC 8998) with ``AESGCM``'s interface, over cryptography's Cipher API (it has no SM4 AEAD
    class); a full 16-byte tag."""

    def __init__(self, key: bytes) -> None:
        self._algorithm = algorithms.SM4(key)

    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes) -> bytes:
        encryptor = Cipher(self._algorithm, modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(associated_data)
        return encryptor.update(data) + encryptor.finalize() + encryptor.tag

    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes) -> bytes:
        ciphertext, tag = data[:-_TAG_BYTES], data[-_TAG_BYTES:]
        decryptor = Cipher(self._algorithm, modes.GCM(nonce, tag, min_tag_length=_TAG_BYTES)).decryptor()
        decryptor.authenticate_additional_data(associated_data)
        return decryptor.update(ciphertext) + decryptor.finalize()


@dataclass(frozen=True)
class Aead:
    key_bytes: int
    under: Callable[[bytes], AeadCipher]  # the cipher under a key


AEADS: dict[CipherName, Aead] = {"sm4-gcm": Aead(16, Sm4Gcm), "aes-256-gcm": Aead(32, AESGCM)}


def _hmac_sm3(key: bytes, data: bytes) -> str:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def check_value(key: bytes) -> str:
    """What the database records of a key to recognise it later (HMAC-SM3 of a fixed text under the key: it tells
    nothing of the key, and differs for any other key)."""
    return _hmac_sm3(key, b"qz-pii key check value")[:32]


# --- what a blind index looks up: each kind with the normalisation that makes equal values equal ------------------


@dataclass(frozen=True)
class LookupKind:
    """A kind of value records are looked up by. Its name is part of the digest, so equal text of two kinds (a name
    and a phone) gives unrelated digests."""

    name: str
    normalise: Callable[[str], str]


# Middle dots written in names of 少数民族 and foreign names (阿卜杜·热合曼), all read as one.
_MIDDLE_DOTS = str.maketrans(dict.fromkeys("•‧・･.．", "·"))


def normalise_id_number(value: str) -> str:
    """Full-width forms folded (NFKC), white space and hyphens dropped, upper-case X."""
    return "".join(unicodedata.normalize("NFKC", value).split()).replace("-", "").upper()


def normalise_name(value: str) -> str:
    """Full-width forms folded (NFKC), white space dropped, one middle dot, Latin letters case-folded."""
    return "".join(unicodedata.normalize("NFKC", value).split()).translate(_MIDDLE_DOTS).casefold()


def normalise_phone(value: str) -> str:
    """The digits, without the country code of a mainland mobile (+86, 0086)."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", value) if ch in "0123456789")
    for prefix in ("0086", "86"):
        rest = digits.removeprefix(prefix)
        if rest != digits and len(rest) == 11 and rest.startswith("1"):
            return rest
    return digits


ID_NUMBER = LookupKind("id_number", normalise_id_number)
NAME = LookupKind("name", normalise_name)
PHONE = LookupKind("phone", normalise_phone)


# --- the key ring -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyRing:
    """The keys of one service: data keys by kid (one active, sealing new values) and the blind-index key."""

    cipher: CipherName
    active_kid: str
    keys: Mapping[str, bytes] = field(repr=False)
    index_kid: str
    index_key: bytes = field(repr=False)
    # The settings' prefix (``DOGS_``), so that errors name the variables an operator sets.
    prefix: str = ""
    # Each (cipher, kid)'s cipher object, made once: making it again for every value cost a third of an AES-GCM seal.
    _ciphers: dict[tuple[CipherName, str], AeadCipher] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_settings(cls, settings: ServiceSettings, *, dev_mode: bool) -> "KeyRing":
        """The ring of ``<PREFIX>_PII_CIPHER``, ``_PII_KEYS``, ``_PII_KEY_ID``, ``_PII_INDEX_KEY_ID`` and
        ``_PII_INDEX_KEY`` (``KeyRingError`` saying which is wrong). Outside dev mode every one is required and the
        built-in dev keys are refused; in dev mode what is unset is the dev keys'."""
        prefix = str(settings.model_config.get("env_prefix", ""))
        keys = {
            kid: _key(f"{prefix}PII_KEYS[{kid!r}]", text.get_secret_value()) for kid, text in settings.pii_keys.items()
        }
        active = settings.pii_key_id
        if not keys and active is None and dev_mode:
            keys, active = {kid: key for kid, key in DEV_KEYS.values()}, DEV_KEYS[settings.pii_cipher][0]
        if not keys or active is None:
            raise KeyRingError(
                f"{prefix}PII_KEYS and {prefix}PII_KEY_ID must both be set (outside dev mode they are required), e.g. "
                f'{prefix}PII_KEYS=\'{{"2026a": "<`openssl rand -base64 {AEADS[settings.pii_cipher].key_bytes}`>"}}\' '
                f"{prefix}PII_KEY_ID=2026a"
            )
        index_kid, index_text = settings.pii_index_key_id, settings.pii_index_key
        if index_kid is None and index_text is None and dev_mode:
            index_kid, index_key = DEV_INDEX_KEY
        elif index_kid is None or index_text is None:
            raise KeyRingError(
                f"{prefix}PII_INDEX_KEY_ID and {prefix}PII_INDEX_KEY must both be set (outside dev mode they are "
                f"required): the index key is `openssl rand -base64 {INDEX_KEY_BYTES}`"
            )
        else:
            index_key = _key(f"{prefix}PII_INDEX_KEY", index_text.get_secret_value())
        ring = cls(settings.pii_cipher, active, keys, index_kid, index_key, prefix)
        ring._check(dev_mode)
        return ring

    def _check(self, dev_mode: bool) -> None:
        p = self.prefix
        for setting, kid in [*((f"{p}PII_KEYS", kid) for kid in self.keys), (f"{p}PII_INDEX_KEY_ID", self.index_kid)]:
            if not _KEY_ID.fullmatch(kid):
                raise KeyRingError(f"{setting}: key id {kid!r} must be 1 to 32 letters, digits, '-' or '_'")
        if self.active_kid not in self.keys:
            raise KeyRingError(f"{p}PII_KEY_ID {self.active_kid!r} is not a key of {p}PII_KEYS {sorted(self.keys)}")
        for kid, key in self.keys.items():
            if len(key) not in {aead.key_bytes for aead in AEADS.values()}:
                raise KeyRingError(f"{p}PII_KEYS[{kid!r}] is {len(key)} bytes: 16 (sm4-gcm) or 32 (aes-256-gcm)")
        active, needed = self.keys[self.active_kid], AEADS[self.cipher].key_bytes
        if len(active) != needed:
            raise KeyRingError(
                f"{p}PII_KEYS[{self.active_kid!r}] is {len(active)} bytes, {self.cipher} needs {needed}: to change "
                f"the cipher, add a key of that length and make it {p}PII_KEY_ID"
            )
        if len(self.index_key) != INDEX_KEY_BYTES:
            raise KeyRingError(f"{p}PII_INDEX_KEY is {len(self.index_key)} bytes, not {INDEX_KEY_BYTES}")
        if not dev_mode:
            for kid, key in [*self.keys.items(), (self.index_kid, self.index_key)]:
                if kid in _DEV_KEY_IDS or key in _DEV_KEY_BYTES:
                    raise KeyRingError(f"{p}PII key {kid!r} is a built-in dev-only key, refused outside dev mode")

    def seal(self, plaintext: bytes) -> str:
        """``plaintext`` sealed under the active key with the configured cipher."""
        header = f"{FORMAT}:{self.cipher}:{self.active_kid}:"
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._cipher(self.cipher, self.active_kid).encrypt(nonce, plaintext, header.encode())
        return header + base64.b64encode(nonce + sealed).decode()

    def open(self, stored: str) -> bytes:
        """The plaintext of a sealed value (``SealedValueError`` if it cannot be opened and authenticated)."""
        cipher, kid, body = _parts(stored)
        key = self.keys.get(kid)
        if key is None:
            raise SealedValueError(f"a value is sealed under key {kid!r}, which {self.prefix}PII_KEYS does not list")
        if len(key) != AEADS[cipher].key_bytes:
            raise SealedValueError(f"a value names {cipher}, which key {kid!r} ({len(key)} bytes) is not a key of")
        header = f"{FORMAT}:{cipher}:{kid}:".encode()
        try:
            return self._cipher(cipher, kid).decrypt(body[:_NONCE_BYTES], body[_NONCE_BYTES:], header)
        except InvalidTag:
            raise SealedValueError(
                f"a value sealed under key {kid!r} ({cipher}) fails authentication: it was altered, or the key is "
                "not the one it was sealed with"
            ) from None

    def _cipher(self, cipher: CipherName, kid: str) -> AeadCipher:
        made = self._ciphers.get((cipher, kid))
        if made is None:
            made = self._ciphers[cipher, kid] = AEADS[cipher].under(self.keys[kid])
        return made

    def is_current(self, stored: str) -> bool:
        """Whether a sealed value is sealed under the active key and cipher (else the re-key command reseals it)."""
        cipher, kid, _ = _parts(stored)
        return (cipher, kid) == (self.cipher, self.active_kid)

    def lookup(self, kind: LookupKind, value: str) -> str:
        """The blind index of ``value``: HMAC-SM3 under the index key of the kind's name and the normalised value."""
        return _hmac_sm3(self.index_key, kind.name.encode() + b"\x00" + kind.normalise(value).encode())


def _key(setting: str, text: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise KeyRingError(f"{setting} is not base64 (make one with `openssl rand -base64 16`)") from None


def _parts(stored: str) -> tuple[CipherName, str, bytes]:
    """The cipher, key id and nonce ‖ ciphertext ‖ tag of a stored value (``SealedValueError`` if it is none)."""
    fields = stored.split(":", 3)
    if len(fields) != 4 or fields[0] != FORMAT or fields[1] not in CIPHERS:
        raise SealedValueError(f"a value is not sealed ({FORMAT}:<cipher>:<kid>:…): altered, or written in clear")
    try:
        body = base64.b64decode(fields[3], validate=True)
    except binascii.Error:
        raise SealedValueError(f"a value sealed under key {fields[2]!r} is not base64: altered") from None
    if len(body) < _NONCE_BYTES + _TAG_BYTES:
        raise SealedValueError(f"a value sealed under key {fields[2]!r} is truncated: altered")
    return fields[1], fields[2], body


# --- the ring of each engine ------------------------------------------------------------------------------------

# Keyed by the engine's dialect, the one object SQLAlchemy hands a column type while it binds and reads values (an
# engine and the engines derived from it with other execution options share it).
_KEYRINGS: "weakref.WeakKeyDictionary[Dialect, KeyRing]" = weakref.WeakKeyDictionary()


def use_keyring(engine: AsyncEngine | Engine, ring: KeyRing) -> None:
    """Seal and open the personal data of ``engine``'s database with ``ring``."""
    _KEYRINGS[(engine.sync_engine if isinstance(engine, AsyncEngine) else engine).dialect] = ring


def keyring_of(dialect: Dialect) -> KeyRing:
    try:
        return _KEYRINGS[dialect]
    except KeyError:
        raise KeyRingError(
            "this engine has no key ring: personal data is read and written only through an engine given the "
            "service's (qz_common.pii.use_keyring; create_service_app(personal_data=True) does it)"
        ) from None


# --- column types -----------------------------------------------------------------------------------------------


class _Uncomparable(TypeDecorator.Comparator[Any]):
    """A sealed column compares only with NULL: its values seal differently each time. And with itself: SQLAlchemy
    finds a column among its copies with ``==`` (as an ORM ``update()`` setting a sealed column does)."""

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        itself = op is operators.eq and isinstance(other[0], sa.ColumnElement) and other[0].shares_lineage(self.expr)
        if op not in (operators.is_, operators.is_not) and not itself:
            raise TypeError("a sealed column cannot be compared in SQL: compare its BlindIndex column")
        return super().operate(op, *other, **kwargs)

    def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
        raise TypeError("a sealed column cannot be compared in SQL: compare its BlindIndex column")


class EncryptedText(TypeDecorator[str]):
    """A string sealed under the service's key ring (stored as text: ``pii1:<cipher>:<kid>:…``)."""

    impl = Text
    cache_ok = True
    comparator_factory = _Uncomparable

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else keyring_of(dialect).seal(value.encode())

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else keyring_of(dialect).open(value).decode()


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON document sealed whole under the service's key ring (an audit snapshot, a stored answer). Python None
    is SQL NULL."""

    impl = Text
    cache_ok = True
    comparator_factory = _Uncomparable

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return keyring_of(dialect).seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(keyring_of(dialect).open(value))


class BlindIndex(TypeDecorator[str]):
    """The blind index of the column ``of`` (same model, attribute and column of one name), by which its records are
    found. Set from ``of`` whenever ``of`` is set; a clear value compared with it is turned into its digest. Read
    back, it is the digest. Bulk ``update()`` statements bypass the ORM: set both columns there."""

    impl = String(64)
    cache_ok = True

    def __init__(self, kind: LookupKind, of: str) -> None:
        super().__init__()
        self.kind = kind
        self.of = of

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else keyring_of(dialect).lookup(self.kind, value)


def _set_lookup(lookup: str, target: object, value: str | None, _old: object, _initiator: object) -> None:
    setattr(target, lookup, value)


@event.listens_for(Mapper, "mapper_configured")
def _lookups_follow_their_sources(mapper: Mapper[Any], cls: type) -> None:
    for column in mapper.local_table.columns:
        if isinstance(column.type, BlindIndex):
            lookup = mapper.get_property_by_column(column).key
            event.listen(getattr(cls, column.type.of), "set", partial(_set_lookup, lookup))


def is_sealed(column: sa.Column[Any]) -> bool:
    return isinstance(column.type, EncryptedText | EncryptedJSON)


def is_lookup(column: sa.Column[Any]) -> bool:
    return isinstance(column.type, BlindIndex)


# --- the keys a database was written with -----------------------------------------------------------------------

PII_KEYS_TABLE = "pii_keys"
DATA, INDEX = "data", "index"


class PiiKeyMixin:
    """The keys this database's personal data was sealed and indexed with: each key's check value, so that a key id
    configured with another key is refused, and when no row is sealed under it any more (``retired_at``, set by the
    re-key command). One index key is in use (not retired): the one every lookup column was computed with.

    Declare ``class PiiKey(PiiKeyMixin, Base): pass`` (the table is ``pii_keys``; created in a revision with
    ``qz_common.migrations.create_pii_keys()``)."""

    __tablename__ = PII_KEYS_TABLE
    purpose: Mapped[str] = mapped_column(String(10), primary_key=True)  # data | index
    kid: Mapped[str] = mapped_column(String(32), primary_key=True)
    check_value: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


_KEY_RECORDS = sa.table(
    PII_KEYS_TABLE,
    sa.column("purpose", String),
    sa.column("kid", String),
    sa.column("check_value", String),
    sa.column("recorded_at", UTCDateTime()),
    sa.column("retired_at", UTCDateTime()),
)


@dataclass(frozen=True)
class _Record:
    purpose: str
    kid: str
    check_value: str
    retired: bool


def _records(connection: Connection) -> list[_Record]:
    rows = connection.execute(sa.select(_KEY_RECORDS).order_by(_KEY_RECORDS.c.purpose, _KEY_RECORDS.c.kid))
    return [_Record(row.purpose, row.kid, row.check_value, row.retired_at is not None) for row in rows]


def _record_in_use(connection: Connection, purpose: str, kid: str, key: bytes) -> None:
    """Record ``kid`` as in use (sealing or indexing), un-retiring it; a replica recording it at the same moment is
    no error."""
    found = connection.execute(
        sa.update(_KEY_RECORDS)
        .where(_KEY_RECORDS.c.purpose == purpose, _KEY_RECORDS.c.kid == kid)
        .values(retired_at=None)
    )
    if found.rowcount:
        return
    try:
        with connection.begin_nested():
            connection.execute(
                sa.insert(_KEY_RECORDS).values(
                    purpose=purpose, kid=kid, check_value=check_value(key), recorded_at=utcnow(), retired_at=None
                )
            )
    except IntegrityError:
        pass  # another replica recorded it: verify_keys compared the check value it reads before


def verify_keys(connection: Connection, ring: KeyRing, *, new_index_key: bool = False) -> bool:
    """Refuse a ring that would read this database wrong, then record its active keys (in the caller's transaction).

    ``KeyRingError`` when a configured key id is recorded with another key; when a key id that rows may still be
    sealed under is no longer configured; when the lookups were computed with an index key other than the ring's
    (unless ``new_index_key``: the re-key command is about to recompute them, and records the ring's index key in
    use beside the old one). Returns whether the lookups were computed with another index key.
    """
    p = ring.prefix
    in_use_index = []
    for record in _records(connection):
        key = ring.keys.get(record.kid) if record.purpose == DATA else None
        if record.purpose == INDEX and record.kid == ring.index_kid:
            key = ring.index_key
        if key is not None and check_value(key) != record.check_value:
            setting = f"{p}PII_KEYS[{record.kid!r}]" if record.purpose == DATA else f"{p}PII_INDEX_KEY"
            raise KeyRingError(f"{setting} is not the key {record.kid!r} this database was written with")
        if record.purpose == DATA and key is None and not record.retired:
            raise KeyRingError(
                f"rows may still be sealed under key {record.kid!r}, which {p}PII_KEYS no longer lists: list it "
                f"again, run `python -m qz_common.rekey` and remove it only then"
            )
        if record.purpose == INDEX and not record.retired:
            in_use_index.append(record.kid)
    other_index = bool(in_use_index) and in_use_index != [ring.index_kid]
    if other_index and not new_index_key:
        raise KeyRingError(
            f"the lookups of this database were computed with index key {in_use_index}, {p}PII_INDEX_KEY_ID is "
            f"{ring.index_kid!r}: configure that key, or recompute them with `python -m qz_common.rekey` (service "
            "stopped)"
        )
    _record_in_use(connection, DATA, ring.active_kid, ring.keys[ring.active_kid])
    if not in_use_index or other_index:
        # A new index key is in use beside the old one until every lookup is recomputed (retire_keys): a service
        # started meanwhile, with either key, is refused, even if the re-key command is interrupted.
        _record_in_use(connection, INDEX, ring.index_kid, ring.index_key)
    return other_index


def retire_keys(connection: Connection, ring: KeyRing) -> list[str]:
    """After a re-key pass found nothing left to reseal: every data key but the active one, and every index key but
    the ring's, is retired (may be removed from the settings). Returns the data key ids retired now."""
    retired = [r.kid for r in _records(connection) if r.purpose == DATA and not r.retired and r.kid != ring.active_kid]
    now = utcnow()
    for purpose, keep in ((DATA, ring.active_kid), (INDEX, ring.index_kid)):
        connection.execute(
            sa.update(_KEY_RECORDS)
            .where(_KEY_RECORDS.c.purpose == purpose, _KEY_RECORDS.c.kid != keep, _KEY_RECORDS.c.retired_at.is_(None))
            .values(retired_at=now)
        )
    return retired


# --- rewriting stored rows in batches (migrations, the re-key command) --------------------------------------------


def rewrite_batch(
    connection: Connection,
    table: str,
    columns: Sequence[str],
    rewrite: Callable[[RowMapping], dict[str, Any]],
    *,
    after: Any,
    batch_size: int,
    key: str = "id",
    lock: bool = False,
) -> tuple[Any, int]:
    """Give the next ``batch_size`` rows of ``table`` with a ``key`` above ``after`` (None: from the first), in key
    order, to ``rewrite``, which answers the columns to change (as stored: text, not through the column types), and
    write them back. ``lock``: take the rows' locks while doing it (PostgreSQL; a SQLite command holds the write lock
    anyway). Returns the last key read (None once no row is left) and how many rows were changed."""
    target = sa.table(table, sa.column(key), *(sa.column(name, Text) for name in columns))
    query = sa.select(target).order_by(target.c[key]).limit(batch_size)
    if after is not None:
        query = query.where(target.c[key] > after)
    rows = connection.execute(query.with_for_update() if lock else query).mappings().all()
    # One executemany per set of columns changed (a migration changes the same columns of every row).
    changed: dict[frozenset[str], list[dict[str, Any]]] = {}
    for row in rows:
        if values := rewrite(row):
            changed.setdefault(frozenset(values), []).append(
                {"row_key": row[key]} | {f"new_{n}": v for n, v in values.items()}
            )
    for names, parameters in changed.items():
        statement = sa.update(target).where(target.c[key] == sa.bindparam("row_key"))
        connection.execute(statement.values({name: sa.bindparam(f"new_{name}") for name in names}), parameters)
    return (rows[-1][key] if rows else None), sum(len(parameters) for parameters in changed.values())


class KeyVerification:
    """:func:`verify_keys` of a service, once: at start, or, when the database cannot be reached then, before the
    first request that uses it (a service starts during an outage and answers 503 meanwhile, as every deployable
    does, but never reads with keys it has not verified)."""

    def __init__(self, engine: AsyncEngine, ring: KeyRing) -> None:
        self.engine = engine
        self.ring = ring
        self.done = False
        self._lock = asyncio.Lock()

    async def ensure(self) -> None:
        async with self._lock:
            if not self.done:
                async with self.engine.begin() as connection:
                    await connection.run_sync(verify_keys, self.ring)
                self.done = True

    async def before_a_request(self) -> None:
        """:meth:`ensure`, where a refusal answers the request (500 ``stored_data_unreadable``) rather than stopping
        a start that is over."""
        try:
            await self.ensure()
        except KeyRingError as refused:
            raise KeysRefused(str(refused)) from refused
