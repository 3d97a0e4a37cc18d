"""The documentation says what is true and can be found: the README stays short (at most 8 kB, `make run` and
`make test` on its first screen) and every link in it and in docs/ resolves; the configuration page's table names
every environment variable the settings and gunicorn read; the architecture page's dependency table names every
pinned package exactly once; the URL contract names every public URL name."""

import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
CONFIGURATION = ROOT / "docs/operators/configuration.md"
ARCHITECTURE = ROOT / "docs/developers/architecture.md"
URL_CONTRACT = ROOT / "docs/developers/urls.md"
PAGES = [
    "docs/README.md",
    "docs/decisions.md",
    *(f"docs/operators/{name}.md" for name in ("configuration", "deployment", "backups", "security")),
    *(f"docs/staff/{name}.md" for name in ("workflow", "imports", "duplicates", "dashboard")),
    *(f"docs/developers/{name}.md" for name in ("architecture", "urls", "adding", "testing")),
]

# os.environ.get("X", …), os.getenv("X"), os.environ["X"], env_bool("X", …), env_list("X", …)
READS = re.compile(
    r"""(?:environ\.get|getenv|env_bool|env_list)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|environ\[["']([A-Z][A-Z0-9_]*)["']\]"""
)
READERS = ["config/settings.py", "gunicorn.conf.py"]


def section(path, title):
    """The lines of the page's section with this title, up to the next section of the same level."""
    text = path.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None].splitlines()[1:]


def table(path, title):
    """The rows of the section's one table, as lists of cells; the section must hold one table, unbroken."""
    lines = section(path, title)
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


def test_the_readme_is_at_most_8_kb_and_its_first_screen_says_how_to_run_and_test():
    assert len(README.encode()) <= 8 * 1024, f"README.md is {len(README.encode())} bytes: move detail to docs/"
    first_screen = "\n".join(README.splitlines()[:25])
    for words in ("make run", "make test", "Python 3.11", "attributed"):
        assert words in first_screen, f"README.md's first screen must say {words!r}"
    targets = re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert {"run", "test"} <= set(targets)


def test_every_documentation_page_exists_and_the_index_links_it():
    index = (ROOT / "docs/README.md").read_text()
    for page in PAGES:
        assert (ROOT / page).is_file(), f"{page} is missing"
        if page != "docs/README.md":
            assert f"({Path(page).relative_to('docs')})" in index, f"docs/README.md does not link {page}"


def anchors(path):
    """GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#+ (.+)$", path.read_text(), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def test_every_link_in_the_readme_and_the_docs_resolves():
    files = [ROOT / "README.md", ROOT / "bench/README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    broken = []
    for source in files:
        for target in re.findall(r"\]\(([^)\s]+)\)", source.read_text()):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            file, _, anchor = target.partition("#")
            path = (source.parent / file).resolve() if file else source
            if not path.exists():
                broken.append(f"{source.relative_to(ROOT)}: {target}")
            elif anchor and path.suffix == ".md" and anchor not in anchors(path):
                broken.append(f"{source.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_the_pattern_finds_every_way_the_settings_read_the_environment():
    # So that the test below cannot pass by finding nothing.
    found = variables_read()
    assert {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_PROXY_SSL_HEADER", "GUNICORN_LOG_LEVEL"} <= found


def test_every_environment_variable_read_is_in_the_configuration_table():
    documented = set()
    for row in table(CONFIGURATION, "Configuration (environment variables)"):
        documented |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", row[0]))
    missing = sorted(variables_read() - documented)
    assert not missing, (
        f"add these to docs/operators/configuration.md, “Configuration (environment variables)”: {missing}"
    )


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
    "Dependencies and why" (docs/developers/architecture.md), by its name on PyPI in any case; one installed only
    because another needs it is named in brackets beside that one, e.g. ``openpyxl (with et_xmlfile)``. Other
    words there (versions, "dev", tools that are not Python packages) are not counted."""
    packages = pinned_packages()
    rows = table(ARCHITECTURE, "Dependencies and why")
    named = [normalized(word) for row in rows for word in re.findall(r"[\w.-]+", row[0])]
    counts = {package: named.count(package) for package in packages}
    wrong = {package: count for package, count in counts.items() if count != 1}
    assert not wrong, (
        f"each package must be named once in docs/developers/architecture.md, “Dependencies and why” "
        f"(name: times): {wrong}"
    )


def url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from url_names(
                pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_the_url_contract_names_every_public_url():
    public = {name for name in url_names(get_resolver().url_patterns) if not name.startswith("admin:")}
    assert {"heritage:home", "monuments:monument_list", "meetings:meeting_feed"} <= public  # it finds them
    contract = URL_CONTRACT.read_text()
    missing = sorted(name for name in public if f"`{name}`" not in contract)
    assert not missing, f"add these public URLs to docs/developers/urls.md (it is the contract): {missing}"


# A path in backticks that starts at one of the repository's folders: `monuments/views.py`, `tests/gates/`.
FOLDERS = "config|sitewide|heritage|monuments|meetings|templates|static|tests|docs|bench"
REPO_PATH = re.compile(rf"`((?:{FOLDERS})/[\w./-]*)`")
GENERATED = {"bench/out/"}  # written by the benchmark, git-ignored


def test_every_file_or_folder_the_readme_and_the_docs_name_exists():
    """The code map is only useful while it is true: a file that moves must take its mentions with it."""
    pages = [ROOT / "README.md", ROOT / "bench/README.md", *(ROOT / page for page in PAGES)]
    missing = [
        f"{page.relative_to(ROOT)}: {path}"
        for page in pages
        for path in REPO_PATH.findall(page.read_text())
        if path not in GENERATED and not (ROOT / path).exists()
    ]
    assert not missing, "named in the docs but not in the repository:\n" + "\n".join(missing)
