"""The city service boots on both backends and serves its profile."""


def test_city_profile_names_the_city(client):
    response = client.get("/city")
    assert response.status_code == 200
    assert response.json["code"] == "testcity"
    assert response.json["configuration"]["policy"]["transfer_tax_ratio"] == "1:9"
    assert "database" not in response.json["configuration"]


def test_units_are_loaded_from_configuration(client):
    response = client.get("/units?sort=code")
    codes = [unit["code"] for unit in response.json["items"]]
    assert codes == ["dept", "east", "office", "park", "west"]
