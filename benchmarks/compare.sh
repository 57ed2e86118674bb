#!/usr/bin/env bash
# Side-by-side benchmark of Varve and Apache Kafka on this machine (docs/benchmarks.md, "Side by
# side with Apache Kafka"). Builds Varve, fetches the newest Apache Kafka 4.x broker and its perf
# tools with Maven into ~/.cache/varve/kafka (once), then runs io.varve.benchmarks.compare.Compare,
# which starts each broker in turn, runs the same loads against both, A B A B, and rewrites the
# comparison section of docs/benchmarks.md with docs/img/compare-*.png.
#
#   benchmarks/compare.sh --quick          # 2 rounds of 100k records: about 3-5 minutes
#   benchmarks/compare.sh                  # 3 rounds of 2M records: about 30-40 minutes
#   benchmarks/compare.sh --rounds 5 --records 1000000 --heap 2g --jfr always
#
# Environment: VARVE_CACHE (default ~/.cache/varve), KAFKA_VERSION (pin a broker version instead of
# the newest 4.x), MVN_ARGS (extra Maven arguments, e.g. -o), SKIP_BUILD=1 (use the jars as built).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v java >/dev/null || { echo "compare: java (17 or newer) is required" >&2; exit 1; }
command -v mvn >/dev/null || { echo "compare: Maven 3.8+ is required" >&2; exit 1; }
mvn_args=(-B -q -ntp -Dstyle.color=never ${MVN_ARGS:-})

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "compare: building cli and benchmarks ..." >&2
  mvn "${mvn_args[@]}" -DskipTests -pl cli,benchmarks -am package >&2
fi

# The Kafka broker and tools, fetched once into ~/.cache/varve/kafka (shared with compat/run.sh).
dist="$(dirname "$("$root/benchmarks/compare/fetch-kafka.sh" ${KAFKA_VERSION:-})")"
tools_version="$(sed -n 's:.*<kafka.tools.version>\(.*\)</kafka.tools.version>.*:\1:p' "$root/benchmarks/compare/kafka-dist.pom.xml")"
broker_jar="$(ls "$dist"/lib/kafka_2.13-*.jar | grep -v -e sources -e test | head -1)"
kafka_version="$(basename "$broker_jar" .jar)"; kafka_version="${kafka_version#kafka_2.13-}"
echo "compare: Apache Kafka $kafka_version (tools $tools_version) from $dist/lib" >&2

exec java @"$root/.mvn/jvm.config" -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.org.apache.kafka=error \
  -cp "$root/benchmarks/target/benchmarks.jar" io.varve.benchmarks.compare.Compare \
  --kafka-lib "$dist/lib" --kafka-version "$kafka_version" --kafka-log4j "$root/benchmarks/compare/kafka-log4j2.properties" \
  --varve-jar "$root/cli/target/varve.jar" --command "benchmarks/compare.sh $*" "$@"
