"""The seed's example through the Python package, checked against the C example's results.

    ./lta_example 64 c_results.bin               (the C program, built against the install)
    python examples/seed_example.py c_results.bin

Both draw q, k, v (2, 100, 8, 64) from the same generator (a 32-bit LCG, three values per
element in the order q, k, v), run layer 5 of 24 with the final state out, and this script
requires the Python results to equal the C ones bit for bit (same library, same kernel; the
thread count does not change results). Without an argument it only prints its results.
"""
import sys

import numpy as np

import lightattn

B, T, H, D = 2, 100, 8, 64


def lcg_inputs(n):
    s, out = 42, np.empty(3 * n, dtype=np.float32)
    for i in range(3 * n):  # example.c: s = s * 1664525 + 1013904223; (s >> 8) * 2^-23 - 1
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        out[i] = (s >> 8) * 2.0 ** -23 - 1.0
    return [out[j::3].reshape(B, T, H, D) for j in range(3)]


def main():
    q, k, v = lcg_inputs(B * T * H * D)
    o, final_state = lightattn.lightning_attn(q, k, v, layer_idx=5, num_layers=24)
    print("python lightattn (library %s): o %s, final_state %s; o[0,0,0,:3] = [%.6f %.6f %.6f]"
          % (lightattn.library_version(), o.shape, final_state.shape, *o[0, 0, 0, :3]))
    if len(sys.argv) > 1:
        c = np.fromfile(sys.argv[1], dtype=np.float32)
        c_o, c_s = c[:o.size].reshape(o.shape), c[o.size:].reshape(final_state.shape)
        same = np.array_equal(c_o, o) and np.array_equal(c_s, final_state)
        print("against the C example's results: %s (largest difference: output %.3g, state %.3g)"
              % ("identical" if same else "DIFFERENT", np.max(np.abs(c_o - o)),
                 np.max(np.abs(c_s - final_state))))
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
