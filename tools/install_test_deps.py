"""Install what the tests need besides Python packages, when it is missing and we can:

* Debian's chromium for the browser tests;
* Node and Mozilla's ical.js (npm, into tests/feeds/js/node_modules) for the feed tests.

Run by `make test`; prints what it did. Where nothing can be installed the tests that need
it skip themselves with a message saying why."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
JS_DIR = Path(__file__).resolve().parent.parent / "tests" / "feeds" / "js"


def _apt_install(*packages: str, why: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"install_test_deps: {' '.join(packages)} missing and apt-get unavailable (not root); {why}")
        return False
    print(f"install_test_deps: installing Debian's {' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        result = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            print(f"install_test_deps: {' '.join(cmd)} failed; {why}\n{result.stderr[-2000:]}")
            return False
    return True


def install_chromium() -> None:
    if any(os.path.exists(p) for p in CHROMIUM):
        return
    if os.environ.get("EVENTHUB_SKIP_BROWSER_INSTALL"):
        print("install_test_deps: chromium missing; browser tests will be skipped")
        return
    _apt_install("chromium", why="browser tests will be skipped")


def install_icaljs() -> tuple[bool, str]:
    """npm-install tests/feeds/js (ical.js, pinned by package-lock.json); (done, message)."""
    if (JS_DIR / "node_modules" / "ical.js").is_dir():
        return True, "already installed"
    npm = shutil.which("npm")
    if npm is None:
        return False, "npm is not installed"
    cmd = [npm, "ci" if (JS_DIR / "package-lock.json").exists() else "install", "--no-audit", "--no-fund"]
    try:
        result = subprocess.run(cmd, cwd=JS_DIR, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"{' '.join(cmd)} failed: {exc}"
    if result.returncode != 0:
        return False, f"{' '.join(cmd)} failed:\n{result.stderr[-2000:]}"
    return True, "installed"


def install_node_and_icaljs() -> None:
    why = "the ical.js feed checks will be skipped"
    missing = not (shutil.which("node") and shutil.which("npm"))
    if missing and (os.environ.get("EVENTHUB_SKIP_NODE_INSTALL") or not _apt_install("nodejs", "npm", why=why)):
        return
    ok, message = install_icaljs()
    if message != "already installed":
        print(f"install_test_deps: ical.js {message}" + ("" if ok else f"; {why}"))


def main() -> int:
    install_chromium()
    install_node_and_icaljs()
    return 0


if __name__ == "__main__":
    sys.exit(main())
