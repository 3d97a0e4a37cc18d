"""The README's configuration table names every environment variable the settings and gunicorn read, and its
dependency table names every pinned package exactly once."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()

# os.environ.get("X", …), os.getenv("X"), os.environ["X"], env_bool("X", …), env_list("X", …)
READS = re.compile(
    r"""(?:environ\.get|getenv|env_bool|env_list)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|environ\[["']([A-Z][A-Z0-9_]*)["']\]"""
)
READERS = ["config/settings.py", "gunicorn.conf.py"]


def section(title):
    """The lines of the README section with this title, up to the next section of the same level."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None].splitlines()[1:]


def table(title):
    """The rows of the section's one table, as lists of cells; the section must hold one table, unbroken."""
    lines = section(title)
    rows = [i for i, line in enumerate(lines) if line.startswith("|")]
    assert rows == list(range(rows[0], rows[-1] + 1)), f"the table in “{title}” is broken by other lines"
    cells = [[cell.strip() for cell in lines[i].strip("|").split("|")] for i in rows]
    return cells[2:]  # the header and the |---| line


def variables_read():
    names = set()
    for path in READERS:
        for match in READS.finditer((ROOT / path).read_text()):
            names.add(match[1] or match[2])
    return names


def test_the_pattern_finds_every_way_the_settings_read_the_environment():
    # So that the test below cannot pass by finding nothing.
    found = variables_read()
    assert {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_PROXY_SSL_HEADER", "GUNICORN_LOG_LEVEL"} <= found


def test_every_environment_variable_read_is_in_the_configuration_table():
    documented = set()
    for row in table("Configuration (environment variables)"):
        documented |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", row[0]))
    missing = sorted(variables_read() - documented)
    assert not missing, f"add these to README.md, “Configuration (environment variables)”: {missing}"


def normalized(name):
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503: Pillow = pillow, typing_extensions = typing-extensions


def pinned_packages():
    names = []
    for path in ["requirements.txt", "requirements-dev.txt"]:
        for line in (ROOT / path).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-"):
                names.append(normalized(re.split(r"[=<>!~\[; ]", line)[0]))
    return names


def test_the_dependency_table_names_every_pinned_package_exactly_once():
    """The rule: each package of requirements.txt and requirements-dev.txt is named once in the first column of
    "Dependencies and why", by its name on PyPI in any case; one installed only because another needs it is
    named in brackets beside that one, e.g. ``openpyxl (with et_xmlfile)``. Other words there (versions, "dev",
    tools that are not Python packages) are not counted."""
    packages = pinned_packages()
    named = [normalized(word) for row in table("Dependencies and why") for word in re.findall(r"[\w.-]+", row[0])]
    counts = {package: named.count(package) for package in packages}
    wrong = {package: count for package, count in counts.items() if count != 1}
    assert not wrong, f"each package must be named once in README.md, “Dependencies and why” (name: times): {wrong}"
