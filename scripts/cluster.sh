#!/usr/bin/env bash
# cluster.sh: a standalone Flink 2.3 session cluster on 127.0.0.1 built from this checkout's Maven-resolved Flink
# jars (no flink-dist): one JobManager and two TaskManagers (one slot each) as separate JVMs, and job submission
# through Flink's own CliFrontend (what `flink run` calls) with the job jar flink-jobs/<build>/mcgt-job.jar.
#
# Usage:
#   scripts/cluster.sh start                 write out/cluster/conf, start the JVMs, wait for 2 TaskManagers
#   scripts/cluster.sh status                pids alive or not, and the REST overview
#   scripts/cluster.sh stop                  TERM the pids of the pid files, wait, KILL what is left
#   scripts/cluster.sh submit [--detached] [-s SAVEPOINT [--allow-non-restored]] -- JOB OPTIONS
#                                            flink run -c dev.mcgt.cli.JobMain mcgt-job.jar JOB OPTIONS
#                                            (JOB OPTIONS: those of `mcgt score`, e.g. --model F --input P --output D)
#   scripts/cluster.sh sql [--model F|minilm] [--policy P] [--set KEY=VALUE]... [-s SAVEPOINT] -f SCRIPT
#                                            Flink's SQL client (what `sql-client.sh -j mcgt-job.jar -f SCRIPT` runs)
#                                            against this cluster, with mcgt_score, mcgt_embed and mcgt_tokens created
#                                            from the job jar and the mcgt.* settings (mcgt.model, mcgt.policy, ...;
#                                            --set of other keys: Flink options) in pipeline.global-job-parameters;
#                                            -s resumes the script's INSERT from a savepoint. Paths in SCRIPT are
#                                            seen by the TaskManagers: make them absolute.
#   scripts/cluster.sh list                  flink list
#   scripts/cluster.sh savepoint JOBID       flink savepoint JOBID out/cluster/savepoints
#   scripts/cluster.sh stop-job JOBID [--drain]
#                                            flink stop --savepointPath out/cluster/savepoints JOBID
#   scripts/cluster.sh flink ARGS...         any other CliFrontend command against this cluster
#   scripts/cluster.sh kill-taskmanager N    KILL -9 TaskManager N (1 or 2) by its pid file: a crash, for failure tests
#   scripts/cluster.sh start-taskmanager N   start TaskManager N again (after a kill)
#   scripts/cluster.sh kill-jobmanager       KILL -9 the JobManager (without HA its jobs are lost with it)
#   scripts/cluster.sh start-jobmanager      start the JobManager again and wait until both TaskManagers are back
#   scripts/cluster.sh latest-checkpoint DIR the newest completed checkpoint under DIR (a job's checkpoint folder, e.g.
#                                            OUTPUT/_checkpoints): its chk-N path, to resume a lost job with
#                                            `submit -s PATH -- SAME OPTIONS`; exit 1 when there is none
#
# Environment:
#   MCGT_BUILD_DIR      Maven build folder name (default target); needs `mvn ... install` (or package) of flink-jobs
#   MCGT_CLUSTER_DIR    cluster state (default out/cluster): conf/, logs/, pids/, checkpoints/, savepoints/, tmp/
#   MCGT_REST_PORT      REST port (default 8081); MCGT_RPC_PORT JobManager RPC port (default 6123)
#   MCGT_START_TIMEOUT  seconds `start` waits for the TaskManagers (default 120)
#   MCGT_JM_MEMORY / MCGT_TM_MEMORY  process sizes (default 1g / 2g); MCGT_TM_MANAGED_FRACTION (default 0.25)
#   MCGT_HEARTBEAT_TIMEOUT_MS  how long until a silent TaskManager counts as lost (default 10000)
#   MCGT_JAVA_OPTS      extra JVM options for every JVM started here
#
# Processes are found only through their pid files (out/cluster/pids/*.pid) and stopped only by those pids; a
# pid counts as ours only while /proc/PID/cmdline still carries -Dmcgt.cluster.role=... and our cluster folder.
set -euo pipefail

self="${BASH_SOURCE[0]}"
if resolved="$(readlink -f -- "$self" 2>/dev/null)"; then self="$resolved"; fi
root="$(cd -- "$(dirname -- "$self")/.." && pwd)"
build="${MCGT_BUILD_DIR:-target}"
cluster="${MCGT_CLUSTER_DIR:-$root/out/cluster}"
mkdir -p "$cluster"
cluster="$(cd -- "$cluster" && pwd)"
conf="$cluster/conf"
logs="$cluster/logs"
pids="$cluster/pids"
rest_port="${MCGT_REST_PORT:-8081}"
rpc_port="${MCGT_RPC_PORT:-6123}"
rest="http://127.0.0.1:$rest_port"
job_jar="$root/flink-jobs/$build/mcgt-job.jar"
classpath_file="$root/flink-jobs/$build/cluster-classpath.txt"
sql_client_classpath_file="$root/flink-jobs/$build/sql-client-classpath.txt"
roles=(jobmanager taskmanager-1 taskmanager-2)

die() { echo "cluster.sh: $*" >&2; exit 1; }

# Java 17: the JDK internals Flink (Kryo, Pekko, Netty, RocksDB, reflection-based serializers) reaches into.
jdk_opens=()
for pkg in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio sun.nio.ch java.text java.time \
           java.util java.util.concurrent java.util.concurrent.atomic java.util.concurrent.locks java.security \
           java.math; do
  jdk_opens+=("--add-opens=java.base/$pkg=ALL-UNNAMED")
done
jdk_opens+=(--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
            --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED)
extra_opts=()
# shellcheck disable=SC2206 # MCGT_JAVA_OPTS is meant to be split into words
[[ -n "${MCGT_JAVA_OPTS:-}" ]] && extra_opts=(${MCGT_JAVA_OPTS})

flink_classpath() {
  [[ -f "$classpath_file" ]] ||
    die "no $classpath_file; build first: mvn -q -DbuildDirName=$build -pl model-core,flink-operators,flink-jobs -am install -DskipTests"
  cat -- "$classpath_file"
}

need_job_jar() {
  [[ -f "$job_jar" ]] ||
    die "no $job_jar; build first: mvn -q -DbuildDirName=$build -pl model-core,flink-operators,flink-jobs -am install -DskipTests"
}

# The pid of ROLE if its pid file names a live process that is still ours; empty otherwise.
live_pid() {
  local file="$pids/$1.pid" pid
  [[ -f "$file" ]] || return 0
  pid="$(<"$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null |
    grep -qF -- "-Dmcgt.cluster.role=$1 -Dmcgt.cluster.dir=$cluster " || return 0
  echo "$pid"
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_conf() {
  mkdir -p "$conf" "$logs" "$pids" "$cluster/checkpoints" "$cluster/savepoints" "$cluster/tmp" "$cluster/work" \
    "$cluster/plugins"
  cat > "$conf/config.yaml" <<EOF
# Written by scripts/cluster.sh start (rewritten on every start).
jobmanager:
  rpc:
    address: 127.0.0.1
    port: $rpc_port
  bind-host: 127.0.0.1
  memory:
    process:
      size: ${MCGT_JM_MEMORY:-1g}
taskmanager:
  host: 127.0.0.1
  bind-host: 127.0.0.1
  numberOfTaskSlots: 1
  memory:
    process:
      size: ${MCGT_TM_MEMORY:-2g}
    managed:
      fraction: ${MCGT_TM_MANAGED_FRACTION:-0.25}
rest:
  address: 127.0.0.1
  bind-address: 127.0.0.1
  port: $rest_port
parallelism:
  default: 2
# BATCH jobs: the adaptive batch scheduler sizes vertices by data volume (16 MB per task), which puts a small but
# CPU-heavy scoring input on one slot; use both TaskManagers.
execution.batch.adaptive.auto-parallelism.min-parallelism: 2
# Scoring is CPU-bound: keep little data in flight so that a savepoint barrier (always aligned) is not stuck
# behind minutes of queued chunks, and give the client's stop/savepoint calls time.
taskmanager.network.memory.buffer-debloat.enabled: true
client.timeout: 10 min
# A crashed TaskManager is noticed within seconds, not the default 50 s (a local cluster, no long GC pauses).
heartbeat:
  interval: 2000
  timeout: ${MCGT_HEARTBEAT_TIMEOUT_MS:-10000}
# The classpath has a few Hadoop classes for the Parquet format only (no HDFS, no Kerberos): Flink's Hadoop security
# module and context, and its Hadoop delegation tokens, stay off.
security:
  module.factory.classes: [org.apache.flink.runtime.security.modules.JaasModuleFactory, org.apache.flink.runtime.security.modules.ZookeeperModuleFactory]
  context.factory.classes: [org.apache.flink.runtime.security.contexts.NoOpSecurityContextFactory]
  delegation.tokens.enabled: false
state:
  backend:
    type: rocksdb
execution:
  checkpointing:
    dir: file://$cluster/checkpoints
    savepoint-dir: file://$cluster/savepoints
    incremental: true
io:
  tmp:
    dirs: $cluster/tmp
process:
  working-dir: $cluster/work
EOF
  cat > "$conf/log4j.properties" <<'EOF'
# Written by scripts/cluster.sh start. Every JVM logs to the file named by its -Dlog.file.
monitorInterval = 30
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = LogFile
appender.file.name = LogFile
appender.file.type = File
appender.file.append = true
appender.file.fileName = ${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.zookeeper.name = org.apache.zookeeper
logger.zookeeper.level = WARN
logger.netty.name = org.apache.flink.shaded.netty4.io.netty
logger.netty.level = WARN
EOF
}

# The JVM flags of GET_JM_RESOURCE_PARAMS / GET_TM_RESOURCE_PARAMS: line 1 of the results are JVM options
# (-Xmx, -Xms, ...), line 2 the derived memory settings as "-D key=value" dynamic properties.
memory_params() {
  local out
  out="$(java "${jdk_opens[@]}" -Dlog.file="$logs/bash-java-utils.log" \
          -Dlog4j.configurationFile="file:$conf/log4j.properties" -cp "$(flink_classpath)" \
          org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$conf" 2>&1)" ||
    die "BashJavaUtils $1 failed: $(tail -n 3 <<<"$out")"
  out="$(grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
  [[ "$(wc -l <<<"$out")" -ge 2 ]] || die "BashJavaUtils $1 printed no results (see $logs/bash-java-utils.log)"
  echo "$out"
}

launch() { # ROLE MAIN-CLASS JVM-PARAMS DYNAMIC-PARAMS [more JVM options]
  local role="$1" main="$2" jvm_params="$3" dynamic="$4"
  shift 4
  local -a jvm dyn
  read -r -a jvm <<<"$jvm_params"
  read -r -a dyn <<<"$dynamic"
  local log="$logs/$role.log" out="$logs/$role.out"
  echo "=== $(date '+%F %T') cluster.sh start" >> "$out"
  # The subshell writes its own pid before exec: the pid file names the java process itself.
  FLINK_PLUGINS_DIR="$cluster/plugins" setsid bash -c 'echo $$ > "$1"; shift; exec "$@"' _ "$pids/$role.pid" \
    java "${jvm[@]}" "${jdk_opens[@]}" "$@" "${extra_opts[@]}" \
      -Dmcgt.cluster.role="$role" -Dmcgt.cluster.dir="$cluster" \
      -Dlog.file="$log" -Dlog4j.configurationFile="file:$conf/log4j.properties" \
      -cp "$(flink_classpath)" "$main" --configDir "$conf" "${dyn[@]}" \
    >> "$out" 2>&1 < /dev/null &
  local i
  for i in $(seq 50); do [[ -s "$pids/$role.pid" ]] && break; sleep 0.1; done
  echo "cluster.sh: started $role (pid $(<"$pids/$role.pid")), log $log"
}

taskmanagers_registered() {
  curl -sf --max-time 2 "$rest/taskmanagers" 2>/dev/null | jq -r '.taskmanagers | length' 2>/dev/null || echo 0
}

cmd_start() {
  local role pid
  for role in "${roles[@]}"; do
    pid="$(live_pid "$role")"
    [[ -z "$pid" ]] || die "$role is already running (pid $pid); 'scripts/cluster.sh stop' first"
  done
  port_taken "$rest_port" && die "port $rest_port on 127.0.0.1 is taken by another process (set MCGT_REST_PORT)"
  port_taken "$rpc_port" && die "port $rpc_port on 127.0.0.1 is taken by another process (set MCGT_RPC_PORT)"
  flink_classpath > /dev/null
  rm -f "$pids"/*.pid
  write_conf

  local jm tm
  jm="$(memory_params GET_JM_RESOURCE_PARAMS)"
  tm="$(memory_params GET_TM_RESOURCE_PARAMS)"
  launch jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    "$(sed -n 1p <<<"$jm")" "$(sed -n 2p <<<"$jm")"
  launch taskmanager-1 org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    "$(sed -n 1p <<<"$tm")" "$(sed -n 2p <<<"$tm")" --add-modules jdk.incubator.vector
  launch taskmanager-2 org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    "$(sed -n 1p <<<"$tm")" "$(sed -n 2p <<<"$tm")" --add-modules jdk.incubator.vector

  local timeout="${MCGT_START_TIMEOUT:-120}" started=$SECONDS waited=0 n=0
  while (( waited < timeout )); do
    for role in "${roles[@]}"; do
      [[ -n "$(live_pid "$role")" ]] ||
        die "$role exited during start; see $logs/$role.log and $logs/$role.out ('scripts/cluster.sh stop' cleans up)"
    done
    n="$(taskmanagers_registered)"
    if [[ "$n" -ge 2 ]]; then
      echo "cluster.sh: cluster up after ${waited}s: $n TaskManagers, REST $rest, state in $cluster"
      return 0
    fi
    sleep 1
    waited=$((SECONDS - started))
  done
  die "timed out after ${timeout}s with $n of 2 TaskManagers registered at $rest; see $logs/jobmanager.log and $logs/taskmanager-*.log (the processes are still running: 'scripts/cluster.sh stop')"
}

cmd_status() {
  local role pid up=0
  for role in "${roles[@]}"; do
    pid="$(live_pid "$role")"
    if [[ -n "$pid" ]]; then
      echo "$role: running, pid $pid"; up=$((up + 1))
    elif [[ -f "$pids/$role.pid" ]]; then
      echo "$role: not running (stale pid file, pid $(<"$pids/$role.pid"))"
    else
      echo "$role: not running"
    fi
  done
  local overview
  if overview="$(curl -sf --max-time 3 "$rest/overview" 2>/dev/null)"; then
    echo "REST $rest/overview: $overview"
  else
    echo "REST $rest: no answer"
  fi
  [[ "$up" -eq "${#roles[@]}" ]]
}

cmd_stop() {
  local role pid alive=()
  for role in taskmanager-2 taskmanager-1 jobmanager; do
    pid="$(live_pid "$role")"
    if [[ -n "$pid" ]]; then
      kill -TERM "$pid" 2>/dev/null || true
      alive+=("$role:$pid")
      echo "cluster.sh: sent TERM to $role (pid $pid)"
    fi
  done
  local i entry left
  for i in $(seq 30); do
    left=()
    for entry in "${alive[@]+"${alive[@]}"}"; do
      kill -0 "${entry#*:}" 2>/dev/null && left+=("$entry")
    done
    alive=("${left[@]+"${left[@]}"}")
    [[ ${#alive[@]} -eq 0 ]] && break
    sleep 1
  done
  for entry in "${alive[@]+"${alive[@]}"}"; do
    echo "cluster.sh: ${entry%%:*} (pid ${entry#*:}) still alive after 30s; sending KILL"
    kill -KILL "${entry#*:}" 2>/dev/null || true
  done
  for role in "${roles[@]}"; do rm -f "$pids/$role.pid"; done
  echo "cluster.sh: stopped"
}

tm_role() { # N -> taskmanager-N, checked
  [[ "${1:-}" == 1 || "${1:-}" == 2 ]] || die "TaskManager number must be 1 or 2, got '${1:-}'"
  echo "taskmanager-$1"
}

cmd_kill_tm() {
  local role pid
  role="$(tm_role "${1:-}")"
  pid="$(live_pid "$role")"
  [[ -n "$pid" ]] || die "$role is not running"
  kill -KILL "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pids/$role.pid"
  echo "cluster.sh: killed $role (pid $pid) with SIGKILL"
}

cmd_start_tm() {
  local role pid tm
  role="$(tm_role "${1:-}")"
  [[ -f "$conf/config.yaml" ]] || die "no $conf/config.yaml; run 'scripts/cluster.sh start' first"
  pid="$(live_pid "$role")"
  [[ -z "$pid" ]] || die "$role is already running (pid $pid)"
  tm="$(memory_params GET_TM_RESOURCE_PARAMS)"
  launch "$role" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    "$(sed -n 1p <<<"$tm")" "$(sed -n 2p <<<"$tm")" --add-modules jdk.incubator.vector
}

cmd_kill_jm() {
  local pid
  pid="$(live_pid jobmanager)"
  [[ -n "$pid" ]] || die "jobmanager is not running"
  kill -KILL "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pids/jobmanager.pid"
  echo "cluster.sh: killed jobmanager (pid $pid) with SIGKILL"
}

cmd_start_jm() {
  local pid jm
  [[ -f "$conf/config.yaml" ]] || die "no $conf/config.yaml; run 'scripts/cluster.sh start' first"
  pid="$(live_pid jobmanager)"
  [[ -z "$pid" ]] || die "jobmanager is already running (pid $pid)"
  jm="$(memory_params GET_JM_RESOURCE_PARAMS)"
  launch jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    "$(sed -n 1p <<<"$jm")" "$(sed -n 2p <<<"$jm")"
  local timeout="${MCGT_START_TIMEOUT:-120}" started=$SECONDS n=0
  while (( SECONDS - started < timeout )); do
    [[ -n "$(live_pid jobmanager)" ]] || die "jobmanager exited during start; see $logs/jobmanager.log"
    n="$(taskmanagers_registered)"
    if [[ "$n" -ge 2 ]]; then
      echo "cluster.sh: jobmanager back after $((SECONDS - started))s with $n TaskManagers"
      return 0
    fi
    sleep 1
  done
  die "jobmanager restarted but only $n of 2 TaskManagers registered within ${timeout}s"
}

# The newest completed checkpoint (a chk-N folder with its _metadata) under DIR, by the time its metadata was written.
cmd_latest_checkpoint() {
  local dir="${1:-}" latest
  [[ -n "$dir" ]] || die "usage: latest-checkpoint DIR"
  dir="${dir#file://}"
  [[ -d "$dir" ]] || die "no checkpoint folder $dir"
  latest="$(find "$dir" -path '*/chk-*/_metadata' -type f -printf '%T@ %h\n' 2>/dev/null | sort -n | tail -n 1 | cut -d' ' -f2-)"
  [[ -n "$latest" ]] || die "no completed checkpoint under $dir"
  echo "$latest"
}

# CliFrontend with this cluster's conf (FLINK_CONF_DIR), logging to logs/client.log.
flink_cli() {
  [[ -f "$conf/config.yaml" ]] || die "no $conf/config.yaml; run 'scripts/cluster.sh start' first"
  FLINK_CONF_DIR="$conf" FLINK_PLUGINS_DIR="$cluster/plugins" MCGT_HOME="${MCGT_HOME:-$root}" \
    java "${jdk_opens[@]}" --add-modules jdk.incubator.vector "${extra_opts[@]}" \
      -Dlog.file="$logs/client.log" -Dlog4j.configurationFile="file:$conf/log4j.properties" \
      -cp "$(flink_classpath)" org.apache.flink.client.cli.CliFrontend "$@"
}

cmd_submit() {
  local -a run=(run)
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -d|--detached) run+=(--detached); shift ;;
      -s|--fromSavepoint)
        [[ $# -ge 2 ]] || die "$1 needs a savepoint path"
        run+=(--fromSavepoint "$2"); shift 2 ;;
      -n|--allowNonRestoredState) run+=(--allowNonRestoredState); shift ;;
      --) shift; break ;;
      *) die "submit: unknown option '$1' (usage: submit [--detached] [-s SAVEPOINT] -- JOB OPTIONS)" ;;
    esac
  done
  [[ $# -gt 0 ]] || die "submit: no job options after '--' (e.g. -- --model FILE --input PATH --output DIR)"
  need_job_jar
  flink_cli "${run[@]}" --class dev.mcgt.cli.JobMain "$job_jar" "$@"
}

# Flink's SQL client in embedded mode (its own SQL gateway in this JVM) on this cluster, with the job jar (-j).
cmd_sql() {
  local script="" savepoint="" model="" policy="" params=() sets=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -f|--file) [[ $# -ge 2 ]] || die "$1 needs a script"; script="$2"; shift 2 ;;
      -s|--fromSavepoint) [[ $# -ge 2 ]] || die "$1 needs a savepoint path"; savepoint="$2"; shift 2 ;;
      --model) [[ $# -ge 2 ]] || die "$1 needs a model file or minilm"; model="$2"; shift 2 ;;
      --policy) [[ $# -ge 2 ]] || die "$1 needs a policy"; policy="$2"; shift 2 ;;
      --set)
        [[ $# -ge 2 && "$2" == *=* ]] || die "--set needs KEY=VALUE"
        if [[ "$2" == mcgt.* ]]; then params+=("${2%%=*}:${2#*=}"); else sets+=("$2"); fi
        shift 2 ;;
      *) die "sql: unknown option '$1' (usage: sql [--model F] [--policy P] [--set K=V] [-s SAVEPOINT] -f SCRIPT)" ;;
    esac
  done
  [[ -n "$script" ]] || die "sql: no script (-f SCRIPT)"
  [[ -f "$script" ]] || die "sql: cannot read script $script"
  need_job_jar
  [[ -f "$sql_client_classpath_file" ]] || die "no $sql_client_classpath_file; build first (mvn -q -DskipTests install)"
  if [[ -n "$model" ]]; then
    [[ "$model" == minilm ]] && model="${MCGT_HOME:-$root}/models/minilm.mcgt"
    [[ -f "$model" ]] || die "sql: no model file $model"
    params+=("mcgt.model:$(cd -- "$(dirname -- "$model")" && pwd)/$(basename -- "$model")")
  fi
  if [[ -n "$policy" ]]; then
    [[ -f "$policy" ]] && policy="$(cd -- "$(dirname -- "$policy")" && pwd)/$(basename -- "$policy")"
    params+=("mcgt.policy:$policy")
  fi
  local p
  for p in "${params[@]+"${params[@]}"}"; do
    [[ "$p" != *[,\']* ]] || die "sql: a setting with a comma or a quote cannot go into pipeline.global-job-parameters: $p"
  done
  local init
  init="$(mktemp "$cluster/tmp/sql-init.XXXXXX")"
  {
    echo "-- written by scripts/cluster.sh sql"
    if [[ ${#params[@]} -gt 0 ]]; then
      (IFS=,; echo "SET 'pipeline.global-job-parameters' = '${params[*]}';")
    fi
    for p in "${sets[@]+"${sets[@]}"}"; do echo "SET '${p%%=*}' = '${p#*=}';"; done
    [[ -n "$savepoint" ]] && echo "SET 'execution.state-recovery.path' = '$savepoint';"
    echo "CREATE TEMPORARY SYSTEM FUNCTION mcgt_score AS 'dev.mcgt.sql.McgtScoreFunction';"
    echo "CREATE TEMPORARY SYSTEM FUNCTION mcgt_embed AS 'dev.mcgt.sql.McgtEmbedFunction';"
    echo "CREATE TEMPORARY SYSTEM FUNCTION mcgt_tokens AS 'dev.mcgt.sql.McgtTokensFunction';"
  } > "$init"
  [[ -f "$conf/config.yaml" ]] || die "no $conf/config.yaml; run 'scripts/cluster.sh start' first"
  # Flink's SQL client always loads flink-python's PythonDependencyUtils (sql-client.sh puts flink-python on its
  # classpath); a stand-in without Python support, compiled once per cluster folder, takes its place
  local shim="$cluster/sql-client-shim" shim_src="$root/scripts/sql-client/PythonDependencyUtils.java"
  if [[ ! -f "$shim/org/apache/flink/python/util/PythonDependencyUtils.class" || "$shim_src" -nt "$shim" ]]; then
    rm -rf "$shim"; mkdir -p "$shim"
    javac -nowarn -d "$shim" -cp "$(flink_classpath)" "$shim_src" || die "sql: cannot compile $shim_src"
  fi
  local rc=0
  FLINK_CONF_DIR="$conf" FLINK_PLUGINS_DIR="$cluster/plugins" MCGT_HOME="${MCGT_HOME:-$root}" \
    java "${jdk_opens[@]}" --add-modules jdk.incubator.vector "${extra_opts[@]}" \
      -Dlog.file="$logs/sql-client.log" -Dlog4j.configurationFile="file:$conf/log4j.properties" \
      -cp "$(flink_classpath):$(<"$sql_client_classpath_file"):$shim" org.apache.flink.table.client.SqlClient \
      embedded -j "$job_jar" -i "$init" -f "$script" -hist "$cluster/tmp/sql-client-history" < /dev/null || rc=$?
  rm -f "$init"
  return "$rc"
}

case "${1:-}" in
  start) cmd_start ;;
  sql) shift; cmd_sql "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  submit) shift; cmd_submit "$@" ;;
  list) flink_cli list ;;
  savepoint)
    [[ $# -eq 2 ]] || die "usage: savepoint JOBID"
    flink_cli savepoint "$2" "file://$cluster/savepoints" ;;
  stop-job)
    [[ $# -ge 2 ]] || die "usage: stop-job JOBID [--drain]"
    job="$2"; shift 2
    flink_cli stop "$@" --savepointPath "file://$cluster/savepoints" "$job" ;;
  flink) shift; flink_cli "$@" ;;
  kill-taskmanager) cmd_kill_tm "${2:-}" ;;
  start-taskmanager) cmd_start_tm "${2:-}" ;;
  kill-jobmanager) cmd_kill_jm ;;
  start-jobmanager) cmd_start_jm ;;
  latest-checkpoint) cmd_latest_checkpoint "${2:-}" ;;
  ""|-h|--help|help) sed -n '2,/^set -euo/p' "$self" | sed '$d' | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '$1' (start|stop|status|submit|sql|list|savepoint|stop-job|flink|kill-taskmanager|start-taskmanager|kill-jobmanager|start-jobmanager|latest-checkpoint)" ;;
esac
