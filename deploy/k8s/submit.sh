#!/usr/bin/env bash
# Spindle on Kubernetes with plain spark-submit (cluster mode): the same job as spindle-train.yaml.
#   K8S_API=https://<api-server>:6443 deploy/k8s/submit.sh train /opt/spindle/conf/jobs/mnist10k-mlp.yaml \
#     --set data.path=/opt/spindle/conf/datasets/mnist10k.csv.gz --output hdfs://namenode:8020/spindle/mnist
# Needs a Spark 3.5.7 distribution's spark-submit on PATH and the image of deploy/k8s/Dockerfile.
set -euo pipefail
: "${K8S_API:?set K8S_API to the Kubernetes API server, e.g. https://10.0.0.1:6443}"
exec spark-submit \
  --master "k8s://$K8S_API" --deploy-mode cluster --name spindle \
  --class io.spindle.jobs.Main \
  --conf spark.kubernetes.container.image="${SPINDLE_IMAGE:-spindle:0.1.0}" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=spark \
  --conf spark.executor.instances=2 --conf spark.executor.cores=2 --conf spark.executor.memory=4g \
  --conf spark.kubernetes.memoryOverheadFactor=0.5 \
  --conf spark.authenticate=true --conf spark.network.crypto.enabled=true \
  --conf spark.executorEnv.OMP_NUM_THREADS=2 \
  local:///opt/spindle/spindle-jobs-app.jar "$@"
