#!/usr/bin/env bash
# Install the Debian packages Lustro needs, only those that are missing.
#   .ci/system-deps.sh          Pango and fonts (PDFs; fonts-noto-color-emoji: emoji in the reports,
#                               sequences such as the woman cook as one glyph; fonts-symbola: on the slips)
#   .ci/system-deps.sh --test   also Chromium (browser tests) and poppler-utils (PDF to text/PNG)
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-color-emoji fonts-symbola)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium poppler-utils)
fi
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "Please install as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
