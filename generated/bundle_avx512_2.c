/* Auto-generated file. Do not edit!
 *   Spec:      templates/kernels.lua
 *   Selection: all kernels; targets scalar neon avx2 avx512 cuda sm80 sm90
 *   Generator: lta-gen (gen/); regenerate, never edit.
 * Shard 3 of 4 of the avx512 kernels (90 in all): the build compiles each shard
 * with the avx512 flags, so its source list stays fixed whatever the kernel set.
 */
#include "cpu/lta_bwd_bf16_k256_v256__avx512.c"
#include "cpu/lta_bwd_bf16_k64_v128__avx512.c"
#include "cpu/lta_bwd_f16_k128_v128__avx512.c"
#include "cpu/lta_bwd_f16_k32_v32__avx512.c"
#include "cpu/lta_bwd_f16_k64_v64__avx512.c"
#include "cpu/lta_bwd_f32_k256_v256__avx512.c"
#include "cpu/lta_bwd_f32_k64_v128__avx512.c"
#include "cpu/lta_dec_bf16_k128_v128__avx512.c"
#include "cpu/lta_dec_bf16_k32_v32__avx512.c"
#include "cpu/lta_dec_bf16_k64_v64__avx512.c"
#include "cpu/lta_dec_f16_k256_v256__avx512.c"
#include "cpu/lta_dec_f16_k64_v128__avx512.c"
#include "cpu/lta_dec_f32_k128_v128__avx512.c"
#include "cpu/lta_dec_f32_k32_v32__avx512.c"
#include "cpu/lta_dec_f32_k64_v64__avx512.c"
#include "cpu/lta_fwd_bf16_k256_v256__avx512.c"
#include "cpu/lta_fwd_bf16_k64_v128__avx512.c"
#include "cpu/lta_fwd_f16_k128_v128__avx512.c"
#include "cpu/lta_fwd_f16_k32_v32__avx512.c"
#include "cpu/lta_fwd_f16_k64_v64__avx512.c"
#include "cpu/lta_fwd_f32_k256_v256__avx512.c"
#include "cpu/lta_fwd_f32_k64_v128__avx512.c"
