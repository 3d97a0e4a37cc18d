"""Runs of ``bench/run.py --json`` at several sizes side by side: how each task's cost grows with the data.

    for n in 100000 1000000 10000000; do
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/heritage_bench_$n .venv/bin/python bench/run.py \\
            --monuments $n --meetings $((n / 4)) --json bench/out/run-$n.json --output bench/out/results-$n.md
    done
    .venv/bin/python bench/growth.py bench/out/run-*.json --write bench/RESULTS.md

Pages should stay flat (the same targets at every size); imports, exports and the data's size grow linearly.
The last column is the largest size's figure over the smallest's. ``--write`` replaces the section headed
``## How each task grows with the data`` in that file (or adds it after the generated tables), and keeps the rest.
"""

import argparse
import json
from pathlib import Path

HEADING = "## How each task grows with the data"


def _ms(row):
    if not row or row.get("median") is None:
        return "—"
    return f"{row['median']:,.1f} / {row['p95']:,.1f} ({row['queries']})"


def _ratio(first, last):
    return f"{last / first:,.2f}×" if first and last else "—"


def _pages(runs):
    labels = list(dict.fromkeys(row["label"] for run in runs for row in run["pages"]))
    lines = [
        "| page | " + " | ".join(f"{run['monuments']:,}" for run in runs) + " | growth |",
        "| --- |" + " ---: |" * (len(runs) + 1),
    ]
    for label in labels:
        rows = [next((r for r in run["pages"] if r["label"] == label), None) for run in runs]
        medians = [r["median"] if r else None for r in rows]
        lines.append(f"| {label} | " + " | ".join(map(_ms, rows)) + f" | {_ratio(medians[0], medians[-1])} |")
    return lines


def _groups(runs):
    names = list(dict.fromkeys(g["group"] for run in runs for g in run.get("reader_groups") or []))
    lines = [
        "| readers' group (worst task) | " + " | ".join(f"{run['monuments']:,}" for run in runs) + " | growth |",
        "| --- |" + " ---: |" * (len(runs) + 1),
    ]
    for name in names:
        groups = [next((g for g in run.get("reader_groups") or [] if g["group"] == name), None) for run in runs]
        cells, medians = [], []
        for g in groups:
            if not g:
                cells.append("—")
                medians.append(None)
                continue
            worst, worst_p95 = g["worst"], g["worst_p95"]
            medians.append(worst["median"])
            median = "—" if worst["median"] is None else f"{worst['median']:,.1f}"
            p95 = "—" if worst_p95["p95"] is None else f"{worst_p95['p95']:,.1f}"
            cells.append(f"{median} / {p95}{'' if g['met'] else ' (missed)'}")
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {_ratio(medians[0], medians[-1])} |")
    return lines


def _linear(runs):
    def row(label, values, unit=""):
        shown = ["—" if v is None else f"{v:,.1f}{unit}" for v in values]
        return f"| {label} | " + " | ".join(shown) + f" | {_ratio(values[0], values[-1])} |"

    def get(run, *keys):
        value = run
        for key in keys:
            if value is None:
                return None
            value = value[key] if isinstance(key, int) else value.get(key)
        return value

    def monument_table(run, field):
        tables = get(run, "storage", "tables") or []
        table = next((t for t in tables if t["table"] == "monuments_monument"), None)
        return table[field] / 2**30 if table else None

    def imports(run, label):
        found = next((r for r in run.get("imports") or [] if r["label"] == label), None)
        return found["per_second"] if found else None

    builds = [run.get("build") or {} for run in runs]
    return [
        "| what | " + " | ".join(f"{run['monuments']:,}" for run in runs) + " | growth |",
        "| --- |" + " ---: |" * (len(runs) + 1),
        row("generate_sample, minutes in all", [b.get("seconds") and b["seconds"] / 60 for b in builds]),
        row("generate_sample, monuments/s with index builds", [b.get("monuments_per_second") for b in builds]),
        row(
            "database, GB",
            [get(run, "storage", "database_bytes") and run["storage"]["database_bytes"] / 2**30 for run in runs],
        ),  # fmt: skip
        row("monument table, GB", [monument_table(run, "table_bytes") for run in runs]),
        row("monument indexes, GB", [monument_table(run, "index_bytes") for run in runs]),
        row("CSV export, first 100,000 rows, s", [get(run, "export", "seconds") for run in runs]),
        row("PostgreSQL COPY of the same, s", [run.get("copy_seconds") for run in runs]),
        row("API walk by cursor, records/s", [get(run, "walk", "per_second") for run in runs]),
        row("import, plain file, rows/s", [imports(run, "plain") for run in runs]),
        row("import, rich file, rows/s", [imports(run, "rich") for run in runs]),
    ]


def section(runs):
    runs = sorted(runs, key=lambda run: run["monuments"])
    sizes = ", ".join(f"{run['monuments']:,} / {run['meetings']:,}" for run in runs)
    loads = ", ".join(f"{run['load_average'][0]:.1f}" for run in runs)
    return "\n".join([
        HEADING,
        "",
        f"Generated by `bench/growth.py` from runs of `bench/run.py --json` at {sizes} monuments / meetings "
        f"(load average at the end of each run: {loads}), on {runs[-1]['machine']}. Pages: median / p95 ms "
        "in-process (SQL queries). Growth: the largest size's figure over the smallest's.",
        "",
        *_pages(runs),
        "",
        *_groups(runs),
        "",
        *_linear(runs),
        "",
    ])  # fmt: skip


def write(path, text):
    """Replace the section under ``HEADING`` in ``path`` (up to the next ``## ``), or add it before the first
    hand-written section."""
    previous = path.read_text() if path.exists() else ""
    if HEADING in previous:
        start = previous.index(HEADING)
        end = previous.find("\n## ", start + len(HEADING))
        rest = previous[end + 1 :] if end != -1 else ""
        path.write_text(previous[:start] + text + ("\n" + rest if rest else ""))
    elif "\n## " in previous:
        at = previous.index("\n## ") + 1
        path.write_text(previous[:at] + text + "\n" + previous[at:])
    else:
        path.write_text(previous.rstrip("\n") + "\n\n" + text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", help="JSON files written by bench/run.py --json")
    parser.add_argument("--write", help="the results file whose growth section to replace (bench/RESULTS.md)")
    args = parser.parse_args(argv)
    text = section([json.loads(Path(p).read_text()) for p in args.runs])
    if args.write:
        write(Path(args.write), text)
    print(text)
    return text


if __name__ == "__main__":
    main()
