"""Where the test-only quality tools live (Chromium, axe-core, the Nu Html Checker), and what to do when one is missing.

axe-core and vnu.jar come from the npm registry, pinned in ``tests/gates/browser/package.json`` and installed into the
git-ignored ``tests/gates/browser/node_modules/`` by ``make browser-tools``. Chromium is Debian's package.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

TOOLS_DIR = Path(__file__).resolve().parent / "browser" / "node_modules"
AXE_JS = TOOLS_DIR / "axe-core" / "axe.min.js"
VNU_JAR = TOOLS_DIR / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))

INSTALL_HINT = "install with `apt-get install -y chromium` and `make browser-tools`"


def skip_or_fail(reason):
    """Skip a test whose tool is missing; in CI (``REQUIRE_BROWSER_TESTS=1``) a missing tool fails instead."""
    if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        pytest.fail(f"{reason}, and REQUIRE_BROWSER_TESTS=1 forbids skipping ({INSTALL_HINT})", pytrace=False)
    pytest.skip(f"{reason}: skipped ({INSTALL_HINT})")


def require(path, what):
    if not path.exists():
        skip_or_fail(f"{what} not found at {path}")


def require_java():
    if shutil.which("java") is None:
        skip_or_fail("java not found (the Nu Html Checker needs Java 17+)")


def vnu_errors(files):
    """Check HTML files with the Nu Html Checker in one run; return ``{file name: [error, …]}`` where it found any."""
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stdout)["messages"]
    errors = {}
    for message in messages:
        name = Path(message.get("url", "?").removeprefix("file:")).name
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine', '?')}: {message['message']} — {message.get('extract', '').strip()}"
        )
    return errors
