#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs and starts the real servers
# the tests need (Dovecot and Postfix on loopback, from Debian packages),
# runs go vet and go test -race over every package (fuzz seed corpora
# included), and stops the servers again. A missing server makes the tests
# that need it fail, never skip.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v go >/dev/null || { echo "test.sh: Go is not installed" >&2; exit 1; }
if ! command -v gcc >/dev/null; then
	# cgo (SQLite) and the race detector need a C compiler.
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc libc6-dev >/dev/null
fi

# The report tests open the XLSX in LibreOffice and print the HTML report
# in headless Chromium, reading the PDF back with poppler-utils.
missing=()
command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
command -v chromium >/dev/null || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core >/dev/null
fi

eval "$(scripts/mailservers.sh start)"
trap 'scripts/mailservers.sh stop >/dev/null 2>&1 || true' EXIT

export CGO_ENABLED=1
echo "== go vet"
go vet ./...
echo "== go test -race"
go test -race -count=1 -timeout 20m ./...
