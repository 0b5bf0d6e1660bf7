"""Every request body of the science API has a realistic example that the API understands, and every operation
shows an answer it really gave (qz_common.answers)."""

from fastapi.testclient import TestClient
from request_examples import RecordedAnswers, refused_examples
from science_testdata import enterprise, institute_application, make_uscc, recognise, submitted_redemption
from testkit import identity_headers

from science.api.examples import ENTERPRISE_USCC, EXAMPLES

ENTREPRENEUR = "330802198506150014"  # a 创业者 claiming a voucher in person (浙里办)


def recognised_institute(client: TestClient, uscc: str) -> int:
    """An enterprise of its own (the example's has its institute already) and its institute, recognised 2023-07-20."""
    enterprise(client, uscc)
    applied = client.post("/v1/institutes", json=institute_application(enterprise_uscc=uscc)).json()
    return int(recognise(client, applied["id"])["id"])


def test_every_example_is_understood_and_every_operation_answered(client: TestClient) -> None:
    # In document order the example enterprise, institute, carrier, pool and claim become the records they cite.
    document = client.get("/openapi.json").json()
    answers = RecordedAnswers(client, document)
    refused = refused_examples(client, document, {"uscc": ENTERPRISE_USCC})

    # The operations no request example reaches, each on a record in the state its step needs: a recognised
    # institute's annual report, change, upgrade and revocation; an approved redemption paid; a citizen's own claim.
    upgraded, revoked = (recognised_institute(client, make_uscc(serial)) for serial in (2, 3))
    for step, body in (("annual-reports", "AnnualReportIn"), ("changes", "ChangeIn"), ("upgrade", "UpgradeIn")):
        client.post(f"/v1/institutes/{upgraded}/{step}", json=EXAMPLES[body])
    client.post(f"/v1/institutes/{revoked}/revoke", json=EXAMPLES["RevokeIn"])  # an upgraded one stays
    redemption = submitted_redemption(client)["id"]
    client.post(f"/v1/redemptions/{redemption}/approve", json=EXAMPLES["ReviewIn"])
    client.post(f"/v1/redemptions/{redemption}/pay", json=EXAMPLES["PayIn"])
    citizen = identity_headers("science", citizen=ENTREPRENEUR)
    client.post("/v1/me/claims", json=EXAMPLES["MyClaimIn"], headers=citizen)
    client.get("/v1/me/records", headers=citizen)
    client.get("/v1/me/voucher-quota", params={"year": 2023}, headers=citizen)
    client.get("/v1/me/notices", params={"as_of": "2023-04-12"}, headers=citizen)  # the day of the claim
    # The example enterprise signed in through 浙里办: its institute, and its own voucher redeemed once more.
    own = identity_headers("science", enterprise=ENTERPRISE_USCC)
    client.get("/v1/me/institutes", headers=own)
    client.get("/v1/me/enterprise", headers=own)
    again = {"contract_number": "HT-2023-浙里办", "invoice_number": "FP-浙里办", "fee": "1000", "paid_amount": "1000"}
    client.post("/v1/me/redemptions", json=EXAMPLES["RedemptionIn"] | again, headers=own)
    path_values = {
        "uscc": ENTERPRISE_USCC,
        "id_number": ENTREPRENEUR,
        "number": "7",
        "name": "vouchers.technical_consulting_rate",
    }
    answers.call_the_rest(client, path_values)
    stale = answers.stale("science")  # rewrites the file instead with QZ_RECORD_ANSWERS=1
    assert refused == []
    assert answers.unanswered() == []
    assert stale == []
