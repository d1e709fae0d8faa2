"""Times flash-linear-attention's chunk lightning attention forward (and forward+backward) on the
four shapes of SPEC section 6 (bf16, layer 3 of 24, final state out), and its recurrent kernel
on the two decode shapes of issue 6, for side-by-side numbers
in the same run as lta-cuda-bench. fla is not part of lightattn: put its `fla` folder under
third_party_ref/ (ignored by git) and run on a GPU machine:
    PYTHONPATH=third_party_ref python3 bench/fla_compare.py
"""
import sys

import torch
import triton

from fla.ops.lightning_attn import chunk_lightning_attn
from fla.ops.lightning_attn.fused_recurrent import fused_recurrent_lightning_attn

SHAPES = [(8, 4096, 16, 128), (1, 65536, 16, 128), (16, 2048, 32, 64), (4, 8192, 64, 128)]
DECODE = [(128, 64, 128), (32, 16, 128)]


def main():
    print(f"fla on {torch.cuda.get_device_name()}")
    print(f"{'shape B,T,H,K=V':22} {'fla fwd ms':>10} {'fla fwd+bwd ms':>15}")
    for B, T, H, K in SHAPES:
        q, k, v = (torch.randn(B, T, H, K, device="cuda", dtype=torch.bfloat16) for _ in range(3))

        def fwd():
            return chunk_lightning_attn(q, k, v, layer_idx=3, num_layers=24, output_final_state=True)

        t_fwd = triton.testing.do_bench(fwd, warmup=25, rep=200, return_mode="median")
        qg, kg, vg = (x.clone().requires_grad_(True) for x in (q, k, v))
        do = torch.randn_like(q)

        def fwd_bwd():
            o, s = chunk_lightning_attn(qg, kg, vg, layer_idx=3, num_layers=24, output_final_state=True)
            o.backward(do)

        t_fb = triton.testing.do_bench(fwd_bwd, warmup=25, rep=200, return_mode="median",
                                       grad_to_none=[qg, kg, vg])
        print(f"{B},{T},{H},{K:<14} {t_fwd:10.3f} {t_fb:15.3f}")
        sys.stdout.flush()
    # Decode: one token, fp32 state in and out (fla's recurrent kernel writes a new state).
    print(f"{'decode B,H,K=V':22} {'fla recurrent ms':>16}")
    for B, H, K in DECODE:
        q, k, v = (torch.randn(B, 1, H, K, device="cuda", dtype=torch.bfloat16) for _ in range(3))
        s0 = torch.randn(B, H, K, K, device="cuda", dtype=torch.float32)

        def dec():
            return fused_recurrent_lightning_attn(q, k, v, layer_idx=3, num_layers=24,
                                                  initial_state=s0, output_final_state=True)

        t = triton.testing.do_bench(dec, warmup=25, rep=200, return_mode="median")
        print(f"{B},{H},{K:<18} {t:16.4f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
