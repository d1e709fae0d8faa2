-- A kernel spec for the tests: head dims that are not multiples of any vector width, so the
-- chunked kernels' tail paths (leftover vectors, single columns, single rows, K transposed by
-- floats), forward and backward, are generated, built and swept (tools/test.sh builds with
-- -DLTA_KERNEL_SPEC=this).
axis "op"     { "fwd", "bwd" }
axis "dtype"  { "f32", "f16", "bf16" }
axis "K"      { 0, 20, 40 }
axis "V"      { 0, 36, 24 }
axis "H"      { 0 }
axis "dir"    { "fwd", "rev" }
axis "target" { "scalar", "neon", "avx2", "avx512" }

keep(function(k)
  if k.K == 0 or k.V == 0 then return k.K == 0 and k.V == 0 and k.target == "scalar" end
  return (k.K == 20 and k.V == 36) or (k.K == 40 and k.V == 24)
end)

template { op = "fwd", family = "cpu", file = "cpu_fwd.c.lt" }
template { op = "bwd", family = "cpu", file = "cpu_bwd.c.lt" }
