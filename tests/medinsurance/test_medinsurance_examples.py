"""Every request body of the medinsurance API has a realistic example that the API understands, and every operation
shows an answer it really gave (qz_common.answers)."""

from fastapi.testclient import TestClient
from medinsurance_testdata import (
    agreement,
    agreement_event,
    application,
    application_event,
    approved_application,
    institution,
)
from request_examples import RecordedAnswers, refused_examples
from testkit import identity_headers

from medinsurance.api.examples import CLINIC_USCC, EXAMPLES


def test_every_example_is_understood_and_every_operation_answered(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    answers = RecordedAnswers(client, document)
    # In document order the example institution, application and agreement become records 1, cited later.
    refused = refused_examples(client, document)

    # The operations no request example reaches, each on a record in the state its step needs: a 补充材料 during
    # the evaluation of an accepted application and then its evaluation by the sheets, an agreement signed after an
    # approval, a step of the 解除 procedure of a terminated agreement, a 代配药 authorisation the example's principal
    # makes and revokes through 浙里办.
    accepted = application(client, institution(client))
    application_event(client, accepted["id"], "submit", "2023-06-01")
    application_event(client, accepted["id"], "accept", "2023-07-03")
    client.post(f"/v1/applications/{accepted['id']}/supplements", json={"first": "2023-07-10", "last": "2023-07-14"})
    sheets = EXAMPLES["MedicalEvaluationIn"] | {"accepted_on": "2023-07-03", "evaluated_on": "2023-07-20"}
    client.post(
        "/v1/evaluations",
        json=EXAMPLES["EvaluationRecordIn"] | {"application_id": accepted["id"], "evaluation": sheets},
    )
    approved = approved_application(client, institution(client))  # approved 2023-07-01
    signing = {
        "institution_id": approved["institution_id"],
        "application_id": approved["id"],
        "signed_on": "2023-07-10",
    }
    client.post("/v1/agreements", json=signing)
    terminated = agreement(client, institution(client))
    agreement_event(client, terminated["id"], "terminate", "2023-04-01")
    step = {"step": "stop_settlement", "on": "2023-04-01"}
    client.post(f"/v1/agreements/{terminated['id']}/termination-steps", json=step)
    principal = EXAMPLES["ProxyIn"]["principal_id_number"]
    citizen = identity_headers("medinsurance", citizen=principal)
    mine = client.post("/v1/me/proxy-authorisations", json=EXAMPLES["MyProxyIn"], headers=citizen).json()
    client.post(f"/v1/me/proxy-authorisations/{mine['id']}/revoke", json=EXAMPLES["RevokeIn"], headers=citizen)
    client.get("/v1/me/proxy-authorisations", headers=citizen)
    # A short-term authorisation (附件2 二(四)2, 3 months) is what falls due: the principal's notice of it.
    client.post("/v1/me/proxy-authorisations", json=EXAMPLES["MyProxyIn"] | {"ground": "injury"}, headers=citizen)
    client.get("/v1/me/notices", params={"as_of": "2023-06-01"}, headers=citizen)
    # 2023-10-07: a Saturday worked for the 国庆 holiday.
    path_values = {"day": "2023-10-07", "id_number": principal, "uscc": CLINIC_USCC, "name": "process.trial_months"}
    answers.call_the_rest(client, path_values)
    stale = answers.stale("medinsurance")  # rewrites the file instead with QZ_RECORD_ANSWERS=1
    assert refused == []
    assert answers.unanswered() == []
    assert stale == []
