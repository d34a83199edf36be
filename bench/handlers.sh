#!/usr/bin/env bash
# Handler benchmarks, each side by side with its reference in one run:
#   thumbnails of 12 MP JPEGs (warm) vs vipsthumbnail (libvips-tools),
#   text of a 50-page PDF (warm) vs pdftotext (poppler-utils),
#   cold start: a new JVM to the first event processed, on moto, for each handler, beside
#     its floor: a new JVM that builds one S3 client and gets one object, no s3proc code,
#   and the size of each jar.
# usage: [JAVA=/path/to/bin/java] bench/handlers.sh [RUNS]   (default 10; the cold starts run on JAVA, default java on the PATH)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-10}"
work="$(mktemp -d)"
trap 'rm -rf "$work"; [[ -n "${moto:-}" ]] && kill $moto 2>/dev/null || true' EXIT
for tool in vipsthumbnail pdftotext moto_server; do
  command -v $tool >/dev/null || { echo "$tool is missing: apt-get install libvips-tools poppler-utils; pip install 'moto[server]'" >&2; exit 1; }
done
cd "$root"
./mvnw -q -B install -DskipTests -Dspotless.check.skip=true
exec_test() { # module main args...
  local module="$1" main="$2"; shift 2
  ./mvnw -q -B -pl "handlers/$module" exec:java -Dexec.classpathScope=test -Dexec.mainClass="$main" -Dexec.args="$*"
}
median_ms() { # runs command...
  python3 - "$@" <<'PY'
import statistics, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
t = []
for _ in range(runs):
    s = time.perf_counter(); subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True); t.append((time.perf_counter() - s) * 1000)
print(f"{statistics.median(t):.1f}")
PY
}

echo "== thumbnails: 12 MP JPEG to 256 px (median ms per image)"
exec_test image dev.s3proc.handlers.image.PhotoGenerator "$work" 3
java_ms=$(exec_test image dev.s3proc.handlers.image.ThumbnailBenchmark "$runs" "$work"/photo-*.jpg)
vips=()
for f in "$work"/photo-*.jpg; do vips+=("$(median_ms "$runs" vipsthumbnail "$f" -s 256 -o "$work/vips-%s.jpg")"); done
vips_ms=$(python3 -c "import statistics,sys; print(statistics.median(map(float, sys.argv[1:])))" "${vips[@]}")
python3 -c "print(f'  s3proc image (ImageIO, warm)  {float($java_ms):7.1f} ms  {float($java_ms)/float($vips_ms):.2f}x'); print(f'  vipsthumbnail                 {float($vips_ms):7.1f} ms  1.00x')"

echo "== PDF text: 50 pages (median ms)"
exec_test document dev.s3proc.handlers.document.PdfBenchmark make "$work/report.pdf" 50
pdfbox_ms=$(exec_test document dev.s3proc.handlers.document.PdfBenchmark "$runs" "$work/report.pdf")
poppler_ms=$(median_ms "$runs" pdftotext "$work/report.pdf" "$work/report.txt")
python3 -c "print(f'  s3proc document (PDFBox, warm) {float($pdfbox_ms):7.1f} ms  {float($pdfbox_ms)/float($poppler_ms):.2f}x'); print(f'  pdftotext                      {float($poppler_ms):7.1f} ms  1.00x')"

echo "== cold start: new JVM to first event processed (JAVA_TOOL_OPTIONS as in config/template.yaml)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 & moto=$!
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
for _ in $(seq 100); do curl -sf "$AWS_ENDPOINT_URL/moto-api/" >/dev/null && break; sleep 0.1; done
aws s3api create-bucket --bucket terminus-uploads >/dev/null
aws s3api create-bucket --bucket terminus-processed >/dev/null
aws s3api create-bucket --bucket terminus-quarantine >/dev/null
java -jar cli/target/s3proc.jar rules apply -q --yes -f config/pipeline.yaml >/dev/null
python3 - "$work" <<'PY'
import json, struct, sys, zlib
# a small JPEG would do, but any image the handler accepts: a 64x64 PNG
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
raw = b"".join(b"\x00" + bytes([x * 4 % 256, y * 4 % 256, 128] * 1)[:3] * 1 + bytes(3 * 63) for y in range(64) for x in [0])
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[1] + "/cold.png", "wb").write(png)
PY
aws s3 cp "$work/cold.png" s3://terminus-uploads/uploads/images/cold.png >/dev/null
exec_test document dev.s3proc.handlers.document.PdfBenchmark make "$work/cold.pdf" 1
aws s3 cp "$work/cold.pdf" s3://terminus-uploads/uploads/documents/cold.pdf >/dev/null
cold_run() { # name jar handler key file -> ms, after checking the event SUCCEEDED
  local name="$1" jar="$2" handler="$3" key="$4" file="$5" start out
  printf '{"Records":[{"eventSource":"aws:s3","eventTime":"2026-11-28T10:00:00Z","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"terminus-uploads"},"object":{"key":"%s","size":%s,"eTag":"e","sequencer":"SEQ%s"}}}]}' \
    "$key" "$(stat -c %s "$file")" "$RANDOM$RANDOM" > "$work/event.json"
  start=$(date +%s%N)
  out=$(JAVA_TOOL_OPTIONS="-XX:+TieredCompilation -XX:TieredStopAtLevel=1" "${JAVA:-java}" -cp "$jar" \
    dev.s3proc.handlers.runtime.LocalInvoke "$handler" "$work/event.json" 2>/dev/null)
  echo $(( ($(date +%s%N) - start) / 1000000 ))
  grep -q SUCCEEDED <<<"$out" || { echo "cold start of $name did not succeed: $out" >&2; exit 1; }
}
floor_run() { # a new JVM, one S3 client, one GetObject: no s3proc code
  local start
  start=$(date +%s%N)
  JAVA_TOOL_OPTIONS="-XX:+TieredCompilation -XX:TieredStopAtLevel=1" "${JAVA:-java}" \
    -cp handlers/image/target/s3proc-image-handler.jar:handlers/runtime/target/test-classes \
    dev.s3proc.handlers.runtime.ColdStartFloor terminus-uploads uploads/images/cold.png >/dev/null 2>&1
  echo $(( ($(date +%s%N) - start) / 1000000 ))
}
declare -A cold=()
for i in $(seq "$runs"); do # interleaved, so that the machine's moods fall on all alike
  cold[floor]+=" $(floor_run)"
  cold[image]+=" $(cold_run image handlers/image/target/s3proc-image-handler.jar dev.s3proc.handlers.image.ImageHandler uploads/images/cold.png "$work/cold.png")"
  cold[document]+=" $(cold_run document handlers/document/target/s3proc-document-handler.jar dev.s3proc.handlers.document.DocumentHandler uploads/documents/cold.pdf "$work/cold.pdf")"
  cold[validate]+=" $(cold_run validate handlers/validate/target/s3proc-validate-handler.jar dev.s3proc.handlers.validate.ValidateHandler uploads/documents/cold.pdf "$work/cold.pdf")"
done
for name in floor image document validate; do
  python3 -c "import statistics,sys; v=list(map(int, sys.argv[2:])); print(f'  {sys.argv[1]:<40} median {statistics.median(v):5.0f} ms, min {min(v)} ms, max {max(v)} ms over {len(v)} runs')" \
    "$( [[ $name == floor ]] && echo 'floor: S3 client + one GetObject, no s3proc' || echo "$name handler, java 17")" ${cold[$name]}
done

echo "== jar sizes"
for j in handlers/*/target/s3proc-*-handler.jar; do printf '  %-48s %5.1f MB\n' "$(basename "$j")" "$(python3 -c "print($(stat -c %s "$j")/1e6)")"; done
