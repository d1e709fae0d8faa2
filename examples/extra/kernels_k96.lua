-- Extra kernels for a head dim the default set does not build (K = V = 96), for
-- lightattn_add_kernels() or lta-gen against an installed lightattn. Every axis is declared;
-- keep() accepts all combinations; the template is the installed CPU forward template.
axis "op"     { "fwd" }
axis "dtype"  { "f32", "bf16" }
axis "K"      { 96 }
axis "V"      { 96 }
axis "H"      { 0 }                       -- any head count
axis "dir"    { "fwd", "rev" }
axis "target" { "scalar", "neon", "avx2", "avx512" }  -- lightattn_add_kernels() keeps those built
keep(function(k) return true end)
template { op = "fwd", family = "cpu", file = "cpu_fwd.c.lt" }
