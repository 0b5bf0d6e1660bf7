from fastapi.testclient import TestClient


def test_classify_large(client: TestClient) -> None:
    r = client.post("/v1/classify", json={"breed": "金毛", "shoulder_height_cm": 56, "body_length_cm": 70})
    assert r.status_code == 200, r.text
    assert r.json()["large"] is True
