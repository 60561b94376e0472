"""The `coop` command: serve, migrate, load the demo co-op, create users, run a worker."""

from __future__ import annotations

import typer

from coop.config import get_settings

app = typer.Typer(help="Run an agency-worker co-operative.", no_args_is_help=True)


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (SQLite or PostgreSQL, from COOP_DATABASE_URL), and add the shipped
    rate cards the database does not have yet (never changing a card it has: coordinators add cards from a date)."""
    from sqlmodel import Session

    from coop.db import make_engine
    from coop.migrate import upgrade
    from coop.pay import service as pay_service

    settings = get_settings()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            added = pay_service.load_rate_cards(session=session)
    finally:
        engine.dispose()
    typer.echo(f"Database is up to date: {settings.database_url}")
    typer.echo(f"Rate cards added from the shipped file: {added}.")


@app.command()
def demo(force: bool = typer.Option(False, help="Load even if the database already has members.")) -> None:
    """Load the demo co-op (deterministic) into an empty database, and print the demo sign-ins."""
    import demo as demo_data
    from coop.db import make_engine
    from coop.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        loaded = demo_data.load_if_empty(engine, force=force)
    finally:
        engine.dispose()
    typer.echo("Loaded the demo co-op." if loaded else "The database already has a co-op; demo not loaded.")
    typer.echo(demo_data.sign_in_help(settings.public_url))


@app.command()
def serve(
    host: str = typer.Option(None, help="Address to listen on (COOP_HOST, default 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (COOP_PORT, default 8000)."),
) -> None:
    """Serve the API and the web pages."""
    import uvicorn

    settings = get_settings()
    uvicorn.run("server.app:create_app", factory=True, host=host or settings.host, port=port or settings.port)


@app.command()
def worker(once: bool = typer.Option(False, help="Run what is queued now, then stop.")) -> None:
    """Run roster solves and send notifications: procrastinate workers on PostgreSQL (on any machine)."""
    from coop.rostering.queue import RosterQueue

    queue = RosterQueue(get_settings())
    if once:
        queue.drain()
        typer.echo("Queue drained.")
        return
    typer.echo(f"Worker started on {'PostgreSQL (procrastinate)' if queue.postgres else 'SQLite'}.")
    queue.run_forever()


@app.command("create-user")
def create_user(
    email: str,
    name: str = typer.Option(..., help="The person's name."),
    role: list[str] = typer.Option(..., help="member, client, coordinator, board or admin (repeat for more)."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    member_id: int = typer.Option(None, help="For a member: their member id."),
    client_id: int = typer.Option(None, help="For a client contact: their organisation's id."),
) -> None:
    """Create a sign-in."""
    from sqlmodel import Session

    from coop.auth import service as auth_service
    from coop.db import make_engine
    from coop.errors import DomainError

    engine = make_engine(get_settings().database_url)
    try:
        with Session(engine) as session:
            user = auth_service.create_user(
                session,
                email=email,
                name=name,
                password=password,
                roles=set(role),
                member_id=member_id,
                client_id=client_id,
            )
            typer.echo(f"Created user {user.id} <{user.email}> with roles {', '.join(sorted(role))}.")
    except DomainError as error:
        typer.echo(f"Error: {error.detail}", err=True)
        raise typer.Exit(code=2) from error
    finally:
        engine.dispose()


@app.command("rotate-secret")
def rotate_secret() -> None:
    """Replace the installation's signing secret with a new random one: everyone is signed out."""
    from coop import app_secret
    from coop.db import make_engine

    settings = get_settings()
    if settings.secret_key:
        typer.echo(
            "Error: COOP_SECRET_KEY is set, and the configured secret is the one used: "
            "to rotate, set it to a new value (or unset it to use the database's own) and restart.",
            err=True,
        )
        raise typer.Exit(code=2)
    engine = make_engine(settings.database_url)
    try:
        app_secret.rotate_secret(engine)
    except app_secret.UnsafeSecret as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(code=2) from error
    finally:
        engine.dispose()
    typer.echo("The secret is new: every sign-in is void. Restart the app (and its workers) to use it.")


if __name__ == "__main__":
    app()
