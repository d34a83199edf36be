#!/usr/bin/env bash
# The scanner against clamscan on the same files, both as whole processes, interleaved (median of
# RUNS after a warm-up): side A streams each file to a running clamd the way the scan processor
# does (its engine version asked, INSTREAM), side B is clamscan run directly on the files. The
# corpus: FILES files of MB megabytes each, a third each random bytes, text (Debian's licence
# texts) and ZIPs of that text; the signatures: a database made here (sigtool --md5 of one file
# and one body signature), since the official one cannot be downloaded on these machines.
# usage: bench/scan.sh [FILES] [MB] [RUNS]   (default 24 4 7)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
files=${1:-24}; mb=${2:-4}; runs=${3:-7}
./mvnw -q -B install -DskipTests -Dspotless.check.skip=true -pl handlers/scan -am
./mvnw -q -B test-compile -pl handlers/scan -Dspotless.check.skip=true
work=$(mktemp -d); trap 'kill $(cat "$work/clamd.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/db" "$work/corpus"
echo "a file the database knows" > "$work/known.bin"
sigtool --md5 "$work/known.bin" > "$work/db/bench.hdb"
echo "S3proc.Bench.Marker:0:*:733370726f632d62656e6368" > "$work/db/bench.ndb"
cat /usr/share/common-licenses/* > "$work/prose.txt"
for i in $(seq 1 "$files"); do
  case $((i % 3)) in
    0) head -c "$((mb << 20))" /dev/urandom > "$work/corpus/f$i.bin" ;;
    1) while [ "$(stat -c %s "$work/corpus/f$i.txt" 2>/dev/null || echo 0)" -lt "$((mb << 20))" ]; do
         cat "$work/prose.txt" >> "$work/corpus/f$i.txt"; done ;;
    2) (cd "$work" && head -c "$((mb << 20))" /dev/urandom | base64 > "corpus/t$i.txt" \
         && zip -q -j "corpus/f$i.zip" "corpus/t$i.txt" prose.txt && rm "corpus/t$i.txt") ;;
  esac
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/clamd.conf" <<CONF
Foreground no
TCPSocket $port
TCPAddr 127.0.0.1
DatabaseDirectory $work/db
PidFile $work/clamd.pid
StreamMaxLength 100M
MaxScanSize 400M
MaxFileSize 100M
CONF
/usr/sbin/clamd --config-file="$work/clamd.conf"
ping() { python3 -c 'import socket,sys; s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),1); s.sendall(b"zPING\0"); sys.exit(0 if s.recv(4)==b"PONG" else 1)' "$port" 2>/dev/null; }
for _ in $(seq 1 300); do ping && break; sleep 0.2; done; ping
corpus=$(ls "$work"/corpus/* | tr '\n' ' ')
bytes=$(cat "$work"/corpus/* | wc -c)
echo "corpus: $files files, $((bytes >> 20)) MB; ClamAV $(clamscan --version)"
cp="$root/handlers/scan/target/s3proc-scan-handler.jar:$root/handlers/scan/target/test-classes"
python3 "$root/bench/timing.py" "$runs" \
  "scan processor's path (INSTREAM to clamd)=java -XX:TieredStopAtLevel=1 -cp $cp dev.s3proc.handlers.scan.ScanBenchmark tcp://127.0.0.1:$port $corpus" \
  "clamscan directly=clamscan --no-summary -d $work/db --max-scansize=400M --max-filesize=100M $corpus"
