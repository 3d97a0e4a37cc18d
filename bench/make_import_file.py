"""Write a CSV of N generated monuments for timing ``manage.py import_monuments`` (the file is not committed).

python bench/make_import_file.py 20000 bench/data/monuments.csv
python bench/make_import_file.py 20000 bench/data/rich.csv --registrations 3 --identifiers   # issue 14's shape:
    several numbers per row ("B-0000001-1; B-0000001-2; …") and a wikidata and a commons identifier per row
python bench/make_import_file.py 20000 bench/data/update.csv --registrations 3 --identifiers --description "Updated."
    the same rows with another description: imported after rich.csv, every row updates the monument its
    identifiers and numbers name
"""

import argparse
import csv
import random
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


GENERATED = "Generated monument "
DESCRIPTION = "Generated for the import benchmark."


def main(count, path, registrations=1, identifiers=False, first=0, description=DESCRIPTION):
    """``count`` rows numbered from ``first`` (names, numbers and identifiers follow the number)."""
    rng = random.Random(7)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER + (["wikidata", "commons"] if identifiers else []))
        for n in range(first, first + count):
            start = rng.randint(1100, 1900)
            if registrations == 1:
                number = f"B-{n:07d}"
            else:
                number = "; ".join(f"B-{n:07d}-{i}" for i in range(1, registrations + 1))
            extra = [f"Q9{n:08d}", f"{GENERATED}{n}"] if identifiers else []
            writer.writerow(
                [
                    f"{GENERATED}{n}",
                    rng.choice(["mosque", "church", "bridge", "mausoleum"]),
                    f"{rng.uniform(38.5, 41.8):.6f}",
                    f"{rng.uniform(44.8, 50.3):.6f}",
                    start,
                    start + rng.randint(0, 50),
                    description,
                    "draft",
                    "Benchmark register",
                    number,
                    rng.choice(["national", "local"]),
                    *extra,
                ]
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("path")
    parser.add_argument("--registrations", type=int, default=1, help="registration numbers per row")
    parser.add_argument("--identifiers", action="store_true", help="a wikidata and a commons column")
    parser.add_argument("--description", default=DESCRIPTION, help="the description of every row")
    args = parser.parse_args()
    main(args.count, args.path, args.registrations, args.identifiers, description=args.description)
