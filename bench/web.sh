#!/usr/bin/env bash
# The image handler's web rendition beside libvips on the same real photos (the corpus's EXIF
# orientation photos, and generated 12 MP photos): bytes and SSIM against the upright source.
# usage: bench/web.sh     (needs libvips-tools)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v vipsthumbnail >/dev/null || { echo "vipsthumbnail is missing: apt-get install libvips-tools" >&2; exit 1; }
cd "$root"
./mvnw -q -B install -DskipTests -Dspotless.check.skip=true
exec_test() { ./mvnw -q -B -pl handlers/image exec:java -Dexec.classpathScope=test -Dexec.mainClass="$1" -Dexec.args="$2"; }
exec_test dev.s3proc.handlers.image.PhotoGenerator "$work 2"
corpus=handlers/image/src/test/resources/corpus/exif-orientation
exec_test dev.s3proc.handlers.image.WebBenchmark "$work $root/$corpus/Portrait_1.jpg $root/$corpus/Portrait_6.jpg $(ls "$work"/photo-*.jpg | tr '\n' ' ')"
