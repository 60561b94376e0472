"""The durable queue that runs roster solves.

- PostgreSQL: procrastinate, a PostgreSQL-backed job queue. `coop worker` runs workers, on this machine
  or others; with COOP_EMBEDDED_WORKER=true (the default) the app also runs one in a thread.
- SQLite (the embedded default): the roster_run table is the queue, and a worker thread inside the app
  claims queued runs atomically.

Either way a run is durable: its row says queued/running/done/failed, a running run beats a heartbeat,
and `sweep` puts a run whose worker died back on the queue.
"""

from __future__ import annotations

import logging
import threading
from functools import cache

import procrastinate
from sqlalchemy.engine import make_url

from coop.config import Settings
from coop.db import make_engine
from coop.notify import service as notify
from coop.rostering import service as roster_service

log = logging.getLogger("coop.queue")
TASK = "solve_roster_run"
QUEUE = "rosters"


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@cache
def _engine(url: str):
    return make_engine(url)


@cache
def procrastinate_app(url: str) -> procrastinate.App:
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(url)))

    @app.task(name=TASK, queue=QUEUE, pass_context=False)
    def solve_roster_run(run_id: int) -> str:
        return roster_service.execute(_engine(url), run_id)

    @app.periodic(cron="* * * * *", periodic_id="sweep")
    @app.task(name="sweep_roster_runs", queue=QUEUE)
    def sweep_roster_runs(timestamp: int) -> None:
        RosterQueue(Settings(database_url=url, embedded_worker=False)).sweep()

    return app


class RosterQueue:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = settings.database_url
        self.postgres = is_postgres(self.url)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def enqueue(self, run_id: int) -> None:
        if not self.postgres:
            return  # the embedded worker finds queued runs in the table
        app = procrastinate_app(self.url)
        try:
            with app.open():
                app.configure_task(TASK, queueing_lock=f"roster-run-{run_id}").defer(run_id=run_id)
        except procrastinate.exceptions.AlreadyEnqueued:
            pass
        except Exception:  # noqa: BLE001  (the run stays queued; the sweep defers it again)
            log.exception("could not defer roster run %s; the sweep will", run_id)

    def sweep(self) -> list[int]:
        """Requeue runs whose worker died; make sure every queued run has a job (PostgreSQL)."""
        engine = _engine(self.url)
        requeued = roster_service.requeue_stalled(engine)
        if self.postgres:
            from sqlmodel import Session, select

            from coop.rostering.models import RosterRun

            with Session(engine) as session:
                queued = session.exec(select(RosterRun.id).where(RosterRun.status == "queued")).all()
            for run_id in queued:
                self.enqueue(run_id)
        return requeued

    def drain(self) -> None:
        """Run every queued job now and return (tests, and `coop worker --once`)."""
        self.sweep()
        if self.postgres:
            procrastinate_app(self.url).run_worker(
                queues=[QUEUE], wait=False, install_signal_handlers=False, listen_notify=False
            )
            return
        engine = _engine(self.url)
        while (run_id := roster_service.next_queued(engine)) is not None:
            roster_service.execute(engine, run_id)

    def run_forever(self, *, poll_s: float = 1.0) -> None:
        """A worker: procrastinate's on PostgreSQL, the table poller on SQLite. Also sends notifications."""
        sender = notify.make_sender(self.settings)
        self._start(self._deliver_loop, sender, name="coop-notifications")
        if self.postgres:
            self.sweep()
            procrastinate_app(self.url).run_worker(queues=[QUEUE], install_signal_handlers=True)
        else:
            self._poll_loop(poll_s)

    def start_embedded(self) -> None:
        """Run the worker in threads inside the app process."""
        sender = notify.make_sender(self.settings)
        self._start(self._deliver_loop, sender, name="coop-notifications")
        if self.postgres:
            self._start(self._procrastinate_thread, name="coop-roster-worker")
        else:
            self._start(self._poll_loop, 1.0, name="coop-roster-worker")

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)

    def _start(self, target, *args, name: str) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _procrastinate_thread(self) -> None:
        try:
            self.sweep()
            procrastinate_app(self.url).run_worker(queues=[QUEUE], install_signal_handlers=False)
        except Exception:  # noqa: BLE001
            log.exception("the embedded procrastinate worker stopped")

    def _poll_loop(self, poll_s: float) -> None:
        engine = _engine(self.url)
        while not self._stop.is_set():
            try:
                roster_service.requeue_stalled(engine)
                run_id = roster_service.next_queued(engine)
                if run_id is not None:
                    roster_service.execute(engine, run_id)
                    continue
            except Exception:  # noqa: BLE001  (keep the worker alive; the run's row records the failure)
                log.exception("roster worker loop")
            self._stop.wait(poll_s)

    def _deliver_loop(self, sender) -> None:
        """Send the outbox every few seconds; queue credential reminders once a day."""
        from sqlmodel import Session

        from coop.clock import today_local
        from coop.members.reminders import queue_expiry_reminders

        engine = _engine(self.url)
        reminded_on = None
        while not self._stop.wait(5.0):
            try:
                if reminded_on != today_local():
                    with Session(engine) as session:
                        queue_expiry_reminders(session, today_local())
                    reminded_on = today_local()
                notify.deliver_pending(engine, sender)
            except Exception:  # noqa: BLE001
                log.exception("notification delivery")
