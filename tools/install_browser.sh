#!/bin/sh
# Install Debian's Chromium for the browser tests when it is missing and we are allowed to.
# Playwright's own browser download is not used: it needs a network this course does not assume.
chromium="${COURSE_CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
else
    echo "NOTE: Chromium is missing and installing it needs root or sudo: the browser tests will be skipped."
    exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium \
        || echo "NOTE: apt-get could not install chromium: the browser tests will be skipped."
else
    echo "NOTE: no apt-get here; set COURSE_CHROMIUM to a Chromium binary to run the browser tests."
fi
exit 0
