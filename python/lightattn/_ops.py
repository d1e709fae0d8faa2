"""lightning_attn(): argument handling per array library, then one call into the C library.

numpy arrays run on the CPU. PyTorch tensors run where they live (CPU or CUDA); CuPy arrays on
CUDA. Any other array with DLPack (JAX, ...) is viewed without a copy: on the CPU as a numpy
array, on CUDA as a PyTorch tensor (or a CuPy array when PyTorch is absent), and the results
are handed back to JAX as JAX arrays. CUDA work is queued on the caller's current stream of the
array's device (torch.cuda.current_stream(), cupy.cuda.get_current_stream()) and is not waited
for, as PyTorch's own operators behave.

What the C library cannot see (array shapes, dtypes, devices) is checked here and raises
ValueError or TypeError; everything else is checked by the library, whose refusal raises
LightattnError with its message (lta_last_error()).
"""
import numpy as np

from . import _lib as L

_INT_MIN, _INT_MAX = -(2 ** 31), 2 ** 31 - 1
_DLPACK_CPU, _DLPACK_CUDA, _DLPACK_CUDA_HOST, _DLPACK_CUDA_MANAGED = 1, 2, 3, 13


def _bf16_numpy():
    try:
        import ml_dtypes
    except ImportError:
        return None
    return np.dtype(ml_dtypes.bfloat16)


def _numpy_code(dtype):
    if dtype == np.float32:
        return L.F32
    if dtype == np.float16:
        return L.F16
    if _bf16_numpy() is not None and dtype == _bf16_numpy():
        return L.BF16
    raise TypeError("lightattn: query dtype %s is not float32, float16 or bfloat16 "
                    "(bfloat16 numpy arrays need ml_dtypes)" % dtype)


def _c_int(name, value):
    value = int(value)
    if not _INT_MIN <= value <= _INT_MAX:
        raise ValueError("lightattn: %s=%d does not fit a C int" % (name, value))
    return value


def _shapes(q, k, v, initial_state, cu_seqlens, g_gamma):
    """(B, T, H, Hkv, K, V, N) from the shapes, or ValueError."""
    shp = [tuple(int(d) for d in x.shape) for x in (q, k, v)]
    for name, s in zip(("query", "key", "value"), shp):
        if len(s) != 4:
            raise ValueError("lightattn: %s must be 4-D [B, T, heads, head_dim], got shape %s"
                             % (name, s))
    (B, T, H, K), (Bk, Tk, Hkv, Kk), (Bv, Tv, Hv, V) = shp
    if (Bk, Tk, Kk) != (B, T, K) or (Bv, Tv, Hv) != (B, T, Hkv):
        raise ValueError("lightattn: shapes query %s, key %s, value %s do not agree: want "
                         "[B, T, H, K], [B, T, Hkv, K], [B, T, Hkv, V]" % tuple(shp))
    if cu_seqlens is not None:
        if len(cu_seqlens.shape) != 1 or int(cu_seqlens.shape[0]) < 1:
            raise ValueError("lightattn: cu_seqlens must be 1-D [N + 1], got shape %s"
                             % (tuple(cu_seqlens.shape),))
        N = int(cu_seqlens.shape[0]) - 1
    else:
        N = B
    if initial_state is not None and tuple(initial_state.shape) != (N, H, K, V):
        raise ValueError("lightattn: initial_state must have shape [N, H, K, V] = %s, got %s"
                         % ((N, H, K, V), tuple(initial_state.shape)))
    if g_gamma is not None and tuple(g_gamma.shape) != (H,):
        raise ValueError("lightattn: g_gamma must have shape [H] = (%d,), got %s"
                         % (H, tuple(g_gamma.shape)))
    return B, T, H, Hkv, K, V, N


def _same_dtype(q, k, v):
    if not (q.dtype == k.dtype == v.dtype):
        raise TypeError("lightattn: query, key and value must share one dtype, got %s, %s, %s"
                        % (q.dtype, k.dtype, v.dtype))


def _one_device(q, k, v, s0):
    """q's device, after checking that every array is on it and q, k, v share a dtype."""
    for name, x in (("key", k), ("value", v), ("initial_state", s0)):
        if x is not None and x.device != q.device:
            raise ValueError("lightattn: %s is on %s, query on %s" % (name, x.device, q.device))
    _same_dtype(q, k, v)
    return q.device


def _host_g_gamma(g_gamma):
    """g_gamma as host float32 (the library reads it on the host on every device)."""
    if g_gamma is None:
        return None
    if type(g_gamma).__module__.split(".")[0] == "torch":
        g_gamma = g_gamma.detach().to("cpu").float().numpy()
    elif hasattr(g_gamma, "get") and type(g_gamma).__module__.split(".")[0] == "cupy":
        g_gamma = g_gamma.get()
    return np.ascontiguousarray(np.asarray(g_gamma), dtype=np.float32)


def _fill(a, dtype, sizes, ptrs, decay, softmax_scale, reverse, isa, num_threads, device, stream):
    """Fills lta_forward_args a (initialised) for a call on ptrs = (q, k, v, o, s0, st, cu)."""
    B, T, H, Hkv, K, V, N = sizes
    q, k, v, o, s0, st, cu = ptrs
    g, layer_idx, num_layers = decay
    a.dtype = dtype
    a.batch, a.seqlen, a.num_heads, a.num_kv_heads, a.head_dim_k, a.head_dim_v = B, T, H, Hkv, K, V
    a.q, a.k, a.v, a.o = q, k, v, o
    a.initial_state, a.final_state, a.num_states = s0, st, N
    if cu:
        a.cu_seqlens, a.num_seqs = cu, N
    if g is not None:
        a.g_gamma = g.ctypes.data
    else:
        a.layer_idx, a.num_layers = _c_int("layer_idx", layer_idx), _c_int("num_layers", num_layers)
    if softmax_scale is not None:
        a.has_scale, a.scale = 1, float(softmax_scale)
    a.reverse = 1 if reverse else 0
    if isa not in L.ISA:
        raise ValueError("lightattn: isa=%r is not one of %s" % (isa, ", ".join(L.ISA)))
    a.isa = L.ISA[isa]
    a.num_threads = _c_int("num_threads", num_threads)
    if device == L.DEVICE_CUDA:
        if not L.has_cuda():
            raise L.LightattnError(10, "this liblightattn has no CUDA support (built without "
                                       "CUDA, or older than it): CUDA arrays cannot run on it")
        a.device, a.stream = device, stream or None


def _call(dtype, sizes, ptrs, decay, softmax_scale, reverse, isa, num_threads,
          device=L.DEVICE_CPU, stream=0):
    """Fills lta_forward_args and runs lta_forward(); raises LightattnError on refusal."""
    a = L.ForwardArgs()
    lib = L.lib()
    lib.lta_forward_args_init(a)
    _fill(a, dtype, sizes, ptrs, decay, softmax_scale, reverse, isa, num_threads, device, stream)
    L.check(lib.lta_forward(a))


def _call_backward(dtype, sizes, ptrs, grads, decay, softmax_scale, reverse, isa, num_threads,
                   device=L.DEVICE_CPU, stream=0):
    """Runs lta_backward() on the forward's inputs ptrs = (q, k, v, s0, cu) and grads = (d_o,
    d_final_state, d_q, d_k, d_v, d_initial_state) (d_final_state, d_initial_state may be
    None); raises LightattnError on refusal, also for a CUDA call while the library computes
    the backward on the CPU only (its message says so)."""
    lib = L.lib()
    if not hasattr(lib, "lta_backward"):
        raise L.LightattnError(10, "this liblightattn has no backward pass (lta_backward): it "
                                   "predates it; install a newer one")
    b = L.BackwardArgs()
    lib.lta_backward_args_init(b)
    q, k, v, s0, cu = ptrs
    _fill(b.fwd, dtype, sizes, (q, k, v, None, s0, None, cu), decay, softmax_scale, reverse, isa,
          num_threads, device, stream)
    b.d_o, b.d_final_state, b.d_q, b.d_k, b.d_v, b.d_initial_state = grads
    L.check(lib.lta_backward(b))


def _decay(g_gamma, layer_idx, num_layers):
    if g_gamma is None and (layer_idx is None or num_layers is None):
        raise ValueError("lightattn: give layer_idx and num_layers (the seed's decay) or g_gamma")
    if g_gamma is not None and (layer_idx is not None or num_layers is not None):
        raise ValueError("lightattn: give either layer_idx and num_layers or g_gamma, not both")
    return _host_g_gamma(g_gamma), layer_idx, num_layers


# ---- numpy (CPU) ----------------------------------------------------------------------------

def _forward_numpy(q, k, v, decay, scale, s0, reverse, cu, isa, threads):
    q, k, v = (np.ascontiguousarray(np.asarray(x)) for x in (q, k, v))
    _same_dtype(q, k, v)
    code = _numpy_code(q.dtype)
    if cu is not None:
        cu = np.asarray(cu)
        if not np.issubdtype(cu.dtype, np.integer):
            raise TypeError("lightattn: cu_seqlens must be integers, got %s" % cu.dtype)
        cu = np.ascontiguousarray(cu, dtype=np.int64)
    if s0 is not None:
        s0 = np.ascontiguousarray(np.asarray(s0), dtype=np.float32)
    sizes = _shapes(q, k, v, s0, cu, decay[0])
    B, T, H, Hkv, K, V, N = sizes
    o = np.empty((B, T, H, V), dtype=q.dtype)
    st = np.empty((N, H, K, V), dtype=np.float32)
    ptr = lambda x: None if x is None else x.ctypes.data  # noqa: E731
    _call(code, sizes, (ptr(q), ptr(k), ptr(v), ptr(o), ptr(s0), ptr(st), ptr(cu)), decay, scale,
          reverse, isa, threads)
    return o, st


# ---- PyTorch (CPU or CUDA) ------------------------------------------------------------------

def _torch_prepare(q, k, v, decay, s0, cu):
    """(dtype code, device, sizes, (q, k, v, s0, cu)): the tensors as the library reads them
    (contiguous, s0 float32, cu int64 on q's device), after the checks of shapes and dtypes."""
    import torch
    codes = {torch.float32: L.F32, torch.float16: L.F16, torch.bfloat16: L.BF16}
    dev = _one_device(q, k, v, s0)
    if q.dtype not in codes:
        raise TypeError("lightattn: query dtype %s is not float32, float16 or bfloat16" % q.dtype)
    if dev.type not in ("cpu", "cuda"):
        raise ValueError("lightattn: tensors on %s: only cpu and cuda are supported" % dev)
    q, k, v = (x.detach().contiguous() for x in (q, k, v))
    if cu is not None:  # offsets from anywhere (a list, numpy, another device) move to q's
        if not isinstance(cu, torch.Tensor):
            cu = torch.as_tensor(np.asarray(cu))
        if cu.dtype.is_floating_point or cu.dtype.is_complex:
            raise TypeError("lightattn: cu_seqlens must be integers, got %s" % cu.dtype)
        cu = cu.detach().to(device=dev, dtype=torch.int64).contiguous()
    if s0 is not None:
        s0 = s0.detach().to(torch.float32).contiguous()
    sizes = _shapes(q, k, v, s0, cu, decay[0])
    return codes[q.dtype], dev, sizes, (q, k, v, s0, cu)


def _torch_ptr(x):
    return None if x is None else x.data_ptr()


def _torch_run(dev, fn, *args):
    """fn(*args, device, stream): on CUDA on the current stream of dev, as torch's operators."""
    import torch
    if dev.type != "cuda":
        return fn(*args)
    with torch.cuda.device(dev):
        return fn(*args, L.DEVICE_CUDA, torch.cuda.current_stream(dev).cuda_stream)


def _forward_torch(q, k, v, decay, scale, s0, reverse, cu, isa, threads):
    import torch
    code, dev, sizes, (q, k, v, s0, cu) = _torch_prepare(q, k, v, decay, s0, cu)
    B, T, H, Hkv, K, V, N = sizes
    o = torch.empty((B, T, H, V), dtype=q.dtype, device=dev)
    st = torch.empty((N, H, K, V), dtype=torch.float32, device=dev)
    ptrs = tuple(_torch_ptr(x) for x in (q, k, v, o, s0, st, cu))
    _torch_run(dev, _call, code, sizes, ptrs, decay, scale, reverse, isa, threads)
    return o, st


def _backward_torch(q, k, v, decay, scale, s0, reverse, cu, isa, threads, d_o, d_st, want_ds0):
    """(d_q, d_k, d_v, d_initial_state or None) of the call _forward_torch(q, k, v, ...) for
    the gradients d_o of its output and d_st of its final state (None: zero)."""
    import torch
    code, dev, sizes, (q, k, v, s0, cu) = _torch_prepare(q, k, v, decay, s0, cu)
    B, T, H, Hkv, K, V, N = sizes
    if d_o is None:
        d_o = torch.zeros((B, T, H, V), dtype=q.dtype, device=dev)
    d_o = d_o.detach().to(q.dtype).contiguous()
    if d_st is not None:
        d_st = d_st.detach().to(torch.float32).contiguous()
    d_q, d_k, d_v = (torch.empty_like(x) for x in (q, k, v))
    d_s0 = torch.empty((N, H, K, V), dtype=torch.float32, device=dev) if want_ds0 else None
    ptrs = tuple(_torch_ptr(x) for x in (q, k, v, s0, cu))
    grads = tuple(_torch_ptr(x) for x in (d_o, d_st, d_q, d_k, d_v, d_s0))
    _torch_run(dev, _call_backward, code, sizes, ptrs, grads, decay, scale, reverse, isa, threads)
    return d_q, d_k, d_v, d_s0


# ---- CuPy (CUDA) ----------------------------------------------------------------------------

def _forward_cupy(q, k, v, decay, scale, s0, reverse, cu, isa, threads):
    import cupy
    codes = {np.dtype(np.float32): L.F32, np.dtype(np.float16): L.F16}
    dev = _one_device(q, k, v, s0)
    if q.dtype not in codes:
        raise TypeError("lightattn: query dtype %s is not float32 or float16 (CuPy)" % q.dtype)
    with dev:
        q, k, v = (cupy.ascontiguousarray(x) for x in (q, k, v))
        if cu is not None:  # host offsets are copied to the device
            cu = cupy.asarray(cu)
            if not np.issubdtype(cu.dtype, np.integer):
                raise TypeError("lightattn: cu_seqlens must be integers, got %s" % cu.dtype)
            cu = cupy.ascontiguousarray(cu, dtype=cupy.int64)
        if s0 is not None:
            s0 = cupy.ascontiguousarray(s0, dtype=cupy.float32)
        sizes = _shapes(q, k, v, s0, cu, decay[0])
        B, T, H, Hkv, K, V, N = sizes
        o = cupy.empty((B, T, H, V), dtype=q.dtype)
        st = cupy.empty((N, H, K, V), dtype=cupy.float32)
        ptr = lambda x: None if x is None else x.data.ptr  # noqa: E731
        _call(codes[q.dtype], sizes, (ptr(q), ptr(k), ptr(v), ptr(o), ptr(s0), ptr(st), ptr(cu)),
              decay, scale, reverse, isa, threads, L.DEVICE_CUDA,
              cupy.cuda.get_current_stream().ptr)
    return o, st


# ---- other DLPack arrays (JAX, ...) ---------------------------------------------------------

def _forward_dlpack(q, k, v, decay, scale, s0, reverse, cu, isa, threads):
    kind, _ = q.__dlpack_device__()
    is_jax = type(q).__module__.split(".")[0] in ("jax", "jaxlib")
    args = (q, k, v, s0, cu)
    if kind in (_DLPACK_CPU, _DLPACK_CUDA_HOST):
        # np.asarray keeps JAX's bfloat16 (an ml_dtypes type); from_dlpack serves the rest.
        view = np.asarray if is_jax else np.from_dlpack
        args = [x if x is None or not hasattr(x, "__dlpack__") else view(x) for x in args]
        o, st = _forward_numpy(args[0], args[1], args[2], decay, scale, args[3], reverse, args[4],
                               isa, threads)
        if is_jax:
            import jax.numpy as jnp
            return jnp.asarray(o), jnp.asarray(st)
        return o, st
    if kind not in (_DLPACK_CUDA, _DLPACK_CUDA_MANAGED):
        raise ValueError("lightattn: DLPack device type %d is neither CPU nor CUDA" % kind)
    try:
        import torch
        view, run = torch.from_dlpack, _forward_torch
    except ImportError:
        try:
            import cupy
        except ImportError:
            raise ImportError("lightattn: CUDA arrays other than PyTorch's and CuPy's are run "
                              "through PyTorch or CuPy, and neither is installed") from None
        view, run = cupy.from_dlpack, _forward_cupy
    args = [x if x is None or not hasattr(x, "__dlpack__") else view(x) for x in args]
    o, st = run(args[0], args[1], args[2], decay, scale, args[3], reverse, args[4], isa, threads)
    if is_jax:
        import jax.dlpack
        return jax.dlpack.from_dlpack(o), jax.dlpack.from_dlpack(st)
    return o, st


def _forward(q, k, v, decay, scale, s0, reverse, cu, isa, threads):
    if isinstance(q, np.ndarray):
        fn = _forward_numpy
    else:
        mod = type(q).__module__.split(".")[0]
        if mod == "torch":
            fn = _forward_torch
        elif mod == "cupy":
            fn = _forward_cupy
        elif hasattr(q, "__dlpack_device__"):
            fn = _forward_dlpack
        else:
            fn = _forward_numpy  # lists, scalars wrapped by numpy
    return fn(q, k, v, decay, scale, s0, reverse, cu, isa, threads)


def _constants(**xs):
    """ValueError for a g_gamma or softmax_scale tensor that requires a gradient: the decay and
    the scale are constants of the operation (SPEC section 2), and a parameter that silently
    never learns is worse than a refusal."""
    for name, x in xs.items():
        if type(x).__module__.split(".")[0] == "torch" and x.requires_grad and _grad_enabled():
            raise ValueError("lightattn: %s requires grad, but lightning_attn computes no gradient "
                             "for it (a constant of the operation, read on the host); pass "
                             "%s.detach()" % (name, name))


def _grad_enabled():
    import torch
    return torch.is_grad_enabled()


def _needs_autograd(*xs):
    return _grad_enabled() and any(
        x is not None and getattr(x, "requires_grad", False) for x in xs)
