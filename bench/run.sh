#!/usr/bin/env bash
# The benchmark: the gateway's passthrough and nginx as a plain reverse proxy, each in front of the same fast
# fake upstream, against that upstream reached directly; then streams, concurrent streams, a mixture, what a
# mixture stream's progress shows and when (over the fake and over the built-in demo provider), mixture strategies
# (staircase against full aggregation, a grace against waiting for a slow proposer), memory and CPU, with a relay on
# Reactor Netty alone (bench/BareRelay.java) beside the gateway as the floor of its stack.
# Last, what telemetry costs: five gateways in front of the same fake, all running at once, against the fake
# reached directly and against the first of them, which has metrics and tracing off. The second has metrics on,
# the third metrics and 10% of traces sampled and exported (to the fake, which counts the exports), the fourth
# every trace, the fifth 10% and an access-log line a request. Each is scraped every 5 s, as Prometheus would.
# Targets take turns round by round. Installs nginx and wrk from Debian's packages if they are missing.
# The JVM compiles its hot paths while it runs, so every target gets WARMUP_SECONDS of load before anything is timed.
# Usage: bench/run.sh [telemetry | strategies | stream-cost]   (that section alone, without nginx)
#   ROUNDS=5 RUN_SECONDS=10 WARMUP_SECONDS=60 STREAM_LEVELS=500,1000,2000,4000 STRATEGY_REQUESTS=20 change the run.
set -euo pipefail
cd "$(dirname "$0")/.."

section=${1:-all}
case $section in
    all | telemetry | strategies | stream-cost) ;;
    *) echo "usage: bench/run.sh [telemetry | strategies | stream-cost]" >&2; exit 2 ;;
esac
ROUNDS=${ROUNDS:-5}
WARMUP_SECONDS=${WARMUP_SECONDS:-60}
RUN_SECONDS=${RUN_SECONDS:-10}
STREAM_LEVELS=${STREAM_LEVELS:-500,1000,2000,4000}
STRATEGY_REQUESTS=${STRATEGY_REQUESTS:-20}
export FAKE_PORT=${FAKE_PORT:-9801}
NGINX_PORT=${NGINX_PORT:-9802}
GATEWAY_PORT=${GATEWAY_PORT:-9803}
# The relay on Reactor Netty alone, in the stream-cost section.
RELAY_PORT=${RELAY_PORT:-9809}
# The telemetry section's gateways listen on this port and the four after it.
TELEMETRY_PORT=${TELEMETRY_PORT:-9804}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")"; rm -rf "$work"' EXIT

missing=()
[ "$section" != all ] || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v wrk > /dev/null || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "${missing[@]}" > /dev/null
fi
ulimit -n 65536 2> /dev/null || ulimit -n "$(ulimit -Hn)"

./mvnw -B -q package -DskipTests
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$work/classpath" -Dmdep.includeScope=test
classpath=$(cat "$work/classpath")
bench() { java -cp "$classpath" bench/Bench.java "$@"; }

# Starts a gateway in front of the fake on port $1, its output in file $2, with the further arguments; sets started.
start_gateway() {
    local port=$1 log=$2
    shift 2
    java @jvm.options -jar target/moa-gateway.jar --spring.config.location=classpath:/,file:bench/bench.yml \
        --server.port="$port" "$@" > "$log" 2>&1 &
    started=$!
}
# Waits for each of these URLs to answer; gives up after a minute.
await() {
    for answering in "$@"; do
        for attempt in $(seq 1 60); do
            curl -fs -o /dev/null "$answering" && break
            [ "$attempt" -lt 60 ] || { echo "no answer from $answering" >&2; exit 1; }
            sleep 1
        done
    done
}
rss() { echo $(( $(awk '/VmRSS/ {print $2}' "/proc/$1/status") / 1024 )); }
# CPU time (user + system, in clock ticks) of the gateway, or of nginx's workers.
cpu_ticks() { for pid in "$@"; do awk '{ print $14 + $15 }' "/proc/$pid/stat"; done | awk '{ s += $1 } END { print s + 0 }'; }

java -cp "$classpath" bench/FakeUpstream.java "$FAKE_PORT" 20 10 > "$work/fake.log" 2>&1 &
fake=$!
await "http://127.0.0.1:$FAKE_PORT/v1/traces"
declare -A url=([direct]="http://127.0.0.1:$FAKE_PORT")

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(java -version 2>&1 | head -1)"
proxy=$([ "$section" != all ] || echo " $(/usr/sbin/nginx -v 2>&1);")
echo "gateway: $(grep -v '^#' jvm.options | tr '\n' ' ');$proxy $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo

# Mixture strategies, streamed one at a time: full against staircase aggregation, over the fake and over the demo
# provider; a layer with a slow proposer waited for, and passed by a grace. Against the gateway at $1.
strategies() {
    echo "staircase against full aggregation, over the fake (drafts of 60 tokens, the last done at 790 ms; an" \
        "aggregator of 60 tokens 10 ms apart after 100 ms a call):"
    bench strategies "$1" "$STRATEGY_REQUESTS" fake-full fake-staircase-4 fake-staircase-16
    echo "the same over the demo provider at its realistic pace (three drafts, demo/sage aggregating):"
    bench strategies "$1" "$STRATEGY_REQUESTS" demo-full demo-staircase-4 demo-staircase-16
    echo "a layer with a slow proposer (100, 150, 3000 ms), waited for, and passed 200 ms after two answered:"
    bench strategies "$1" "$STRATEGY_REQUESTS" slow-wait slow-grace
}

# What streams cost the gateway at $2 (its pid $1): CPU per streamed request of 32 chunks at 64 at a time, direct
# (the fake's CPU), through a relay on Reactor Netty alone (the floor of the gateway's stack) and through the
# gateway, passthrough and mixture; resident memory with 1000 streams open.
stream_cost() {
    local ticks relay
    ticks=$(getconf CLK_TCK)
    java @jvm.options -cp "$classpath" bench/BareRelay.java "$RELAY_PORT" "http://127.0.0.1:$FAKE_PORT" \
        > "$work/relay.log" 2>&1 &
    relay=$!
    await "http://127.0.0.1:$RELAY_PORT/v1/models"
    wrk -t2 -c64 -d"${WARMUP_SECONDS}s" -s bench/post.lua "http://127.0.0.1:$RELAY_PORT/v1/chat/completions" \
        > /dev/null
    bench stream-cost "$relay" "$ticks" warm-up "http://127.0.0.1:$RELAY_PORT" "mock/n=32,p=1" 16000 64 > /dev/null
    echo "what a stream costs, CPU time of the process serving it (32 chunks 1 ms apart; the mixture's three calls" \
        "stream 32 chunks each):"
    for round in 1 2; do
        bench stream-cost "$fake" "$ticks" "direct, the fake's CPU" "http://127.0.0.1:$FAKE_PORT" "mock/n=32,p=1" \
            4000 64
        bench stream-cost "$relay" "$ticks" "Reactor Netty relay" "http://127.0.0.1:$RELAY_PORT" "mock/n=32,p=1" \
            4000 64
        bench stream-cost "$1" "$ticks" "gateway passthrough" "$2" "mock/n=32,p=1" 4000 64
        bench stream-cost "$1" "$ticks" "gateway mixture" "$2" cost-mixture 2000 64
    done
    kill "$relay"
    echo "the gateway's memory with 1000 streams open (20 chunks 100 ms apart):"
    bench open-streams "$1" "passthrough" "$2" "mock/n=20,p=100" 1000
    bench open-streams "$1" "mixture" "$2" open-mixture 1000
}

if [ "$section" = stream-cost ]; then
    start_gateway "$GATEWAY_PORT" "$work/gateway.log"
    await "http://127.0.0.1:$GATEWAY_PORT/actuator/health"
    echo "warming up: ${WARMUP_SECONDS} s of load, then streams"
    wrk -t2 -c64 -d"${WARMUP_SECONDS}s" -s bench/post.lua "http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions" \
        > /dev/null
    bench stream-cost "$started" "$(getconf CLK_TCK)" warm-up "http://127.0.0.1:$GATEWAY_PORT" "mock/n=32,p=1" 8000 64 \
        > /dev/null
    bench stream-cost "$started" "$(getconf CLK_TCK)" warm-up "http://127.0.0.1:$GATEWAY_PORT" cost-mixture 4000 64 \
        > /dev/null
    echo
    stream_cost "$started" "http://127.0.0.1:$GATEWAY_PORT"
    echo "errors logged by the gateway: $(grep -c ' ERROR ' "$work/gateway.log" || true)"
    exit 0
fi

if [ "$section" = strategies ]; then
    start_gateway "$GATEWAY_PORT" "$work/gateway.log"
    await "http://127.0.0.1:$GATEWAY_PORT/actuator/health"
    echo "warming up: mixture runs, then the strategies"
    bench mixture "http://127.0.0.1:$GATEWAY_PORT" mixture 420 100 2000 > /dev/null
    bench mixture "http://127.0.0.1:$GATEWAY_PORT" mixture 420 1 100 > /dev/null
    echo
    strategies "http://127.0.0.1:$GATEWAY_PORT"
    echo "errors logged by the gateway: $(grep -c ' ERROR ' "$work/gateway.log" || true)"
    exit 0
fi

if [ "$section" = all ]; then
    sed -e "s|@WORK@|$work|g" -e "s|@FAKE_PORT@|$FAKE_PORT|g" -e "s|@NGINX_PORT@|$NGINX_PORT|g" \
        bench/nginx.conf > "$work/nginx.conf"
    /usr/sbin/nginx -p "$work" -c "$work/nginx.conf"

    start_gateway "$GATEWAY_PORT" "$work/gateway.log"
    gateway=$started
    await "http://127.0.0.1:$GATEWAY_PORT/actuator/health"
    sleep 5

    ticks() {
        case $1 in
            gateway) cpu_ticks "$gateway" ;;
            nginx) cpu_ticks $(pgrep -P "$(cat "$work/nginx.pid")") ;;
            *) echo 0 ;;
        esac
    }

    url[nginx]="http://127.0.0.1:$NGINX_PORT"
    url[gateway]="http://127.0.0.1:$GATEWAY_PORT"
    idle=$(rss "$gateway")

    echo "warming up: ${WARMUP_SECONDS} s of load on each target, then streams and mixtures"
    for target in direct nginx gateway; do
        wrk -t2 -c64 -d"${WARMUP_SECONDS}s" -s bench/post.lua "${url[$target]}/v1/chat/completions" > /dev/null
    done
    bench streams 1 100 20 5 direct="${url[direct]}" nginx="${url[nginx]}" gateway="${url[gateway]}" > /dev/null
    bench mixture "${url[gateway]}" mixture 420 100 300 > /dev/null
    echo

    # Non-streamed, with wrk: the targets take turns, starting each round with another one.
    order=(direct nginx gateway)
    for round in $(seq 1 "$ROUNDS"); do
        for connections in 1 64; do
            for target in "${order[@]}"; do
                before=$(ticks "$target")
                line=$(wrk -t"$((connections == 1 ? 1 : 2))" -c"$connections" -d"${RUN_SECONDS}s" -s bench/post.lua \
                    "${url[$target]}/v1/chat/completions" | awk '/^result/ { print $2, $3, $4, $5, $6 }')
                echo "$connections $target $round $line $(( $(ticks "$target") - before ))" >> "$work/wrk.txt"
            done
        done
        order=("${order[@]:1}" "${order[0]}")
    done
    bench wrk-summary "$work/wrk.txt" "$(getconf CLK_TCK)"
    echo

    bench streams "$ROUNDS" 60 20 5 direct="${url[direct]}" nginx="${url[nginx]}" gateway="${url[gateway]}"
    echo

    echo "mixture of 3 + 2 proposers and an aggregator (fake latencies: 100/150/200 ms, 80/120 ms, 100 ms):"
    bench mixture "${url[gateway]}" mixture 420 1 50
    bench mixture "${url[gateway]}" mixture 420 100 500
    echo

    # Progress: the run's account as reasoning_content and its named events, against the same stream without them.
    echo "progress of that mixture, one stream at a time (layer 1's fastest proposer has its first token at 100 ms):"
    bench progress "${url[gateway]}" mixture 50
    echo "progress of moa-demo, the built-in demo provider's mixture at its realistic pace (moa.demo.speed 1):"
    bench progress "${url[gateway]}" moa-demo 20
    echo

    strategies "${url[gateway]}"
    echo

    stream_cost "$gateway" "${url[gateway]}"
    echo

    bench concurrent "$gateway" 20 100 "$STREAM_LEVELS" direct="${url[direct]}" nginx="${url[nginx]}" \
        gateway="${url[gateway]}"
    sleep 10
    after=$(rss "$gateway")
    echo

    echo "gateway RSS: ${idle} MB idle after start, ${after} MB 10 s after the concurrent streams ended"
    echo "errors logged by the gateway: $(grep -c ' ERROR ' "$work/gateway.log" || true)"
    echo
    # The telemetry section has gateways of its own.
    kill "$gateway"
    wait "$gateway" 2> /dev/null || true
fi

# Telemetry: five gateways, identical but for their telemetry, all started now. While one is measured the others
# are idle but for their scrapes and timers; what that costs them is printed at the end. Each one's trace exporter
# names its port in its URL, so that the fake can count each one's exports; the two with tracing export off have
# one too, which must stay unused.
variants=(off metrics metrics+10% metrics+100% metrics+10%+log)
declare -A flags=(
    [off]="--management.metrics.enable.all=false --management.tracing.export.enabled=false
        --management.tracing.sampling.probability=0"
    [metrics]="--management.tracing.export.enabled=false --management.tracing.sampling.probability=0"
    [metrics+10%]="--management.tracing.sampling.probability=0.1"
    [metrics+100%]="--management.tracing.sampling.probability=1"
    [metrics+10%+log]="--management.tracing.sampling.probability=0.1 --logging.level.dev.moagateway.access=INFO"
)
declare -A port pid
targets=(direct="${url[direct]}")
for i in "${!variants[@]}"; do
    variant=${variants[$i]}
    port[$variant]=$((TELEMETRY_PORT + i))
    # The flags are split into arguments on purpose.
    # shellcheck disable=SC2086
    start_gateway "${port[$variant]}" "$work/telemetry-${port[$variant]}.log" ${flags[$variant]} \
        "--management.opentelemetry.tracing.export.otlp.endpoint=${url[direct]}/v1/traces?from=${port[$variant]}"
    pid[$variant]=$started
    url[$variant]="http://127.0.0.1:${port[$variant]}"
    targets+=("$variant=${url[$variant]}")
done
for variant in "${variants[@]}"; do
    await "${url[$variant]}/actuator/health"
done
sleep 5

# Prometheus: every gateway's metrics every 5 s, from the warm-up on.
scrapers=()
for variant in "${variants[@]}"; do
    while sleep 5; do
        curl -s -o /dev/null -w '%{http_code} %{size_download} %{time_total}\n' \
            -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' \
            "${url[$variant]}/actuator/prometheus" || true
    done >> "$work/scrapes-${port[$variant]}.txt" &
    scrapers+=($!)
done

echo "telemetry: gateways with telemetry off (off), with metrics (metrics), with metrics and 10% of traces exported" \
    "(metrics+10%), the same with every trace exported (metrics+100%), and metrics+10% with its access log" \
    "(metrics+10%+log)"
echo "warming up: ${WARMUP_SECONDS} s of load on each target, then streams"
warm=("${variants[@]}")
[ "$section" = all ] || warm=(direct "${warm[@]}")
for target in "${warm[@]}"; do
    wrk -t2 -c64 -d"${WARMUP_SECONDS}s" -s bench/post.lua "${url[$target]}/v1/chat/completions" > /dev/null
done
bench streams 1 100 32 5 "${targets[@]}" > /dev/null
echo

# Non-streamed, as above; the gateways that are not measured have their CPU time counted as idle.
order=(direct "${variants[@]}")
declare -A idle_ticks idle_micros
for round in $(seq 1 "$ROUNDS"); do
    for connections in 1 64; do
        for target in "${order[@]}"; do
            declare -A before=()
            for variant in "${variants[@]}"; do
                before[$variant]=$(cpu_ticks "${pid[$variant]}")
            done
            line=$(wrk -t"$((connections == 1 ? 1 : 2))" -c"$connections" -d"${RUN_SECONDS}s" -s bench/post.lua \
                "${url[$target]}/v1/chat/completions" | awk '/^result/ { print $2, $3, $4, $5, $6 }')
            spent=0
            for variant in "${variants[@]}"; do
                used=$(( $(cpu_ticks "${pid[$variant]}") - ${before[$variant]} ))
                if [ "$variant" = "$target" ]; then
                    spent=$used
                else
                    idle_ticks[$variant]=$(( ${idle_ticks[$variant]:-0} + used ))
                    idle_micros[$variant]=$(( ${idle_micros[$variant]:-0} + $(cut -d' ' -f2 <<< "$line") ))
                fi
            done
            echo "$connections $target $round $line $spent" >> "$work/telemetry.txt"
        done
    done
    order=("${order[@]:1}" "${order[0]}")
done

# The wrk runs' summary, streams of 32 chunks, then each variant against off; the targets are for the variants
# with metrics on and at most 10% of traces sampled.
bench telemetry "$work/telemetry.txt" "$(getconf CLK_TCK)" "$ROUNDS" 60 32 5 metrics,metrics+10% "${targets[@]}"
kill "${scrapers[@]}"
echo

echo "the telemetry gateways (idle CPU: the share of a core each used while wrk measured another target;" \
    "RSS and log lines at the end):"
printf '  %-12s %9s %17s %13s %10s %9s %10s\n' variant "idle CPU" "scrapes answered" "scrape p50" "last page" RSS \
    "log lines"
# The median time of the answered scrapes in this file, in milliseconds.
scrape_p50() {
    awk '$1 == 200 { print $3 * 1000 }' "$1" | sort -n \
        | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'
}
for variant in "${variants[@]}"; do
    scrapes=$work/scrapes-${port[$variant]}.txt
    printf '  %-12s %8.2f%% %17s %10.1f ms %7d KB %6d MB %10d\n' "$variant" \
        "$(awk -v t="${idle_ticks[$variant]:-0}" -v us="${idle_micros[$variant]:-1}" -v hz="$(getconf CLK_TCK)" \
            'BEGIN { print t / hz / (us / 1e6) * 100 }')" \
        "$(awk '$1 == 200 { ok++ } END { print ok + 0 "/" NR }' "$scrapes")" \
        "$(scrape_p50 "$scrapes")" \
        "$(awk '$1 == 200 { size = $2 } END { print int(size / 1024) }' "$scrapes")" \
        "$(rss "${pid[$variant]}")" "$(wc -l < "$work/telemetry-${port[$variant]}.log")"
done
echo "warnings and errors logged by the telemetry gateways:" \
    "$(cat "$work"/telemetry-*.log | grep -cE ' (WARN|ERROR) ' || true)"
