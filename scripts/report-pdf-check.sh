#!/usr/bin/env bash
# Renders an HTML report of `sollecito report --format html` in headless
# Chromium to PDF (A4) and checks that no card is cut across two pages and
# that nothing overflows a card's box. A card taller than a page cannot
# stay whole: it is noted, and allowed to break between rows. Exit status:
# 0 all good, 1 a card is cut or overflows, 2 a tool is missing or
# Chromium failed.
#
# Usage: scripts/report-pdf-check.sh REPORT.html [OUT.pdf]
# Needs chromium and pdftotext/pdfinfo (poppler-utils): scripts/test.sh
# installs them.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 REPORT.html [OUT.pdf]" >&2; exit 2; }
html=$(realpath "$1")
pdf=$(realpath -m "${2:-${html%.html}.pdf}")
chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chromium" ]; then
	echo "report-pdf-check: Chromium is not installed (scripts/test.sh installs it)" >&2
	exit 2
fi
for t in pdftotext pdfinfo; do
	command -v "$t" >/dev/null || { echo "report-pdf-check: $t is missing (poppler-utils; scripts/test.sh installs it)" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Chromium's own network access is closed: no first-run, sync, component
# or background traffic, and a fresh profile every time.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
	--disable-component-update --disable-sync --disable-extensions --user-data-dir="$work/profile")

render() { # timeout guards against a Chromium that never returns
	timeout 120 "$chromium" "${flags[@]}" "$@" 2>>"$work/chromium.log"
}

if ! render --no-pdf-header-footer --print-to-pdf-no-header --print-to-pdf="$pdf" "file://$html" >/dev/null || [ ! -s "$pdf" ]; then
	echo "report-pdf-check: Chromium did not print $html" >&2
	tail -5 "$work/chromium.log" >&2
	exit 2
fi

fail=0
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
for ((p = 1; p <= pages; p++)); do
	pdftotext -f "$p" -l "$p" "$pdf" - | tr -s ' \t' '  ' >"$work/page-$p.txt"
done

# Overflow: lay the page out at the A4 printable size (186 x 273 mm) and
# measure every card and what is inside it.
cat >"$work/check.js" <<'JS'
<script>
(function () {
  document.body.style.padding = '0';
  var mm = 96 / 25.4, pageH = 273 * mm, out = [];
  document.querySelectorAll('.card').forEach(function (c) {
    var id = c.getAttribute('data-card'), h = c.getBoundingClientRect().height;
    if (h > pageH) out.push('TALL ' + id + ' ' + Math.round(h / mm));
    var els = [c].concat(Array.prototype.slice.call(c.querySelectorAll('table, th, td, h2, div')));
    for (var i = 0; i < els.length; i++) {
      if (els[i].scrollWidth > els[i].clientWidth + 1) {
        out.push('card ' + id + ' overflows its box (' + els[i].tagName.toLowerCase() + ')');
        break;
      }
    }
  });
  var pre = document.createElement('pre');
  pre.id = 'report-check';
  pre.textContent = 'CHE' + 'CK[' + out.join('|') + ']' + 'END'; // split: the source must not match
  document.body.appendChild(pre);
})();
</script>
JS
# The script runs at the end of the body, once the page is laid out.
awk -v f="$work/check.js" '/<\/body>/ { while ((getline l < f) > 0) print l } { print }' "$html" >"$work/check.html"
render --dump-dom "file://$work/check.html" >"$work/dom.html" || true
result=$(grep -o 'CHECK\[[^]]*\]END' "$work/dom.html" || true)
if [ -z "$result" ]; then
	echo "report-pdf-check: the measuring script did not run" >&2
	tail -5 "$work/chromium.log" >&2
	exit 2
fi
problems=${result#CHECK[}
problems=${problems%]END}
# A card taller than the printable height (273 mm) cannot stay on one
# page: it breaks between rows, and is only noted. Anything else fails.
declare -A tall=()
while IFS= read -r pr; do
	[ -n "$pr" ] || continue
	case "$pr" in
	"TALL "*)
		set -- $pr
		tall[$2]=1
		echo "report-pdf-check: note: card $2 is taller than a page ($3 mm): it breaks between rows"
		;;
	*)
		echo "report-pdf-check: $pr"
		fail=1
		;;
	esac
done < <(tr '|' '\n' <<<"$problems")


# Each card ends with "<word> <ID> — <words>" and its title starts with
# "<word> <ID> — ": the title's page and the end's page must be the same.
ncards=0
while IFS= read -r end; do
	[ -n "$end" ] || continue
	ncards=$((ncards + 1))
	start="${end%%— *}— "
	id="${start% — }"
	id="${id##* }"
	if [ -n "${tall[$id]:-}" ]; then
		continue
	fi
	first="" last=""
	for ((p = 1; p <= pages; p++)); do
		if [ -z "$first" ] && grep -qF -- "$start" "$work/page-$p.txt"; then first=$p; fi
		if grep -qF -- "$end" "$work/page-$p.txt"; then last=$p; fi
	done
	if [ -z "$first" ] || [ -z "$last" ]; then
		echo "report-pdf-check: card \"${start% — }\" not found in the PDF (title page ${first:-?}, end page ${last:-?})"
		fail=1
	elif [ "$first" != "$last" ]; then
		echo "report-pdf-check: card \"${start% — }\" is cut: it starts on page $first and ends on page $last"
		fail=1
	fi
done < <(grep -o '<div class="end">[^<]*</div>' "$html" | sed -e 's/<[^>]*>//g' -e 's/&amp;/\&/g')

if [ "$ncards" -eq 0 ]; then
	echo "report-pdf-check: no card in $html"
	exit 1
fi

if [ "$fail" -eq 0 ]; then
	echo "report-pdf-check: $ncards cards on $pages A4 pages, none cut, none overflowing (${#tall[@]} taller than a page) ($pdf)"
fi
exit "$fail"
