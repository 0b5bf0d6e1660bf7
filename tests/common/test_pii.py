"""qz_common.pii: sealing personal data with an authenticated cipher, blind indexes, the key ring from settings.

The service-level proofs (nothing in clear in the database, rotation, tampering through the API, migration of
stored rows, start-up refusals against the database) are in tests/dogs/test_dogs_personal_data.py.
"""

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict
from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from testkit import id_number

from qz_common.audit import snapshot
from qz_common.pii import (
    AEADS,
    DEV_KEYS,
    ID_NUMBER,
    NAME,
    PHONE,
    BlindIndex,
    EncryptedText,
    KeyRing,
    KeyRingError,
    SealedValueError,
    normalise_name,
    normalise_phone,
    use_keyring,
)
from qz_common.settings import ServiceSettings

SM4_KEY = bytes(range(16))
AES_KEY = bytes(range(32))
INDEX_KEY = bytes(range(100, 132))


def ring(cipher: str = "sm4-gcm", active: str = "a", **keys: bytes) -> KeyRing:
    keys = keys or {"a": SM4_KEY if cipher == "sm4-gcm" else AES_KEY}
    return KeyRing(cipher, active, keys, "i", INDEX_KEY, "DOGS_")  # type: ignore[arg-type]


class Base(DeclarativeBase):
    pass


class Owner(Base):
    __tablename__ = "owners"
    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(EncryptedText)
    id_number_lookup: Mapped[str] = mapped_column(BlindIndex(ID_NUMBER, of="id_number"))
    name: Mapped[str | None] = mapped_column(EncryptedText)


class DogsLikeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DOGS_", extra="ignore")
    service_name: str = "dogs"
    database_url: str = "sqlite://"


def settings(**values: object) -> DogsLikeSettings:
    return DogsLikeSettings(**values)  # type: ignore[arg-type]


def b64(key: bytes) -> SecretStr:
    return SecretStr(base64.b64encode(key).decode())


PRODUCTION = {
    "pii_keys": {"2026a": b64(SM4_KEY)},
    "pii_key_id": "2026a",
    "pii_index_key_id": "idx2026a",
    "pii_index_key": b64(INDEX_KEY),
}


def test_sm4_gcm_is_the_standard_one() -> None:
    """RFC 8998 appendix A.1 (SM4-GCM): the cipher is cryptography's SM4 in GCM mode, nothing of our own."""
    sealed = (
        AEADS["sm4-gcm"]
        .under(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"))
        .encrypt(
            bytes.fromhex("00001234567800000000ABCD"),
            bytes.fromhex(
                "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
                "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
            ),
            bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2"),
        )
    )
    assert sealed.hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
        "83DE3541E4C2B58177E065A9BF7B62EC"
    )


@pytest.mark.parametrize("cipher", ["sm4-gcm", "aes-256-gcm"])
@given(text=st.text())
def test_a_sealed_value_names_its_cipher_and_key_and_opens_to_itself(cipher: str, text: str) -> None:
    keys = ring(cipher)
    stored = keys.seal(text.encode())
    assert stored.startswith(f"pii1:{cipher}:a:")
    assert keys.open(stored).decode() == text
    assert keys.seal(text.encode()) != stored  # a fresh nonce each time: equal values are not seen as equal


def test_every_altered_byte_is_detected() -> None:
    keys = ring()
    stored = keys.seal(b"330802198506151238")
    header, body = stored.rsplit(":", 1)
    raw = base64.b64decode(body)
    for position in range(len(raw)):
        altered = raw[:position] + bytes([raw[position] ^ 0x01]) + raw[position + 1 :]
        with pytest.raises(SealedValueError, match="fails authentication"):
            keys.open(f"{header}:{base64.b64encode(altered).decode()}")


def test_a_value_moved_under_another_key_or_cipher_name_is_refused() -> None:
    keys = ring(a=SM4_KEY, b=bytes(reversed(SM4_KEY)))
    stored = keys.seal(b"\xe5\xbc\xa0\xe4\xb8\x89")
    with pytest.raises(SealedValueError, match="fails authentication"):
        keys.open(stored.replace(":a:", ":b:"))  # the header is authenticated with the value
    with pytest.raises(SealedValueError, match="is not a key of"):
        keys.open(stored.replace("sm4-gcm", "aes-256-gcm"))
    with pytest.raises(SealedValueError, match="does not list"):
        keys.open(stored.replace(":a:", ":c:"))


@pytest.mark.parametrize(
    "stored", ["张三", "pii1:sm4-gcm:a", "pii1:des:a:AAAA", "pii1:sm4-gcm:a:not base64!", "pii1:sm4-gcm:a:AAAA"]
)
def test_anything_but_a_sealed_value_is_refused_never_read_as_it_is(stored: str) -> None:
    with pytest.raises(SealedValueError):
        ring().open(stored)


def test_only_values_under_the_active_key_and_cipher_are_current() -> None:
    old = ring(a=SM4_KEY)
    new = KeyRing("aes-256-gcm", "b", {"a": SM4_KEY, "b": AES_KEY}, "i", INDEX_KEY)
    assert not new.is_current(old.seal(b"x"))
    assert new.is_current(new.seal(b"x"))
    assert new.open(old.seal(b"x")) == b"x"


@pytest.mark.parametrize(
    ("kind", "spellings"),
    [
        (
            ID_NUMBER,
            [
                "11010519491231002X",
                "11010519491231002x",
                " 110105 19491231 002x ",
                "１１０１０５１９４９１２３１００２ｘ",
            ],
        ),
        (NAME, ["张三", " 张 三 ", "张　三"]),
        (NAME, ["阿卜杜·热合曼", "阿卜杜•热合曼", "阿卜杜・热合曼"]),
        (NAME, ["Li Lei", "LI LEI", "lilei"]),
        (PHONE, ["13800001234", "+86 138 0000 1234", "0086-138-0000-1234", "8613800001234", "１３８００００１２３４"]),
        (PHONE, ["0570-3021234", "05703021234", "(0570) 302 1234"]),
    ],
)
def test_spellings_of_one_value_have_one_blind_index(kind: object, spellings: list[str]) -> None:
    keys = ring()
    assert len({keys.lookup(kind, spelling) for spelling in spellings}) == 1  # type: ignore[arg-type]


def test_a_blind_index_depends_on_the_kind_and_the_index_key() -> None:
    keys = ring()
    other_index = KeyRing("sm4-gcm", "a", {"a": SM4_KEY}, "j", bytes(32))
    digests = {
        keys.lookup(NAME, "13800001234"),
        keys.lookup(PHONE, "13800001234"),
        other_index.lookup(PHONE, "13800001234"),
    }
    assert len(digests) == 3
    assert "13800001234" not in "".join(digests)


def test_normalisation_keeps_what_tells_values_apart() -> None:
    assert normalise_name("张三") != normalise_name("张山")
    assert normalise_phone("13800001234") != normalise_phone("13800001235")
    assert normalise_phone("8613800001234") == "13800001234" != normalise_phone("86138000012")


def test_a_sealed_column_refuses_comparisons_that_would_silently_find_nothing() -> None:
    with pytest.raises(TypeError, match="BlindIndex"):
        select(Owner).where(Owner.id_number == id_number())
    with pytest.raises(TypeError, match="BlindIndex"):
        select(Owner).where(Owner.name.in_(["张三"]))
    select(Owner).where(Owner.name.is_(None), Owner.id_number_lookup == id_number())  # NULL stays NULL; the index
    with pytest.raises(TypeError, match="BlindIndex"):
        select(Owner).where(Owner.id_number == Owner.name)


def test_an_orm_update_sets_a_sealed_column() -> None:
    """SQLAlchemy matches the column set to its mapped attribute with ``==`` after an ORM ``update()``."""
    engine = create_engine("sqlite://")
    use_keyring(engine, ring())
    Base.metadata.create_all(engine)
    with Session(engine) as session, session.begin():
        session.add(Owner(id=1, id_number=id_number(), name="张三"))
    with Session(engine) as session, session.begin():
        session.execute(update(Owner).where(Owner.id == 1).values(name="李四"))
        assert session.get_one(Owner, 1).name == "李四"


def test_setting_a_value_sets_its_lookup_and_the_audit_snapshot_keeps_only_the_value() -> None:
    owner = Owner(id=1, id_number="11010519491231002x")
    assert owner.id_number_lookup == "11010519491231002x"  # in Python the value; BlindIndex binds its digest
    owner.id_number = None  # type: ignore[assignment]
    assert owner.id_number_lookup is None
    owner.id_number = "330802198506151236"
    assert owner.id_number_lookup == "330802198506151236"
    assert snapshot(owner) == {"id": 1, "id_number": "330802198506151236", "name": None}


def test_dev_mode_without_settings_uses_the_dev_keys() -> None:
    keys = KeyRing.from_settings(settings(), dev_mode=True)
    assert (keys.active_kid, keys.keys[keys.active_kid]) == DEV_KEYS["sm4-gcm"]
    assert KeyRing.from_settings(settings(pii_cipher="aes-256-gcm"), dev_mode=True).active_kid == "dev-only-aes-256-gcm"


def test_production_settings_make_the_ring() -> None:
    keys = KeyRing.from_settings(settings(**PRODUCTION), dev_mode=False)
    assert (keys.cipher, keys.active_kid, keys.index_kid) == ("sm4-gcm", "2026a", "idx2026a")
    assert keys.open(keys.seal(b"x")) == b"x"
    assert "AAECAw" not in repr(keys) and str(SM4_KEY) not in repr(keys)  # keys never in a log line or traceback


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"pii_keys": {}, "pii_key_id": None},
            "DOGS_PII_KEYS and DOGS_PII_KEY_ID must both be set .outside dev mode they are required",
        ),
        ({"pii_index_key": None}, "DOGS_PII_INDEX_KEY_ID and DOGS_PII_INDEX_KEY must both be set"),
        ({"pii_key_id": "2026b"}, "DOGS_PII_KEY_ID '2026b' is not a key of DOGS_PII_KEYS"),
        ({"pii_keys": {"2026a": SecretStr("not base64!")}}, r"DOGS_PII_KEYS\['2026a'\] is not base64"),
        ({"pii_keys": {"2026a": b64(bytes(24))}}, "is 24 bytes: 16 .sm4-gcm. or 32"),
        ({"pii_cipher": "aes-256-gcm"}, "aes-256-gcm needs 32: to change the cipher, add a key"),
        ({"pii_keys": {"2026:a": b64(SM4_KEY)}, "pii_key_id": "2026:a"}, "must be 1 to 32 letters"),
        ({"pii_index_key": b64(bytes(16))}, "DOGS_PII_INDEX_KEY is 16 bytes, not 32"),
        ({"pii_keys": {"2026a": b64(DEV_KEYS["sm4-gcm"][1])}}, "built-in dev-only key, refused outside dev mode"),
        ({"pii_keys": {"dev-only-sm4-gcm": b64(SM4_KEY)}, "pii_key_id": "dev-only-sm4-gcm"}, "dev-only"),
    ],
)
def test_settings_that_cannot_serve_are_a_start_up_error_naming_the_variable(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(KeyRingError, match=message):
        KeyRing.from_settings(settings(**(PRODUCTION | changes)), dev_mode=False)


def test_dev_keys_are_refused_outside_dev_mode_as_the_other_dev_secrets_are() -> None:
    with pytest.raises(KeyRingError, match="outside dev mode they are required"):
        KeyRing.from_settings(settings(), dev_mode=False)
