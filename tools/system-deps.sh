#!/bin/sh
# System packages the tests need, from Debian: chromium for the browser test of the HTML report,
# LibreOffice Writer (headless, `soffice`) for the test that converts a redlined contract to PDF.
# Installs only what is missing; needs root (or sudo) when something is.
set -e
missing=""
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    missing="$missing chromium"
fi
if ! command -v soffice >/dev/null 2>&1; then
    missing="$missing libreoffice-writer-nogui"
fi
[ -n "$missing" ] || exit 0
SUDO=""
[ "$(id -u)" = "0" ] || SUDO="sudo"
$SUDO apt-get update -qq
# shellcheck disable=SC2086  # one word per package
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
