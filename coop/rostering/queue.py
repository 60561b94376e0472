"""The durable queue that runs roster solves.

- PostgreSQL: procrastinate, a PostgreSQL-backed job queue. `coop worker` runs workers, on this machine
  or others; with COOP_EMBEDDED_WORKER=true (the default) the app also runs one in a thread.
- SQLite (the embedded default): the roster_run table is the queue, and a worker thread inside the app
  claims queued runs atomically.

Either way a run is durable: its row says queued/running/done/failed, a running run beats a heartbeat,
and every worker sweeps now and then: a run whose worker stopped beating goes back on the queue, and
(PostgreSQL) the dead worker's job, left `doing`, is retried, and every queued run gets a job.

On PostgreSQL two procrastinate Apps, never one shared: each worker runs its own, opened for async use in
the worker's event loop; request threads defer through another, synchronous one (SyncPsycopgConnector
over a small psycopg pool). procrastinate cannot open an App synchronously once a worker has opened it
for async use (NotImplementedError), which is how runs used to stay queued (issue 29).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import timedelta
from functools import cache

import procrastinate
import psycopg_pool
from procrastinate import exceptions as procrastinate_errors
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from coop.config import Settings
from coop.db import make_engine
from coop.enums import RunStatus
from coop.notify import service as notify
from coop.rostering import service as roster_service
from coop.rostering.models import RosterRun

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


def _lock(run_id: int) -> str:
    """One waiting job per run: a second defer of the same run is refused (AlreadyEnqueued)."""
    return f"roster-run-{run_id}"


class RosterQueue:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = settings.database_url
        self.postgres = is_postgres(self.url)
        self.stalled_after_s = settings.roster_stalled_after_s
        # A run beats well within the time after which it counts as stalled.
        self.heartbeat_s = min(roster_service.HEARTBEAT_S, self.stalled_after_s / 4)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._deferrer: procrastinate.App | None = None
        self._deferrer_pool: psycopg_pool.ConnectionPool | None = None
        self._deferrer_lock = threading.Lock()
        self._worker: tuple[asyncio.AbstractEventLoop, asyncio.Task] | None = None

    @property
    def engine(self):
        return _engine(self.url)

    # Deferring (any thread) ---------------------------------------------------------------------

    def enqueue(self, run_id: int) -> None:
        """Hand a committed, queued run to the job queue (PostgreSQL). On failure the run stays queued and
        the next sweep defers it."""
        if not self.postgres:
            return  # the embedded worker finds queued runs in the table
        try:
            self._deferring_app().configure_task(TASK, queueing_lock=_lock(run_id)).defer(run_id=run_id)
        except procrastinate_errors.AlreadyEnqueued:
            pass
        except Exception:  # noqa: BLE001  (the run stays queued; the sweep defers it again)
            log.exception("could not defer roster run %s; the sweep will", run_id)

    def _deferring_app(self) -> procrastinate.App:
        """The synchronous App that request threads defer through, opened once and shared by threads (the
        pool is thread-safe); never the App a worker has opened for async use."""
        with self._deferrer_lock:
            if self._deferrer is None:
                pool = psycopg_pool.ConnectionPool(
                    conninfo(self.url),
                    min_size=1,
                    max_size=4,
                    timeout=10,
                    open=False,
                    check=psycopg_pool.ConnectionPool.check_connection,
                    name="coop-roster-deferrer",
                )
                pool.open(wait=True, timeout=10)
                app = _procrastinate_app(procrastinate.SyncPsycopgConnector(), self)
                app.open(pool)
                self._deferrer, self._deferrer_pool = app, pool
            return self._deferrer

    def _close_deferrer(self) -> None:
        with self._deferrer_lock:
            if self._deferrer_pool is not None:
                self._deferrer_pool.close()
            self._deferrer, self._deferrer_pool = None, None

    # Sweeping -------------------------------------------------------------------------------------

    def sweep(self) -> list[int]:
        """Requeue runs whose worker died; on PostgreSQL also retry their jobs and give every queued run a
        job. Returns the runs put back on the queue."""
        if not self.postgres:
            return self._requeue_stalled_runs()

        async def sweep_once() -> list[int]:
            async with self._worker_app().open_async() as app:
                return await self._sweep_async(app)

        return asyncio.run(sweep_once())

    def _requeue_stalled_runs(self) -> list[int]:
        return roster_service.requeue_stalled(self.engine, stale_after=timedelta(seconds=self.stalled_after_s))

    async def _sweep_async(self, app: procrastinate.App) -> list[int]:
        # Runs first, so that a job retried below finds its run queued and can claim it.
        requeued = await asyncio.to_thread(self._requeue_stalled_runs)
        await self._retry_stalled_jobs(app)
        queued = await asyncio.to_thread(self._queued_runs)
        for run_id in queued:
            try:
                await app.configure_task(TASK, queueing_lock=_lock(run_id)).defer_async(run_id=run_id)
            except procrastinate_errors.AlreadyEnqueued:
                pass  # its job (maybe the one just retried) is waiting
        return requeued

    async def _retry_stalled_jobs(self, app: procrastinate.App) -> None:
        """procrastinate's recipe for jobs whose worker stopped beating: a worker killed mid-solve leaves its
        job `doing` for ever; it goes back to `todo` so that another worker runs it. When the run already has
        a waiting job the stalled one is finished as failed instead (its queueing lock is taken)."""
        stalled = await app.job_manager.get_stalled_jobs(
            queue=QUEUE, task_name=TASK, seconds_since_heartbeat=self.stalled_after_s
        )
        for job in stalled:
            try:
                await app.job_manager.retry_job(job)
                log.warning("roster job %s (run %s): its worker stopped beating; retried", job.id, job.task_kwargs)
            except procrastinate_errors.UniqueViolation:
                await app.job_manager.finish_job(job, status=procrastinate.jobs.Status.FAILED, delete_job=False)

    def _queued_runs(self) -> list[int]:
        with Session(self.engine) as session:
            return list(
                session.exec(
                    select(RosterRun.id).where(RosterRun.status == RunStatus.queued).order_by(col(RosterRun.id))
                ).all()
            )

    # Working --------------------------------------------------------------------------------------

    def drain(self) -> None:
        """Run every queued job now and return (tests, and `coop worker --once`)."""
        if self.postgres:
            asyncio.run(self._work_async(wait=False, install_signal_handlers=False))
            return
        self._requeue_stalled_runs()
        while (run_id := roster_service.next_queued(self.engine)) is not None:
            self._execute(run_id)

    def run_forever(self, *, poll_s: float = 1.0) -> None:
        """A worker: procrastinate's on PostgreSQL, the table poller on SQLite. Also sends notifications."""
        sender = notify.make_sender(self.settings)
        self._start(self._deliver_loop, sender, name="coop-notifications")
        try:
            if self.postgres:
                asyncio.run(self._work_async(wait=True, install_signal_handlers=True))
            else:
                self._poll_loop(poll_s)
        finally:
            self.stop()

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
        if self._worker is not None:
            loop, task = self._worker
            try:
                loop.call_soon_threadsafe(task.cancel)  # procrastinate stops gracefully when its run is cancelled
            except RuntimeError:  # the loop has already closed
                pass
        for thread in self._threads:
            thread.join(timeout=2)
        self._close_deferrer()

    def _start(self, target, *args, name: str) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _execute(self, run_id: int) -> str:
        return roster_service.execute(self.engine, run_id, heartbeat_s=self.heartbeat_s)

    def _worker_app(self) -> procrastinate.App:
        """A worker's own App, opened for async use in its event loop."""
        return _procrastinate_app(
            procrastinate.PsycopgConnector(conninfo=conninfo(self.url), min_size=1, max_size=4), self
        )

    async def _work_async(self, *, wait: bool, install_signal_handlers: bool) -> None:
        """Sweep, then run jobs: until stopped (sweeping every roster_sweep_every_s), or until none are left."""
        self._worker = (asyncio.get_running_loop(), asyncio.current_task())
        if self._stop.is_set():
            return
        async with self._worker_app().open_async() as app:
            await self._sweep_async(app)
            sweeper = asyncio.create_task(self._sweep_every(app), name="coop-roster-sweep") if wait else None
            try:
                await app.run_worker_async(
                    queues=[QUEUE],
                    wait=wait,
                    listen_notify=wait,
                    install_signal_handlers=install_signal_handlers,
                    update_heartbeat_interval=self.stalled_after_s / 3,
                    stalled_worker_timeout=self.stalled_after_s,
                )
            except asyncio.CancelledError:
                if not self._stop.is_set():
                    raise
            finally:
                if sweeper is not None:
                    sweeper.cancel()
                self._worker = None

    async def _sweep_every(self, app: procrastinate.App) -> None:
        while True:
            await asyncio.sleep(self.settings.roster_sweep_every_s)
            try:
                await self._sweep_async(app)
            except Exception:  # noqa: BLE001  (the next sweep tries again)
                log.exception("roster sweep")

    def _procrastinate_thread(self) -> None:
        try:
            asyncio.run(self._work_async(wait=True, install_signal_handlers=False))
        except Exception:  # noqa: BLE001
            log.exception("the embedded procrastinate worker stopped")

    def _poll_loop(self, poll_s: float) -> None:
        while not self._stop.is_set():
            try:
                self._requeue_stalled_runs()
                run_id = roster_service.next_queued(self.engine)
                if run_id is not None:
                    self._execute(run_id)
                    continue
            except Exception:  # noqa: BLE001  (keep the worker alive; the run's row records the failure)
                log.exception("roster worker loop")
            self._stop.wait(poll_s)

    def _deliver_loop(self, sender) -> None:
        """Send the outbox every few seconds; queue credential reminders once a day."""
        from coop.clock import today_local
        from coop.notify.reminders import queue_expiry_reminders

        reminded_on = None
        while not self._stop.wait(5.0):
            try:
                if reminded_on != today_local():
                    with Session(self.engine) as session:
                        queue_expiry_reminders(session, today_local())
                    reminded_on = today_local()
                notify.deliver_pending(self.engine, sender)
            except Exception:  # noqa: BLE001
                log.exception("notification delivery")


def _procrastinate_app(connector, queue: RosterQueue) -> procrastinate.App:
    """An App holding the roster task, on its own connector: one per worker, one for deferring."""
    app = procrastinate.App(connector=connector)

    @app.task(name=TASK, queue=QUEUE, pass_context=False)
    def solve_roster_run(run_id: int) -> str:
        return queue._execute(run_id)

    return app
