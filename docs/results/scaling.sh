#!/usr/bin/env bash
# Produces the measured figures of docs/scaling.md, beside this script:
#
#   scaling-cpu.txt            the CPU (lscpu)
#   scaling-allreduce-shm.csv  MPI_Allreduce time against message size, 2 ranks, Open MPI's
#                              default transport within a node (shared memory, btl vader)
#   scaling-allreduce-tcp.csv  the same over TCP on the loopback interface (btl tcp, lo)
#   scaling-throughput.csv     tokens/s of `recur train` (the charrnn model of docs/results.md)
#                              on 1 and 2 ranks, one thread each, rounds interleaved
#                              (with the CPU seconds of the whole job and the load average)
#   scaling-gradient.txt       the model's parameter count (gradient bytes = 4 x count)
#
# Run it alone on an otherwise idle machine: `docs/results/scaling.sh`.
# OPENBLAS_CORETYPE is unset here.
set -euo pipefail
cd "$(dirname "$0")/../.."
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
out=docs/results
data=${DATA:-../shared/data/tinyshakespeare/input.txt}
rounds=${ROUNDS:-3}
mpirun=(mpirun --oversubscribe --allow-run-as-root -np 2)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

lscpu | grep -E 'Model name|^CPU\(s\)|Thread\(s\) per core|L2 cache|L3 cache' > $out/scaling-cpu.txt

"${mpirun[@]}" build/bench/allreduce_time 21 > $out/scaling-allreduce-shm.csv
"${mpirun[@]}" --mca pml ob1 --mca btl tcp,self --mca btl_tcp_if_include lo build/bench/allreduce_time 21 \
  > $out/scaling-allreduce-tcp.csv

# The charrnn model; 16 steps, a log row every 4; the rate of rows 8, 12 and 16 (the first window warms up).
model=(--cell lstm --layers 2 --hidden 512 --embedding 64 --dropout 0.2 --batch 64 --seq 100
       --optimizer adam --lr 2e-3 --val-frac 0.01 --threads 1 --max-iters 16 --log-every 4 --eval-every 100000)
echo "round,ranks,iteration,tokens_per_second,job_cpu_seconds,load_average" > $out/scaling-throughput.csv
for round in $(seq "$rounds"); do
  for ranks in 1 2; do
    run=$scratch/run-$round-$ranks
    if [ "$ranks" = 1 ]; then launcher=(); else launcher=("${mpirun[@]}"); fi
    load=$(cut -d' ' -f1 /proc/loadavg)  # the machine is shared: how busy it was as the run began
    /usr/bin/time -f '%U %S' -o "$scratch/cpu" "${launcher[@]}" build/recur train --data "$data" --run "$run" \
      "${model[@]}" > "$scratch/log-$round-$ranks" 2>&1
    cpu=$(awk '{ print $1 + $2 }' "$scratch/cpu")
    grep -m1 parameters "$scratch/log-$round-$ranks" > $out/scaling-gradient.txt
    # log.csv: iteration (1st), val_loss (7th: set only on the final row, a repeat), tokens_per_s (9th)
    awk -F, -v r="$round" -v n="$ranks" -v c="$cpu" -v l="$load" \
      'NR > 1 && $1 >= 8 && $7 == "" { print r "," n "," $1 "," $9 "," c "," l }' "$run/log.csv" \
      >> $out/scaling-throughput.csv
  done
done
cat $out/scaling-throughput.csv
