"""Install what the tests need besides Python packages, when it is missing and we can:

* Debian's chromium for the browser tests;
* Node packages pinned by a package-lock.json in a test folder: axe-core (tests/a11y) for
  the accessibility checks and Mozilla's ical.js (tests/feeds/js) for the feed checks,
  with Debian's nodejs/npm when npm is missing.

Run by `make test`; prints what it did. Where nothing can be installed the tests that need
it skip themselves with a message saying why."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
NODE_FOLDERS = {
    TESTS / "a11y": ("axe-core", "the accessibility checks"),
    TESTS / "feeds" / "js": ("ical.js", "the ical.js feed checks"),
}


def _apt_install(*packages: str, why: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(
            f"install_test_deps: {' '.join(packages)} missing and apt-get unavailable (not root); {why} will be skipped"
        )
        return False
    print(f"install_test_deps: installing Debian's {' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        result = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            print(f"install_test_deps: {' '.join(cmd)} failed; {why} will be skipped\n{result.stderr[-2000:]}")
            return False
    return True


def install_chromium() -> None:
    if any(os.path.exists(p) for p in CHROMIUM):
        return
    if os.environ.get("EVENTHUB_SKIP_BROWSER_INSTALL"):
        print("install_test_deps: chromium missing; browser tests will be skipped")
        return
    _apt_install("chromium", why="the browser tests")


def install_node_folder(folder: Path, package: str, why: str) -> None:
    """`npm ci` in a test folder, at the versions its package-lock.json pins."""
    if (folder / "node_modules" / package).is_dir():
        return
    if not (shutil.which("node") and shutil.which("npm")):
        if os.environ.get("EVENTHUB_SKIP_NODE_INSTALL") or not _apt_install("nodejs", "npm", why=why):
            return
    cmd = ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]
    try:
        result = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"install_test_deps: npm ci in {folder} failed ({exc}); {why} will be skipped")
        return
    if result.returncode != 0:
        print(f"install_test_deps: npm ci in {folder} failed; {why} will be skipped\n{result.stderr[-2000:]}")
    else:
        print(f"install_test_deps: installed {package} into {folder.relative_to(TESTS.parent)}")


def main() -> int:
    install_chromium()
    for folder, (package, why) in NODE_FOLDERS.items():
        install_node_folder(folder, package, why)
    return 0


if __name__ == "__main__":
    sys.exit(main())
