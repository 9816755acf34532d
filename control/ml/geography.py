"""Municipalities the synthetic population lives and studies in, with rough centroids.

Numbers are the kommunenummer in use 2014-2019 (before the 2020 merger reform), so the
generated files look like what the registers sent in those years.
"""

from __future__ import annotations

import numpy as np

# (kommunenummer, name, latitude, longitude, inhabitants in thousands, study places weight)
MUNICIPALITIES: tuple[tuple[str, str, float, float, float, float], ...] = (
    ("0301", "Oslo", 59.91, 10.75, 670, 36),
    ("0219", "Bærum", 59.89, 10.52, 125, 2),
    ("0220", "Asker", 59.83, 10.43, 61, 0),
    ("0230", "Lørenskog", 59.93, 10.96, 38, 0),
    ("0231", "Skedsmo", 59.96, 11.04, 53, 0),
    ("0213", "Ski", 59.72, 10.84, 30, 0),
    ("0217", "Oppegård", 59.79, 10.80, 27, 0),
    ("0235", "Ullensaker", 60.13, 11.17, 37, 0),
    ("0104", "Moss", 59.43, 10.66, 32, 0),
    ("0105", "Sarpsborg", 59.28, 11.11, 55, 0),
    ("0106", "Fredrikstad", 59.22, 10.93, 81, 2),
    ("0602", "Drammen", 59.74, 10.20, 68, 2),
    ("0625", "Nedre Eiker", 59.76, 10.05, 24, 0),
    ("0701", "Horten", 59.42, 10.48, 27, 2),
    ("0704", "Tønsberg", 59.27, 10.41, 44, 1),
    ("0806", "Skien", 59.21, 9.61, 54, 0),
    ("0805", "Porsgrunn", 59.14, 9.66, 36, 2),
    ("0403", "Hamar", 60.79, 11.07, 31, 2),
    ("0427", "Elverum", 60.88, 11.56, 21, 1),
    ("0501", "Lillehammer", 61.12, 10.47, 28, 2),
    ("0502", "Gjøvik", 60.80, 10.69, 30, 2),
    ("0511", "Dovre", 62.00, 9.25, 3, 0),
    ("0904", "Grimstad", 58.34, 8.59, 23, 1),
    ("0941", "Bykle", 59.35, 7.35, 1, 0),
    ("1001", "Kristiansand", 58.15, 8.00, 90, 5),
    ("1102", "Sandnes", 58.85, 5.74, 76, 0),
    ("1103", "Stavanger", 58.97, 5.73, 133, 7),
    ("1106", "Haugesund", 59.41, 5.27, 37, 1),
    ("1124", "Sola", 58.88, 5.65, 26, 0),
    ("1149", "Karmøy", 59.28, 5.30, 42, 0),
    ("1151", "Utsira", 59.31, 4.88, 0.2, 0),
    ("1201", "Bergen", 60.39, 5.32, 280, 16),
    ("1243", "Os", 60.19, 5.47, 20, 0),
    ("1246", "Fjell", 60.32, 5.07, 26, 0),
    ("1401", "Flora", 61.60, 5.03, 12, 0),
    ("1432", "Førde", 61.45, 5.86, 13, 1),
    ("1438", "Bremanger", 61.84, 5.17, 4, 0),
    ("1502", "Molde", 62.74, 7.16, 27, 1),
    ("1504", "Ålesund", 62.47, 6.15, 47, 1),
    ("1539", "Rauma", 62.57, 7.69, 7, 0),
    ("1601", "Trondheim", 63.43, 10.39, 190, 15),
    ("1653", "Melhus", 63.28, 10.28, 16, 0),
    ("1702", "Steinkjer", 64.01, 11.50, 22, 1),
    ("1714", "Stjørdal", 63.47, 10.92, 24, 0),
    ("1804", "Bodø", 67.28, 14.40, 51, 2),
    ("1833", "Rana", 66.31, 14.14, 26, 0),
    ("1867", "Bø", 68.68, 14.47, 3, 0),
    ("1902", "Tromsø", 69.65, 18.96, 75, 4),
    ("1903", "Harstad", 68.80, 16.54, 25, 1),
    ("2011", "Kautokeino", 69.01, 23.04, 3, 0),
)

CODES = np.array([m[0] for m in MUNICIPALITIES])
NAMES = np.array([m[1] for m in MUNICIPALITIES])
_LAT = np.radians(np.array([m[2] for m in MUNICIPALITIES]))
_LON = np.radians(np.array([m[3] for m in MUNICIPALITIES]))
INHABITANTS = np.array([m[4] for m in MUNICIPALITIES])
STUDY_WEIGHT = np.array([m[5] for m in MUNICIPALITIES], dtype=float)


def _distance_matrix() -> np.ndarray:
    """Great-circle km between municipality centroids (haversine)."""
    dlat = _LAT[:, None] - _LAT[None, :]
    dlon = _LON[:, None] - _LON[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(_LAT[:, None]) * np.cos(_LAT[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(a))


DISTANCE_KM: np.ndarray = _distance_matrix()
