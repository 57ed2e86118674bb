#!/usr/bin/env bash
# The third-party client matrix (DESIGN §7 tier 4; docs/testing.md, "Client compatibility matrix").
# Installs the clients (Debian packages, npm packages; the npm librdkafka is compiled here once),
# fetches Apache Kafka 4.3.1 with Maven, builds Varve if its sources changed, then runs
# compat/matrix.py: every client's scenario against Kafka, one Varve node and a three-node Varve
# cluster, and rewrites docs/compatibility.md.
#
#   compat/run.sh                       # all targets, all clients
#   compat/run.sh --target kafka        # one target: kafka | varve | varve3 | all
#   compat/run.sh --target varve --clients kcat,kafka-python --report-only
#
# Exit status: 0 when every check passing against Kafka also passes against Varve; 1 when one does
# not (unless --report-only); 2 when a target cannot start; 3 when a client cannot be installed.
# Environment: VARVE_CACHE (default ~/.cache/varve; what the installs build lives in $VARVE_CACHE/compat),
# COMPAT_LOGS (keep the client logs there), MVN_ARGS (extra Maven arguments for the Kafka fetch).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${VARVE_CACHE:-$HOME/.cache/varve}/compat"
py=/usr/bin/python3   # Debian's, where python3-confluent-kafka and python3-kafka install; not a pyenv shim
KAFKAJS_VERSION=2.2.4
CONFLUENT_JS_VERSION=1.10.1
DEBS=(kcat python3-confluent-kafka python3-kafka python3-snappy python3-lz4 python3-zstandard
      build-essential python3 libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev)
# Node.js and npm only when absent: a Node.js from elsewhere (NodeSource) conflicts with Debian's npm.
command -v node >/dev/null && command -v npm >/dev/null || DEBS+=(nodejs npm)

die() { echo "compat: $*" >&2; exit 3; }

install_debs() {
  local missing=()
  for p in "${DEBS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "compat: installing Debian packages: ${missing[*]} ..." >&2
  local sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  { "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"; } \
    >"$cache/apt.log" 2>&1 || die "cannot install ${missing[*]} with apt-get (root or passwordless sudo needed); see $cache/apt.log: $(tail -1 "$cache/apt.log")"
}

# Installs KafkaJS and @confluentinc/kafka-javascript into $cache/npm. The latter's prebuilt binary is
# downloaded from GitHub, which is unreachable here, so its bundled librdkafka is compiled from source
# (CKJS_LINKING=dynamic: against Debian's OpenSSL, zlib, zstd and lz4, instead of downloading their
# sources too); that takes about a minute and a half, once.
install_npm() {
  local dir="$cache/npm" want
  want="{\"name\":\"varve-compat-clients\",\"private\":true,\"dependencies\":{\"kafkajs\":\"$KAFKAJS_VERSION\",\"@confluentinc/kafka-javascript\":\"$CONFLUENT_JS_VERSION\"}}"
  mkdir -p "$dir"
  if [ "$(cat "$dir/package.json" 2>/dev/null)" = "$want" ] && (cd "$dir" && node -e 'require("kafkajs"); require("@confluentinc/kafka-javascript")' 2>/dev/null); then
    return 0
  fi
  echo "compat: installing kafkajs $KAFKAJS_VERSION and @confluentinc/kafka-javascript $CONFLUENT_JS_VERSION (compiling librdkafka, about 2 minutes) ..." >&2
  rm -rf "$dir/node_modules" "$dir/package-lock.json"
  echo "$want" >"$dir/package.json"
  (cd "$dir" && CKJS_LINKING=dynamic npm_config_build_from_source=true timeout 1200 npm install --no-audit --no-fund) \
    >"$cache/npm.log" 2>&1 || die "npm install failed; see $cache/npm.log: $(grep -m1 -i 'error' "$cache/npm.log")"
  (cd "$dir" && node -e 'require("kafkajs"); require("@confluentinc/kafka-javascript")') \
    || die "the npm clients do not load; see $cache/npm.log"
}

mkdir -p "$cache"
install_debs
"$py" -c 'import confluent_kafka, kafka, snappy, lz4, zstandard' 2>/dev/null \
  || die "$py cannot import confluent_kafka, kafka, snappy, lz4 and zstandard after installing ${DEBS[*]}"
command -v kcat >/dev/null || die "kcat is not on the PATH after installing it"
install_npm

kafka_lib="$("$root/benchmarks/compare/fetch-kafka.sh" 4.3.1)" || die "cannot fetch Apache Kafka 4.3.1 with Maven"
# ./varve builds the distribution when its sources changed; `help` starts nothing.
"$root/varve" help >/dev/null

exec "$py" "$root/compat/matrix.py" --kafka-lib "$kafka_lib" \
  --kafka-log4j "$root/benchmarks/compare/kafka-log4j2.properties" --node-modules "$cache/npm/node_modules" "$@"
