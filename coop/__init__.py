"""The co-op's domain: members, clients, shifts, bookings, money, ledger, surplus, governance.

Nothing here imports the web framework: `api/` and `web/` call the use-cases in each area's
`service.py`, which take plain values and an actor and commit once.
"""
