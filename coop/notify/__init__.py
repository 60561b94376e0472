"""Telling people: an outbox written in the same transaction as the change, and swappable senders."""
