"""附件2 行为规范 over HTTP: 代配药 authorisations and their district."""

import datetime as dt

from medinsurance_testdata import institution
from testkit import id_number, identity_headers

PRINCIPAL = id_number("330802", dt.date(1988, 1, 1), 21)


AGENT = id_number("330802", dt.date(1990, 1, 1), 31)


def test_proxy_authorisations_carry_and_scope_district(client):
    kecheng = institution(client)
    jiangshan = institution(client, district="江山市", name="江山大药房", kind="retail_pharmacy")
    base = {
        "principal_id_number": PRINCIPAL,
        "ground": "mobility",
        "relationship": "close_relative",
        "starts_on": "2024-03-01",
    }
    first = client.post(
        "/v1/proxy-authorisations", json={**base, "agent_id_number": AGENT, "institution_id": kecheng["id"]}
    )
    assert first.status_code == 201 and first.json()["district"] == "柯城区"
    other_agent = id_number("330802", dt.date(1991, 1, 1), 41)
    second = client.post(
        "/v1/proxy-authorisations", json={**base, "agent_id_number": other_agent, "institution_id": jiangshan["id"]}
    )
    assert second.json()["district"] == "江山市"

    kecheng_client = identity_headers("medinsurance", district="柯城区")
    listed = client.get("/v1/proxy-authorisations", headers=kecheng_client).json()
    assert [p["id"] for p in listed["items"]] == [first.json()["id"]]
    dossier = client.get(f"/v1/dossiers/citizens/{PRINCIPAL}", headers=kecheng_client).json()
    assert [p["district"] for p in dossier["proxy_authorisations"]] == ["柯城区"]
    assert len(client.get(f"/v1/dossiers/citizens/{PRINCIPAL}").json()["proxy_authorisations"]) == 2  # city-wide
    # the citizen sees all their own, whatever the district
    me = client.get("/v1/me/proxy-authorisations", headers=identity_headers("medinsurance", citizen=PRINCIPAL))
    assert len(me.json()) == 2
    # a county client may neither revoke another district's authorisation nor file one at its institution: to it,
    # they are not there
    revoke = client.post(
        f"/v1/proxy-authorisations/{second.json()['id']}/revoke", json={"on": "2024-04-01"}, headers=kecheng_client
    )
    assert (revoke.status_code, revoke.json()["field"]) == (404, "proxy_id")
    foreign = client.post(
        "/v1/proxy-authorisations",
        json={
            **base,
            "agent_id_number": id_number("330802", dt.date(1992, 1, 1), 51),
            "institution_id": jiangshan["id"],
        },
        headers=kecheng_client,
    )
    assert (foreign.status_code, foreign.json()["code"], foreign.json()["field"]) == (
        422,
        "reference_not_found",
        "institution_id",
    )
    # without an institution the authorisation takes the registering client's district
    own = client.post(
        "/v1/proxy-authorisations",
        json={**base, "agent_id_number": id_number("330802", dt.date(1992, 1, 1), 51)},
        headers=kecheng_client,
    )
    assert own.status_code == 201 and own.json()["district"] == "柯城区"
