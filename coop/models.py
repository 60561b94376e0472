"""Imports every table so SQLModel.metadata is complete (Alembic and tests read it from here)."""

from coop.app_secret import AppSecret
from coop.auth.models import User, UserRole
from coop.billing.models import Invoice, InvoiceCounter, InvoiceLine
from coop.bookings.models import Booking, CancellationCharge, IdempotencyRecord, Timesheet
from coop.clients.models import Client, ClientMemberList
from coop.history import HistoryEvent
from coop.ledger.models import Account, AccountingPeriod, JournalEntry, Posting
from coop.members.models import AvailabilityException, AvailabilityWindow, Credential, Member
from coop.notify.models import Notification
from coop.pay.models import PayLine, PayPricing, PayRun, RateCard
from coop.rostering.models import RosterRun
from coop.shifts.models import Shift, ShiftPattern, ShiftRequest

__all__ = [
    "Account",
    "AccountingPeriod",
    "JournalEntry",
    "Posting",
    "AppSecret",
    "Booking",
    "CancellationCharge",
    "IdempotencyRecord",
    "Notification",
    "RateCard",
    "RosterRun",
    "Shift",
    "ShiftPattern",
    "ShiftRequest",
    "Timesheet",
    "AvailabilityException",
    "AvailabilityWindow",
    "Client",
    "ClientMemberList",
    "Credential",
    "HistoryEvent",
    "Member",
    "User",
    "UserRole",
    "Invoice",
    "InvoiceCounter",
    "InvoiceLine",
    "PayPricing",
    "PayRun",
    "PayLine",
]

from coop.billing.models import Payment, PaymentAllocation  # noqa: E402

__all__ += ["Payment", "PaymentAllocation"]
