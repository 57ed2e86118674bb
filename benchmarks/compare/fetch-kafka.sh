#!/usr/bin/env bash
# Fetches an Apache Kafka broker (kafka_2.13) and its tools (kafka-tools, pinned in kafka-dist.pom.xml)
# from Maven Central into a cache directory, once, and prints the directory holding their jars.
# Shared by benchmarks/compare.sh and compat/run.sh.
#
#   benchmarks/compare/fetch-kafka.sh            # the newest 4.x release (refreshed weekly), else the tools' version
#   benchmarks/compare/fetch-kafka.sh 4.3.1      # a pinned release
#
# Environment: VARVE_CACHE (default ~/.cache/varve), MVN_ARGS (extra Maven arguments).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pom="$here/kafka-dist.pom.xml"
cache="${VARVE_CACHE:-$HOME/.cache/varve}/kafka"
mvn_args=(-B -q -ntp -Dstyle.color=never ${MVN_ARGS:-})
tools_version="$(sed -n 's:.*<kafka.tools.version>\(.*\)</kafka.tools.version>.*:\1:p' "$pom")"
sum="$(cksum < "$pom" | cut -d' ' -f1)"

# Fetches kafka_2.13 $1 (a version or a Maven range) and the pinned tools into $2/lib.
fetch() {
  local tmp="$2.partial"
  rm -rf "$tmp" && mkdir -p "$tmp"
  if mvn "${mvn_args[@]}" -f "$pom" dependency:copy-dependencies -Dkafka.broker.version="$1" \
       -DincludeScope=runtime -DoutputDirectory="$tmp/lib" >"$tmp/fetch.log" 2>&1; then
    rm -rf "$2" && mv "$tmp" "$2"
    return 0
  fi
  echo "fetch-kafka: could not resolve kafka_2.13 $1: $(grep -m1 -o -e 'Could not find artifact [^ ]*' -e 'Could not resolve [^ ]*' "$tmp/fetch.log" || echo "see $tmp/fetch.log")" >&2
  return 1
}

# Keyed by the fetch pom's checksum, so a change to it fetches afresh.
if [ -n "${1:-}" ]; then
  dist="$cache/$1-$sum"
  [ -d "$dist/lib" ] || { echo "fetch-kafka: fetching Apache Kafka $1 from Maven Central into $dist ..." >&2; fetch "$1" "$dist"; }
else
  dist="$cache/dist-$sum"
  if [ ! -d "$dist/lib" ] || [ -n "$(find "$dist" -maxdepth 0 -mtime +7)" ]; then
    # The newest 4.x release; when it does not resolve fully (4.4.0's kafka-tools-api was missing from
    # Central), the version the tools are pinned to.
    echo "fetch-kafka: resolving the newest Apache Kafka 4.x from Maven Central into $dist ..." >&2
    fetch "[4.0.0,5.0.0)" "$dist" || { echo "fetch-kafka: falling back to Kafka $tools_version" >&2; fetch "$tools_version" "$dist"; }
  fi
fi
echo "$dist/lib"
