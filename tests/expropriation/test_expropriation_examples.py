"""Every request body of the expropriation API has a realistic example that the API understands, and every operation
shows an answer it really gave (qz_common.answers)."""

from expropriation_files import caseworker_rows, households_roster, job_ended, roster_csv
from expropriation_kit import household, sign
from fastapi.testclient import TestClient
from request_examples import RecordedAnswers, refused_examples
from testkit import identity_headers

from expropriation.facts.examples import EXAMPLES, MEMBERS
from expropriation.main import create_app
from expropriation.settings import ExpropriationSettings
from qz_common.clock import today
from qz_common.settings import PlatformSettings

OWNER = MEMBERS[0]["id_number"]
USCC = "91330802MA00000073"  # valid check digit (GB 32100)


def test_every_example_is_understood_and_every_operation_answered(
    client: TestClient, expropriation_settings: ExpropriationSettings
) -> None:
    document = client.get("/openapi.json").json()
    answers = RecordedAnswers(client, document)
    # In document order the example project, household and agreement become records 1, which later examples cite.
    refused = refused_examples(client, document)

    # The operations no request example reaches. A roster as a caseworker fills it in; a dispute on a household
    # with no agreement yet; a 房票 agreement's voucher, issued, used and converted; the owner's own household.
    client.post("/v1/projects/1/roster", files={"file": ("花名册.csv", roster_csv(caseworker_rows()), "text/csv")})
    undecided = household(client, 1, "SL-2023-018", seqs=(31, 32))
    dispute = client.post("/v1/disputes", json=EXAMPLES["DisputeIn"] | {"household_id": undecided["id"]}).json()
    client.post(f"/v1/disputes/{dispute['id']}/steps", json=EXAMPLES["DisputeStepIn"])
    client.get(f"/v1/disputes/{dispute['id']}")
    voucher_household = household(client, 1, "SL-2023-019", seqs=(41,), method="house_voucher")
    agreement = sign(client, voucher_household["id"], method="house_voucher").json()
    voucher = client.post(f"/v1/agreements/{agreement['id']}/voucher", json=EXAMPLES["VoucherIssueIn"]).json()
    client.get(f"/v1/vouchers/{voucher['id']}")
    # A flat bought for less than the voucher's face value (858000.00) leaves a remainder to convert (三(三)2(4)).
    client.post(f"/v1/vouchers/{voucher['id']}/use", json=EXAMPLES["VoucherUseIn"] | {"purchase_price": "800000"})
    client.post(f"/v1/vouchers/{voucher['id']}/convert", json=EXAMPLES["VoucherConvertIn"])
    owner = identity_headers("expropriation", citizen=OWNER)
    client.get("/v1/me/household", headers=owner)
    # Through 浙里办 the owner reads the signed household's agreement (record 1), and for a household of theirs not
    # yet signed compares the methods, declares one (which a caseworker confirms) and asks for a 复核 (answered).
    client.get("/v1/me/households/1/agreement", headers=owner)
    choosing = household(client, 1, "SL-2023-020", members=[MEMBERS[0]])["id"]
    client.get(f"/v1/me/households/{choosing}/compare", headers=owner)
    client.post(f"/v1/me/households/{choosing}/method-choice", json=EXAMPLES["MethodChoiceIn"], headers=owner)
    confirmed = EXAMPLES["ChoiceConfirmIn"] | {"confirmed_on": today().isoformat()}
    client.post(f"/v1/households/{choosing}/method-choice/confirm", json=confirmed)
    filed = client.post(f"/v1/me/households/{choosing}/objections", json=EXAMPLES["ObjectionIn"], headers=owner)
    client.get("/v1/objections", params={"state": "open"})
    client.get(f"/v1/objections/{filed.json()['id']}")
    answered = EXAMPLES["ObjectionAnswerIn"] | {"answered_on": today().isoformat()}
    client.post(f"/v1/objections/{filed.json()['id']}/answer", json=answered)
    client.get(f"/v1/me/households/{choosing}/objections", headers=owner)
    client.get("/v1/me/notices", headers=owner)
    client.get("/v1/roster-template", params={"format": "csv"})
    # A roster or an impact calculation over more households than the threshold is a job (202, Location).
    settings = expropriation_settings.model_copy(update={"batch_job_threshold": 1})
    with TestClient(create_app(settings, PlatformSettings(dev_mode=True)), headers=client.headers) as batch:
        answers.listen(batch)
        job = batch.post("/v1/projects/1/roster", files={"file": ("roster.csv", households_roster(2), "text/csv")})
        job_ended(batch, job.headers["Location"])
        impact = batch.post("/v1/projects/1/impact", json=EXAMPLES["ProjectImpactIn"])
        batch.get(f"/v1/jobs/{job_ended(batch, impact.headers['Location'])['id']}/impact")
    answers.call_the_rest(client, {"id_number": OWNER, "uscc": USCC, "name": "expropriation.base_area_m2"})
    stale = answers.stale("expropriation")  # rewrites the file instead with QZ_RECORD_ANSWERS=1
    assert refused == []
    assert answers.unanswered() == []
    assert stale == []
