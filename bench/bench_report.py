"""What the PyTorch comparison scripts (compare_words.py, compare_seq2seq.py) share:
the machine record every benchmark figure carries, and how a result is printed.

machine(recur, threads): the CPU (lscpu's model name, and whether it has
AVX-512) and its SGEMM peak measured now, with the same threads, by
bench/sgemm_peak from the same build as `recur` (so built with
-DRECUR_BUILD_BENCH=ON), so that a ratio in docs/ always has the machine's
yardstick from the same run beside it.
"""
import json
import os
import subprocess


def cpu_name():
    for line in subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def machine(recur, threads):
    sgemm_peak = os.path.join(os.path.dirname(os.path.abspath(recur)), "bench", "sgemm_peak")
    if not os.path.exists(sgemm_peak):
        raise SystemExit(f"{sgemm_peak}: not built (configure with -DRECUR_BUILD_BENCH=ON)")
    peak = json.loads(subprocess.run([sgemm_peak, "--threads", str(threads), "--json"], capture_output=True,
                                     text=True, check=True).stdout)
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        avx512 = " avx512f" in f.read()
    return {"cpu": cpu_name(), "avx512": avx512, "sgemm_peak_gflops": peak["gflops"],
            "openblas_core": peak.get("openblas_core")}


def print_result(result, as_json):
    if as_json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:34} {value:.1f}" if isinstance(value, float) else f"{key:34} {value}")
