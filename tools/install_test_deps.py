"""Install what the browser tests need (Debian's chromium) when it is missing and we can.

Run by `make test`; prints what it did. Where nothing can be installed the browser tests
skip themselves with a message saying why."""

import os
import shutil
import subprocess
import sys

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def main() -> int:
    if any(os.path.exists(p) for p in CHROMIUM):
        return 0
    if os.environ.get("EVENTHUB_SKIP_BROWSER_INSTALL"):
        print("install_test_deps: chromium missing; browser tests will be skipped")
        return 0
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("install_test_deps: chromium missing and apt-get unavailable (not root); browser tests will be skipped")
        return 0
    print("install_test_deps: installing Debian's chromium for the browser tests")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        result = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            print(f"install_test_deps: {' '.join(cmd)} failed; browser tests will be skipped\n{result.stderr[-2000:]}")
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
