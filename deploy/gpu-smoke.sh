#!/usr/bin/env bash
# Trains the mnist10k MLP (conf/jobs/mnist10k-mlp.yaml) for a few epochs with the CPU build and then
# with the GPU build (ND4J on CUDA 11.6, `mvn -Pgpu`), one worker each on an embedded local Spark,
# and prints both samples/s figures. Needs an NVIDIA GPU and the CUDA 11.6 libraries.
#   deploy/gpu-smoke.sh [EPOCHS=3]
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EPOCHS="${1:-3}"
OUT="$HOME_DIR/deploy/target/gpu-smoke"
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu-smoke.sh: no NVIDIA GPU on this machine (nvidia-smi finds none); the GPU build needs one" >&2
  exit 2
fi
# shellcheck source=deploy/java-opens.sh
source "$HOME_DIR/deploy/java-opens.sh"
mkdir -p "$OUT"
cd "$HOME_DIR"
build() { # PROFILE NAME
  echo "building the $2 application jar (mvn -B -DskipTests $1 -pl jobs -am package)..." >&2
  mvn -B -q -DskipTests $1 -pl jobs -am package >&2
  cp jobs/target/spindle-jobs-*-app.jar "$OUT/$2.jar"
}
build "" cpu
build "-Pgpu" gpu
build "" cpu # leave the CPU build in place
train() { # NAME
  # shellcheck disable=SC2086
  java -Xmx8g $OPENS -Dorg.bytedeco.javacpp.maxbytes=8g -Dorg.bytedeco.javacpp.maxphysicalbytes=20g \
    -Dlog4j2.configurationFile="$HOME_DIR/conf/log4j2.properties" \
    -cp "$OUT/$1.jar:$(cat jobs/target/classpath-provided.txt)" io.spindle.jobs.Main train conf/jobs/mnist10k-mlp.yaml \
    --set data.path="$HOME_DIR/conf/datasets/mnist10k.csv.gz" --set training.epochs="$EPOCHS" \
    --set cluster.workers=1 --output "$OUT/$1" --overwrite --master 'local[1]' >&2
  sed -n 's/.*"samples_per_s" *: *\([0-9.]*\).*/\1/p' "$OUT/$1/summary.json" | head -n 1
}
CPU=$(train cpu)
GPU=$(train gpu)
printf 'mnist10k MLP, %s epochs, 1 worker: CPU %.0f samples/s, GPU %.0f samples/s (%.2fx)\n' \
  "$EPOCHS" "$CPU" "$GPU" "$(echo "$GPU / $CPU" | bc -l)"
