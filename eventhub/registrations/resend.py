"""No mail bombing (issue 21, item 5): the e-mails anyone can make the service send to an
address they type — the private link again, on a repeated registration — are limited per
address and event and per address a day. Over the limit the answer stays the same neutral
page; only the e-mail is not written. Counted in the database (ratelimit's table, keyed on a
hash of the address instead of the client's), so neither several workers nor many client
addresses get around it."""

from datetime import datetime, timedelta

from sqlmodel import Session

from eventhub.accounts import ratelimit
from eventhub.core.tokens import hash_token

PER_EVENT = ratelimit.Limit("resend-event", 3, timedelta(hours=1))
PER_DAY = ratelimit.Limit("resend-day", 10, timedelta(days=1))


def may_resend(db: Session, *, event_id: int, email_normalised: str, now: datetime) -> bool:
    """Whether another such e-mail may go to this address now; counts it when it may."""
    who = hash_token(email_normalised)[:40]
    keys = ((PER_EVENT, f"{event_id}:{who}"), (PER_DAY, who))
    if any(ratelimit.wait_for(db, limit, ip=key, now=now) is not None for limit, key in keys):
        return False
    for limit, key in keys:
        ratelimit.count(db, limit, ip=key, now=now)
    return True
