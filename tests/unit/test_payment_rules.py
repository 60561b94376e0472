"""Pure payment rules: invoice numbers found in a bank reference, pounds parsed to pence without floats, statement
dates, and the aged-debtors buckets at their edges."""

from __future__ import annotations

from datetime import date

import pytest

from coop.billing.payments import bucket, due_on, invoice_numbers_in, parse_pounds, parse_statement_date


@pytest.mark.parametrize(
    ("reference", "numbers"),
    [
        ("INV 42", [42]),
        ("Invoice 0042 and inv-43", [42, 43]),
        ("INV42/INV43/INV42", [42, 43]),
        ("Anfoneb rhif 7", [7]),
        ("#12", [12]),
        ("  42 ", [42]),
        ("PAYMENT 07/12/2026", []),
        ("acct 12345678 sort 40-11-62", []),
        ("", []),
    ],
)
def test_invoice_numbers_are_found_only_where_the_payer_named_an_invoice(reference, numbers):
    assert invoice_numbers_in(reference) == numbers


@pytest.mark.parametrize(
    ("text", "pence"),
    [("1,234.56", 123_456), ("£12.5", 1_250), ("-3.00", -300), ("12", 1_200), ("0.05", 5), ("0.1", 10)],
)
def test_pounds_become_exact_pence(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize("text", ["1,23", "12.345", "abc", "", "1e3", "12.3.4"])
def test_what_is_not_an_amount_in_pounds_is_refused(text):
    with pytest.raises(ValueError):
        parse_pounds(text)


def test_statement_dates_are_iso_or_day_first():
    assert parse_statement_date("07/12/2026") == parse_statement_date("2026-12-07") == date(2026, 12, 7)
    with pytest.raises(ValueError):
        parse_statement_date("31/02/2026")


@pytest.mark.parametrize(
    ("days", "name"),
    [
        (-5, "current"),
        (0, "current"),
        (1, "days_1_30"),
        (30, "days_1_30"),
        (31, "days_31_60"),
        (60, "days_31_60"),
        (61, "days_61_90"),
        (90, "days_61_90"),
        (91, "days_over_90"),
    ],
)
def test_buckets_start_the_day_after_the_due_date(days, name):
    assert bucket(days) == name


def test_an_invoice_falls_due_its_terms_after_it_is_issued():
    assert due_on(date(2026, 11, 7), 30) == date(2026, 12, 7)
