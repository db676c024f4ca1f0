#!/usr/bin/env bash
# Load and soak: the gateway in front of a fast fake upstream on this machine. Holds CONCURRENT streaming
# mixture requests at once, then soaks at RATE requests a second for SOAK_SECONDS, and prints errors, the
# gateway's resident memory at idle, under load and after, and the buffers Netty reported leaked.
# Not part of CI. Usage: bench/load-soak.sh   (CONCURRENT=1000 RATE=50 SOAK_SECONDS=600 by default)
set -euo pipefail
cd "$(dirname "$0")/.."

CONCURRENT=${CONCURRENT:-1000}
RATE=${RATE:-50}
SOAK_SECONDS=${SOAK_SECONDS:-600}
export FAKE_PORT=${FAKE_PORT:-9901}
GATEWAY_PORT=${GATEWAY_PORT:-9900}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

./mvnw -B -q package -DskipTests
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$work/classpath" -Dmdep.includeScope=test
classpath=$(cat "$work/classpath")

# Streams of 50 tokens, 100 ms apart: each holds its connections for about 5 s.
java -cp "$classpath" bench/FakeUpstream.java "$FAKE_PORT" 50 100 > "$work/fake.log" 2>&1 &
java -Xms64m -Xmx512m -XX:G1PeriodicGCInterval=5000 -Dio.netty.leakDetection.level=advanced \
    -jar target/moa-gateway.jar --spring.config.location=classpath:/,file:bench/load-soak.yml --server.port="$GATEWAY_PORT" \
    --logging.level.root=WARN > "$work/gateway.log" 2>&1 &
gateway=$!
for _ in $(seq 1 60); do
    curl -fs "localhost:$GATEWAY_PORT/actuator/health" > /dev/null && break
    sleep 1
done
sleep 5

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(java -version 2>&1 | head -1)"
java -cp "$classpath" bench/LoadSoak.java "http://127.0.0.1:$GATEWAY_PORT" "$gateway" "$CONCURRENT" "$RATE" "$SOAK_SECONDS"
jcmd "$gateway" GC.run > /dev/null
sleep 5
echo "RSS after a full GC: $(( $(awk '/VmRSS/ {print $2}' "/proc/$gateway/status") / 1024 )) MB"
echo "leaked buffers reported by Netty: $(grep -c 'LEAK:' "$work/gateway.log" || true)"
echo "gateway errors logged: $(grep -c ' ERROR ' "$work/gateway.log" || true)"
