#!/usr/bin/env bash
# Starts and stops the throw-away mail servers the tests talk to: Dovecot
# (IMAP, IMAPS, LMTP, SASL) and Postfix (SMTP with STARTTLS, SMTPS) on
# 127.0.0.1 only, with configuration and state under one temporary directory.
#
#   eval "$(scripts/mailservers.sh start)"   # installs if needed, starts, prints exports
#   scripts/mailservers.sh env               # prints the exports of running servers
#   scripts/mailservers.sh status            # exit 0 when both servers run
#   scripts/mailservers.sh stop              # stops what start started
#   scripts/mailservers.sh clean             # stop, then remove the temporary directory
#
# Postfix accepts mail for any address in the test domain and hands it to
# Dovecot over LMTP, so a message sent over SMTP can be read back over IMAP
# by logging in as its recipient with the shared password. Two recipients are
# refused on purpose: one with a 5xx reply, one with a 4xx reply.
#
# Only the export lines go to standard output; everything else goes to
# standard error. Ports and the directory can be changed through the
# variables below.
set -euo pipefail

DIR="${SOLLECITO_MAIL_DIR:-${TMPDIR:-/tmp}/sollecito-mailservers}"
IMAP_PORT="${SOLLECITO_MAIL_IMAP_PORT:-31143}"
IMAPS_PORT="${SOLLECITO_MAIL_IMAPS_PORT:-31993}"
LMTP_PORT="${SOLLECITO_MAIL_LMTP_PORT:-31024}"
AUTH_PORT="${SOLLECITO_MAIL_AUTH_PORT:-31012}"
SMTP_PORT="${SOLLECITO_MAIL_SMTP_PORT:-31025}"
SMTPS_PORT="${SOLLECITO_MAIL_SMTPS_PORT:-31465}"
DOMAIN="sollecito.test"
USER_NAME="sollecito@${DOMAIN}"
REJECT_RCPT="rifiutato@${DOMAIN}"
DEFER_RCPT="rinviato@${DOMAIN}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TEMPLATES="${HERE}/mail"

log() { printf 'mailservers: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

install_packages() {
	local missing=()
	command -v dovecot >/dev/null 2>&1 || missing+=(dovecot-imapd)
	[ -x /usr/lib/dovecot/lmtp ] || missing+=(dovecot-lmtpd)
	command -v postfix >/dev/null 2>&1 || missing+=(postfix)
	command -v openssl >/dev/null 2>&1 || missing+=(openssl)
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages ${missing[*]}: install them as root"
	log "installing ${missing[*]}"
	# No system-wide mail server: Postfix without configuration, and no
	# service started by the packages (the tests start their own).
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	local policy_added=0
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		policy_added=1
	fi
	apt-get update >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
	[ "$policy_added" -eq 1 ] && rm -f /usr/sbin/policy-rc.d
	return 0
}

render() { # render TEMPLATE DEST: replaces @NAME@ placeholders
	sed -e "s|@DIR@|${DIR}|g" \
		-e "s|@IMAP_PORT@|${IMAP_PORT}|g" -e "s|@IMAPS_PORT@|${IMAPS_PORT}|g" \
		-e "s|@LMTP_PORT@|${LMTP_PORT}|g" -e "s|@AUTH_PORT@|${AUTH_PORT}|g" \
		-e "s|@SMTP_PORT@|${SMTP_PORT}|g" -e "s|@SMTPS_PORT@|${SMTPS_PORT}|g" \
		-e "s|@DOMAIN@|${DOMAIN}|g" -e "s|@PASSWORD@|${PASSWORD}|g" \
		-e "s|@MAIL_UID@|${MAIL_UID}|g" -e "s|@MAIL_GID@|${MAIL_GID}|g" \
		-e "s|@REJECT_RCPT@|${REJECT_RCPT}|g" -e "s|@DEFER_RCPT@|${DEFER_RCPT}|g" \
		"$1" >"$2"
}

prepare() {
	# Dovecot refuses to store mail as root: as root, mail belongs to nobody.
	MAIL_UID="$(id -u)" MAIL_GID="$(id -g)"
	if [ "$MAIL_UID" -eq 0 ]; then
		MAIL_UID="$(id -u nobody)" MAIL_GID="$(id -g nobody)"
	fi
	mkdir -p "$DIR"/{tls,log,mail,dovecot/run,dovecot/state,postfix/etc,postfix/spool,postfix/data}
	chmod 755 "$DIR" "$DIR/mail"
	chown "$MAIL_UID:$MAIL_GID" "$DIR/mail"
	if id postfix >/dev/null 2>&1; then chown postfix "$DIR/postfix/data"; fi
	if [ ! -s "$DIR/password" ]; then
		(umask 077; openssl rand -hex 16 >"$DIR/password")
	fi
	PASSWORD="$(cat "$DIR/password")"
	if [ ! -s "$DIR/tls/cert.pem" ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj "/CN=localhost" \
			-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
			-keyout "$DIR/tls/key.pem" -out "$DIR/tls/cert.pem" 2>/dev/null
		chmod 600 "$DIR/tls/key.pem"
	fi
	render "$TEMPLATES/dovecot.conf" "$DIR/dovecot/dovecot.conf"
	render "$TEMPLATES/main.cf" "$DIR/postfix/etc/main.cf"
	render "$TEMPLATES/master.cf" "$DIR/postfix/etc/master.cf"
	render "$TEMPLATES/recipient_access" "$DIR/postfix/etc/recipient_access"
}

dovecot_pid() {
	local f="$DIR/dovecot/run/master.pid"
	[ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"
}

postfix_running() {
	[ -s "$DIR/postfix/etc/main.cf" ] && postfix -c "$DIR/postfix/etc" status >/dev/null 2>&1
}

wait_port() { # wait_port PORT: up to 15 s
	local i
	for i in $(seq 1 150); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	return 1
}

print_env() {
	PASSWORD="$(cat "$DIR/password")"
	cat <<EOT
export SOLLECITO_TEST_MAIL_DIR='${DIR}'
export SOLLECITO_TEST_MAIL_DOMAIN='${DOMAIN}'
export SOLLECITO_TEST_IMAP_ADDR='127.0.0.1:${IMAP_PORT}'
export SOLLECITO_TEST_IMAPS_ADDR='127.0.0.1:${IMAPS_PORT}'
export SOLLECITO_TEST_IMAP_USER='${USER_NAME}'
export SOLLECITO_TEST_IMAP_PASS='${PASSWORD}'
export SOLLECITO_TEST_SMTP_ADDR='127.0.0.1:${SMTP_PORT}'
export SOLLECITO_TEST_SMTPS_ADDR='127.0.0.1:${SMTPS_PORT}'
export SOLLECITO_TEST_SMTP_USER='${USER_NAME}'
export SOLLECITO_TEST_SMTP_PASS='${PASSWORD}'
export SOLLECITO_TEST_SMTP_REJECT_RCPT='${REJECT_RCPT}'
export SOLLECITO_TEST_SMTP_DEFER_RCPT='${DEFER_RCPT}'
EOT
}

start() {
	install_packages
	prepare
	if dovecot_pid >/dev/null; then
		log "dovecot already running"
	else
		# The daemons must not hold the caller's stdout or stderr open, or
		# eval "$(... start)" would wait for them forever.
		dovecot -c "$DIR/dovecot/dovecot.conf" </dev/null >>"$DIR/log/start.log" 2>&1 || die "dovecot did not start; see $DIR/log/dovecot.log"
	fi
	if postfix_running; then
		log "postfix already running"
	else
		postfix -c "$DIR/postfix/etc" start </dev/null >>"$DIR/log/start.log" 2>&1 || die "postfix did not start; see $DIR/log/postfix.log"
	fi
	local p
	for p in "$IMAP_PORT" "$IMAPS_PORT" "$LMTP_PORT" "$AUTH_PORT" "$SMTP_PORT" "$SMTPS_PORT"; do
		wait_port "$p" || die "nothing listens on 127.0.0.1:$p; see $DIR/log/"
	done
	print_env
}

stop() {
	if postfix_running; then
		postfix -c "$DIR/postfix/etc" stop </dev/null >>"$DIR/log/start.log" 2>&1 || true
	fi
	local pid i
	if pid="$(dovecot_pid)"; then
		kill "$pid" 2>/dev/null || true
		for i in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
	# postfix stop returns before master has exited; wait for it.
	for i in $(seq 1 100); do
		postfix_running || break
		sleep 0.1
	done
}

case "${1:-}" in
start) start ;;
stop) stop ;;
env) print_env ;;
status) dovecot_pid >/dev/null && postfix_running ;;
clean) stop; rm -rf "$DIR" ;;
*) echo "usage: $0 start|stop|env|status|clean" >&2; exit 2 ;;
esac
