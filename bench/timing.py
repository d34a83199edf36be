#!/usr/bin/env python3
"""Times commands side by side, interleaved, and prints median / p90 and the ratio to the first.

usage: timing.py RUNS 'label=command' 'label=command' ...
"""
import statistics
import subprocess
import sys
import time


def main() -> None:
    runs = int(sys.argv[1])
    commands = [arg.split("=", 1) for arg in sys.argv[2:]]
    for _, cmd in commands:  # warm-up: caches, class-data archives, page cache
        subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = {label: [] for label, _ in commands}
    for _ in range(runs):
        for label, cmd in commands:
            start = time.perf_counter()
            done = subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            samples[label].append(time.perf_counter() - start)
            if done.returncode not in (0, 4):
                sys.exit(f"{label} failed with exit code {done.returncode}: {cmd}")
    base = statistics.median(samples[commands[0][0]])
    print(f"{'command':48} {'median':>9} {'p90':>9} {'ratio':>7}")
    for label, _ in commands:
        s = sorted(samples[label])
        med = statistics.median(s)
        p90 = s[int(0.9 * (len(s) - 1))]
        print(f"{label:48} {med * 1000:7.0f}ms {p90 * 1000:7.0f}ms {med / base:6.2f}x")


if __name__ == "__main__":
    main()
