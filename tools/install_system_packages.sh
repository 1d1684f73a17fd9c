#!/bin/sh
# Install the Debian packages the tests use, when missing and we are allowed to:
#   chromium   - the browser tests (Playwright's own browser download needs a network we do not assume)
#   bubblewrap - the batch grader's sandbox (without it, it still runs, with a warning)
#   kotlin     - kotlinc checks the Android code generated from a model (course_lib.appcode)
#   postgresql - a throwaway PostgreSQL server for the gradebook tests (tests/postgres_server.py)
#   nodejs npm - npm installs JupyterHub's proxy for the class hub (make hub-packages)
#   patchelf   - the class hub copies the course's Python where every account can run it (deploy/environments.py)
missing=""
[ -x "${COURSE_CHROMIUM:-/usr/bin/chromium}" ] || missing="$missing chromium"
command -v bwrap >/dev/null 2>&1 || missing="$missing bubblewrap"
command -v kotlinc >/dev/null 2>&1 || missing="$missing kotlin"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
command -v patchelf >/dev/null 2>&1 || missing="$missing patchelf"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
else
    echo "NOTE:$missing missing and installing needs root or sudo: the tests that need them will be skipped."
    exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing \
        || echo "NOTE: apt-get could not install$missing: the tests that need them will be skipped."
else
    echo "NOTE: no apt-get here; install$missing yourself (or set COURSE_CHROMIUM to a Chromium binary)."
fi
exit 0
