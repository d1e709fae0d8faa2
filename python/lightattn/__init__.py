"""lightattn: lightning attention (linear attention with a constant per-head decay).

    >>> import numpy as np, lightattn
    >>> rng = np.random.default_rng(0)
    >>> q, k, v = (rng.standard_normal((2, 100, 8, 64), dtype=np.float32) for _ in range(3))
    >>> o, final_state = lightattn.lightning_attn(q, k, v, layer_idx=5, num_layers=24)
    >>> o.shape, final_state.shape
    ((2, 100, 8, 64), (2, 8, 64, 64))

A pure-Python package over the C library liblightattn (ctypes); see lightning_attn().
"""
from ._lib import LightattnError, has_cuda
from . import _lib, _ops

LightattnError.__module__ = "lightattn"  # its public name, in tracebacks

__all__ = ["lightning_attn", "seed_g_gamma", "LightattnError", "library_version", "has_cuda"]
__version__ = "0.1.0"


def lightning_attn(query, key, value, layer_idx=None, num_layers=None, softmax_scale=None,
                   initial_state=None, reverse=False, cu_seqlens=None, *, g_gamma=None,
                   isa="auto", num_threads=0):
    """Lightning attention forward; returns ``(output, final_state)``.

    Per sequence n and query head h, with lam = exp(g_gamma[h]) and a K x V float32 state S::

        S = initial_state[n, h] or zeros
        for t over the sequence (last to first when reverse):
            S = lam * S + outer(key[t, hk], value[t, hk])
            output[t, h] = (softmax_scale * query[t, h]) @ S
        final_state[n, h] = S

    with hk = h // (H // Hkv) (GQA, MQA).

    Args:
        query: ``[B, T, H, K]``; key: ``[B, T, Hkv, K]``; value: ``[B, T, Hkv, V]``; one dtype
            of float32, float16, bfloat16 (numpy bfloat16 through ml_dtypes). numpy arrays on
            the CPU; PyTorch tensors on the CPU or CUDA; CuPy or JAX arrays on CUDA (JAX on the
            CPU too). CUDA work runs on the caller's current stream.
        layer_idx, num_layers: the seed's decay, ``g_gamma[h] = -(8/H) * (1 -
            layer_idx/num_layers) * h``; ``num_layers > 0``, ``0 <= layer_idx <= num_layers``.
        softmax_scale: multiplies query; default ``1/sqrt(K)``.
        initial_state: ``[N, H, K, V]`` float32, or None (zeros).
        reverse: walk each sequence from its last token (suffix form).
        cu_seqlens: ``[N + 1]`` integer offsets of N packed sequences (then B must be 1).
        g_gamma: ``[H]`` natural-log decays (each <= 0), instead of layer_idx and num_layers;
            read on the host.
        isa: ``"auto"``, ``"generic"`` (the plain reference kernel), or one CPU ISA.
        num_threads: CPU threads; 0 = LTA_NUM_THREADS or all CPUs.

    Returns:
        ``(output [B, T, H, V] in the input dtype, final_state [N, H, K, V] float32)``, of the
        input's kind (numpy, torch, cupy, jax) and device.

    Gradients (PyTorch): when query, key, value or initial_state requires a gradient, the
    call is a torch.autograd.Function whose backward is the library's lta_backward, on the
    inputs' device and current stream; it returns the gradients of those four for the
    gradients of output and final_state. The decay and softmax_scale are constants: a tensor
    of them that requires a gradient raises ValueError. No double backward (create_graph=True
    raises RuntimeError). Where the library has no backward for the device (CUDA, in this
    version), the backward raises its LightattnError.

    Raises:
        ValueError, TypeError: shapes, dtypes or devices that do not fit together.
        LightattnError: the library refused the call (``.status`` and its message, e.g.
            ``LTA_ERR_HEADS: lta_forward: num_kv_heads=3 does not divide num_heads=8``).

    Examples (the seed's shapes and layer)::

        >>> import numpy as np, lightattn
        >>> rng = np.random.default_rng(0)
        >>> q, k, v = (rng.standard_normal((2, 100, 8, 64), dtype=np.float32) for _ in range(3))
        >>> o, s = lightattn.lightning_attn(q, k, v, layer_idx=5, num_layers=24)
        >>> o.shape, o.dtype, s.shape, s.dtype
        ((2, 100, 8, 64), dtype('float32'), (2, 8, 64, 64), dtype('float32'))
        >>> o2, _ = lightattn.lightning_attn(q[:, 50:], k[:, 50:], v[:, 50:], 5, 24,
        ...                                  initial_state=lightattn.lightning_attn(
        ...                                      q[:, :50], k[:, :50], v[:, :50], 5, 24)[1])
        >>> bool(np.allclose(o2, o[:, 50:], rtol=1e-4, atol=1e-4))   # chunk by chunk = whole
        True
        >>> cu = np.array([0, 30, 100])                      # two packed sequences, B = 1
        >>> o3, s3 = lightattn.lightning_attn(q[:1], k[:1], v[:1], 5, 24, cu_seqlens=cu)
        >>> s3.shape
        (2, 8, 64, 64)
        >>> lightattn.lightning_attn(q, k[:, :, :3], v[:, :, :3], 5, 24)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        lightattn.LightattnError: LTA_ERR_HEADS: lta_forward: num_kv_heads=3 does not divide ...
    """
    _ops._constants(g_gamma=g_gamma, softmax_scale=softmax_scale)
    decay = _ops._decay(g_gamma, layer_idx, num_layers)
    args = (query, key, value, decay, softmax_scale, initial_state, reverse, cu_seqlens, isa,
            num_threads)
    if type(query).__module__.split(".")[0] == "torch" and _ops._needs_autograd(
            query, key, value, initial_state):
        from . import _torch
        return _torch.apply(*args)
    return _ops._forward(*args)


def seed_g_gamma(num_heads, layer_idx, num_layers):
    """The seed's decays of a layer as a float32 numpy array [num_heads] (the library's)."""
    import numpy as np
    g = np.empty(int(num_heads), dtype=np.float32)
    _lib.check(_lib.lib().lta_seed_g_gamma(int(num_heads), _ops._c_int("layer_idx", layer_idx),
                                           _ops._c_int("num_layers", num_layers), g.ctypes.data))
    return g


def library_version():
    """The loaded C library's version, e.g. "0.1.0"."""
    return _lib.lib().lta_version().decode()
