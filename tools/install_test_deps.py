"""Install what the browser tests need when it is missing and we can: Debian's chromium,
and axe-core (npm, into tests/a11y/node_modules, with Debian's nodejs/npm if need be).

Run by `make test`; prints what it did. Where nothing can be installed the browser tests
skip themselves with a message saying why."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
A11Y_DIR = Path(__file__).resolve().parent.parent / "tests" / "a11y"
AXE = A11Y_DIR / "node_modules" / "axe-core" / "axe.min.js"


def main() -> int:
    install_chromium()
    install_axe()
    return 0


def _apt_install(*packages: str) -> bool:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        result = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            print(f"install_test_deps: {' '.join(cmd)} failed\n{result.stderr[-2000:]}")
            return False
    return True


def install_axe() -> None:
    """axe-core at the version pinned in tests/a11y/package-lock.json."""
    if AXE.exists():
        return
    if not shutil.which("npm"):
        if os.environ.get("EVENTHUB_SKIP_BROWSER_INSTALL") or os.geteuid() != 0 or not shutil.which("apt-get"):
            print("install_test_deps: npm missing; the accessibility tests will be skipped")
            return
        print("install_test_deps: installing Debian's nodejs and npm for axe-core")
        if not _apt_install("nodejs", "npm"):
            print("install_test_deps: the accessibility tests will be skipped")
            return
    print("install_test_deps: installing axe-core into tests/a11y/node_modules")
    result = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=A11Y_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    if result.returncode != 0 or not AXE.exists():
        print(f"install_test_deps: npm ci failed; the accessibility tests will be skipped\n{result.stderr[-2000:]}")


def install_chromium() -> None:
    if any(os.path.exists(p) for p in CHROMIUM):
        return
    if os.environ.get("EVENTHUB_SKIP_BROWSER_INSTALL"):
        print("install_test_deps: chromium missing; browser tests will be skipped")
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("install_test_deps: chromium missing and apt-get unavailable (not root); browser tests will be skipped")
        return
    print("install_test_deps: installing Debian's chromium for the browser tests")
    if not _apt_install("chromium"):
        print("install_test_deps: browser tests will be skipped")


if __name__ == "__main__":
    sys.exit(main())
