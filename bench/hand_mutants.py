"""Mutants mutmut cannot make, run one at a time: ``make mutation`` runs this after mutmut.

mutmut mutates code inside undecorated functions only. The guards also live in decorator arguments (the publish
permission of the admin actions), in module-level constants (the formula prefixes, the plain-number pattern, the
grid step of sensitive locations, the transliteration table) and in calls a mutant would delete (the audit trail).
Each mutant below is one textual change. For each, the project (without .venv, .git, mutants/) is copied into a
temporary folder, the change is made there, and the given tests run; the mutant is killed when they fail. The
working tree is never changed. Prints one line per mutant and exits non-zero if any survives.

    DATABASE_URL=postgres://… .venv/bin/python bench/hand_mutants.py [substring of a mutant's name …]
"""

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSV_TESTS = ["tests/gates/test_csv_formulas.py", "tests/monuments/test_export.py"]
ADMIN_TESTS = [
    "tests/heritage/test_admin.py",
    "tests/heritage/test_publish_guard_messages.py",
    "tests/sitewide/test_dashboard.py",
    "tests/heritage/test_audit_trail.py",
]
GEO_TESTS = ["tests/monuments/test_sensitive_locations.py"]
SEARCH_TESTS = ["tests/heritage/test_search.py", "tests/heritage/test_transliteration.py"]

CSV_GUARD = "heritage/transfer/files.py"  # the formula guard

# name, file, text to replace (must occur exactly once), replacement, tests
MUTANTS = [
    ("plain number by search", CSV_GUARD, "PLAIN_NUMBER.fullmatch(", "PLAIN_NUMBER.search(", CSV_TESTS),
    ("plain number with +", CSV_GUARD, 're.compile(r"-?[0-9]', 're.compile(r"[-+]?[0-9]', CSV_TESTS),
    ("plain number 1e5 form", CSV_GUARD, r'(\.[0-9]+)?")', r'(\.[0-9]+)?(e[0-9]+)?")', CSV_TESTS),
    *[
        (f"prefix {p!r} dropped", CSV_GUARD, f'"{p}", ', "", CSV_TESTS)
        for p in ["=", "+", "-", "@", "\\t"]
    ],
    ("prefix CR dropped", CSV_GUARD, ', "\\r")', ")", CSV_TESTS),
    ("unpublish without permission", "heritage/admin_mixins.py",
     '@admin.action(permissions=["publish"], description=_("Unpublish',
     '@admin.action(description=_("Unpublish', ADMIN_TESTS),
    ("publish without permission", "heritage/admin_mixins.py",
     '@admin.action(permissions=["publish"], description=_("Publish selected',
     '@admin.action(description=_("Publish selected', ADMIN_TESTS),
    ("no set_user in actions", "heritage/admin_mixins.py",
     "            reversion.set_user(request.user)\n            reversion.set_comment(comment)",
     "            reversion.set_comment(comment)", ADMIN_TESTS),
    ("no set_comment in actions", "heritage/admin_mixins.py",
     "            reversion.set_comment(comment)\n", "", ADMIN_TESTS),
    ("no updated_by in actions", "heritage/admin_mixins.py",
     "                    obj.updated_by = request.user\n", "", ADMIN_TESTS),
    ("no updated_by in forms", "heritage/admin_mixins.py",
     "        obj.updated_by = request.user\n        super().save_model", "        super().save_model", ADMIN_TESTS),
    ("grid step 0.01", "monuments/geo.py", 'COARSE_STEP = Decimal("0.1")', 'COARSE_STEP = Decimal("0.01")', GEO_TESTS),
    ("SQL grid 100 per degree", "monuments/geo.py", "COARSE_CELLS_PER_DEGREE = 10", "COARSE_CELLS_PER_DEGREE = 100",
     GEO_TESTS),
    ("exact decimals 5", "monuments/geo.py", "EXACT_DECIMALS = 6", "EXACT_DECIMALS = 5", GEO_TESTS),
    ("prefix search without :*", "heritage/search.py", 'f"{w}:*"', 'f"{w}"', SEARCH_TESTS),
    ("prefix words OR-ed", "heritage/search.py", '" & ".join(f"{w}:*"', '" | ".join(f"{w}:*"', SEARCH_TESTS),
    ("table: ш as s", "heritage/transliteration.py", '"ш": "š"', '"ш": "s"', SEARCH_TESTS),
    ("table: ə as a", "heritage/transliteration.py", '"ə": "e"', '"ə": "a"', SEARCH_TESTS),
    ("breve on g not spelled", "heritage/transliteration.py", "|(?<=g)\\u0306", "", SEARCH_TESTS),
    ("comma below not spelled", "heritage/transliteration.py", "|(?<=s)\\u0326", "", SEARCH_TESTS),
    ("slug of an old record by name", "heritage/transfer/slugs.py", "[cached_slugify(text), legacy_slugify(text)]",
     "[cached_slugify(text)]", ["tests/heritage/test_slugs.py"]),
]  # fmt: skip

IGNORE = shutil.ignore_patterns(".venv", ".git", "mutants", "node_modules", "__pycache__", "*.sqlite3", "var")


def run(name, path, old, new, tests):
    source = (ROOT / path).read_text()
    if source.count(old) != 1:
        return f"NOT APPLICABLE ({source.count(old)} matches; update this list)"
    with tempfile.TemporaryDirectory(prefix="hand-mutant-") as tmp:
        copy = Path(tmp) / "project"
        shutil.copytree(ROOT, copy, ignore=IGNORE)
        (copy / path).write_text(source.replace(old, new))
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-x",
            "-q",
            "-p",
            "no:cacheprovider",
            "--reuse-db",
            "-m",
            "not browser",
            *tests,
        ]
        result = subprocess.run(command, cwd=copy, capture_output=True, text=True)
    if result.returncode == 1:
        return "killed"
    if result.returncode == 0:
        return "SURVIVED"
    return f"ERROR (pytest exit {result.returncode}): {result.stdout[-300:]}{result.stderr[-300:]}"


def main(wanted):
    survived = 0
    for name, path, old, new, tests in MUTANTS:
        if wanted and not any(w in name for w in wanted):
            continue
        start = time.monotonic()
        outcome = run(name, path, old, new, tests)
        survived += outcome != "killed"
        print(f"{outcome:9} {time.monotonic() - start:5.1f}s  {path}: {name}", flush=True)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
