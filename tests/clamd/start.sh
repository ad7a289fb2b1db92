#!/usr/bin/env bash
# Start a real clamd for the antivirus tests, on 127.0.0.1:3310, with a signature database that holds one
# signature: the EICAR test file's MD5 (clamd's .hdb format "md5:size:name"). Freshclam's databases cannot
# be downloaded here; a real clamd with one real signature still proves the protocol, the verdicts and the
# size limit end to end.
set -euo pipefail
DIR="${BALIE_CLAMD_DIR:-/tmp/balie-clamd}"
mkdir -p "$DIR/db"
EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
printf '%s' "$EICAR" > "$DIR/eicar.com"
echo "$(md5sum "$DIR/eicar.com" | cut -d' ' -f1):$(stat -c%s "$DIR/eicar.com"):Win.Test.EICAR_HDB-1" > "$DIR/db/eicar.hdb"
cat > "$DIR/clamd.conf" <<CONF
DatabaseDirectory $DIR/db
TCPSocket 3310
TCPAddr 127.0.0.1
LogFile $DIR/clamd.log
PidFile $DIR/clamd.pid
Foreground no
User $(id -un)
StreamMaxLength 60M
CONF
pong() { printf 'zPING\0' | timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/3310; cat >&3; cat <&3' 2>/dev/null | grep -q PONG; }
pong || clamd --config-file="$DIR/clamd.conf"
for _ in $(seq 1 30); do
  if pong; then echo "clamd ready on 127.0.0.1:3310"; exit 0; fi
  sleep 1
done
echo "clamd did not start; see $DIR/clamd.log" >&2; exit 1
