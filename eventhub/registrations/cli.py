"""`eventhub reminders send`: safe to run from cron, even twice at once (the outbox commands are in eventhub/cli.py)."""

import typer

from eventhub.core import outbox
from eventhub.core.config import Settings, get_settings
from eventhub.core.db import make_engine, upgrade
from eventhub.core.models import utcnow
from eventhub.core.uow import Units
from eventhub.registrations import reminders
from eventhub.registrations.mail import Site

reminders_app = typer.Typer(help="Reminders before an event and the message after it.", no_args_is_help=True)


def _units() -> tuple[Settings, Units]:
    settings = get_settings()
    upgrade(settings)
    return settings, Units(make_engine(settings))


@reminders_app.command("send")
def reminders_send(
    hours: int = typer.Option(24, min=1, max=72, help="when events without their own settings remind: hours before"),
) -> None:
    """Queue and send the reminders now due (each person gets each once), and the after-event
    message to those who came, where the organisers asked for one."""
    settings, units = _units()
    site = Site.from_settings(settings)
    now = utcnow()
    ids: list[int] = []
    after: list[int] = []
    with units.read() as db:
        due = reminders.events_needing_reminders(db, now=now, default_hours=hours)
        ended = reminders.events_after(db, now=now)
    for event_id in due:
        with units.write() as db:  # one unit of work per event, its lock first
            ids += reminders.queue_reminders(db, event_id=event_id, now=now, site=site, default_hours=hours)
    for event_id in ended:
        with units.write() as db:
            after += reminders.queue_after_event(db, event_id=event_id, now=now, site=site)
    report = (
        outbox.deliver(units, settings, ids=ids, owned=True, limit=max(len(ids), 1)) if ids else outbox.DeliveryReport()
    )
    if after:  # written pending: claimed here like any other sender's
        later = outbox.deliver(units, settings, ids=after, force=True, limit=len(after))
        for name in ("sent", "retrying", "failed"):
            getattr(report, name).extend(getattr(later, name))
    typer.echo(f"reminders: {len(ids)} queued; after the event: {len(after)} queued; {report}")
