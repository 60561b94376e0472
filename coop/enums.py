"""The co-op's vocabularies, shared by every area."""

from __future__ import annotations

from enum import StrEnum


class Profession(StrEnum):
    supply_teacher = "supply_teacher"
    nurse = "nurse"
    care_worker = "care_worker"


class MembershipClass(StrEnum):
    worker = "worker"
    user = "user"


class MemberStatus(StrEnum):
    applicant = "applicant"
    active = "active"
    suspended = "suspended"
    withdrawn = "withdrawn"


class WelshLevel(StrEnum):
    none = "none"
    learner = "learner"
    fluent = "fluent"


class CredentialKind(StrEnum):
    ewc = "ewc"
    nmc = "nmc"
    scw = "scw"
    dbs_enhanced = "dbs_enhanced"
    right_to_work = "right_to_work"
    mandatory_training = "mandatory_training"


class ClientKind(StrEnum):
    school = "school"
    ward = "ward"
    care_provider = "care_provider"


class Role(StrEnum):
    member = "member"
    client = "client"
    coordinator = "coordinator"
    board = "board"
    admin = "admin"


class ListKind(StrEnum):
    preferred = "preferred"
    do_not_send = "do_not_send"


class CoverStatus(StrEnum):
    """A shift's status, and a cover request's (worked out from its shifts: coop.shifts.rules.request_status)."""

    open = "open"
    booked = "booked"
    completed = "completed"
    cancelled = "cancelled"


class BookingStatus(StrEnum):
    """Live while booked; completed once its timesheet is approved; cancelled by the member or the client."""

    booked = "booked"
    completed = "completed"
    cancelled = "cancelled"


class TimesheetStatus(StrEnum):
    """A coordinator resolving a query approves the timesheet: "resolved" is the action, not a status."""

    submitted = "submitted"
    queried = "queried"
    approved = "approved"


class RunStatus(StrEnum):
    """A roster run's status: queued, claimed by a worker (running), then done or failed."""

    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
