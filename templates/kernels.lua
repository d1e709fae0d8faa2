-- The default kernel set of lightattn: the axes to instantiate, the combinations to skip, and
-- the template for each op and target family. lta-gen takes the product of the axes, asks
-- keep() about each combination, and renders one file per kept kernel (see gen/spec.c).

axis "op"     { "fwd", "dec", "bwd", "spf", "spb" } -- forward of SPEC section 1; its decode form
                                               -- (few tokens); the backward of SPEC section 2;
                                               -- sequence parallel: a rank's combine
axis "dtype"  { "f32", "f16", "bf16" }         -- element type of q, k, v, o; states are always f32
axis "K"      { 0, 32, 64, 128, 256 }          -- q/k head dim; 0 = any, taken at run time
axis "V"      { 0, 32, 64, 128, 256 }          -- v/o head dim; 0 = any
axis "H"      { 0, 16, 32, 64 }                -- query heads; 0 = any
axis "dir"    { "fwd", "rev" }                 -- time direction: prefix or suffix recurrence
axis "target" { "scalar", "neon", "avx2", "avx512",   -- CPU instruction sets, chosen at run time
                "cuda", "sm80", "sm90" }           -- CUDA: generic, and by compute capability

-- The head dims of the models in use: K = V, and RetNet's V = 2K.
local pairs_kept = { ["32x32"] = true, ["64x64"] = true, ["128x128"] = true,
                     ["256x256"] = true, ["64x128"] = true }

keep(function(k)
  if k.op == "spf" or k.op == "spb" then
    -- Sequence parallel (SPEC section 3's combine across ranks): generic (K, V, H any), one CPU
    -- kernel (scalar) and one CUDA kernel (cuda) per dtype and direction.
    return k.K == 0 and k.V == 0 and k.H == 0 and (k.target == "scalar" or k.target == "cuda")
  end
  if k.op == "bwd" then
    -- The backward on the CPU: the generic kernel (any K, V; plain C), and the chunked one for
    -- the head dims in use on every ISA; per dtype and direction, any head count. On CUDA one
    -- driver per dtype and direction (any K, V, H), whose three forward passes run on the
    -- forward kernels the runtime selects for them (templates/cuda_bwd.cu.lt).
    if k.family == "cpu" then
      if k.K == 0 or k.V == 0 then return k.K == 0 and k.V == 0 and k.H == 0 and k.target == "scalar" end
      return pairs_kept[k.K .. "x" .. k.V] == true and k.H == 0
    end
    return k.K == 0 and k.V == 0 and k.H == 0 and k.target == "cuda"
  end
  if k.op == "dec" then
    -- Decode (a few tokens per sequence, the state read and written once): the head dims in
    -- use, every dtype (its arithmetic is fp32 throughout); on CUDA one kernel serves every GPU
    -- (it is bound by memory, not by the tensor cores); any head count.
    if not pairs_kept[k.K .. "x" .. k.V] or k.H ~= 0 then return false end
    return k.family == "cpu" or k.target == "cuda"
  end
  if k.family == "cuda" then
    -- The generic CUDA kernel (target "cuda", any K, V, H, every dtype) serves every valid
    -- shape. Tensor-core kernels (f16/bf16 operands, fp32 accumulation) are specialised on the
    -- head dims and the architecture; f32 keeps exact fp32 arithmetic in the generic kernel.
    -- The head count shapes nothing inside a CUDA block, so only "any" is built.
    if k.K == 0 or k.V == 0 then
      return k.K == 0 and k.V == 0 and k.H == 0 and k.target == "cuda"
    end
    -- 128 x 64 serves the backward of 64 x 128 (its dq and dk passes swap K and V).
    local pair = k.K .. "x" .. k.V
    return k.target ~= "cuda" and k.dtype ~= "f32" and k.H == 0 and (pairs_kept[pair] or pair == "128x64")
  end
  -- The generic kernel (K = V = any) is the fallback for every valid shape: plain scalar code,
  -- portable to any CPU, and the reference that the benchmarks measure against.
  if k.K == 0 or k.V == 0 then
    return k.K == 0 and k.V == 0 and k.H == 0 and k.target == "scalar"
  end
  if not pairs_kept[k.K .. "x" .. k.V] then return false end
  -- A CPU kernel loops over (sequence, head) items: a fixed head count changes nothing in its
  -- inner loops, so on CPU targets only "any" is built.
  if k.H ~= 0 then return false end
  return true
end)

template { op = "fwd", family = "cpu", file = "cpu_fwd.c.lt" }
template { op = "dec", family = "cpu", file = "cpu_fwd.c.lt" }
template { op = "bwd", family = "cpu", file = "cpu_bwd.c.lt" }
template { op = "fwd", family = "cuda", file = "cuda_fwd.cu.lt" }
template { op = "dec", family = "cuda", file = "cuda_fwd.cu.lt" }
template { op = "bwd", family = "cuda", file = "cuda_bwd.cu.lt" }
template { op = "spf", family = "cpu", file = "sp_cpu.c.lt" }
template { op = "spb", family = "cpu", file = "sp_cpu.c.lt" }
template { op = "spf", family = "cuda", file = "sp_cuda.cu.lt" }
template { op = "spb", family = "cuda", file = "sp_cuda.cu.lt" }
