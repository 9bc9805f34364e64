#!/usr/bin/env bash
# The admin's guide to Payara Server 6 (docs/admin.md), as commands: PayaraServerEarIT runs this very script, so the
# guide cannot drift from what works.
#
#   docs/payara-server.sh install   create the domain, start it, store the SLM_* settings in it, deploy the EAR
#   docs/payara-server.sh upgrade   redeploy a new EAR (migrations run as it starts; the settings stay)
#   docs/payara-server.sh logs      print the server log's path
#   docs/payara-server.sh stop      stop the domain
#
# Read from the environment: ASADMIN (payara6/bin/asadmin), SLM_EAR (the EAR to deploy), PAYARA_DOMAIN_DIR (where the
# domain lives; default payara6/glassfish/domains), PAYARA_DOMAIN (default slm), PAYARA_PORT_BASE (admin port =
# base + 48, HTTP = base + 80; default 8000: 8048 and 8080), and every SLM_* setting of the README's table that is set
# (SLM_DB_URL, SLM_DB_USER, SLM_DB_PASSWORD, SLM_GIT_URL, SLM_DATA_DIR, SLM_ADMIN_PASSWORD, SLM_PUBLIC_URL, ...).
set -euo pipefail

: "${ASADMIN:?set ASADMIN to payara6/bin/asadmin}"
DOMAIN="${PAYARA_DOMAIN:-slm}"
PORT_BASE="${PAYARA_PORT_BASE:-8000}"
ADMIN_PORT=$((PORT_BASE + 48))
domain_dir=()
if [ -n "${PAYARA_DOMAIN_DIR:-}" ]; then
    domain_dir=(--domaindir "$PAYARA_DOMAIN_DIR")
fi

remote() {
    "$ASADMIN" --port "$ADMIN_PORT" "$@"
}

case "${1:-}" in
install)
    : "${SLM_EAR:?set SLM_EAR to slm-ear/target/slm.ear}"
    # a domain of its own, its ports from one base (admin base+48, HTTP base+80, HTTPS base+81)
    "$ASADMIN" create-domain "${domain_dir[@]}" --portbase "$PORT_BASE" --nopassword "$DOMAIN"
    # started without the SLM_* variables of this shell: the domain must run on what is stored in it, as it will when a
    # service manager starts it
    unset_slm=()
    for name in $(compgen -e | grep '^SLM_' || true); do unset_slm+=(-u "$name"); done
    env "${unset_slm[@]}" "$ASADMIN" start-domain "${domain_dir[@]}" "$DOMAIN"
    # the settings live in the domain (MicroProfile Config, source "domain"), not in the environment of whoever
    # started it: a restart by a service manager keeps them. A secret can instead be a password alias:
    #   asadmin create-password-alias slm-db-password; then SLM_DB_PASSWORD='${ALIAS=slm-db-password}'
    for name in $(compgen -e | grep '^SLM_' | grep -v '^SLM_EAR$' | sort || true); do
        value="${!name}"
        if [ -n "$value" ]; then
            remote set-config-property --source=domain --propertyName="$name" --propertyValue="$value" >/dev/null
            echo "set $name"
        fi
    done
    # HTTP/1.1 only, as the run command's server (MicroServer): Grizzly's HTTP/2 kept every stream with a body for as
    # long as its connection lived (anyone's), and the proxy in front speaks HTTP/1.1 to the server anyway. The
    # listener takes it at a restart (changed while it runs, it stopped and did not come back)
    remote set configs.config.server-config.network-config.protocols.protocol.http-listener-1.http.http2-enabled=false >/dev/null
    env "${unset_slm[@]}" "$ASADMIN" restart-domain "${domain_dir[@]}" "$DOMAIN"
    remote deploy --name slm "$SLM_EAR"
    ;;
upgrade)
    : "${SLM_EAR:?set SLM_EAR to the new slm-ear/target/slm.ear}"
    # the schema is migrated as the new version starts (Flyway, db/); the settings in the domain stay
    remote redeploy --name slm "$SLM_EAR"
    ;;
logs)
    dir="${PAYARA_DOMAIN_DIR:-$(dirname "$(dirname "$ASADMIN")")/glassfish/domains}"
    echo "$dir/$DOMAIN/logs/server.log"
    ;;
stop)
    "$ASADMIN" stop-domain "${domain_dir[@]}" "$DOMAIN"
    ;;
*)
    echo "usage: $0 install|upgrade|logs|stop" >&2
    exit 2
    ;;
esac
