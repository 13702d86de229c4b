"""The `eventhub` command line."""

import typer
import uvicorn
from sqlmodel import Session

from eventhub.config import get_settings
from eventhub.db import make_engine, upgrade

app = typer.Typer(help="eventhub: civic and policy events in Kyrgyzstan.", no_args_is_help=True)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Alembic revision")) -> None:
    """Apply Alembic migrations."""
    upgrade(get_settings(), revision)
    typer.echo(f"database at {revision}")


@app.command()
def demo() -> None:
    """Load the seed events, projects and press releases (idempotent)."""
    from eventhub.demo.loader import load_demo  # imported here: only this command reads the seed file

    settings = get_settings()
    upgrade(settings)
    engine = make_engine(settings)
    with Session(engine) as db:
        changed = load_demo(db)
        db.commit()
    typer.echo(f"demo data loaded ({changed} changes)" if changed else "demo data already up to date")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8000, help="port"),
    workers: int = typer.Option(1, min=1, help="worker processes"),
    reload: bool = typer.Option(False, help="reload on code changes (development)"),
) -> None:
    """Migrate the database if needed and serve."""
    settings = get_settings()
    upgrade(settings)
    settings.get_secret_key()  # generate before workers start, so they share it
    uvicorn.run(
        "eventhub.main:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        log_level="info",
    )


if __name__ == "__main__":
    app()
