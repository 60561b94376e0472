"""Bookings of members onto shifts, cancellations and their charges, and timesheets."""
