"""Loading the C library and describing its API to ctypes.

The library is looked up, in order, at $LIGHTATTN_LIBRARY (a file path), next to this package
(a liblightattn.so* copied into it), then by the system's loader (LD_LIBRARY_PATH, ld.so.conf,
the usual prefixes). ForwardArgs mirrors `lta_forward_args` of lightattn.h field by field, in
order, including the fields appended at its end (device, stream, workspace, workspace_bytes,
state_indices): a library built before them reads only the leading part, which is the same.
BackwardArgs mirrors `lta_backward_args` (the forward's arguments, then the gradients).
"""
import ctypes
import ctypes.util
import glob
import os

# lta_status, lta_dtype, lta_isa, lta_device: the values of lightattn.h.
OK = 0
STATUS_NAMES = {
    0: "LTA_OK", 1: "LTA_ERR_NULL", 2: "LTA_ERR_SIZE", 3: "LTA_ERR_HEADS", 4: "LTA_ERR_SEQLENS",
    5: "LTA_ERR_STATE", 6: "LTA_ERR_DECAY", 7: "LTA_ERR_SCALE", 8: "LTA_ERR_DTYPE",
    9: "LTA_ERR_ALIAS", 10: "LTA_ERR_UNSUPPORTED", 11: "LTA_ERR_NO_MEMORY",
    12: "LTA_ERR_MEMORY_SPACE", 13: "LTA_ERR_CUDA",
}
F32, F16, BF16 = 1, 2, 3
ISA = {"auto": 0, "generic": 1, "scalar": 2, "neon": 3, "avx2": 4, "avx512": 5}
DEVICE_CPU, DEVICE_CUDA = 0, 1


class ForwardArgs(ctypes.Structure):
    _fields_ = [
        ("dtype", ctypes.c_int),
        ("batch", ctypes.c_int64),
        ("seqlen", ctypes.c_int64),
        ("num_heads", ctypes.c_int64),
        ("num_kv_heads", ctypes.c_int64),
        ("head_dim_k", ctypes.c_int64),
        ("head_dim_v", ctypes.c_int64),
        ("q", ctypes.c_void_p),
        ("k", ctypes.c_void_p),
        ("v", ctypes.c_void_p),
        ("o", ctypes.c_void_p),
        ("initial_state", ctypes.c_void_p),
        ("final_state", ctypes.c_void_p),
        ("num_states", ctypes.c_int64),
        ("cu_seqlens", ctypes.c_void_p),
        ("num_seqs", ctypes.c_int64),
        ("g_gamma", ctypes.c_void_p),
        ("layer_idx", ctypes.c_int),
        ("num_layers", ctypes.c_int),
        ("has_scale", ctypes.c_int),
        ("scale", ctypes.c_float),
        ("reverse", ctypes.c_int),
        ("isa", ctypes.c_int),
        ("num_threads", ctypes.c_int),
        # CUDA (cuda-api plan): zero keeps the CPU behaviour.
        ("device", ctypes.c_int),
        ("stream", ctypes.c_void_p),
        ("workspace", ctypes.c_void_p),
        ("workspace_bytes", ctypes.c_size_t),
        # The state pool (decode): NULL keeps one state per sequence.
        ("state_indices", ctypes.c_void_p),
    ]


class BackwardArgs(ctypes.Structure):
    _fields_ = [
        ("fwd", ForwardArgs),
        ("d_o", ctypes.c_void_p),
        ("d_final_state", ctypes.c_void_p),
        ("d_q", ctypes.c_void_p),
        ("d_k", ctypes.c_void_p),
        ("d_v", ctypes.c_void_p),
        ("d_initial_state", ctypes.c_void_p),
    ]


class LightattnError(Exception):
    """A call the library refused or failed: `status` is the lta_status name (e.g.
    "LTA_ERR_HEADS"), `code` its value, and the message is the library's lta_last_error()."""

    def __init__(self, code, message):
        self.code = code
        self.status = STATUS_NAMES.get(code, "status %d" % code)
        super().__init__("%s: %s" % (self.status, message))


def _candidates():
    env = os.environ.get("LIGHTATTN_LIBRARY")
    if env:
        return [env]  # explicit: nothing else is tried, so a wrong path is an error
    here = os.path.dirname(os.path.abspath(__file__))
    found = sorted(glob.glob(os.path.join(here, "liblightattn.so*")))
    found += ["liblightattn.so.0", "liblightattn.so"]
    name = ctypes.util.find_library("lightattn")
    if name:
        found.append(name)
    return found


def _load():
    errors = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            errors.append("%s: %s" % (path, e))
            continue
        _declare(lib)
        return lib
    raise ImportError(
        "lightattn: the C library liblightattn.so was not found; build and install it "
        "(cmake --install), or set LIGHTATTN_LIBRARY to its path. Tried: " + "; ".join(errors))


def _declare(lib):
    P = ctypes.POINTER
    lib.lta_forward_args_init.argtypes = [P(ForwardArgs)]
    lib.lta_forward_args_init.restype = None
    lib.lta_forward.argtypes = [P(ForwardArgs)]
    lib.lta_forward.restype = ctypes.c_int
    lib.lta_forward_kernel.argtypes = [P(ForwardArgs), P(ctypes.c_char_p)]
    lib.lta_forward_kernel.restype = ctypes.c_int
    lib.lta_seed_g_gamma.argtypes = [ctypes.c_int64, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
    lib.lta_seed_g_gamma.restype = ctypes.c_int
    lib.lta_last_error.argtypes = []
    lib.lta_last_error.restype = ctypes.c_char_p
    lib.lta_version.argtypes = []
    lib.lta_version.restype = ctypes.c_char_p
    if hasattr(lib, "lta_backward"):
        lib.lta_backward_args_init.argtypes = [P(BackwardArgs)]
        lib.lta_backward_args_init.restype = None
        lib.lta_backward.argtypes = [P(BackwardArgs)]
        lib.lta_backward.restype = ctypes.c_int
    if hasattr(lib, "lta_forward_workspace_size"):
        lib.lta_forward_workspace_size.argtypes = [P(ForwardArgs), P(ctypes.c_size_t)]
        lib.lta_forward_workspace_size.restype = ctypes.c_int


_lib = None


def lib():
    """The loaded library (loaded on first use)."""
    global _lib
    if _lib is None:
        _lib = _load()
    return _lib


def has_cuda():
    """True when the loaded library knows the CUDA API (lta_forward_workspace_size). A build
    without CUDA kernels knows it too and refuses CUDA calls with LTA_ERR_UNSUPPORTED."""
    return hasattr(lib(), "lta_forward_workspace_size")


def check(code):
    if code != OK:
        raise LightattnError(code, lib().lta_last_error().decode("utf-8", "replace"))
