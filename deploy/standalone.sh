#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, built from the jars Maven resolved for Spindle
# (no Spark download): one master and N workers, each its own JVM, on loopback only, with RPC
# authentication (a generated shared secret) and RPC encryption on.
#
#   deploy/standalone.sh start [WORKERS=2] [CORES=1] [MEMORY=3g]  start the master and workers; waits until registered
#   deploy/standalone.sh submit SUBCOMMAND ARGS...                spark-submit the application jar to it (client mode),
#                                                                 e.g. submit train conf/jobs/digits.yaml --output /tmp/d
#   deploy/standalone.sh status                                   master URL, and the JVMs it started
#   deploy/standalone.sh stop                                     stops every JVM it started, by PID
#
# Environment:
#   SPINDLE_CLUSTER_DIR        state: spark-home/, secret, pids, logs/, work/ (default deploy/target/cluster)
#   SPINDLE_MASTER_PORT        master RPC port (default 7077)
#   SPINDLE_MASTER_WEBUI_PORT  master web UI port (default 18080)
#   SPINDLE_AUTH               on (default) or off: spark.authenticate and spark.network.crypto.enabled
#   SPINDLE_SECRET             submit: use this secret instead of the cluster's (to check that a wrong one is refused)
#   SPINDLE_SUBMIT_OPTS        submit: extra spark-submit options, e.g. "--conf spark.executor.memory=2g"
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${SPINDLE_CLUSTER_DIR:-$HOME_DIR/deploy/target/cluster}"
PORT="${SPINDLE_MASTER_PORT:-7077}"
UI_PORT="${SPINDLE_MASTER_WEBUI_PORT:-18080}"
AUTH="${SPINDLE_AUTH:-on}"
MASTER="spark://127.0.0.1:$PORT"
SH="$DIR/spark-home"
# shellcheck source=deploy/java-opens.sh
source "$HOME_DIR/deploy/java-opens.sh"
export SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.12 SPARK_HOME="$SH"
# executors train with one BLAS thread per task core
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

die() {
  echo "standalone.sh: $*" >&2
  exit 2
}

app_jar() {
  ls "$HOME_DIR"/jobs/target/spindle-jobs-*-app.jar 2>/dev/null | head -n 1
}

ensure_built() {
  if [ -z "$(app_jar)" ] || [ ! -f "$HOME_DIR/deploy/target/spark-classpath.txt" ]; then
    echo "building the application jar and the Spark classpath (mvn -B -DskipTests -pl jobs,deploy -am package)..." >&2
    (cd "$HOME_DIR" && mvn -B -q -DskipTests -pl jobs,deploy -am package) >&2
  fi
}

# SPARK_HOME as Spark's launch scripts expect it: jars/ (links to the jars of Spark and its dependencies
# that Maven resolved for the deploy module),
# conf/ and an empty RELEASE file
make_spark_home() {
  mkdir -p "$SH/jars" "$SH/conf"
  find "$SH/jars" -name '*.jar' -delete
  tr ':' '\n' < "$HOME_DIR/deploy/target/spark-classpath.txt" | while read -r jar; do
    [ -n "$jar" ] && ln -sf "$jar" "$SH/jars/"
  done
  : > "$SH/RELEASE"
  # the daemons log their registrations (INFO), which start waits for; everything else at WARN
  cat > "$SH/conf/log4j2.properties" <<'PROPS'
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
logger.deploy.name = org.apache.spark.deploy
logger.deploy.level = info
logger.executor.name = org.apache.spark.executor
logger.executor.level = info
PROPS
}

auth_opts() {
  if [ "$AUTH" = on ]; then
    echo "-Dspark.authenticate=true -Dspark.network.crypto.enabled=true"
  fi
}

# the secret travels in the environment (Spark reads _SPARK_AUTH_SECRET), never on a command line
use_secret() {
  if [ "$AUTH" = on ]; then
    [ -f "$DIR/secret" ] || die "no secret in $DIR: start the cluster first"
    _SPARK_AUTH_SECRET="${SPINDLE_SECRET:-$(cat "$DIR/secret")}"
    export _SPARK_AUTH_SECRET
  fi
}

running() {
  [ -f "$DIR/pids" ] || return 1
  while read -r _ pid; do
    kill -0 "$pid" 2>/dev/null && return 0
  done < "$DIR/pids"
  return 1
}

wait_for() { # FILE PATTERN SECONDS WHAT
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      tail -n 20 "$1" >&2 || true
      die "$4 did not come up within $3 s (log: $1)"
    fi
    sleep 0.5
  done
}

cmd_start() {
  local workers="${1:-2}" cores="${2:-1}" memory="${3:-3g}"
  [[ "$workers" =~ ^[1-9][0-9]*$ ]] || die "WORKERS must be a positive number, got '$workers'"
  [[ "$cores" =~ ^[1-9][0-9]*$ ]] || die "CORES must be a positive number, got '$cores'"
  if running; then
    die "a cluster started from $DIR is running ($(cat "$DIR/master")); stop it first: deploy/standalone.sh stop"
  fi
  ensure_built
  rm -rf "$DIR/logs" "$DIR/work" "$DIR/pids"
  mkdir -p "$DIR/logs" "$DIR/work"
  make_spark_home
  if [ "$AUTH" = on ]; then
    (umask 077 && head -c 32 /dev/urandom | base64 > "$DIR/secret")
  fi
  use_secret
  # shellcheck disable=SC2046,SC2086
  java -Xmx512m $OPENS $(auth_opts) -Dlog4j2.configurationFile="$SH/conf/log4j2.properties" \
    -cp "$SH/conf:$SH/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$PORT" --webui-port "$UI_PORT" > "$DIR/logs/master.log" 2>&1 &
  echo "master $!" >> "$DIR/pids"
  echo "$MASTER" > "$DIR/master"
  wait_for "$DIR/logs/master.log" "I have been elected leader" 60 "the master"
  for i in $(seq 1 "$workers"); do
    mkdir -p "$DIR/work/worker-$i"
    # shellcheck disable=SC2046,SC2086
    java -Xmx512m $OPENS $(auth_opts) -Dlog4j2.configurationFile="$SH/conf/log4j2.properties" \
      -cp "$SH/conf:$SH/jars/*" org.apache.spark.deploy.worker.Worker "$MASTER" \
      --host 127.0.0.1 --cores "$cores" --memory "$memory" --work-dir "$DIR/work/worker-$i" --webui-port 0 \
      > "$DIR/logs/worker-$i.log" 2>&1 &
    echo "worker-$i $!" >> "$DIR/pids"
  done
  for i in $(seq 1 "$workers"); do
    wait_for "$DIR/logs/worker-$i.log" "Successfully registered with master" 60 "worker $i"
  done
  echo "master $MASTER (web UI http://127.0.0.1:$UI_PORT), $workers workers x $cores cores x $memory;" \
    "authentication and RPC encryption $AUTH; state in $DIR"
}

cmd_submit() {
  [ $# -ge 1 ] || die "submit needs a spindle subcommand, e.g. submit train conf/jobs/digits.yaml --output /tmp/out"
  running || die "no cluster started from $DIR is running: deploy/standalone.sh start"
  ensure_built
  use_secret
  local auth=()
  if [ "$AUTH" = on ]; then
    # a standalone application reads its secret from its configuration: a file only this user can
    # read, not the command line (which every user of the machine can list)
    SUBMIT_PROPS="$(umask 077 && mktemp "$DIR/submit-XXXXXX.conf")"
    trap 'rm -f "$SUBMIT_PROPS"' EXIT
    printf 'spark.authenticate=true\nspark.network.crypto.enabled=true\nspark.authenticate.secret=%s\n' \
      "$_SPARK_AUTH_SECRET" > "$SUBMIT_PROPS"
    auth=(--properties-file "$SUBMIT_PROPS")
  fi
  # shellcheck disable=SC2086
  java -Xmx2g $OPENS -Dlog4j2.configurationFile="$HOME_DIR/conf/log4j2.properties" \
    -cp "$SH/conf:$SH/jars/*" org.apache.spark.deploy.SparkSubmit \
    --master "$(cat "$DIR/master")" --deploy-mode client --class io.spindle.jobs.Main \
    --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
    --conf "spark.executor.extraJavaOptions=$OPENS" "${auth[@]}" ${SPINDLE_SUBMIT_OPTS:-} \
    "$(app_jar)" "$@"
}

cmd_status() {
  if ! running; then
    echo "no cluster running from $DIR"
    return 1
  fi
  echo "master $(cat "$DIR/master")"
  while read -r name pid; do
    if kill -0 "$pid" 2>/dev/null; then echo "$name pid $pid running"; else echo "$name pid $pid gone"; fi
  done < "$DIR/pids"
}

cmd_stop() {
  [ -f "$DIR/pids" ] || { echo "no cluster started from $DIR"; return 0; }
  # workers first (they stop their executors), then the master
  tac "$DIR/pids" | while read -r _ pid; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 40); do
    running || break
    sleep 0.25
  done
  tac "$DIR/pids" | while read -r _ pid; do kill -9 "$pid" 2>/dev/null || true; done
  rm -f "$DIR/pids"
  echo "stopped the cluster of $DIR"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  submit) shift; cmd_submit "$@" ;;
  status) cmd_status ;;
  stop) cmd_stop ;;
  *) die "usage: deploy/standalone.sh start [WORKERS] [CORES] [MEMORY] | submit SUBCOMMAND ARGS... | status | stop" ;;
esac
