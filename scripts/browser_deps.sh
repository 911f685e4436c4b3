#!/usr/bin/env bash
# The console's browser tests (tests/console) drive Debian's Chromium through Playwright, which is
# never allowed to download a browser here; without the CJK font Chinese renders as empty boxes.
# Installs both when missing (CI images start without them); quiet when they are there.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei"; then
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing chromium and fonts-wqy-microhei for the console's browser tests ..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
