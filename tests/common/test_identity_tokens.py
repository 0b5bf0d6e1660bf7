"""qz_common.identity.verify_token remembers a verified token, but never past its expiry, nor for another secret or
service."""

import datetime as dt
import time

import pytest

from qz_common.errors import ProblemError
from qz_common.identity import TOKEN_LIFETIME, mint_token, verify_token

SECRET = "s" * 32


def _refusal(token: str, secret: str = SECRET, audience: str = "dogs") -> str:
    with pytest.raises(ProblemError) as refused:
        verify_token(token, secret, audience)
    assert refused.value.status == 401
    return refused.value.code


def test_a_remembered_token_still_expires() -> None:
    # Issued 58 s ago with a 60 s lifetime; ``exp`` is whole seconds, so it expires within the next 1 to 2 seconds.
    issued = dt.datetime.now(dt.UTC) - TOKEN_LIFETIME + dt.timedelta(seconds=2)
    token = mint_token(SECRET, audience="dogs", client_id="kecheng", scopes=["dogs:read"], now=issued)
    assert verify_token(token, SECRET, "dogs").client_id == "kecheng"
    assert verify_token(token, SECRET, "dogs").client_id == "kecheng"  # the remembered answer
    time.sleep(2.1)  # past its expiry (this waits for the token, it does not time the code)
    assert _refusal(token) == "identity_expired"


def test_a_remembered_token_is_not_accepted_for_another_secret_or_service() -> None:
    token = mint_token(SECRET, audience="dogs", client_id="kecheng", scopes=["dogs:read"], district="柯城区")
    caller = verify_token(token, SECRET, "dogs")
    assert (caller.client_id, caller.district, caller.scopes) == ("kecheng", "柯城区", frozenset({"dogs:read"}))
    assert _refusal(token, secret="t" * 32) == "identity_invalid"
    assert _refusal(token, audience="expropriation") == "identity_invalid"
    assert verify_token(token, SECRET, "dogs") == caller
