"""The torch.autograd.Function around the forward (imported only when PyTorch is used).

The C library has no backward pass yet (a later issue): backward() raises NotImplementedError
instead of returning gradients, so that training fails loudly rather than learning from wrong
or zero gradients. The forward is the library's, as without autograd.
"""
import torch

from . import _ops


class LightningAttnFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, q, k, v, initial_state, cu_seqlens, decay, scale, reverse, isa, threads):
        return _ops._forward_torch(q, k, v, decay, scale, initial_state, reverse, cu_seqlens, isa,
                                   threads)

    @staticmethod
    def backward(ctx, grad_output, grad_final_state):
        raise NotImplementedError(
            "lightattn: the backward pass of lightning_attn is not implemented yet (the C "
            "library has only the forward); run the forward under torch.no_grad() or with "
            "inputs that do not require gradients")


def apply(q, k, v, decay, scale, s0, reverse, cu, isa, threads):
    return LightningAttnFunction.apply(q, k, v, s0, cu, decay, scale, reverse, isa, threads)
