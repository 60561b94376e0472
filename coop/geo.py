"""Where people and places are: postcode districts to coordinates, and distances.

Coordinates given explicitly always win. Otherwise the centre of the postcode district (the part
before the space) is used: good to a few kilometres, which is what travel limits need, and needs no
network. Districts outside the table leave the coordinates unknown, and travel is then not checked.
"""

from __future__ import annotations

import math
import re

# Approximate centres of postcode districts in South and North Wales.
DISTRICTS: dict[str, tuple[float, float]] = {
    "CF3": (51.520, -3.120), "CF5": (51.483, -3.240), "CF10": (51.474, -3.176), "CF11": (51.475, -3.197),
    "CF14": (51.515, -3.205), "CF15": (51.540, -3.270), "CF23": (51.513, -3.163), "CF24": (51.485, -3.160),
    "CF31": (51.505, -3.577), "CF32": (51.560, -3.600), "CF33": (51.520, -3.700), "CF35": (51.530, -3.500),
    "CF36": (51.480, -3.700), "CF37": (51.602, -3.342), "CF38": (51.560, -3.330), "CF39": (51.615, -3.410),
    "CF40": (51.630, -3.450), "CF41": (51.650, -3.480), "CF42": (51.670, -3.540), "CF43": (51.660, -3.450),
    "CF44": (51.713, -3.446), "CF45": (51.665, -3.360), "CF46": (51.680, -3.300), "CF47": (51.748, -3.378),
    "CF48": (51.730, -3.380), "CF61": (51.410, -3.480), "CF62": (51.405, -3.270), "CF63": (51.410, -3.255),
    "CF64": (51.435, -3.175), "CF71": (51.461, -3.447), "CF72": (51.535, -3.398), "CF81": (51.690, -3.250),
    "CF82": (51.640, -3.230), "CF83": (51.576, -3.218), "NP10": (51.570, -3.050), "NP11": (51.620, -3.120),
    "NP12": (51.650, -3.190), "NP18": (51.610, -2.950), "NP19": (51.590, -2.970), "NP20": (51.585, -3.000),
    "NP44": (51.650, -3.020), "SA1": (51.620, -3.940), "SA2": (51.610, -3.990), "SA3": (51.580, -4.050),
    "SA4": (51.670, -4.050), "SA5": (51.645, -3.960), "SA6": (51.680, -3.920), "SA7": (51.660, -3.890),
    "SA10": (51.670, -3.810), "SA11": (51.660, -3.780), "SA12": (51.600, -3.780), "SA13": (51.590, -3.740),
    "SA14": (51.700, -4.130), "SA15": (51.683, -4.160), "SA31": (51.857, -4.310), "LL11": (53.050, -3.020),
    "LL13": (53.040, -2.960), "LL18": (53.318, -3.490), "LL29": (53.295, -3.725), "LL30": (53.325, -3.827),
    "LL53": (52.890, -4.420), "LL55": (53.140, -4.270), "LL57": (53.227, -4.129), "LL77": (53.255, -4.310),
    "CH7": (53.166, -3.140),
}  # fmt: skip

POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})?$")


def normalise_postcode(postcode: str) -> str:
    """Upper case with one space before the inward code: ' cf10 1aa' -> 'CF10 1AA'."""
    compact = re.sub(r"\s+", "", postcode).upper()
    if len(compact) > 4 and re.match(r"^[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}$", compact):
        return f"{compact[:-3]} {compact[-3:]}"
    if not POSTCODE.match(compact):
        raise ValueError(f"'{postcode}' is not a UK postcode")
    return compact


def locate(postcode: str | None) -> tuple[float, float] | None:
    if not postcode:
        return None
    district = normalise_postcode(postcode).split(" ")[0]
    return DISTRICTS.get(district)


def distance_km(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> float | None:
    """Great-circle distance in km, or None when either place is unknown."""
    if None in a or None in b:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))
