"""The demo's CSO dialogue: recorded outcomes and recommendations, marked as illustrative."""


def test_the_tracker_is_not_empty_and_says_the_data_is_illustrative(client, demo) -> None:
    tracker = client.get("/recommendations").text
    assert tracker.count('class="card rec-card"') == 4
    assert "иллюстрация для демо" in tracker
    accepted = client.get("/api/v1/recommendations?status=accepted").json()
    assert accepted["total"] == 1
    assert [s["status"] for s in accepted["items"][0]["history"]] == ["proposed", "sent", "accepted"]
    ministry = client.get("/organisations/gosagentstvo-gossluzhby-i-msu").text
    assert "Рекомендации, адресованные организации" in ministry
    page = client.get("/events/dialog-vklad-ogo-v-razvitie-regionov").text
    assert 'id="h-outcomes"' in page and "Иллюстрация для демонстрации" in page
