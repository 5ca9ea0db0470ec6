#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript, and the worker's
# spark.worker.resource.gpu.discoveryScript in standalone mode): prints the GPUs of this host as
# {"name": "gpu", "addresses": ["0", "1", ...]} from nvidia-smi; no GPU: an empty list.
set -euo pipefail
if command -v nvidia-smi >/dev/null 2>&1; then
  ADDRS=$(nvidia-smi --query-gpu=index --format=csv,noheader | sed -e 's/^ *//' -e 's/^/"/' -e 's/$/"/' | paste -sd, -)
else
  ADDRS=""
fi
echo "{\"name\": \"gpu\", \"addresses\": [${ADDRS}]}"
