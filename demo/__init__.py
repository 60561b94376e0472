"""The demo co-op, kept out of the domain: a realistic, deterministic South Wales co-operative to try the
platform with (`coop demo`, `make run`). Nothing in coop/ or scheduling/ imports it (an import contract).

- demo.load: the entry points, `load_if_empty` and `sign_in_help`;
- demo.people: staff, members, credentials, availability, sign-ins and their history;
- demo.clients: schools, wards, care providers and their preferred and do-not-send lists;
- demo.work: shifts, bookings, timesheets and cancellations around today;
- demo.seed: the seeding helpers the benchmarks share.
"""

from demo.load import load_if_empty, sign_in_help
from demo.people import DEMO_PASSWORD, EXAMPLE_MEMBER_EMAIL, SIGN_INS

__all__ = ["DEMO_PASSWORD", "EXAMPLE_MEMBER_EMAIL", "SIGN_INS", "load_if_empty", "sign_in_help"]
