"""The report's figures and survey results as JSON for staff tokens."""

from eventhub.core.models import MatchDecision
from tests.reports.conftest import PERSONS


def test_report_json_for_a_staff_token(client, bearer_as, db, project_data):
    regs = project_data["regs"]
    for a, b, same in (("r2", "r7", True), ("r3", "r11", True), ("r4", "r8", False)):
        db.add(MatchDecision(registration_a_id=regs[a].id, registration_b_id=regs[b].id, same=same))
    db.flush()
    r = client.get("/api/v1/reports?project=gesi-project", headers=bearer_as("organiser", ("organiser-org",)))
    assert r.status_code == 200
    body = r.json()
    assert body["totals"]["persons"] == len(PERSONS) and body["totals"]["registrations"] == 12
    assert [e["date"] for e in body["events"]] == ["2026-02-10", "2026-03-12", "2026-04-20"]
    gender = {row["value"]: row["persons"] for row in body["breakdowns"]["gender"]}
    assert gender == {"female": 3, "male": 4, None: 0}
    assert len(body["crosstabs"]) == 15
    tab = next(t for t in body["crosstabs"] if (t["rows"], t["cols"]) == ("age_group", "disability"))
    assert tab["col_values"] == ["yes", "no", "prefer_not_to_say", None]
    assert tab["cells"][1] == [0, 2, 0, 0]
    assert "aigul" not in r.text  # counts, no personal data


def test_report_json_errors(client, bearer_as, project_data):
    headers = bearer_as("admin")
    r = client.get("/api/v1/reports?from=2026-05-01&to=2026-04-01", headers=headers)
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"date_to": "период заканчивается раньше, чем начинается"}
    r = client.get("/api/v1/reports?measure=money", headers=headers)
    assert r.status_code == 422 and "measure" in r.json()["error"]["fields"]
    assert client.get("/api/v1/reports").status_code == 401
    assert client.get("/api/v1/reports", headers=bearer_as("press_officer")).status_code == 403


def test_survey_results_json(client, bearer_as, login_as, db):
    from tests.reports.test_surveys import _create, _setup

    event, regs = _setup(db, 2)
    _user, csrf = login_as("admin")
    _create(client, csrf)
    survey_id = client.get("/api/v1/events/survey-training/surveys", headers=bearer_as("admin")).json()["items"][0][
        "id"
    ]
    from eventhub.core.models import Survey
    from eventhub.surveys import service

    q = service.questions(db, db.get(Survey, survey_id))
    client.post(f"/r/survey-token-0/survey/{survey_id}", data={f"q{q[0].id}": "4", f"q{q[3].id}": "Хорошо"})
    page = client.get("/api/v1/events/survey-training/surveys", headers=bearer_as("admin")).json()
    assert page["total"] == 1
    body = page["items"]
    assert body[0]["responses"] == 1
    assert body[0]["questions"][0] == {
        "position": 0, "kind": "rating", "text": "Насколько полезен был тренинг?", "options": ["1", "2", "3", "4", "5"],
        "answers": 1, "counts": [0, 0, 0, 1, 0], "mean": 4.0, "texts": [],
    }  # fmt: skip
    assert body[0]["questions"][3]["texts"] == ["Хорошо"]
    client.cookies.clear()  # the staff session of login_as
    assert client.get("/api/v1/events/survey-training/surveys").status_code == 401
