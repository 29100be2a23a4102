#!/usr/bin/env bash
# A real OpenID provider for the browser tests: LemonLDAP::NG from Debian's packages (its
# FastCGI portal behind nginx) on loopback, with its "Demo" users (dwho/dwho, rtyler/rtyler,
# msmith/msmith) and one relying party, Parcours, whose redirect URIs point at the Parcours
# base URL given to `start`. Everything it writes lives in one folder under /tmp (the
# FastCGI server runs as www-data, which must read it); the system's configuration is untouched.
#
# Usage: scripts/test-oidc-provider.sh start PARCOURS_BASE_URL   prints the issuer URL
#        scripts/test-oidc-provider.sh url                         the issuer URL
#        scripts/test-oidc-provider.sh secret                      the client secret of Parcours
#        scripts/test-oidc-provider.sh stop
# Packages: see OIDC_PACKAGES in the Makefile (`make test-browser` installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
state="${OIDC_PROVIDER_DIR:-/tmp/parcours-oidc-provider-$(pwd | cksum | cut -d' ' -f1)}"
client_id=parcours

stop() {
    for pidfile in "$state/nginx.pid" "$state/fastcgi.pid"; do
        if [ -s "$pidfile" ]; then
            pid=$(cat "$pidfile")
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$state"
}

case "${1:-}" in
start)
    parcours="${2:?usage: $0 start PARCOURS_BASE_URL}"
    parcours="${parcours%/}"
    for tool in /usr/sbin/llng-fastcgi-server /usr/share/lemonldap-ng/bin/lemonldap-ng-cli nginx openssl; do
        command -v "$tool" >/dev/null || { echo "test-oidc-provider: $tool is missing (make test-browser installs OIDC_PACKAGES)" >&2; exit 1; }
    done
    stop
    mkdir -p "$state"/{conf,sessions/lock,psessions/lock,cache,notifications,nginx,run}
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    issuer="http://127.0.0.1:$port/"
    secret=$(openssl rand -hex 24)
    echo "$issuer" >"$state/url"
    echo "$secret" >"$state/secret"
    openssl genrsa -traditional -out "$state/oidc.key" 2048 2>/dev/null
    openssl rsa -in "$state/oidc.key" -pubout -out "$state/oidc.pub" 2>/dev/null

    # The package's ini with its folders moved into the state folder; LLNG_DEFAULTCONFFILE
    # makes the CLI and the portal read it instead of /etc/lemonldap-ng/lemonldap-ng.ini.
    sed -e "s#/var/lib/lemonldap-ng/conf#$state/conf#" -e "s#/var/lib/lemonldap-ng/cache#$state/cache#" \
        /etc/lemonldap-ng/lemonldap-ng.ini >"$state/lemonldap-ng.ini"
    cp /var/lib/lemonldap-ng/conf/lmConf-1.json "$state/conf/"
    export LLNG_DEFAULTCONFFILE="$state/lemonldap-ng.ini"
    python3 - "$state" "$issuer" "$parcours" "$client_id" "$secret" >"$state/merge.json" <<'EOF'
import json, sys
state, issuer, parcours, client_id, secret = sys.argv[1:]
rp = "parcours"
print(json.dumps({
    "portal": issuer,
    "domain": "127.0.0.1",
    "authentication": "Demo", "userDB": "Same", "passwordDB": "Demo",
    "globalStorageOptions": {"Directory": f"{state}/sessions", "LockDirectory": f"{state}/sessions/lock"},
    "persistentStorageOptions": {"Directory": f"{state}/psessions", "LockDirectory": f"{state}/psessions/lock"},
    "localSessionStorageOptions": {"cache_root": f"{state}/cache", "cache_depth": 3, "default_expires_in": 600,
                                   "directory_umask": "007", "namespace": "lemonldap-ng-sessions"},
    "notificationStorageOptions": {"dirName": f"{state}/notifications"},
    "issuerDBOpenIDConnectActivation": 1,
    "oidcServiceMetaDataIssuer": issuer,
    "oidcServicePrivateKeySig": open(f"{state}/oidc.key").read(),
    "oidcServicePublicKeySig": open(f"{state}/oidc.pub").read(),
    "oidcServiceKeyIdSig": "parcours-test-1",
    "oidcRPMetaDataOptions": {rp: {
        "oidcRPMetaDataOptionsClientID": client_id,
        "oidcRPMetaDataOptionsClientSecret": secret,
        "oidcRPMetaDataOptionsRedirectUris": f"{parcours}/login/oidc/lemonldap/callback",
        "oidcRPMetaDataOptionsPostLogoutRedirectUris": f"{parcours}/login",
        "oidcRPMetaDataOptionsPublic": 0,
        "oidcRPMetaDataOptionsRequirePKCE": 1,
        "oidcRPMetaDataOptionsBypassConsent": 1,
        "oidcRPMetaDataOptionsIDTokenSignAlg": "RS256",
        "oidcRPMetaDataOptionsIDTokenForceClaims": 1,
    }},
    # The Demo directory's e-mails are the administration's own: said so with email_verified.
    "macros": {"mailVerified": "1"},
    "oidcRPMetaDataExportedVars": {rp: {"email": "mail", "email_verified": "mailVerified;bool", "name": "cn",
                                        "family_name": "sn", "preferred_username": "uid"}},
}))
EOF
    cli=/usr/share/lemonldap-ng/bin/lemonldap-ng-cli
    # The CLI and the portal run as www-data: the folder is theirs before the first merge.
    chown -R www-data:www-data "$state"
    chmod 0755 "$state"
    "$cli" -yes 1 merge "$state/merge.json" >"$state/cli.log" 2>&1 || { cat "$state/cli.log" >&2; exit 1; }
    "$cli" -yes 1 delKey reloadUrls localhost >>"$state/cli.log" 2>&1 || true

    sed -e "s#unix:/var/run/llng-fastcgi-server/llng-fastcgi.sock#unix:$state/run/fastcgi.sock#" \
        -e "s#listen 80;#listen 127.0.0.1:$port;#" -e "/listen \[::\]:80;/d" -e "s#server_name auth.example.com;#server_name 127.0.0.1;#" \
        /etc/lemonldap-ng/portal-nginx.conf >"$state/nginx/portal.conf"
    cat >"$state/nginx/nginx.conf" <<EOF
pid $state/nginx.pid;
error_log $state/nginx/error.log;
worker_processes 1;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    access_log $state/nginx/access.log;
    client_body_temp_path $state/nginx/body;
    fastcgi_temp_path $state/nginx/fastcgi;
    proxy_temp_path $state/nginx/proxy;
    uwsgi_temp_path $state/nginx/uwsgi;
    scgi_temp_path $state/nginx/scgi;
    include $state/nginx/portal.conf;
}
EOF
    LLNG_DEFAULTLOGGER=Lemonldap::NG::Common::Logger::Std \
        setsid /usr/sbin/llng-fastcgi-server --foreground -u www-data -g www-data \
        -s "$state/run/fastcgi.sock" -p "$state/fastcgi.pid" >"$state/fastcgi.log" 2>&1 </dev/null &
    echo $! >"$state/fastcgi.pid"
    nginx -c "$state/nginx/nginx.conf" >"$state/nginx/start.log" 2>&1 || { cat "$state/nginx/start.log" >&2; exit 1; }
    for _ in $(seq 1 150); do
        curl -sf "${issuer}.well-known/openid-configuration" >/dev/null 2>&1 && break
        sleep 0.2
    done
    curl -sf "${issuer}.well-known/openid-configuration" >/dev/null || {
        echo "test-oidc-provider: LemonLDAP::NG did not answer its discovery document:" >&2
        tail -n 20 "$state/fastcgi.log" "$state/nginx/error.log" >&2
        exit 1
    }
    echo "$issuer"
    ;;
url) cat "$state/url" ;;
secret) cat "$state/secret" ;;
client-id) echo "$client_id" ;;
stop) stop ;;
*) echo "usage: $0 start PARCOURS_BASE_URL | url | secret | client-id | stop" >&2; exit 2 ;;
esac
