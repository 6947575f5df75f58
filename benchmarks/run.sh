#!/usr/bin/env bash
# The one command: builds the library and the benchmarks, runs the JMH microbenchmarks and the
# end-to-end comparison (server and each contender in its own JVM), writes RESULTS.md.
#   ./run.sh            full run (about 30 minutes on 2 cores)
#   ./run.sh --quick    small counts, a few minutes; for checking the harness, not for figures
# Extra runner options: --only=<contender substring,...>  --runs=<scenario key prefix,...>
set -euo pipefail
cd "$(dirname "$0")"

(cd .. && mvn -q -B -DskipTests install)
mvn -q -B package
mkdir -p results

jmh_opts=(-f 1 -wi 3 -w 1s -i 5 -r 1s)
for arg in "$@"; do
  if [[ "$arg" == "--quick" ]]; then jmh_opts=(-f 1 -wi 1 -w 300ms -i 2 -r 300ms); fi
done
echo "== JMH microbenchmarks"
java -jar jmh/target/benchmarks.jar "${jmh_opts[@]}" -prof gc -rf csv -rff results/jmh.csv > results/jmh.log

java -cp runner/target/classes dev.fluxllm.bench.runner.Runner --jmh=results/jmh.csv "$@"
