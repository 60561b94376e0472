"""The regional-week benchmark's generator and measurement, at a tiny size: a real roster, every rule kept.

A co-op of 30 members cannot fill ~120 shifts together (each care worker takes at most two visits a day
under the rest rule), so the week is a light one (``demand=0.3``, ~50 shifts) that can be filled in full.
"""

from __future__ import annotations

from bench import regional


def test_a_tiny_regional_week_is_rostered_in_full_within_the_rules(tmp_path):
    url = f"sqlite:///{tmp_path / 'regional.db'}"

    m = regional.measure(url, scale=0.05, seed=3, time_limit=5, workers=1, demand=0.3, log=lambda _line: None)

    made = m.generated
    assert made.members == 30
    assert made.open_shifts >= 30
    assert made.history_bookings > 0
    assert m.pairs > m.eligible_pairs > 0
    assert set(m.status.split(", ")) == {"OPTIMAL"}  # one model per profession, as a roster run
    assert m.fill_proven and m.unfilled_cost == m.unfilled_bound
    assert m.quality_gap == 0.0
    assert m.violations == 0
    assert 0 < m.fillable < made.open_shifts  # some shifts need what no member has
    assert m.filled == m.fillable
    assert m.unfilled_fillable == 0
    assert "| ×0.05 | 30 |" in regional.table_row(m)
