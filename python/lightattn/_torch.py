"""The torch.autograd.Function around the forward (imported only when PyTorch is used).

forward() is the library's lta_forward; backward() is its lta_backward (SPEC section 2), called
the same way on the CPU and on CUDA (on the current stream, as the forward): it returns the
gradients of query, key, value and initial_state, for the gradients of both outputs (output and
final_state; an unused one is zero, and a missing final-state gradient is passed as NULL).
Where the library cannot compute a backward (a CUDA tensor on a library whose backward is CPU
only, say) its refusal is raised as LightattnError with its message: never zero gradients.

The decay (g_gamma or layer_idx, num_layers) and softmax_scale are constants of the operation
(the library reads them on the host): they get no gradient, and lightning_attn() refuses a
g_gamma or softmax_scale tensor that requires one rather than leave it silently without.
The backward is not itself differentiable: a backward with create_graph=True (a double
backward, a gradient penalty) raises RuntimeError rather than return gradients that would
silently count as constants in the next differentiation.
"""
import torch

from . import _ops


class LightningAttnFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, q, k, v, initial_state, cu_seqlens, decay, scale, reverse, isa, threads):
        # The inputs themselves are saved (their version counters catch in-place changes
        # between forward and backward); the backward prepares them again like the forward.
        ctx.save_for_backward(q, k, v, initial_state)
        ctx.call = (cu_seqlens, decay, scale, reverse, isa, threads)
        ctx.set_materialize_grads(False)
        return _ops._forward_torch(q, k, v, decay, scale, initial_state, reverse, cu_seqlens, isa,
                                   threads)

    @staticmethod
    def backward(ctx, grad_output, grad_final_state):
        if torch.is_grad_enabled():  # create_graph=True: the result would be differentiated
            raise RuntimeError("lightattn: lightning_attn has no double backward: its backward "
                               "is not differentiable (called with create_graph=True)")
        q, k, v, s0 = ctx.saved_tensors
        cu, decay, scale, reverse, isa, threads = ctx.call
        want_ds0 = s0 is not None and ctx.needs_input_grad[3]
        d_q, d_k, d_v, d_s0 = _ops._backward_torch(q, k, v, decay, scale, s0, reverse, cu, isa,
                                                   threads, grad_output, grad_final_state,
                                                   want_ds0)
        need = ctx.needs_input_grad
        grads = (d_q if need[0] else None, d_k if need[1] else None, d_v if need[2] else None,
                 d_s0.to(s0.dtype) if want_ds0 else None)
        return grads + (None,) * 6  # cu_seqlens, decay, scale, reverse, isa, threads


def apply(q, k, v, decay, scale, s0, reverse, cu, isa, threads):
    return LightningAttnFunction.apply(q, k, v, s0, cu, decay, scale, reverse, isa, threads)
