"""An e-mail in English: English quotation marks around the title, the 24-hour clock."""

import re
from datetime import timedelta

from tests.registrations.conftest import NOW, form, open_event


def test_an_english_email_has_english_quotes_and_24_hour_times(client, db, clock, mailbox) -> None:
    start = NOW.replace(hour=8, minute=30, second=0, microsecond=0) + timedelta(days=30)  # 14:30 in Bishkek
    event = open_event(db, title="Форум аймаков", start_at=start, end_at=start + timedelta(hours=3),
                       translations={"en": {"title": "Forum of Aimaks"}})  # fmt: skip
    db.commit()
    response = client.post(f"/events/{event.slug}/register", params={"lang": "en"}, data=form())
    assert response.status_code == 200
    [message] = mailbox.wait_for(1)
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "“Forum of Aimaks”" in body and "«" not in body
    assert "14:30–17:30" in body
    assert not re.search(r"\d:\d\d\s?[AP]M", body)
