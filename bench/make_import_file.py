"""Write a CSV of N generated monuments for timing ``manage.py import_monuments`` (the file is not committed).

python bench/make_import_file.py 20000 bench/data/monuments.csv
"""

import csv
import random
import sys
from pathlib import Path

HEADER = [
    "name",
    "monument_type",
    "latitude",
    "longitude",
    "built_from_year",
    "built_to_year",
    "description",
    "status",
    "registry",
    "registration_number",
    "significance",
]


def main(count, path):
    rng = random.Random(7)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(count):
            start = rng.randint(1100, 1900)
            writer.writerow(
                [
                    f"Generated monument {n}",
                    rng.choice(["mosque", "church", "bridge", "mausoleum"]),
                    f"{rng.uniform(38.5, 41.8):.6f}",
                    f"{rng.uniform(44.8, 50.3):.6f}",
                    start,
                    start + rng.randint(0, 50),
                    "Generated for the import benchmark.",
                    "draft",
                    "Benchmark register",
                    f"B-{n:07d}",
                    rng.choice(["national", "local"]),
                ]
            )


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
