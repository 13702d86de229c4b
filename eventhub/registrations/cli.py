"""`eventhub reminders send`: safe to run from cron, even twice at once (the outbox commands are in eventhub/cli.py)."""

import typer

from eventhub.core import outbox
from eventhub.core.config import Settings, get_settings
from eventhub.core.db import make_engine, upgrade
from eventhub.core.models import utcnow
from eventhub.core.uow import Units
from eventhub.registrations import service
from eventhub.registrations.mail import Site

reminders_app = typer.Typer(help="Reminders the day before an event.", no_args_is_help=True)


def _units() -> tuple[Settings, Units]:
    settings = get_settings()
    upgrade(settings)
    return settings, Units(make_engine(settings))


@reminders_app.command("send")
def reminders_send(
    hours: int = typer.Option(24, min=1, max=72, help="remind about events starting within this many hours"),
) -> None:
    """Queue and send reminders to confirmed participants; each person gets one reminder."""
    settings, units = _units()
    site = Site.from_settings(settings)
    now = utcnow()
    ids: list[int] = []
    with units.read() as db:
        event_ids = service.events_needing_reminders(db, now=now, within_hours=hours)
    for event_id in event_ids:
        with units.write() as db:  # one unit of work per event
            ids += service.queue_reminders(db, event_id=event_id, now=now, site=site)
    report = (
        outbox.deliver(units, settings, ids=ids, owned=True, limit=max(len(ids), 1)) if ids else outbox.DeliveryReport()
    )
    typer.echo(f"reminders: {len(ids)} queued; {report}")
