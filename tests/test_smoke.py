from .conftest import OCTOCAT


def test_create_and_list(api):
    created = api.post("/authorizations", auth=OCTOCAT, json_body={"note": "x", "scopes": ["repo"]})
    assert created.status_code == 201
    listed = api.get("/authorizations", auth=OCTOCAT)
    assert [a["id"] for a in listed.json()] == [created.json()["id"]]
