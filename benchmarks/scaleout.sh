#!/usr/bin/env bash
# Issue 17's benchmark: starts one Redis and a 3-primary / 3-replica Redis Cluster of the machine's redis-server on
# loopback ports BASE..BASE+6 (default 7100), runs ScaleOutReport against them, and stops them.
#   benchmarks/scaleout.sh [BASE] [--quick]
set -euo pipefail
base="${1:-7100}"; shift || true
dir="$(mktemp -d)"
ports=()
cleanup() {
  for p in "${ports[@]}"; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
single=$((base + 6))
redis-server --port "$single" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --dir "$dir" \
  --logfile "$dir/single.log"
ports+=("$single")
seeds=()
for i in 0 1 2 3 4 5; do
  p=$((base + i))
  redis-server --port "$p" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --cluster-enabled yes \
    --cluster-config-file "$dir/nodes-$p.conf" --cluster-node-timeout 1000 --repl-diskless-sync-delay 0 \
    --dir "$dir" --dbfilename "dump-$p.rdb" --logfile "$dir/$p.log"
  ports+=("$p"); seeds+=("127.0.0.1:$p")
done
sleep 0.5
redis-cli --cluster create "${seeds[@]}" --cluster-replicas 1 --cluster-yes >/dev/null
until redis-cli -p "$base" cluster info | grep -q cluster_state:ok; do sleep 0.2; done
sleep 2
cluster="$(IFS=,; echo "${seeds[*]}")"
java -Dbench.redis="redis://127.0.0.1:$single" -Dbench.cluster="$cluster" \
  -cp benchmarks/target/benchmarks.jar io.bulwark.benchmarks.ScaleOutReport "$@"
