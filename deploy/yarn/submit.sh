#!/usr/bin/env bash
# Spindle on YARN (cluster mode). Run from the Spindle folder on a gateway host where spark-submit
# (Spark 3.5.7) and HADOOP_CONF_DIR are set up; data and output on HDFS:
#   deploy/yarn/submit.sh train conf/jobs/mnist10k-mlp.yaml \
#     --set data.path=hdfs:///data/mnist10k.csv.gz --output hdfs:///spindle/mnist10k-mlp
# The spec file travels with --files and is read from the driver's working folder. YARN generates
# and distributes the authentication secret itself (spark.authenticate=true).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: deploy/yarn/submit.sh SUBCOMMAND SPEC [ARGS...]" >&2; exit 2; }
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CMD="$1"
SPEC="$2"
shift 2
JAR="$(ls "$HOME_DIR"/jobs/target/spindle-jobs-*-app.jar | head -n 1)"
exec spark-submit \
  --master yarn --deploy-mode cluster --name spindle \
  --class io.spindle.jobs.Main \
  --files "$SPEC" \
  --num-executors 2 --executor-cores 2 --executor-memory 4g \
  --conf spark.executor.memoryOverhead=2g --conf spark.driver.memoryOverhead=1g \
  --conf spark.authenticate=true --conf spark.network.crypto.enabled=true \
  --conf spark.executorEnv.OMP_NUM_THREADS=2 \
  "$JAR" "$CMD" "$(basename "$SPEC")" "$@"
